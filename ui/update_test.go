package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

func TestEmptyBoardExplainsFirstSteps(t *testing.T) {
	m := newTestModel(t, openTestStore(t), nil, buyer)
	view := plainView(m)
	for _, want := range []string{"No POs yet.", "Press n to create a PO,", "or D to load demo data"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
}

func TestCreateFormSavesPO(t *testing.T) {
	st := openTestStore(t)
	m := newTestModel(t, st, nil, buyer)

	press(m, "n")
	if m.mode != modeForm {
		t.Fatalf("mode after n = %v, want the form", m.mode)
	}
	typeText(m, "Acme Textiles")
	press(m, "tab")
	typeText(m, "2026-12-20")
	press(m, "tab")
	press(m, "backspace", "backspace", "backspace")
	typeText(m, "EUR")
	press(m, "tab", "tab") // skip notes
	typeText(m, "TEE-BLK-M")
	press(m, "tab")
	typeText(m, "Tee black M")
	press(m, "tab")
	typeText(m, "100")
	press(m, "tab")
	typeText(m, "4.25")
	press(m, "ctrl+n")
	typeText(m, "TEE-BLK-L")
	press(m, "tab", "tab")
	typeText(m, "50")
	press(m, "tab", "tab") // past unit cost to Save
	if !m.form.grid.onSave() {
		t.Fatalf("focus is not on Save after the last field")
	}
	press(m, "enter")

	if m.mode != modeBoard {
		t.Fatalf("form still open after save; error: %q", m.form.grid.err)
	}
	po, err := st.GetPO("PO-000001")
	if err != nil {
		t.Fatal(err)
	}
	if po.Supplier != "Acme Textiles" || po.Currency != "EUR" || po.ExpectedDate != "2026-12-20" {
		t.Errorf("header = %q %q %q", po.Supplier, po.Currency, po.ExpectedDate)
	}
	if len(po.Lines) != 2 {
		t.Fatalf("lines = %+v, want 2", po.Lines)
	}
	if po.Lines[0].UnitCost != 425 || po.Lines[0].Ordered != 100 || po.Lines[1].UnitCost != 0 {
		t.Errorf("lines = %+v", po.Lines)
	}
	if m.list.selected != "PO-000001" {
		t.Errorf("selected = %q, want the new PO", m.list.selected)
	}
	if !strings.Contains(m.status.notice.text, "PO-000001 created") {
		t.Errorf("notice = %q", m.status.notice.text)
	}
}

func TestFormRejectsBadQuantity(t *testing.T) {
	st := openTestStore(t)
	m := newTestModel(t, st, nil, buyer)
	press(m, "n")
	typeText(m, "Acme")
	press(m, "tab", "tab", "tab", "tab")
	typeText(m, "SKU-1")
	press(m, "tab", "tab")
	typeText(m, "ten")
	press(m, "tab", "tab", "enter")

	if m.mode != modeForm {
		t.Fatal("form closed on an invalid quantity")
	}
	if !strings.Contains(m.form.grid.err, `quantity "ten" of SKU-1`) {
		t.Errorf("form error = %q", m.form.grid.err)
	}
	if count, _ := st.CountPOs(); count != 0 {
		t.Errorf("store has %d POs, want none", count)
	}
}

func TestEditFormChangesLines(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusDraft,
		store.LineInput{SKU: "A", Ordered: 10, UnitCost: 100}, store.LineInput{SKU: "B", Ordered: 5, UnitCost: 200})
	m := newTestModel(t, st, nil, buyer)

	press(m, "e")
	if m.mode != modeForm {
		t.Fatalf("mode after e = %v; notice %q", m.mode, m.status.notice.text)
	}
	// Focus the second line's SKU and remove that line.
	for range 8 {
		press(m, "tab")
	}
	press(m, "ctrl+d")
	for !m.form.grid.onSave() {
		press(m, "tab")
	}
	press(m, "enter")

	po, _ := st.GetPO("PO-000001")
	if len(po.Lines) != 1 || po.Lines[0].SKU != "A" || po.Lines[0].UnitCost != 100 {
		t.Errorf("lines after removing B = %+v", po.Lines)
	}
}

