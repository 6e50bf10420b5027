package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// linkToExtensiv records PO-000001 as pushed to and accepted by Extensiv.
func linkToExtensiv(t *testing.T, st *store.Store) {
	t.Helper()
	if _, err := st.RequestPush(buyer, "PO-000001", 0, "extensiv", "Extensiv"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CompletePush("PO-000001", "1001"); err != nil {
		t.Fatal(err)
	}
}

func TestSyncWarningsShown(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(itoa(size[0]), func(t *testing.T) {
			st := openTestStore(t)
			createPO(t, st, "Acme", store.StatusOrdered)
			linkToExtensiv(t, st)
			engine, _ := startEngine(t, st)
			warnings := engine.Status().Warnings
			if len(warnings) != 1 {
				t.Fatalf("engine warnings = %q, want one about extensiv", warnings)
			}

			m := newTestModel(t, st, engine, buyer)
			send(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			if view := flatView(m); !strings.Contains(view, flat(warnings[0])) {
				t.Errorf("status pane lacks the warning %q:\n%s", warnings[0], m.View())
			}

			press(m, "w")
			if view := flatView(m); !strings.Contains(view, flat(warnings[0])) {
				t.Errorf("integrations view lacks the warning %q:\n%s", warnings[0], m.View())
			}
		})
	}
}

func TestNoWarningsKeepsStatusPaneSmall(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusOrdered)
	engine, _ := startEngine(t, st)
	m := newTestModel(t, st, engine, buyer)
	send(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	plainView(m)
	if m.status.height != 4 {
		t.Errorf("status pane is %d lines high without warnings, want 4", m.status.height)
	}
}
