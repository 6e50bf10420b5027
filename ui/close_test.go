package ui

import (
	"strings"
	"testing"

	"poboard/store"
)

// pushedPO stores an Ordered PO pushed to and accepted by the simulated
// warehouse, then records receipts of the given units as the WMS would.
func pushedPO(t *testing.T, st *store.Store, received int) store.PO {
	t.Helper()
	po := createPO(t, st, "Acme", store.StatusOrdered)
	if _, err := st.RequestPush(buyer, po.Number, 0, "simulator", "Simulated warehouse"); err != nil {
		t.Fatal(err)
	}
	po, err := st.CompletePush(po.Number, "SIM-1")
	if err != nil {
		t.Fatal(err)
	}
	if received > 0 {
		update := store.RemoteUpdate{Number: po.Number, Connector: "simulator", RemoteID: "SIM-1", AsOf: testNow,
			Lines: []store.RemoteLine{{SKU: "TEE-BLK-M", Ordered: 100, Received: received}}}
		if po, _, err = st.ApplyRemote(update); err != nil {
			t.Fatal(err)
		}
	}
	return po
}

func TestLockedPOStatusMenuOffersClose(t *testing.T) {
	tests := []struct {
		name     string
		received int
		status   store.Status
	}{
		{"partially received", 40, store.StatusPartiallyReceived},
		{"received", 100, store.StatusReceived},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openTestStore(t)
			po := pushedPO(t, st, tt.received)
			if po.Status != tt.status || !po.Locked() {
				t.Fatalf("PO is %s, locked %v; want %s and locked", po.Status, po.Locked(), tt.status)
			}
			m := newTestModel(t, st, nil, buyer)

			press(m, "s")
			menu, ok := m.detail.dialog.(*statusMenu)
			if !ok {
				t.Fatalf("s opened no menu; notice %q", m.status.notice.text)
			}
			if len(menu.targets) != 1 || menu.targets[0] != store.StatusClosed {
				t.Errorf("menu = %v, want only Closed", menu.targets)
			}
			view := flatView(m)
			for _, want := range []string{"Closed", "other changes are made in Simulated warehouse"} {
				if !strings.Contains(view, flat(want)) {
					t.Errorf("menu lacks %q:\n%s", want, m.View())
				}
			}

			press(m, "enter")
			if got, _ := st.GetPO(po.Number); got.Status != store.StatusClosed {
				t.Errorf("status after enter = %s, want closed; notice %q", got.Status, m.status.notice.text)
			}
		})
	}
}

func TestLockedPOOtherMovesShowLock(t *testing.T) {
	tests := []struct {
		name     string
		received int
		key      string
	}{
		{"status of ordered", 0, "s"},
		{"push of partially received", 40, "p"},
		{"receipt of partially received", 40, "R"},
		{"receipt of received", 100, "R"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openTestStore(t)
			po := pushedPO(t, st, tt.received)
			m := newTestModel(t, st, nil, buyer)
			press(m, tt.key)
			want := (&store.LockedError{Number: po.Number, WMS: "Simulated warehouse"}).Error()
			if m.mode != modeBoard || m.detail.dialog != nil {
				t.Errorf("%s opened mode %v, dialog %v on a locked PO", tt.key, m.mode, m.detail.dialog)
			}
			if m.status.notice.text != want {
				t.Errorf("notice = %q, want the lock message %q", m.status.notice.text, want)
			}
		})
	}
}
