package extensiv_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"poboard/store"
	"poboard/wms"
	"poboard/wms/extensiv"
	"poboard/wms/extensiv/extensivtest"
)

// TestEngineEndToEnd runs the sync engine against the test server: the
// initial import, a push whose response is lost, receipts and a cancel.
func TestEngineEndToEnd(t *testing.T) {
	srv := newServer(t, extensivtest.Options{})
	conn := newConnector(srv, config(srv), nil)
	st := openStore(t)
	engine := wms.NewEngine(wms.EngineOptions{Store: st, Connector: conn,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, PushTimeout: 5 * time.Second})
	ctx := context.Background()

	existing := srv.AddReceiver(extensivtest.Receiver{CustomerID: customerID, FacilityID: facilityID, ReferenceNum: "ACME-5512",
		SavedElements: map[string]string{"Supplier": "Acme Textiles"}, Items: []extensivtest.Item{{SKU: "CAP-RED", Qty: 6, Cost: "3.00"}}})
	imported, err := engine.ImportExisting(ctx)
	if err != nil || imported != 1 {
		t.Fatalf("ImportExisting = %d, %v; want 1 PO", imported, err)
	}

	po, err := st.CreatePO(buyer, store.NewPO{Supplier: "Acme Textiles", Currency: "EUR", ExpectedDate: "2026-12-20",
		Lines: []store.LineInput{line("TEE-BLK-M", 100, 425), line("TEE-WHT-L", 20, 450)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []store.Status{store.StatusApproved, store.StatusOrdered} {
		if _, err := st.SetStatus(buyer, po.Number, 0, status); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := engine.RequestPush(buyer, po.Number, 0); err != nil {
		t.Fatalf("RequestPush: %v", err)
	}

	// The first attempt cannot even look the reference up; the second
	// creates the receiver but the connection drops before the response.
	srv.Inject(extensivtest.Fault{Method: http.MethodGet, Path: "/inventory/receivers", Kind: extensivtest.ServerError})
	srv.Inject(extensivtest.Fault{Method: http.MethodPost, Path: "/inventory/receivers", Kind: extensivtest.DropAfter})
	if err := engine.PushNow(ctx, po.Number); err != nil {
		t.Fatalf("PushNow: %v", err)
	}
	ids := srv.FindReference(customerID, po.Number)
	if len(ids) != 1 {
		t.Fatalf("%d receivers for %s, want 1", len(ids), po.Number)
	}
	pushed := mustGetPO(t, st, po.Number)
	if !pushed.Pushed() || pushed.WMS.RemoteID != strconv.Itoa(ids[0]) {
		t.Fatalf("PO link %+v, want pushed as %d", pushed.WMS, ids[0])
	}
	if !hasEvent(pushed, store.EventPushRetry, "") {
		t.Errorf("no retry recorded though the first attempt failed: %+v", pushed.History)
	}

	if err := srv.Confirm(ids[0], []extensivtest.Count{{SKU: "TEE-BLK-M", Qty: 100}, {SKU: "TEE-WHT-L", Qty: 18, OnHold: 2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddArrival(existing, []extensivtest.Count{{SKU: "CAP-RED", Qty: 6}}); err != nil {
		t.Fatal(err)
	}
	if err := engine.SyncOnce(ctx, false); err != nil {
		t.Fatalf("SyncOnce: %v", err)
	}

	got := mustGetPO(t, st, po.Number)
	if got.Status != store.StatusPartiallyReceived {
		t.Errorf("%s is %s, want partially_received (TEE-WHT-L is 2 short)", got.Number, got.Status)
	}
	if white := lineOf(t, got, "TEE-WHT-L"); white.Received != 18 || white.Rejected != 2 {
		t.Errorf("TEE-WHT-L received %d rejected %d, want 18 and 2", white.Received, white.Rejected)
	}
	linked, err := st.LinkedPOs(extensiv.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range linked {
		if other.WMS.RemoteID == strconv.Itoa(existing) {
			if cap := lineOf(t, other, "CAP-RED"); cap.Received != 6 {
				t.Errorf("imported %s CAP-RED received %d, want 6", other.Number, cap.Received)
			}
		}
	}
	if status := engine.Status(); status.LastError != "" || !status.Imported {
		t.Errorf("engine status %+v, want imported and no error", status)
	}
}
