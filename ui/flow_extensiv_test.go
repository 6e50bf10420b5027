package ui

import (
	"context"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"poboard/store"
	"poboard/wms"
	"poboard/wms/extensiv"
	"poboard/wms/extensiv/extensivtest"
)

// Extensiv customer and facility of the test server's account.
const (
	extensivCustomer = 7
	extensivFacility = 3
)

// startExtensiv starts the Extensiv test server on 127.0.0.1 and a real
// sync engine with the Extensiv connector pointed at it. The server's clock
// starts at testNow and runs, so its timestamps keep increasing. The
// engine polls only when asked (r on the board) and stops before the
// store closes.
func startExtensiv(t *testing.T, st *store.Store) (*extensivtest.Server, *wms.Engine) {
	t.Helper()
	started := time.Now()
	srv, err := extensivtest.New(extensivtest.Options{Now: func() time.Time { return testNow.Add(time.Since(started)) }})
	if err != nil {
		t.Fatalf("starting the Extensiv test server: %v", err)
	}
	t.Cleanup(srv.Close)
	srv.SeedItems(extensivCustomer, "TEE-BLK-M")

	conn := extensiv.New(extensiv.Config{BaseURL: srv.URL, CustomerID: extensivCustomer, FacilityID: extensivFacility,
		UserLogin: "poboard", Timeout: "5s"}, "test-client", "test-secret", nil)
	engine := wms.NewEngine(wms.EngineOptions{Store: st, Connector: conn, PollInterval: time.Hour,
		MinBackoff: 10 * time.Millisecond, PushTimeout: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		engine.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return srv, engine
}

// TestFlowPushToExtensiv pushes an Ordered PO to Extensiv from the board
// and checks that the PO shows locked, then that the receipt confirmed on
// the server shows up after the next sync.
func TestFlowPushToExtensiv(t *testing.T) {
	st := openTestStore(t)
	srv, engine := startExtensiv(t, st)
	po := createPO(t, st, "Acme Textiles", store.StatusOrdered)

	tm := startBoard(t, st, engine, buyer, 80, 24)
	waitText(t, tm, "[ Push to Extensiv ]")
	sendKeys(tm, "p")
	waitText(t, tm, "Once pushed", "locked here")
	sendKeys(tm, "y")
	waitText(t, tm, "Locked: in Extensiv as 1001")

	ids := srv.FindReference(extensivCustomer, po.Number)
	if len(ids) != 1 {
		t.Fatalf("%d receivers for %s on the server, want 1", len(ids), po.Number)
	}
	receiver, _ := srv.Receiver(ids[0])
	if len(receiver.Items) != 1 || receiver.Items[0].SKU != "TEE-BLK-M" || receiver.Items[0].Qty != 100 {
		t.Errorf("receiver items = %+v, want 100 TEE-BLK-M", receiver.Items)
	}
	if err := srv.Confirm(ids[0], []extensivtest.Count{{SKU: "TEE-BLK-M", Qty: 40}}); err != nil {
		t.Fatal(err)
	}
	sendKeys(tm, "r")
	waitText(t, tm, "40/100")
	sendKeys(tm, "e")
	waitText(t, tm, "Notes of PO-000001")

	got, err := st.GetPO(po.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.StatusPartiallyReceived || !got.Pushed() || got.WMS.Connector != extensiv.Name {
		t.Errorf("%s is %s, pushed %v to %+v; want partially received and pushed to extensiv", got.Number, got.Status, got.Pushed(), got.WMS)
	}
	golden.RequireEqual(t, finalView(t, tm))
}
