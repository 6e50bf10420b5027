package store

import "testing"

func TestSettingsPrecedence(t *testing.T) {
	days := func(n int) *int { return &n }
	suppliers := map[string]SupplierSettings{"Acme": {Name: "Acme", LeadTimeDays: days(14), MOQ: 50, CasePack: 10, Currency: "EUR"}}
	defaults := ForecastDefaults{LeadTimeDays: 30, CoverDays: 30, SafetyDays: 7}

	p := resolvePolicy(nil, suppliers, defaults, "Acme")
	if p.leadTime != 14 || p.cover != 30 || p.moq != 50 || p.currency != "EUR" {
		t.Errorf("supplier policy = %+v, want lead 14 from Acme, cover 30 from defaults", p)
	}
	p = resolvePolicy(&SKUSettings{SKU: "X", LeadTimeDays: days(3), MOQ: days(0)}, suppliers, defaults, "Acme")
	if p.leadTime != 3 || p.moq != 0 || p.casePack != 10 {
		t.Errorf("SKU policy = %+v, want lead 3 and MOQ 0 from the SKU, case pack 10 from Acme", p)
	}
	p = resolvePolicy(&SKUSettings{SKU: "X", Supplier: "Other"}, suppliers, defaults, "Acme")
	if p.supplier != "Other" || p.leadTime != 30 || p.currency != DefaultCurrency {
		t.Errorf("moved SKU policy = %+v, want supplier Other on defaults", p)
	}
}

func TestSettingsValidation(t *testing.T) {
	st := openDemandStore(t)
	negative := -1
	cases := []struct {
		name string
		err  error
	}{
		{"no name", st.PutSupplier(demandBuyer, SupplierSettings{})},
		{"bad currency", st.PutSupplier(demandBuyer, SupplierSettings{Name: "A", Currency: "EURO"})},
		{"negative MOQ", st.PutSupplier(demandBuyer, SupplierSettings{Name: "A", MOQ: -5})},
		{"negative lead time", st.PutSKUSettings(demandBuyer, SKUSettings{SKU: "X", LeadTimeDays: &negative})},
		{"warehouse role", st.PutSupplier(Actor{Name: "w", Role: RoleWarehouse}, SupplierSettings{Name: "A"})},
	}
	for _, tc := range cases {
		if tc.err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}

	if err := st.PutSupplier(demandBuyer, SupplierSettings{Name: " Acme ", Currency: "eur", MinOrderValue: 50000}); err != nil {
		t.Fatal(err)
	}
	suppliers, err := st.Suppliers()
	if err != nil {
		t.Fatal(err)
	}
	if len(suppliers) != 1 || suppliers[0].Name != "Acme" || suppliers[0].Currency != "EUR" {
		t.Errorf("suppliers = %+v, want Acme in EUR", suppliers)
	}
	if err := st.DeleteSupplier(demandBuyer, "Acme"); err != nil {
		t.Fatal(err)
	}
	if suppliers, _ := st.Suppliers(); len(suppliers) != 0 {
		t.Errorf("suppliers after delete = %+v", suppliers)
	}
}