func TestLockedPOKeysExplainLock(t *testing.T) {
	st := openTestStore(t)
	po := createPO(t, st, "Acme", store.StatusOrdered)
	if _, err := st.RequestPush(buyer, po.Number, 0, "simulator", "Simulated warehouse"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CompletePush(po.Number, "SIM-1"); err != nil {
		t.Fatal(err)
	}
	want := (&store.LockedError{Number: po.Number, WMS: "Simulated warehouse"}).Error()

	// e opens the notes form instead, because notes stay editable.
	for _, key := range []string{"s", "p", "R"} {
		t.Run(key, func(t *testing.T) {
			m := newTestModel(t, st, nil, buyer)
			press(m, key)
			if m.mode != modeBoard || m.detail.dialog != nil {
				t.Fatalf("key %s opened a form or dialog on a locked PO", key)
			}
			if m.status.notice.text != want || m.status.notice.kind != noticeError {
				t.Errorf("notice = %q, want %q", m.status.notice.text, want)
			}
		})
	}
}

func TestWarehouseKeysAreReadOnly(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusOrdered)
	want := (&store.ForbiddenError{Actor: warehouse.Name, Role: warehouse.Role}).Error()

	for _, key := range []string{"n", "e", "s", "p", "R", "D"} {
		t.Run(key, func(t *testing.T) {
			m := newTestModel(t, st, nil, warehouse)
			press(m, key)
			if m.mode != modeBoard || m.detail.dialog != nil {
				t.Fatalf("key %s opened a form or dialog for a warehouse lead", key)
			}
			if m.status.notice.text != want {
				t.Errorf("notice = %q, want %q", m.status.notice.text, want)
			}
		})
	}
}

func TestWarehouseSeesReceivingView(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Draft Co", store.StatusDraft)
	late := createPO(t, st, "Late Co", store.StatusOrdered)
	if _, err := st.EditPO(buyer, late.Number, 0, store.Edit{ExpectedDate: ptr("2026-11-30")}); err != nil {
		t.Fatal(err)
	}
	partial := createPO(t, st, "Partial Co", store.StatusOrdered,
		store.LineInput{SKU: "A", Ordered: 10}, store.LineInput{SKU: "B", Ordered: 10})
	if _, err := st.RecordReceipt(buyer, partial.Number, 0, []store.ReceiptLine{{SKU: "A", Qty: 12}, {SKU: "B", Qty: 4, Rejected: 1}}); err != nil {
		t.Fatal(err)
	}

	m := newTestModel(t, st, nil, warehouse)
	if got := len(m.list.rows); got != 2 {
		t.Fatalf("receiving view has %d rows, want the Ordered and Partially received POs", got)
	}
	if m.list.rows[0].Number != late.Number {
		t.Errorf("first row = %s, want the earliest expected %s", m.list.rows[0].Number, late.Number)
	}
	view := plainView(m)
	for _, want := range []string{"Receiving", "2026-11-30!", "⚑2", "Late Co"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "Draft Co") {
		t.Errorf("receiving view lists a draft PO:\n%s", view)
	}

	press(m, "j")
	view = plainView(m)
	for _, want := range []string{"2 over", "1 rejected"} {
		if !strings.Contains(view, want) {
			t.Errorf("detail of %s lacks %q:\n%s", partial.Number, want, view)
		}
	}
}

func TestWarehouseSwitchesToFullList(t *testing.T) {
	st := openTestStore(t)
	draft := createPO(t, st, "Draft Co", store.StatusDraft)
	ordered := createPO(t, st, "Late Co", store.StatusOrdered)
	m := newTestModel(t, st, nil, warehouse)
	press(m, "j")
	if m.list.selected != ordered.Number {
		t.Fatalf("selected %q in the receiving view, want %s", m.list.selected, ordered.Number)
	}

	press(m, "v")
	if m.list.receiving {
		t.Fatal("v kept the receiving view")
	}
	if got := len(m.list.rows); got != 2 {
		t.Fatalf("full list has %d rows, want both POs", got)
	}
	if m.list.selected != ordered.Number {
		t.Errorf("selection moved to %q on switching, want %s", m.list.selected, ordered.Number)
	}
	view := plainView(m)
	for _, want := range []string{"1 PO list · 2 POs", "Draft Co", "v receiving"} {
		if !strings.Contains(view, want) {
			t.Errorf("full list lacks %q:\n%s", want, view)
		}
	}

	// The full list stays read-only.
	press(m, "j")
	if m.list.selected != draft.Number {
		t.Fatalf("selected %q, want the draft %s", m.list.selected, draft.Number)
	}
	press(m, "s")
	want := (&store.ForbiddenError{Actor: warehouse.Name, Role: warehouse.Role}).Error()
	if m.status.notice.text != want || m.detail.dialog != nil {
		t.Errorf("s on the full list: notice %q, dialog %v; want %q", m.status.notice.text, m.detail.dialog, want)
	}

	// A receiving read that finishes after the switch is dropped.
	send(m, summariesMsg{receiving: true})
	if got := len(m.list.rows); got != 2 {
		t.Errorf("a stale receiving read replaced the full list: %d rows", got)
	}

	press(m, "v")
	if !m.list.receiving || len(m.list.rows) != 1 || !strings.Contains(plainView(m), "1 Receiving · 1 PO") {
		t.Errorf("second v: receiving %v, %d rows; want the receiving view with 1 PO:\n%s", m.list.receiving, len(m.list.rows), plainView(m))
	}
}

