package ui

import (
	"testing"

	"poboard/store"
)

func TestNewPOFormCurrency(t *testing.T) {
	tests := []struct {
		name string
		// fill types into the new-PO form, which opens on its supplier.
		fill func(m *Model)
		want string
	}{
		{
			name: "supplier settings",
			fill: func(m *Model) { typeText(m, "Acme") },
			want: "GBP",
		},
		{
			name: "latest PO of supplier",
			fill: func(m *Model) { typeText(m, "Bolt") },
			want: "CAD",
		},
		{
			name: "unknown supplier",
			fill: func(m *Model) { typeText(m, "Cargo") },
			want: store.DefaultCurrency,
		},
		{
			name: "supplier changed again",
			fill: func(m *Model) {
				typeText(m, "Acme")
				press(m, "backspace", "backspace", "backspace", "backspace")
				typeText(m, "Bolt")
			},
			want: "CAD",
		},
		{
			name: "currency typed first",
			fill: func(m *Model) {
				press(m, "tab", "tab", "backspace", "backspace", "backspace")
				typeText(m, "JPY")
				press(m, "shift+tab", "shift+tab")
				typeText(m, "Acme")
			},
			want: "JPY",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openTestStore(t)
			if err := st.PutSupplier(buyer, store.SupplierSettings{Name: "Acme", Currency: "GBP"}); err != nil {
				t.Fatal(err)
			}
			// Settings win over Acme's earlier POs; Bolt has no settings,
			// so its newest PO gives the currency.
			createPOIn(t, st, "Acme", "EUR")
			createPOIn(t, st, "Bolt", "EUR")
			createPOIn(t, st, "Bolt", "CAD")
			m := newTestModel(t, st, nil, buyer)

			press(m, "n")
			tt.fill(m)

			if m.form == nil {
				t.Fatal("the new-PO form is not open")
			}
			if got := m.form.grid.rows[rowCurrency].value(0); got != tt.want {
				t.Errorf("currency = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEditPOFormKeepsCurrency(t *testing.T) {
	st := openTestStore(t)
	if err := st.PutSupplier(buyer, store.SupplierSettings{Name: "Acme", Currency: "GBP"}); err != nil {
		t.Fatal(err)
	}
	createPOIn(t, st, "Acm", "EUR")
	m := newTestModel(t, st, nil, buyer)

	press(m, "e")
	if m.form == nil || m.form.editing == nil {
		t.Fatal("the edit form is not open")
	}
	typeText(m, "e")

	if got := m.form.grid.rows[rowSupplier].value(0); got != "Acme" {
		t.Fatalf("supplier = %q, want Acme", got)
	}
	if got := m.form.grid.rows[rowCurrency].value(0); got != "EUR" {
		t.Errorf("currency = %q, want the PO's own EUR", got)
	}
}

// createPOIn creates a Draft PO of supplier in currency.
func createPOIn(t *testing.T, st *store.Store, supplier, currency string) store.PO {
	t.Helper()
	po, err := st.CreatePO(buyer, store.NewPO{Supplier: supplier, Currency: currency, ExpectedDate: "2026-12-20",
		Lines: []store.LineInput{{SKU: "TEE-BLK-M", Ordered: 10, UnitCost: 425}}})
	if err != nil {
		t.Fatal(err)
	}
	return po
}
