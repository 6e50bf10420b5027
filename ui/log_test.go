package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/log"

	"poboard/store"
)

func TestLogNamesActorOnce(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusCancelled)
	var out bytes.Buffer
	logger := log.New(&out)
	logger.SetLevel(log.DebugLevel)
	// The SSH server hands the board a logger that names the session's
	// actor already.
	m := New(Deps{
		Store: st, Actor: store.Actor{Name: "ana", Role: store.RoleBuyer}, Renderer: asciiRenderer(),
		Logger: logger.With("actor", "ana"), Context: t.Context(), Now: func() time.Time { return testNow },
	})
	m.Close()
	send(m, loadSummariesCmd(m.c, m.list.receiving)())
	send(m, tea.WindowSizeMsg{Width: 100, Height: 30})

	press(m, "s") // a Cancelled PO: the refusal is logged
	send(m, actionCmd(m.c, "PO-000001", "saved", func() (store.PO, error) {
		return st.SetStatus(m.c.actor, "PO-000001", 0, store.StatusDraft)
	}, originStatus)())

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 3 {
		t.Fatalf("log has %d lines, want the opening, the notice and the rejected write:\n%s", len(lines), out.String())
	}
	for _, line := range lines {
		if count := strings.Count(line, "actor=ana"); count != 1 {
			t.Errorf("log line names the actor %d times: %s", count, line)
		}
	}
}