func ptr[T any](v T) *T { return &v }

func TestStatusMenuOffersAllowedTransitions(t *testing.T) {
	tests := []struct {
		name   string
		status store.Status
		want   []store.Status
	}{
		{"draft", store.StatusDraft, []store.Status{store.StatusApproved, store.StatusCancelled}},
		{"approved", store.StatusApproved, []store.Status{store.StatusDraft, store.StatusOrdered, store.StatusCancelled}},
		{"ordered", store.StatusOrdered, []store.Status{store.StatusApproved, store.StatusCancelled}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openTestStore(t)
			createPO(t, st, "Acme", tt.status)
			m := newTestModel(t, st, nil, buyer)
			press(m, "s")
			menu, ok := m.detail.dialog.(*statusMenu)
			if !ok {
				t.Fatalf("s opened no status menu; notice %q", m.status.notice.text)
			}
			if strings.Join(statusNames(menu.targets), ",") != strings.Join(statusNames(tt.want), ",") {
				t.Errorf("menu = %v, want %v", menu.targets, tt.want)
			}
		})
	}
}

func statusNames(statuses []store.Status) []string {
	names := make([]string, len(statuses))
	for i, status := range statuses {
		names[i] = string(status)
	}
	return names
}

func TestStatusMenuAppliesChoice(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusApproved)
	m := newTestModel(t, st, nil, buyer)

	press(m, "s", "enter") // Draft, [Ordered] pre-selected, Cancelled
	po, _ := st.GetPO("PO-000001")
	if po.Status != store.StatusOrdered {
		t.Fatalf("status = %s, want ordered", po.Status)
	}
	if m.detail.dialog != nil {
		t.Error("menu still open after enter")
	}
	if m.detail.po.Status != store.StatusOrdered || m.list.rows[0].Status != store.StatusOrdered {
		t.Errorf("board shows %s / %s after the change", m.detail.po.Status, m.list.rows[0].Status)
	}
}

func TestStatusMenuShowsStoreRejection(t *testing.T) {
	st := openTestStore(t)
	po, err := st.CreatePO(buyer, store.NewPO{Supplier: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetStatus(buyer, po.Number, 0, store.StatusApproved); err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, st, nil, buyer)
	press(m, "s", "enter") // Ordered, pre-selected, but the PO has no lines
	if !strings.Contains(m.status.notice.text, "it has no lines") {
		t.Errorf("notice = %q, want the store's reason", m.status.notice.text)
	}
}

func TestReceiptFormRecordsUnits(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusOrdered,
		store.LineInput{SKU: "A", Ordered: 10}, store.LineInput{SKU: "B", Ordered: 10})
	m := newTestModel(t, st, nil, buyer)

	press(m, "R")
	if m.mode != modeReceipt {
		t.Fatalf("mode after R = %v; notice %q", m.mode, m.status.notice.text)
	}
	typeText(m, "10")
	press(m, "tab", "tab")
	typeText(m, "3")
	press(m, "tab")
	typeText(m, "1")
	press(m, "ctrl+n")
	typeText(m, "C")
	press(m, "tab")
	typeText(m, "2")
	for !m.receipt.grid.onSave() {
		press(m, "tab")
	}
	press(m, "enter")

	po, _ := st.GetPO("PO-000001")
	if po.Status != store.StatusPartiallyReceived {
		t.Errorf("status = %s, want partially_received", po.Status)
	}
	got := map[string][2]int{}
	for _, line := range po.Lines {
		got[line.SKU] = [2]int{line.Received, line.Rejected}
	}
	want := map[string][2]int{"A": {10, 0}, "B": {3, 1}, "C": {2, 0}}
	for sku, qty := range want {
		if got[sku] != qty {
			t.Errorf("%s received/rejected = %v, want %v", sku, got[sku], qty)
		}
	}
}

