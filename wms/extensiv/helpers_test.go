package extensiv_test

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"testing"

	"poboard/store"
	"poboard/wms/extensiv"
	"poboard/wms/extensiv/extensivtest"
)

const (
	customerID = 7
	facilityID = 3
)

var buyer = store.Actor{Name: "buyer", Role: store.RoleBuyer}

// newServer starts a test server with the SKUs the tests order.
func newServer(t *testing.T, opts extensivtest.Options) *extensivtest.Server {
	t.Helper()
	srv, err := extensivtest.New(opts)
	if err != nil {
		t.Fatalf("starting the Extensiv test server: %v", err)
	}
	t.Cleanup(srv.Close)
	srv.SeedItems(customerID, "TEE-BLK-M", "TEE-WHT-L", "CAP-RED")
	return srv
}

// config returns a complete [wms.extensiv] table for srv.
func config(srv *extensivtest.Server) extensiv.Config {
	return extensiv.Config{BaseURL: srv.URL, CustomerID: customerID, FacilityID: facilityID, UserLogin: "poboard", Timeout: "2s"}
}

func newConnector(srv *extensivtest.Server, cfg extensiv.Config, client *http.Client) *extensiv.Connector {
	return extensiv.New(cfg, "test-client", "test-secret", client)
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// orderedPO creates a PO, moves it to Ordered and queues its push, the way
// a buyer does before the connector receives it.
func orderedPO(t *testing.T, st *store.Store, expected string, lines ...store.LineInput) store.PO {
	t.Helper()
	po, err := st.CreatePO(buyer, store.NewPO{Supplier: "Acme Textiles", Currency: "EUR", ExpectedDate: expected, Lines: lines})
	if err != nil {
		t.Fatalf("CreatePO: %v", err)
	}
	if _, err := st.SetStatus(buyer, po.Number, 0, store.StatusApproved); err != nil {
		t.Fatalf("approve %s: %v", po.Number, err)
	}
	if _, err := st.SetStatus(buyer, po.Number, 0, store.StatusOrdered); err != nil {
		t.Fatalf("order %s: %v", po.Number, err)
	}
	po, err = st.RequestPush(buyer, po.Number, 0, extensiv.Name, extensiv.Label)
	if err != nil {
		t.Fatalf("RequestPush %s: %v", po.Number, err)
	}
	return po
}

// pushAndLink pushes po and records the result in the store.
func pushAndLink(t *testing.T, st *store.Store, conn *extensiv.Connector, po store.PO) (store.PO, string) {
	t.Helper()
	remoteID, err := conn.Push(context.Background(), po)
	if err != nil {
		t.Fatalf("Push %s: %v", po.Number, err)
	}
	linked, err := st.CompletePush(po.Number, remoteID)
	if err != nil {
		t.Fatalf("CompletePush %s: %v", po.Number, err)
	}
	return linked, remoteID
}

// sync runs one poll and applies every update, as the engine does, and
// returns the new cursor.
func pollOnce(t *testing.T, st *store.Store, conn *extensiv.Connector, cursor string) string {
	t.Helper()
	linked, err := st.LinkedPOs(extensiv.Name)
	if err != nil {
		t.Fatalf("LinkedPOs: %v", err)
	}
	updates, next, err := conn.Changes(context.Background(), cursor, linked)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	for _, update := range updates {
		if _, _, err := st.ApplyRemote(update); err != nil {
			t.Fatalf("ApplyRemote %s: %v", update.RemoteID, err)
		}
	}
	return next
}

func line(sku string, qty int, cost int64) store.LineInput {
	return store.LineInput{SKU: sku, Ordered: qty, UnitCost: cost}
}

// hookTransport lets a test act on each request before it is sent, or
// fail it as the network would. Calls are serialized, so hooks may keep
// plain state.
type hookTransport struct {
	mu     sync.Mutex
	before func(r *http.Request)
	fail   func(r *http.Request) error
}

func (h *hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	if h.before != nil {
		h.before(r)
	}
	var err error
	if h.fail != nil {
		err = h.fail(r)
	}
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return http.DefaultTransport.RoundTrip(r)
}

func mustGetPO(t *testing.T, st *store.Store, number string) store.PO {
	t.Helper()
	po, err := st.GetPO(number)
	if err != nil {
		t.Fatalf("GetPO %s: %v", number, err)
	}
	return po
}

func lineOf(t *testing.T, po store.PO, sku string) store.Line {
	t.Helper()
	i := po.Line(sku)
	if i < 0 {
		t.Fatalf("%s has no line %s; lines: %+v", po.Number, sku, po.Lines)
	}
	return po.Lines[i]
}
