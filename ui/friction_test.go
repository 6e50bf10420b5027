package ui

import (
	"strings"
	"testing"

	"poboard/store"
)

func TestKeyWaitsForLoadingPO(t *testing.T) {
	st := openTestStore(t)
	for range 3 {
		createPO(t, st, "Acme", store.StatusDraft)
	}
	m := newTestModel(t, st, nil, buyer)

	// G moves to PO-000001; its read has not arrived when e comes.
	_, cmd := m.Update(keyMsg("G"))
	pending := run(cmd)
	send(m, keyMsg("e"))
	if m.mode != modeBoard {
		t.Fatalf("e opened mode %v before PO-000001 loaded", m.mode)
	}
	for _, msg := range pending {
		send(m, msg)
	}

	if m.mode != modeForm || m.form.editing == nil || m.form.editing.Number != "PO-000001" {
		t.Fatalf("after the read: mode %v, notice %q; want the edit form of PO-000001", m.mode, m.status.notice.text)
	}
	if strings.Contains(m.status.notice.text, "press the key again") {
		t.Errorf("notice = %q", m.status.notice.text)
	}
}

func TestKeyForLoadingPODroppedOnMove(t *testing.T) {
	st := openTestStore(t)
	for range 3 {
		createPO(t, st, "Acme", store.StatusDraft)
	}
	m := newTestModel(t, st, nil, buyer)

	_, cmd := m.Update(keyMsg("G"))
	pending := run(cmd)
	send(m, keyMsg("s"))
	press(m, "g") // back to PO-000003 before PO-000001 loads
	for _, msg := range pending {
		send(m, msg)
	}
	if m.detail.dialog != nil {
		t.Errorf("the status menu opened for %s after the selection moved on", m.detail.dialog.title())
	}
}

func TestStatusMenuPreselectsForwardMove(t *testing.T) {
	tests := []struct {
		status store.Status
		want   store.Status
	}{
		{store.StatusDraft, store.StatusApproved},
		{store.StatusApproved, store.StatusOrdered},
		// Ordered moves on only through receipts, and Cancelled is no
		// step forward: the menu starts on its first entry.
		{store.StatusOrdered, store.StatusApproved},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			st := openTestStore(t)
			createPO(t, st, "Acme", tt.status)
			m := newTestModel(t, st, nil, buyer)
			press(m, "s")
			menu, ok := m.detail.dialog.(*statusMenu)
			if !ok {
				t.Fatalf("s opened no status menu; notice %q", m.status.notice.text)
			}
			if got := menu.targets[menu.cursor]; got != tt.want {
				t.Errorf("pre-selected %s, want %s", got, tt.want)
			}
		})
	}
}

func TestFilterNormalisesPONumbers(t *testing.T) {
	st := openTestStore(t)
	for range 12 {
		createPO(t, st, "Acme", store.StatusDraft, store.LineInput{SKU: "MUG-IND", Ordered: 1})
	}
	createPO(t, st, "Route 5 Supply", store.StatusDraft, store.LineInput{SKU: "BOX-M", Ordered: 1})
	m := newTestModel(t, st, nil, buyer)

	tests := []struct {
		query string
		want  []string
	}{
		{"po-5", []string{"PO-000005"}},
		{"PO-5", []string{"PO-000005"}},
		{" po-12 ", []string{"PO-000012"}},
		{"po-000005", []string{"PO-000005"}},
		// A bare number matches its PO and any text containing it.
		{"5", []string{"PO-000013", "PO-000005"}},
		{"12", []string{"PO-000012"}},
		{"po-1", []string{"PO-000001"}},
	}
	for _, tt := range tests {
		m.list.filter.SetValue(tt.query)
		m.list.applyFilter()
		var got []string
		for _, i := range m.list.visible {
			got = append(got, m.list.rows[i].Number)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("filter %q shows %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestFilterNarrowsFromNumberToNumber(t *testing.T) {
	st := openTestStore(t)
	for range 12 {
		createPO(t, st, "Acme", store.StatusDraft)
	}
	m := newTestModel(t, st, nil, buyer)
	press(m, "/")
	typeText(m, "po-1")
	typeText(m, "0")
	if len(m.list.visible) != 1 || m.list.selected != "PO-000010" {
		t.Errorf("po-10 typed key by key shows %d rows, selected %s; want PO-000010 only", len(m.list.visible), m.list.selected)
	}
}