func TestPushNeedsOrderedPO(t *testing.T) {
	st := openTestStore(t)
	engine, _ := startEngine(t, st)
	createPO(t, st, "Acme", store.StatusApproved)
	m := newTestModel(t, st, engine, buyer)
	press(m, "p")
	if m.detail.dialog != nil {
		t.Fatal("p opened the push dialog on an Approved PO")
	}
	if !strings.Contains(m.status.notice.text, "only an Ordered PO can be pushed") {
		t.Errorf("notice = %q", m.status.notice.text)
	}
}

func TestPushConfirmQueuesPush(t *testing.T) {
	st := openTestStore(t)
	engine, clock := startEngine(t, st)
	createPO(t, st, "Acme", store.StatusOrdered)
	m := newTestModel(t, st, engine, buyer)

	if view := plainView(m); !strings.Contains(view, "Push to Simulated warehouse") {
		t.Fatalf("no push button on an Ordered PO:\n%s", view)
	}
	press(m, "p")
	if _, ok := m.detail.dialog.(*pushConfirm); !ok {
		t.Fatalf("p opened no confirmation; notice %q", m.status.notice.text)
	}
	press(m, "n")
	if po, _ := st.GetPO("PO-000001"); po.WMS != nil {
		t.Fatal("n pushed the PO")
	}

	press(m, "p", "y")
	if !strings.Contains(m.status.notice.text, "queued for push") {
		t.Errorf("notice = %q", m.status.notice.text)
	}
	waitUntil(t, "the push to be accepted", func() bool {
		po, _ := st.GetPO("PO-000001")
		return po.Pushed()
	})
	clock.Advance(2 * receiptEvery)
	waitUntil(t, "receipts to fill the pushed PO", func() bool {
		po, _ := st.GetPO("PO-000001")
		return po.Status == store.StatusReceived
	})
	send(m, changesMsg{{Number: "PO-000001"}})
	if m.detail.po.Status != store.StatusReceived || !m.detail.po.Locked() {
		t.Errorf("detail shows %s, locked %v", m.detail.po.Status, m.detail.po.Locked())
	}
	if view := plainView(m); !strings.Contains(view, "Locked: in Simulated warehouse") {
		t.Errorf("view lacks the lock line:\n%s", view)
	}
}

func TestChangeReloadsOnlyThatPO(t *testing.T) {
	st := openTestStore(t)
	first := createPO(t, st, "First", store.StatusDraft)
	second := createPO(t, st, "Second", store.StatusDraft)
	m := newTestModel(t, st, nil, buyer)

	// Both change in the store; only the first is announced.
	for _, po := range []store.PO{first, second} {
		if _, err := st.EditPO(buyer, po.Number, 0, store.Edit{Supplier: ptr(po.Supplier + " Ltd")}); err != nil {
			t.Fatal(err)
		}
	}
	_, cmd := m.Update(changesMsg{{Number: first.Number}})
	msgs := run(cmd)
	var loaded []string
	for _, msg := range msgs {
		if po, ok := msg.(poMsg); ok {
			loaded = append(loaded, po.number)
		}
		send(m, msg)
	}
	if strings.Join(loaded, ",") != first.Number {
		t.Errorf("reloaded %v, want only %s", loaded, first.Number)
	}
	rows := map[string]string{}
	for _, row := range m.list.rows {
		rows[row.Number] = row.Supplier
	}
	if rows[first.Number] != "First Ltd" || rows[second.Number] != "Second" {
		t.Errorf("rows = %v", rows)
	}
}

func TestResyncReloadsEveryRow(t *testing.T) {
	st := openTestStore(t)
	m := newTestModel(t, st, nil, buyer)
	createPO(t, st, "Acme", store.StatusDraft)
	createPO(t, st, "Bolt", store.StatusDraft)
	send(m, changesMsg{{Resync: true}})
	if len(m.list.rows) != 2 {
		t.Errorf("rows after resync = %d, want 2", len(m.list.rows))
	}
}

