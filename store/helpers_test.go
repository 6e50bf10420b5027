package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

var (
	buyer      = Actor{Name: "ana", Role: RoleBuyer}
	otherBuyer = Actor{Name: "ben", Role: RoleBuyer}
	lead       = Actor{Name: "dock-lead", Role: RoleWarehouse}
)

// openTest opens a fresh database in a temporary folder with a fixed clock
// that advances one second per reading.
func openTest(t *testing.T) *Store {
	t.Helper()
	clock := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	st, err := Open(filepath.Join(t.TempDir(), "poboard.db"), Options{Now: func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// createPO stores a draft PO with two lines.
func createPO(t *testing.T, st *Store) PO {
	t.Helper()
	po, err := st.CreatePO(buyer, NewPO{Supplier: "Acme Textiles", Currency: "EUR", ExpectedDate: "2026-12-20",
		Lines: []LineInput{{SKU: "TEE-BLK-M", Ordered: 100, UnitCost: 425}, {SKU: "TEE-WHT-L", Ordered: 50, UnitCost: 410}}})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return po
}

// orderedPO stores a PO and moves it to Ordered.
func orderedPO(t *testing.T, st *Store) PO {
	t.Helper()
	po := createPO(t, st)
	return moveTo(t, st, po.Number, StatusApproved, StatusOrdered)
}

func moveTo(t *testing.T, st *Store, number string, statuses ...Status) PO {
	t.Helper()
	var po PO
	for _, status := range statuses {
		var err error
		if po, err = st.SetStatus(buyer, number, 0, status); err != nil {
			t.Fatalf("move %s to %s: %v", number, status, err)
		}
	}
	return po
}

func requireErrorAs[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T), want %T", err, err, target)
	}
	return target
}
