package wms_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"poboard/store"
	"poboard/wms"
	"poboard/wms/simulator"
)

var buyer = store.Actor{Name: "ana", Role: store.RoleBuyer}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// fastSimulator delivers every receipt within milliseconds.
func fastSimulator(st *store.Store) *simulator.Simulator {
	return simulator.New(st, simulator.Config{
		FirstReceiptAfter: simulator.Duration{Duration: time.Millisecond},
		ReceiptEvery:      simulator.Duration{Duration: time.Millisecond},
		PollInterval:      simulator.Duration{Duration: 20 * time.Millisecond},
	})
}

// faulty wraps a real connector and fails pushes as configured.
type faulty struct {
	wms.Connector
	mu sync.Mutex
	// failures are returned by the next pushes, in order.
	failures []error
	// acceptThenFail makes the next push reach the WMS and then report an
	// error, as when the response is lost or the process dies after the create.
	acceptThenFail int
	pushes         int
}

func (f *faulty) Push(ctx context.Context, po store.PO) (string, error) {
	f.mu.Lock()
	f.pushes++
	if len(f.failures) > 0 {
		err := f.failures[0]
		f.failures = f.failures[1:]
		f.mu.Unlock()
		return "", err
	}
	accept := f.acceptThenFail > 0
	if accept {
		f.acceptThenFail--
	}
	f.mu.Unlock()

	id, err := f.Connector.Push(ctx, po)
	if accept && err == nil {
		return "", fmt.Errorf("connection reset after create: %w", context.DeadlineExceeded)
	}
	return id, err
}

func orderedPO(t *testing.T, st *store.Store) store.PO {
	t.Helper()
	po, err := st.CreatePO(buyer, store.NewPO{Supplier: "Acme", Currency: "EUR",
		Lines: []store.LineInput{{SKU: "TEE-BLK-M", Ordered: 100, UnitCost: 425}, {SKU: "TEE-WHT-L", Ordered: 40, UnitCost: 410}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []store.Status{store.StatusApproved, store.StatusOrdered} {
		if po, err = st.SetStatus(buyer, po.Number, 0, status); err != nil {
			t.Fatal(err)
		}
	}
	return po
}

func newEngine(st *store.Store, conn wms.Connector) *wms.Engine {
	return wms.NewEngine(wms.EngineOptions{Store: st, Connector: conn, PollInterval: 20 * time.Millisecond,
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, PushTimeout: time.Second})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func getPO(t *testing.T, st *store.Store, number string) store.PO {
	t.Helper()
	po, err := st.GetPO(number)
	if err != nil {
		t.Fatal(err)
	}
	return po
}

func TestPushThenReceiptsFillPO(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "poboard.db"))
	defer st.Close()
	engine := newEngine(st, fastSimulator(st))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { engine.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	po := orderedPO(t, st)
	if _, err := engine.RequestPush(buyer, po.Number, po.Version); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "final receipt", func() bool { return allSettled(getPO(t, st, po.Number)) })
	po = getPO(t, st, po.Number)
	if po.Status != store.StatusReceived && po.Status != store.StatusPartiallyReceived {
		t.Fatalf("status = %s after the final receipt", po.Status)
	}
	if !po.Pushed() || po.WMS.RemoteID != "SIM-000001" {
		t.Fatalf("link = %+v", po.WMS)
	}
	if engine.Status().LastSync.IsZero() {
		t.Fatal("status has no last sync time")
	}
	if engine.Status().Polls == 0 {
		t.Fatal("status counts no polls")
	}
	if len(engine.Status().InFlight) != 0 {
		t.Fatalf("in flight = %v", engine.Status().InFlight)
	}
}

// allSettled reports whether the simulator delivered its final receipt:
// every line has received or rejected units near the ordered quantity.
func allSettled(po store.PO) bool {
	for _, line := range po.Lines {
		if line.Received+line.Rejected < line.Ordered*9/10 {
			return false
		}
	}
	return true
}

func TestTransientErrorsRetried(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "poboard.db"))
	defer st.Close()
	conn := &faulty{Connector: fastSimulator(st), failures: []error{
		errors.New("HTTP 500 from WMS"),
		&wms.RetryAfterError{After: 200 * time.Millisecond, Err: errors.New("HTTP 429")},
	}}
	engine := newEngine(st, conn)
	po := orderedPO(t, st)
	if _, err := engine.RequestPush(buyer, po.Number, 0); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	if err := engine.PushNow(context.Background(), po.Number); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Fatalf("push finished after %s; Retry-After of 200ms was not honoured", elapsed)
	}
	if conn.pushes != 3 {
		t.Fatalf("pushes = %d, want 3", conn.pushes)
	}
	po = getPO(t, st, po.Number)
	if !po.Pushed() {
		t.Fatalf("link = %+v", po.WMS)
	}
	retries := 0
	for _, event := range po.History {
		if event.Event == store.EventPushRetry {
			retries++
		}
	}
	if retries != 2 {
		t.Fatalf("retry events = %d, want 2", retries)
	}
}

func TestPermanentErrorStopsRetrying(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "poboard.db"))
	defer st.Close()
	conn := &faulty{Connector: fastSimulator(st), failures: []error{wms.Permanent("SKU TEE-BLK-M is unknown to the WMS; create the item there first", nil)}}
	engine := newEngine(st, conn)
	po := orderedPO(t, st)
	if _, err := engine.RequestPush(buyer, po.Number, 0); err != nil {
		t.Fatal(err)
	}
	err := engine.PushNow(context.Background(), po.Number)
	if err == nil || !strings.Contains(err.Error(), "TEE-BLK-M is unknown") {
		t.Fatalf("err = %v", err)
	}
	po = getPO(t, st, po.Number)
	if po.Locked() || po.WMS.State != store.PushFailed || !strings.Contains(po.WMS.LastError, "TEE-BLK-M") {
		t.Fatalf("link = %+v", po.WMS)
	}
	if conn.pushes != 1 {
		t.Fatalf("pushes = %d, want 1", conn.pushes)
	}
}

func TestPushResumesAfterCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "poboard.db")
	st := openStore(t, path)
	po := orderedPO(t, st)
	if _, err := newEngine(st, fastSimulator(st)).RequestPush(buyer, po.Number, 0); err != nil {
		t.Fatal(err)
	}
	// The process dies before the worker runs: only the outbox remembers.
	st.Close()

	st = openStore(t, path)
	defer st.Close()
	if pending, _ := st.PendingPushes(); len(pending) != 1 {
		t.Fatalf("outbox after restart = %+v", pending)
	}
	engine := newEngine(st, fastSimulator(st))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { engine.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "pushed after restart", func() bool { return getPO(t, st, po.Number).Pushed() })
}

func TestLostResponseMakesOneRemotePO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "poboard.db")
	st := openStore(t, path)
	defer st.Close()
	sim := fastSimulator(st)
	conn := &faulty{Connector: sim, acceptThenFail: 1}
	engine := newEngine(st, conn)
	po := orderedPO(t, st)
	if _, err := engine.RequestPush(buyer, po.Number, 0); err != nil {
		t.Fatal(err)
	}
	if err := engine.PushNow(context.Background(), po.Number); err != nil {
		t.Fatal(err)
	}
	if conn.pushes != 2 {
		t.Fatalf("pushes = %d, want 2", conn.pushes)
	}
	po = getPO(t, st, po.Number)
	if po.WMS.RemoteID != "SIM-000001" {
		t.Fatalf("remote id = %q; the retry made a second order", po.WMS.RemoteID)
	}
	second := orderedPO(t, st)
	if _, err := engine.RequestPush(buyer, second.Number, 0); err != nil {
		t.Fatal(err)
	}
	if err := engine.PushNow(context.Background(), second.Number); err != nil {
		t.Fatal(err)
	}
	if id := getPO(t, st, second.Number).WMS.RemoteID; id != "SIM-000002" {
		t.Fatalf("second remote id = %q, want SIM-000002 (one order per PO)", id)
	}
}

func TestInitialImportRunsOnce(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "poboard.db"))
	defer st.Close()
	sim := fastSimulator(st)
	if err := sim.AddExisting(simulator.ExistingOrder{Reference: "WH-1001", Supplier: "Northwind", Currency: "EUR",
		CreatedAt: time.Now().Add(-48 * time.Hour), Lines: []store.LineInput{{SKU: "MUG-WHT", Ordered: 24, UnitCost: 350}}},
		simulator.ExistingOrder{Reference: "WH-0900", Supplier: "Old", CreatedAt: time.Now().AddDate(0, 0, -200),
			Lines: []store.LineInput{{SKU: "OLD", Ordered: 1}}}); err != nil {
		t.Fatal(err)
	}
	engine := wms.NewEngine(wms.EngineOptions{Store: st, Connector: sim, AutoImport: true, ImportDays: 90})
	if err := engine.SyncOnce(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	pos, _ := st.ListPOs()
	if len(pos) != 1 {
		t.Fatalf("imported %d POs, want 1 (the 200-day-old one is outside 90 days)", len(pos))
	}
	po := pos[0]
	if po.Status != store.StatusApproved || !po.Locked() || po.WMS.Label != "Simulated warehouse" {
		t.Fatalf("po = %+v link = %+v", po, po.WMS)
	}
	if !engine.Status().Imported {
		t.Fatal("status does not record the import")
	}
	if created, err := engine.ImportExisting(context.Background()); err != nil || created != 0 {
		t.Fatalf("second import created %d, err %v", created, err)
	}

	if _, err := st.SetStatus(buyer, po.Number, 0, store.StatusOrdered); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "receipts on the imported PO", func() bool {
		if err := engine.SyncOnce(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		return getPO(t, st, po.Number).TotalReceived() > 0
	})
}

func TestUnconfiguredConnectorRejectsPush(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "poboard.db"))
	defer st.Close()
	engine := newEngine(st, unconfigured{fastSimulator(st)})
	po := orderedPO(t, st)
	_, err := engine.RequestPush(buyer, po.Number, 0)
	if err == nil || !strings.Contains(err.Error(), "POBOARD_TOKEN") {
		t.Fatalf("err = %v", err)
	}
	if getPO(t, st, po.Number).Locked() {
		t.Fatal("rejected push locked the PO")
	}
}

type unconfigured struct{ *simulator.Simulator }

func (unconfigured) Missing() []string { return []string{"POBOARD_TOKEN"} }

func TestInactiveConnectorLinksWarned(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "poboard.db"))
	defer st.Close()
	po := orderedPO(t, st)
	if _, err := st.RequestPush(buyer, po.Number, 0, "extensiv", "Extensiv"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CompletePush(po.Number, "1001"); err != nil {
		t.Fatal(err)
	}

	warnings := newEngine(st, fastSimulator(st)).Status().Warnings
	if len(warnings) != 1 || !strings.Contains(warnings[0], "1 open PO is linked to extensiv") {
		t.Fatalf("warnings = %q", warnings)
	}
	if warnings := newEngine(st, &faulty{Connector: renamed{fastSimulator(st), "extensiv"}}).Status().Warnings; len(warnings) != 0 {
		t.Fatalf("warnings with extensiv active = %q", warnings)
	}
}

// renamed presents a connector under another name.
type renamed struct {
	*simulator.Simulator
	name string
}

func (r renamed) Name() string { return r.name }
