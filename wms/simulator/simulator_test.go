package simulator

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"poboard/store"
	"poboard/wms"
)

// clock is a settable time source for the simulator.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func openSim(t *testing.T, path string, c *clock, cfg Config) (*store.Store, *Simulator) {
	t.Helper()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Now = c.Now
	return st, New(st, cfg)
}

func testPO(number string) store.PO {
	return store.PO{Number: number, Supplier: "Acme", Currency: "EUR", Lines: []store.Line{
		{SKU: "A", Ordered: 100, UnitCost: 100}, {SKU: "B", Ordered: 40, UnitCost: 200}}}
}

func TestReceiptsArriveOverTime(t *testing.T) {
	c := &clock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	st, sim := openSim(t, filepath.Join(t.TempDir(), "db"), c, Config{ShortPercent: 100})
	defer st.Close()
	ctx := context.Background()

	id, err := sim.Push(ctx, testPO("PO-000001"))
	if err != nil {
		t.Fatal(err)
	}
	updates, cursor, err := sim.Changes(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(updates) != 1 || updates[0].Lines[0].Received != 0 {
		t.Fatalf("before the first receipt: %+v", updates)
	}

	c.now = c.now.Add(10 * time.Second)
	updates, cursor, _ = sim.Changes(ctx, cursor, nil)
	if len(updates) != 1 || updates[0].RemoteID != id || updates[0].Lines[0].Received != 25 {
		t.Fatalf("first receipt: %+v", updates)
	}

	if again, _, _ := sim.Changes(ctx, cursor, nil); len(again) != 0 {
		t.Fatalf("nothing changed but got %+v", again)
	}

	c.now = c.now.Add(time.Hour)
	updates, _, _ = sim.Changes(ctx, cursor, nil)
	if len(updates) != 1 {
		t.Fatalf("final: %+v", updates)
	}
	final := updates[0].Lines
	if final[0].Received != 90 {
		t.Fatalf("short line A received %d, want 90", final[0].Received)
	}
	if final[1].Received != 40 {
		t.Fatalf("line B received %d, want 40", final[1].Received)
	}
}

func TestPushIsIdempotentAndStateSurvives(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	c := &clock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	st, sim := openSim(t, path, c, Config{})
	first, err := sim.Push(context.Background(), testPO("PO-000001"))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, sim = openSim(t, path, c, Config{})
	defer st.Close()
	again, err := sim.Push(context.Background(), testPO("PO-000001"))
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Fatalf("second push made %s, want the existing %s", again, first)
	}
	other, _ := sim.Push(context.Background(), testPO("PO-000002"))
	if other == first {
		t.Fatal("two POs share one order")
	}
}

func TestCancelReported(t *testing.T) {
	c := &clock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	st, sim := openSim(t, filepath.Join(t.TempDir(), "db"), c, Config{})
	defer st.Close()
	id, _ := sim.Push(context.Background(), testPO("PO-000001"))
	_, cursor, _ := sim.Changes(context.Background(), "", nil)
	if err := sim.Cancel(id); err != nil {
		t.Fatal(err)
	}
	updates, _, _ := sim.Changes(context.Background(), cursor, nil)
	if len(updates) != 1 || updates[0].Status != store.StatusCancelled {
		t.Fatalf("updates = %+v", updates)
	}
	if err := sim.Cancel("SIM-999"); err == nil {
		t.Fatal("cancel of an unknown order succeeded")
	}
}

func TestPushWithoutLinesIsPermanent(t *testing.T) {
	c := &clock{now: time.Now()}
	st, sim := openSim(t, filepath.Join(t.TempDir(), "db"), c, Config{})
	defer st.Close()
	_, err := sim.Push(context.Background(), store.PO{Number: "PO-000009"})
	if !wms.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent error", err)
	}
}