func TestFilterKeepsSelection(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme Textiles", store.StatusDraft)
	createPO(t, st, "Blue Harbor", store.StatusDraft, store.LineInput{SKU: "BOX-M", Ordered: 5})
	createPO(t, st, "Acme Textiles", store.StatusDraft)
	m := newTestModel(t, st, nil, buyer)

	press(m, "j") // PO-000002 (newest first)
	if m.list.selected != "PO-000002" {
		t.Fatalf("selected = %s", m.list.selected)
	}
	press(m, "/")
	typeText(m, "box")
	if len(m.list.visible) != 1 || m.list.selected != "PO-000002" {
		t.Errorf("filter by SKU: %d rows, selected %s", len(m.list.visible), m.list.selected)
	}
	press(m, "enter")
	send(m, changesMsg{{Number: "PO-000001"}})
	if m.list.selected != "PO-000002" || m.list.query() != "box" {
		t.Errorf("after a change: selected %s, filter %q", m.list.selected, m.list.query())
	}
	press(m, "/")
	press(m, "backspace", "backspace", "backspace")
	typeText(m, "ACME")
	if len(m.list.visible) != 2 || (m.list.selected != "PO-000001" && m.list.selected != "PO-000003") {
		t.Errorf("filter by supplier: %d rows, selected %s", len(m.list.visible), m.list.selected)
	}
	press(m, "esc")
	if m.list.query() != "" || len(m.list.visible) != 3 || m.list.selected != "PO-000002" {
		t.Errorf("after esc: filter %q, %d rows, selected %s", m.list.query(), len(m.list.visible), m.list.selected)
	}
}

func TestTooSmallTerminalNeverPanics(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusOrdered)
	m := newTestModel(t, st, nil, buyer)
	for width := 0; width <= 90; width += 3 {
		for height := 0; height <= 30; height++ {
			send(m, tea.WindowSizeMsg{Width: width, Height: height})
			view := m.View()
			small := width < minWidth || height < minHeight
			if small && width >= 40 && height >= 3 && !strings.Contains(view, "Terminal too small") {
				t.Fatalf("%d×%d: view lacks the too-small text:\n%s", width, height, view)
			}
			if !small && strings.Count(view, "\n")+1 != height {
				t.Fatalf("%d×%d: view has %d lines", width, height, strings.Count(view, "\n")+1)
			}
		}
	}
}

func TestDemoDataCoversEveryStatus(t *testing.T) {
	st := openTestStore(t)
	engine, _ := startEngine(t, st)
	m := newTestModel(t, st, engine, buyer)
	press(m, "D")

	seen := map[store.Status]bool{}
	for _, row := range m.list.rows {
		seen[row.Status] = true
	}
	for _, status := range store.Statuses {
		if !seen[status] {
			t.Errorf("demo data has no %s PO", status)
		}
	}
	if len(engine.Status().InFlight) == 0 && !anyPushed(t, st) {
		t.Error("demo data pushed no PO to the simulator")
	}

	if m.list.selected != "PO-000009" {
		t.Errorf("selected after loading = %s, want the newest, PO-000009", m.list.selected)
	}
	press(m, "D")
	if !strings.Contains(m.status.notice.text, "only into an empty database") {
		t.Errorf("second D: notice = %q", m.status.notice.text)
	}
}

func anyPushed(t *testing.T, st *store.Store) bool {
	pos, err := st.ListPOs()
	if err != nil {
		t.Fatal(err)
	}
	for _, po := range pos {
		if po.WMS != nil {
			return true
		}
	}
	return false
}

