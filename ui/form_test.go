package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// lineAfter returns the screen line below the first one containing text,
// or "" when there is none.
func lineAfter(view, text string) string {
	lines := strings.Split(view, "\n")
	for i, line := range lines {
		if strings.Contains(line, text) && i+1 < len(lines) {
			return lines[i+1]
		}
	}
	return ""
}

func TestFormErrorsShowOnScreen(t *testing.T) {
	tests := []struct {
		name string
		// fill opens a form and types into it; the test then saves.
		fill func(m *Model)
		// want is the error text; below is the row it shows under, "" for
		// an error that names no row.
		want, below string
	}{
		{
			name: "bad date",
			fill: func(m *Model) {
				press(m, "n")
				typeText(m, "Acme")
				press(m, "tab")
				typeText(m, "2026-13-40")
			},
			want:  `invalid expected date "2026-13-40"`,
			below: "Expected date",
		},
		{
			name: "quantity not a number",
			fill: func(m *Model) {
				press(m, "n")
				typeText(m, "Acme")
				press(m, "tab", "tab", "tab", "tab")
				typeText(m, "SKU-1")
				press(m, "tab", "tab")
				typeText(m, "abc")
			},
			want:  `quantity "abc" of SKU-1 is not a whole number`,
			below: "SKU-1",
		},
		{
			name: "receipt not a number",
			fill: func(m *Model) {
				press(m, "R")
				typeText(m, "x")
			},
			want:  `received quantity "x" of TEE-BLK-M is not a whole number`,
			below: "TEE-BLK-M",
		},
		{
			name: "receipt without units",
			fill: func(m *Model) {
				press(m, "R")
			},
			want: "no units entered; type the received units",
		},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, tt := range tests {
			t.Run(tt.name+"/"+itoa(size[0]), func(t *testing.T) {
				st := openTestStore(t)
				createPO(t, st, "Acme", store.StatusOrdered)
				m := newTestModel(t, st, nil, buyer)
				send(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				tt.fill(m)
				for m.mode != modeBoard && !activeGrid(m).onSave() {
					press(m, "tab")
				}
				press(m, "enter")

				if m.mode == modeBoard {
					t.Fatalf("the form closed; notice %q", m.status.notice.text)
				}
				view := plainView(m)
				if !strings.Contains(flatView(m), flat(tt.want)) {
					t.Fatalf("view lacks the error %q:\n%s", tt.want, view)
				}
				if tt.below != "" && !strings.Contains(lineAfter(view, tt.below), firstWords(tt.want, 3)) {
					t.Errorf("error is not on the line below %q:\n%s", tt.below, view)
				}
				if lines := strings.Count(view, "\n") + 1; lines != size[1] {
					t.Errorf("view has %d lines, want %d", lines, size[1])
				}
			})
		}
	}
}

// activeGrid returns the fields of the open PO or receipt form.
func activeGrid(m *Model) *formGrid {
	if m.mode == modeReceipt {
		return &m.receipt.grid
	}
	return &m.form.grid
}

// firstWords returns the first n words of text.
func firstWords(text string, n int) string {
	words := strings.Fields(text)
	return strings.Join(words[:min(n, len(words))], " ")
}

func TestEditFormOffersReloadWhenStale(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusDraft)
	m := newTestModel(t, st, nil, buyer)

	press(m, "e")
	if m.mode != modeForm {
		t.Fatalf("mode after e = %v; notice %q", m.mode, m.status.notice.text)
	}
	bob := store.Actor{Name: "bob", Role: store.RoleBuyer}
	if _, err := st.EditPO(bob, "PO-000001", 0, store.Edit{Supplier: ptr("Acme Ltd")}); err != nil {
		t.Fatal(err)
	}
	typeText(m, " Textiles")
	for !m.form.grid.onSave() {
		press(m, "tab")
	}
	press(m, "enter")

	view := flatView(m)
	for _, want := range []string{"PO-000001 was changed by bob", "ctrl+r"} {
		if !strings.Contains(view, flat(want)) {
			t.Errorf("view lacks %q:\n%s", want, plainView(m))
		}
	}
	press(m, "tab")
	if !strings.Contains(flatView(m), flat("was changed by bob")) {
		t.Errorf("moving to another field hid the stale error:\n%s", plainView(m))
	}

	press(m, "ctrl+r")
	if m.mode != modeForm {
		t.Fatalf("ctrl+r closed the form; notice %q", m.status.notice.text)
	}
	if got := m.form.grid.rows[rowSupplier].value(0); got != "Acme Ltd" {
		t.Errorf("supplier after reload = %q, want bob's %q", got, "Acme Ltd")
	}
	if view := plainView(m); strings.Contains(view, "was changed by bob") {
		t.Errorf("stale error still shown after reload:\n%s", view)
	}
	for !m.form.grid.onSave() {
		press(m, "tab")
	}
	press(m, "enter")
	if m.mode != modeBoard {
		t.Fatalf("save after reload failed: %q", m.form.grid.err)
	}
	if po, _ := st.GetPO("PO-000001"); po.Supplier != "Acme Ltd" {
		t.Errorf("supplier = %q, want %q", po.Supplier, "Acme Ltd")
	}
}

