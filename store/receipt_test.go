package store

import (
	"strings"
	"testing"
	"time"
)

func TestManualReceiptFlow(t *testing.T) {
	st := openTest(t)
	po := orderedPO(t, st)

	po, err := st.RecordReceipt(buyer, po.Number, po.Version, []ReceiptLine{{SKU: "TEE-BLK-M", Qty: 40}})
	if err != nil {
		t.Fatal(err)
	}
	if po.Status != StatusPartiallyReceived {
		t.Fatalf("status = %s, want partially_received", po.Status)
	}
	if po.Lines[0].Received != 40 {
		t.Fatalf("received = %d", po.Lines[0].Received)
	}

	po, err = st.RecordReceipt(buyer, po.Number, po.Version, []ReceiptLine{{SKU: "TEE-BLK-M", Qty: 60}, {SKU: "TEE-WHT-L", Qty: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if po.Status != StatusReceived {
		t.Fatalf("status = %s, want received", po.Status)
	}
}

func TestReceivedJudgedLineByLine(t *testing.T) {
	st := openTest(t)
	po := orderedPO(t, st)
	// 150 units in total, as ordered, but one line over and one short.
	po, err := st.RecordReceipt(buyer, po.Number, 0, []ReceiptLine{{SKU: "TEE-BLK-M", Qty: 140}, {SKU: "TEE-WHT-L", Qty: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if po.Status != StatusPartiallyReceived {
		t.Fatalf("status = %s, want partially_received: TEE-WHT-L is short", po.Status)
	}
	if po.Lines[1].Received != 10 {
		t.Fatalf("over-receipt spread to another line: %+v", po.Lines[1])
	}
	if po.Lines[0].Over() != 40 {
		t.Fatalf("over = %d, want 40", po.Lines[0].Over())
	}
	found := false
	for _, event := range po.History {
		if event.Event == EventOverReceipt && event.SKU == "TEE-BLK-M" && event.Qty == 40 {
			found = true
		}
	}
	if !found {
		t.Fatal("over-receipt not flagged in history")
	}
	if po.Discrepancies() != 1 {
		t.Fatalf("discrepancies = %d, want 1", po.Discrepancies())
	}
}

func TestRejectedUnitsNotReceived(t *testing.T) {
	st := openTest(t)
	po := orderedPO(t, st)
	po, err := st.RecordReceipt(buyer, po.Number, 0, []ReceiptLine{{SKU: "TEE-BLK-M", Qty: 95, Rejected: 5}, {SKU: "TEE-WHT-L", Qty: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if po.Lines[0].Received != 95 || po.Lines[0].Rejected != 5 {
		t.Fatalf("line = %+v", po.Lines[0])
	}
	if po.Status != StatusPartiallyReceived {
		t.Fatalf("status = %s: rejected units must not count as received", po.Status)
	}
}

func TestUnexpectedSKUAddedAndFlagged(t *testing.T) {
	st := openTest(t)
	po := orderedPO(t, st)
	po, err := st.RecordReceipt(buyer, po.Number, 0, []ReceiptLine{{SKU: "SOCK-GRY", Qty: 12}})
	if err != nil {
		t.Fatal(err)
	}
	i := po.Line("SOCK-GRY")
	if i < 0 {
		t.Fatal("unexpected SKU not added")
	}
	line := po.Lines[i]
	if !line.Unexpected || line.Ordered != 0 || line.Received != 12 {
		t.Fatalf("line = %+v", line)
	}
	if po.History[len(po.History)-3].Event != EventUnexpectedSKU {
		t.Fatalf("history = %+v", po.History[len(po.History)-3:])
	}
	if po.Status != StatusPartiallyReceived {
		t.Fatalf("status = %s", po.Status)
	}
}

func TestReceiptRejectedOnDraft(t *testing.T) {
	st := openTest(t)
	po := createPO(t, st)
	_, err := st.RecordReceipt(buyer, po.Number, 0, []ReceiptLine{{SKU: "TEE-BLK-M", Qty: 1}})
	validation := requireErrorAs[*ValidationError](t, err)
	if !strings.Contains(validation.Error(), "Ordered") {
		t.Fatalf("message %q", validation.Error())
	}
}

func pushedPO(t *testing.T, st *Store) PO {
	t.Helper()
	return pushedPOAs(t, st, "SIM-1")
}

// pushedPOAs stores an Ordered PO accepted by the simulator as remoteID.
func pushedPOAs(t *testing.T, st *Store, remoteID string) PO {
	t.Helper()
	po := orderedPO(t, st)
	if _, err := st.RequestPush(buyer, po.Number, po.Version, "simulator", "Simulated warehouse"); err != nil {
		t.Fatal(err)
	}
	po, err := st.CompletePush(po.Number, remoteID)
	if err != nil {
		t.Fatal(err)
	}
	return po
}

func TestLockedPORejectsLocalChanges(t *testing.T) {
	st := openTest(t)
	po := pushedPO(t, st)
	if !po.Locked() {
		t.Fatal("pushed PO is not locked")
	}

	supplier, date := "Other", "2027-01-01"
	attempts := map[string]error{}
	_, attempts["supplier"] = st.EditPO(buyer, po.Number, 0, Edit{Supplier: &supplier})
	_, attempts["date"] = st.EditPO(buyer, po.Number, 0, Edit{ExpectedDate: &date})
	_, attempts["lines"] = st.EditPO(buyer, po.Number, 0, Edit{Lines: []LineInput{{SKU: "TEE-BLK-M", Ordered: 1, UnitCost: -1}}})
	_, attempts["status"] = st.SetStatus(buyer, po.Number, 0, StatusCancelled)
	_, attempts["receipt"] = st.RecordReceipt(buyer, po.Number, 0, []ReceiptLine{{SKU: "TEE-BLK-M", Qty: 1}})
	_, attempts["push"] = st.RequestPush(buyer, po.Number, 0, "simulator", "Simulated warehouse")
	for what, err := range attempts {
		locked := requireErrorAs[*LockedError](t, err)
		if !strings.Contains(locked.Error(), "Simulated warehouse") {
			t.Errorf("%s: message %q does not name the WMS", what, locked.Error())
		}
	}

	notes := "call the supplier"
	po, err := st.EditPO(buyer, po.Number, 0, Edit{Notes: &notes})
	if err != nil {
		t.Fatalf("notes on a locked PO: %v", err)
	}
	if po.Notes != notes {
		t.Fatalf("notes = %q", po.Notes)
	}
}

func TestFailedPushUnlocks(t *testing.T) {
	st := openTest(t)
	po := orderedPO(t, st)
	po, err := st.RequestPush(buyer, po.Number, 0, "extensiv", "Extensiv")
	if err != nil {
		t.Fatal(err)
	}
	if !po.Locked() || !po.PushPending() {
		t.Fatal("requested push does not lock")
	}
	po, err = st.FailPush(po.Number, "unknown SKU TEE-BLK-M")
	if err != nil {
		t.Fatal(err)
	}
	if po.Locked() {
		t.Fatal("failed push still locked")
	}
	if pending, _ := st.PendingPushes(); len(pending) != 0 {
		t.Fatalf("outbox = %+v", pending)
	}
	if _, err := st.SetStatus(buyer, po.Number, 0, StatusApproved); err != nil {
		t.Fatalf("edit after failed push: %v", err)
	}
}

func TestRemoteUpdatesAppliedOnce(t *testing.T) {
	st := openTest(t)
	po := pushedPO(t, st)
	base := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	first := RemoteUpdate{Connector: "simulator", RemoteID: "SIM-1", AsOf: base,
		Lines: []RemoteLine{{SKU: "TEE-BLK-M", Ordered: -1, Received: 40}}}
	second := RemoteUpdate{Connector: "simulator", RemoteID: "SIM-1", AsOf: base.Add(time.Minute),
		Lines: []RemoteLine{{SKU: "TEE-BLK-M", Ordered: -1, Received: 70}, {SKU: "TEE-WHT-L", Ordered: -1, Received: 50}}}

	for _, update := range []RemoteUpdate{first, first, second, first, second} {
		if _, _, err := st.ApplyRemote(update); err != nil {
			t.Fatal(err)
		}
	}
	po, err := st.GetPO(po.Number)
	if err != nil {
		t.Fatal(err)
	}
	if po.Lines[0].Received != 70 || po.Lines[1].Received != 50 {
		t.Fatalf("lines = %+v", po.Lines)
	}
	receipts := 0
	for _, event := range po.History {
		if event.Event == EventReceipt {
			receipts++
		}
	}
	if receipts != 3 {
		t.Fatalf("receipt events = %d, want 3 (+40, +30, +50)", receipts)
	}
	if po.Status != StatusPartiallyReceived {
		t.Fatalf("status = %s", po.Status)
	}
}

func TestRemoteEditsAndCancel(t *testing.T) {
	st := openTest(t)
	po := pushedPO(t, st)
	at := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	po, changed, err := st.ApplyRemote(RemoteUpdate{Connector: "simulator", Number: po.Number, AsOf: at, ExpectedDate: "2026-12-24",
		LinesEdited: true, Lines: []RemoteLine{{SKU: "TEE-BLK-M", Ordered: 80, UnitCost: 400, HasCost: true}, {SKU: "HAT", Ordered: 5}}})
	if err != nil || !changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
	if po.ExpectedDate != "2026-12-24" || po.Lines[0].Ordered != 80 || po.Lines[0].UnitCost != 400 || po.Line("HAT") < 0 {
		t.Fatalf("po = %+v", po)
	}
	edit := po.History[len(po.History)-1]
	if edit.Event != EventChangedInWMS || edit.Actor != "Simulated warehouse" {
		t.Fatalf("history = %+v", edit)
	}

	po, _, err = st.ApplyRemote(RemoteUpdate{Connector: "simulator", RemoteID: "SIM-1", AsOf: at.Add(time.Hour), Status: StatusCancelled})
	if err != nil {
		t.Fatal(err)
	}
	if po.Status != StatusCancelled {
		t.Fatalf("status = %s", po.Status)
	}
}

func TestRemoteUpdateForUnknownPOSkipped(t *testing.T) {
	st := openTest(t)
	_, changed, err := st.ApplyRemote(RemoteUpdate{Connector: "simulator", RemoteID: "SIM-404"})
	if err != nil || changed {
		t.Fatalf("changed=%v err=%v", changed, err)
	}
}

func TestImportedPOMovesToOrdered(t *testing.T) {
	st := openTest(t)
	remote := RemotePO{Connector: "extensiv", Label: "Extensiv", RemoteID: "1234", Reference: "EXT-77", Supplier: "Acme", Currency: "usd",
		Lines: []RemoteLine{{SKU: "A", Ordered: 10, Received: 4}}}
	po, created, err := st.ImportRemote(remote)
	if err != nil || !created {
		t.Fatalf("created=%v err=%v", created, err)
	}
	if po.Status != StatusApproved || !po.Locked() || po.Currency != "USD" {
		t.Fatalf("po = %+v", po)
	}
	if _, created, _ := st.ImportRemote(remote); created {
		t.Fatal("second import created a duplicate")
	}
	transit, _ := st.InTransit()
	if transit["A"] != 0 {
		t.Fatalf("approved import counted in transit: %d", transit["A"])
	}

	po, err = st.SetStatus(buyer, po.Number, 0, StatusOrdered)
	if err != nil {
		t.Fatalf("imported approved → ordered: %v", err)
	}
	if po.Status != StatusPartiallyReceived {
		t.Fatalf("status = %s, want partially_received from the 4 already received", po.Status)
	}
	transit, _ = st.InTransit()
	if transit["A"] != 6 {
		t.Fatalf("in transit = %d, want 6", transit["A"])
	}
	if pending, _ := st.PendingPushes(); len(pending) != 0 {
		t.Fatal("moving an imported PO to ordered queued a push")
	}
	_, err = st.SetStatus(buyer, po.Number, 0, StatusCancelled)
	requireErrorAs[*LockedError](t, err)
}

func TestPushedShortPOCanClose(t *testing.T) {
	st := openTest(t)
	po := pushedPO(t, st)
	_, _, err := st.ApplyRemote(RemoteUpdate{Connector: "simulator", RemoteID: "SIM-1", AsOf: time.Now(),
		Lines: []RemoteLine{{SKU: "TEE-BLK-M", Ordered: -1, Received: 90}, {SKU: "TEE-WHT-L", Ordered: -1, Received: 50}}})
	if err != nil {
		t.Fatal(err)
	}
	transit, _ := st.InTransit()
	if transit["TEE-BLK-M"] != 10 {
		t.Fatalf("in transit before closing = %d, want 10", transit["TEE-BLK-M"])
	}

	po, err = st.SetStatus(buyer, po.Number, 0, StatusClosed)
	if err != nil {
		t.Fatalf("closing a short pushed PO: %v", err)
	}
	if po.Status != StatusClosed || !po.Locked() {
		t.Fatalf("status = %s locked = %v", po.Status, po.Locked())
	}
	transit, _ = st.InTransit()
	if transit["TEE-BLK-M"] != 0 {
		t.Fatalf("in transit after closing = %d, want 0", transit["TEE-BLK-M"])
	}
}

func TestPushedOrderedPOCannotClose(t *testing.T) {
	st := openTest(t)
	po := pushedPO(t, st)
	_, err := st.SetStatus(buyer, po.Number, 0, StatusClosed)
	requireErrorAs[*LockedError](t, err)
}

func TestLinkedPOsOpenOnly(t *testing.T) {
	st := openTest(t)
	open := pushedPOAs(t, st, "SIM-1")
	closed := pushedPOAs(t, st, "SIM-2")
	if _, _, err := st.ApplyRemote(RemoteUpdate{Connector: "simulator", Number: closed.Number, Status: StatusCancelled}); err != nil {
		t.Fatal(err)
	}
	other := orderedPO(t, st)
	if _, err := st.RequestPush(buyer, other.Number, 0, "extensiv", "Extensiv"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CompletePush(other.Number, "SIM-1"); err != nil {
		t.Fatal(err)
	}
	orderedPO(t, st) // not pushed

	linked, err := st.LinkedPOs("simulator")
	if err != nil {
		t.Fatal(err)
	}
	if len(linked) != 1 || linked[0].Number != open.Number {
		numbers := []string{}
		for _, po := range linked {
			numbers = append(numbers, po.Number)
		}
		t.Fatalf("linked = %v, want only %s", numbers, open.Number)
	}
}