func TestIntegrationsViewTestsConnection(t *testing.T) {
	st := openTestStore(t)
	engine, _ := startEngine(t, st)
	m := newTestModel(t, st, engine, buyer)
	press(m, "w")
	if m.mode != modeIntegrations {
		t.Fatal("w did not open the integrations view")
	}
	view := plainView(m)
	for _, want := range []string{"Simulated warehouse (simulator, active)", "configured: yes"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	press(m, "t")
	if !strings.Contains(m.integrations.result.text, "works") {
		t.Errorf("test result = %q", m.integrations.result.text)
	}
	press(m, "esc")
	if m.mode != modeBoard {
		t.Error("esc did not close the integrations view")
	}
}

func TestSyncOffExplained(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme", store.StatusOrdered)
	m := newTestModel(t, st, nil, buyer)
	for _, key := range []string{"p", "r"} {
		press(m, key)
		if !strings.Contains(m.status.notice.text, "sync is off") {
			t.Errorf("%s: notice = %q", key, m.status.notice.text)
		}
	}
	if strings.Contains(plainView(m), "Push to") {
		t.Error("push button shown without a sync engine")
	}
}

func TestHelpShowsFocusedPaneKeys(t *testing.T) {
	m := newTestModel(t, openTestStore(t), nil, buyer)
	press(m, "2", "?")
	view := plainView(m)
	if !strings.Contains(view, "Help: detail") || !strings.Contains(view, "manual receipt") {
		t.Errorf("help view:\n%s", view)
	}
	press(m, "esc")
	if m.mode != modeBoard {
		t.Error("esc did not close help")
	}
}

func TestBurstOfRunesIsSeparateKeys(t *testing.T) {
	st := openTestStore(t)
	for range 4 {
		createPO(t, st, "Acme", store.StatusDraft)
	}
	m := newTestModel(t, st, nil, buyer)
	send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	if m.list.selected != "PO-000001" {
		t.Errorf("selected after jjj = %s, want PO-000001", m.list.selected)
	}
}

func TestLineNoteNamesDiscrepancies(t *testing.T) {
	tests := []struct {
		name     string
		status   store.Status
		expected string
		line     store.Line
		want     string
	}{
		{"over", store.StatusReceived, "2026-12-20", store.Line{SKU: "A", Ordered: 10, Received: 12}, "2 over"},
		{"rejected", store.StatusPartiallyReceived, "2026-12-20", store.Line{SKU: "A", Ordered: 10, Received: 4, Rejected: 1}, "6 short, 1 rejected"},
		{"unexpected", store.StatusPartiallyReceived, "2026-12-20", store.Line{SKU: "A", Received: 3, Unexpected: true}, "unexpected SKU"},
		{"closed short", store.StatusClosed, "2026-12-20", store.Line{SKU: "A", Ordered: 10, Received: 8}, "2 short"},
		{"overdue partial short", store.StatusPartiallyReceived, "2026-12-01", store.Line{SKU: "A", Ordered: 10, Received: 8}, "2 short"},
		{"overdue nothing in", store.StatusOrdered, "2026-12-01", store.Line{SKU: "A", Ordered: 10}, ""},
		{"partial on time", store.StatusPartiallyReceived, "2026-12-20", store.Line{SKU: "A", Ordered: 10, Received: 8}, "2 short"},
		{"partial short rejected", store.StatusPartiallyReceived, "2026-12-20", store.Line{SKU: "A", Ordered: 300, Received: 100, Rejected: 5}, "200 short, 5 rejected"},
		{"received short", store.StatusReceived, "2026-12-20", store.Line{SKU: "MUG-IND", Ordered: 96, Received: 87}, "9 short"},
		{"partial line complete", store.StatusPartiallyReceived, "2026-12-20", store.Line{SKU: "A", Ordered: 10, Received: 10}, ""},
		{"ordered part in", store.StatusOrdered, "2026-12-20", store.Line{SKU: "A", Ordered: 10, Received: 4}, ""},
		{"cancelled", store.StatusCancelled, "2026-12-20", store.Line{SKU: "A", Ordered: 10}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			po := store.PO{Status: tt.status, ExpectedDate: tt.expected, Lines: []store.Line{tt.line}}
			if got := lineNote(po, tt.line); got != tt.want {
				t.Errorf("lineNote = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPushedPOMarksShortLines(t *testing.T) {
	st := openTestStore(t)
	engine, clock := startEngine(t, st)
	createPO(t, st, "Acme", store.StatusOrdered, store.LineInput{SKU: "MUG-IND", Ordered: 96})
	if _, err := engine.RequestPush(buyer, "PO-000001", 0); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the push to be accepted", func() bool {
		po, _ := st.GetPO("PO-000001")
		return po.Pushed()
	})
	clock.Advance(receiptEvery)
	waitUntil(t, "the first receipt", func() bool {
		po, _ := st.GetPO("PO-000001")
		return po.Status == store.StatusPartiallyReceived
	})
	po, _ := st.GetPO("PO-000001")
	m := newTestModel(t, st, engine, buyer)

	want := itoa(po.Lines[0].Open()) + " short"
	if view := plainView(m); !strings.Contains(view, want) {
		t.Errorf("detail of the pushed, partially received PO lacks %q:\n%s", want, view)
	}
}

func TestFilterMatchesAnyCase(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Café Noir", store.StatusDraft, store.LineInput{SKU: "TEE-BLK-M", Ordered: 1})
	createPO(t, st, "Acme Textiles", store.StatusDraft, store.LineInput{SKU: "MUG-IND", Ordered: 1})
	m := newTestModel(t, st, nil, buyer)

	tests := []struct {
		query string
		want  int
	}{
		{"blk", 1},
		{"tee-blk-m", 1},
		{"tee-blk-m-x", 0},
		{"TEXT", 1},
		{"CAFÉ", 1},
		{"po-00000", 2},
		{"000002", 1},
		{"zz", 0},
		{"", 2},
	}
	for _, tt := range tests {
		m.list.filter.SetValue(tt.query)
		m.list.applyFilter()
		if got := len(m.list.visible); got != tt.want {
			t.Errorf("filter %q shows %d POs, want %d", tt.query, got, tt.want)
		}
	}
}

func TestPreviewShowsNewestUntilFullList(t *testing.T) {
	st := openTestStore(t)
	for range 3 {
		createPO(t, st, "Acme", store.StatusDraft)
	}
	m := New(Deps{Store: st, Actor: buyer, Renderer: asciiRenderer(), Context: t.Context(), Now: func() time.Time { return testNow }})
	m.Close()
	send(m, tea.WindowSizeMsg{Width: 100, Height: 30})

	send(m, loadPreviewCmd(m.c)())
	if !m.list.partial || len(m.list.rows) != 3 || m.list.rows[0].Number != "PO-000003" {
		t.Fatalf("preview: partial %v, %d rows, first %s", m.list.partial, len(m.list.rows), m.list.rows[0].Number)
	}
	if view := plainView(m); !strings.Contains(view, "loading the rest") {
		t.Errorf("preview title lacks the loading note:\n%s", view)
	}

	send(m, loadSummariesCmd(m.c, m.list.receiving)())
	if m.list.partial || len(m.list.rows) != 3 {
		t.Errorf("full list: partial %v, %d rows", m.list.partial, len(m.list.rows))
	}
	send(m, loadPreviewCmd(m.c)())
	if m.list.partial {
		t.Error("a late preview replaced the full list")
	}
}

func TestTooSmallTerminalIgnoresKeys(t *testing.T) {
	tests := []struct {
		name string
		keys []string
	}{
		{"status menu", []string{"s", "enter"}},
		{"new form", []string{"n"}},
		{"edit form", []string{"e"}},
		{"receipt form", []string{"R"}},
		{"help", []string{"?"}},
		{"filter", []string{"/", "x"}},
		{"integrations", []string{"w"}},
		{"restock", []string{"f"}},
		{"burst", []string{"sn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openTestStore(t)
			createPO(t, st, "Acme", store.StatusDraft)
			m := newTestModel(t, st, nil, buyer)
			send(m, tea.WindowSizeMsg{Width: 60, Height: 15})
			press(m, tt.keys...)

			if m.mode != modeBoard || m.detail.dialog != nil || m.list.filtering {
				t.Errorf("keys %v acted behind the size hint: mode %v, dialog %v, filtering %v", tt.keys, m.mode, m.detail.dialog, m.list.filtering)
			}
			if po, _ := st.GetPO("PO-000001"); po.Status != store.StatusDraft {
				t.Errorf("keys %v moved the PO to %s", tt.keys, po.Status)
			}
			if !strings.Contains(plainView(m), "Terminal too small") {
				t.Errorf("view lost the size hint:\n%s", plainView(m))
			}
		})
	}
}

func TestTooSmallTerminalQuits(t *testing.T) {
	for _, name := range []string{"q", "ctrl+c"} {
		m := newTestModel(t, openTestStore(t), nil, buyer)
		send(m, tea.WindowSizeMsg{Width: 60, Height: 15})
		_, cmd := m.Update(keyMsg(name))
		if cmd == nil {
			t.Fatalf("%s returned no command", name)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s did not quit while the terminal is too small", name)
		}
	}
}