func TestReceiptFormReloadsWhenStale(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusOrdered)
	m := newTestModel(t, st, nil, buyer)
	press(m, "R")
	if _, err := st.RecordReceipt(store.Actor{Name: "bob", Role: store.RoleBuyer}, "PO-000001", 0,
		[]store.ReceiptLine{{SKU: "TEE-BLK-M", Qty: 40}}); err != nil {
		t.Fatal(err)
	}
	typeText(m, "10")
	for !m.receipt.grid.onSave() {
		press(m, "tab")
	}
	press(m, "enter")
	if !strings.Contains(flatView(m), flat("was changed by bob")) {
		t.Fatalf("view lacks the stale error:\n%s", plainView(m))
	}

	press(m, "ctrl+r")
	if got := m.receipt.grid.rows[0].label; got != "TEE-BLK-M (60 open)" {
		t.Errorf("reloaded receipt row = %q, want the new open count", got)
	}
	typeText(m, "10")
	for !m.receipt.grid.onSave() {
		press(m, "tab")
	}
	press(m, "enter")
	if po, _ := st.GetPO("PO-000001"); po.Lines[0].Received != 50 {
		t.Errorf("received = %d, want 50", po.Lines[0].Received)
	}
}

func TestNotesFormWhereOnlyNotesChange(t *testing.T) {
	tests := []struct {
		name string
		// setup stores the PO that e is pressed on.
		setup func(t *testing.T, st *store.Store) store.PO
		// reason is the form's text about the other fields.
		reason string
	}{
		{
			name:   "locked ordered",
			setup:  func(t *testing.T, st *store.Store) store.PO { return pushedPO(t, st, 0) },
			reason: "PO-000001 is locked because it was pushed to Simulated warehouse. Supplier, dates, lines and status change in Simulated warehouse",
		},
		{
			name:   "locked partially received",
			setup:  func(t *testing.T, st *store.Store) store.PO { return pushedPO(t, st, 40) },
			reason: "change in Simulated warehouse, and sync back here",
		},
		{
			name: "push in progress",
			setup: func(t *testing.T, st *store.Store) store.PO {
				po := createPO(t, st, "Acme", store.StatusOrdered)
				po, err := st.RequestPush(buyer, po.Number, 0, "simulator", "Simulated warehouse")
				if err != nil {
					t.Fatal(err)
				}
				return po
			},
			reason: "PO-000001 is locked while its push to Simulated warehouse is in progress",
		},
		{
			name:   "closed, never pushed",
			setup:  func(t *testing.T, st *store.Store) store.PO { return createPO(t, st, "Acme", store.StatusCancelled) },
			reason: "PO-000001 is Cancelled, so its supplier, dates and lines no longer change",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openTestStore(t)
			po := tt.setup(t, st)
			m := newTestModel(t, st, nil, buyer)

			press(m, "e")
			if m.mode != modeForm {
				t.Fatalf("mode after e = %v; notice %q", m.mode, m.status.notice.text)
			}
			view := flatView(m)
			for _, want := range []string{"Notes of PO-000001", tt.reason, "never sent to the supplier or the WMS"} {
				if !strings.Contains(view, flat(want)) {
					t.Errorf("notes form lacks %q:\n%s", want, plainView(m))
				}
			}
			press(m, "ctrl+n")
			if rows := len(m.form.grid.rows); rows != 1 {
				t.Errorf("notes form has %d rows after ctrl+n, want the notes row alone", rows)
			}

			typeText(m, "call the dock before delivery")
			press(m, "enter", "enter")
			if m.mode != modeBoard {
				t.Fatalf("notes not saved: form error %q", m.form.grid.err)
			}
			got, err := st.GetPO(po.Number)
			if err != nil {
				t.Fatal(err)
			}
			if got.Notes != "call the dock before delivery" {
				t.Errorf("notes = %q", got.Notes)
			}
			if got.Status != po.Status || len(got.Lines) != 1 || got.Lines[0].Ordered != 100 {
				t.Errorf("saving notes changed the PO: %s, lines %+v", got.Status, got.Lines)
			}
			if !strings.Contains(m.status.notice.text, "PO-000001 notes saved") {
				t.Errorf("notice = %q", m.status.notice.text)
			}
		})
	}
}

func TestNotesFormReloadsWhenStale(t *testing.T) {
	st := openTestStore(t)
	po := pushedPO(t, st, 0)
	m := newTestModel(t, st, nil, buyer)
	press(m, "e")
	typeText(m, "mine")

	// The WMS reports a receipt while the buyer types.
	update := store.RemoteUpdate{Number: po.Number, Connector: "simulator", RemoteID: "SIM-1", AsOf: testNow,
		Lines: []store.RemoteLine{{SKU: "TEE-BLK-M", Ordered: 100, Received: 30}}}
	if _, _, err := st.ApplyRemote(update); err != nil {
		t.Fatal(err)
	}
	press(m, "enter", "enter")
	if !m.form.grid.stale {
		t.Fatalf("save over a newer version did not go stale: error %q", m.form.grid.err)
	}
	press(m, "ctrl+r")
	if m.mode != modeForm || m.form.notesOnly == "" {
		t.Fatalf("ctrl+r left mode %v, notes only %q; want the notes form again", m.mode, m.form.notesOnly)
	}
	typeText(m, "mine")
	press(m, "enter", "enter")
	if got, _ := st.GetPO(po.Number); got.Notes != "mine" {
		t.Errorf("notes after reload = %q, want %q; form error %q", got.Notes, "mine", m.form.grid.err)
	}
}
