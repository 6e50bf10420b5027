package store

import (
	"strconv"
	"strings"
	"testing"

	"poboard/forecast"
)

// steadyDemand writes units of sku every day of the 120 days before the
// store clock's date.
func steadyDemand(t *testing.T, st *Store, sku string, units int) {
	t.Helper()
	var b strings.Builder
	b.WriteString(overlapHeader)
	for d := 120; d >= 1; d-- {
		date := demandToday.AddDate(0, 0, -d).Format("2006-01-02")
		b.WriteString("#" + sku + date + "," + date + " 10:00:00 +0000," + strconv.Itoa(units) + ",Item," + sku + ",\n")
	}
	importOrders(t, st, "main", strings.NewReader(b.String()))
}

func findSuggestion(t *testing.T, plan forecast.Plan, sku string) forecast.Suggestion {
	t.Helper()
	for _, group := range plan.Groups {
		for _, s := range group.Suggestions {
			if s.SKU == sku {
				return s
			}
		}
	}
	t.Fatalf("no suggestion for %s in %+v", sku, plan.Groups)
	return forecast.Suggestion{}
}

func TestInTransitDropsSuggestion(t *testing.T) {
	st := openDemandStore(t)
	steadyDemand(t, st, "TEE", 2)
	if err := st.ImportInventory("2025-05-23", []StockLevel{{"TEE", "main", 20}}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutSKUSettings(demandBuyer, SKUSettings{SKU: "TEE", Supplier: "Acme"}); err != nil {
		t.Fatal(err)
	}
	options := PlanOptions{Defaults: ForecastDefaults{LeadTimeDays: 10, CoverDays: 20, SafetyDays: 5}}

	plan, _, err := st.RestockPlan(options)
	if err != nil {
		t.Fatal(err)
	}
	before := findSuggestion(t, plan, "TEE")
	// 2/day over 30 days + 10 safety = 70, minus 20 on hand.
	if before.SuggestedQty != 50 {
		t.Fatalf("suggested before the PO = %d, want 50 (%s)", before.SuggestedQty, before.Reason)
	}

	drafts, err := st.CreateDraftsFromSuggestions(demandBuyer, []forecast.Suggestion{before})
	if err != nil {
		t.Fatal(err)
	}
	if len(drafts) != 1 || drafts[0].Supplier != "Acme" || drafts[0].Lines[0].Ordered != 50 {
		t.Fatalf("drafts = %+v, want one Acme draft for 50 TEE", drafts)
	}
	number := drafts[0].Number

	// Draft and approved POs are not in transit.
	for _, status := range []Status{"", StatusApproved} {
		if status != "" {
			if _, err := st.SetStatus(demandBuyer, number, 0, status); err != nil {
				t.Fatal(err)
			}
		}
		plan, _, _ := st.RestockPlan(options)
		if got := findSuggestion(t, plan, "TEE"); got.InTransit != 0 || got.SuggestedQty != 50 {
			t.Errorf("with the PO %s: in transit %d, suggested %d; want 0 and 50", orDraft(status), got.InTransit, got.SuggestedQty)
		}
	}

	if _, err := st.SetStatus(demandBuyer, number, 0, StatusOrdered); err != nil {
		t.Fatal(err)
	}
	plan, _, err = st.RestockPlan(options)
	if err != nil {
		t.Fatal(err)
	}
	after := findSuggestion(t, plan, "TEE")
	if after.InTransit != 50 || after.SuggestedQty != 0 {
		t.Errorf("with the PO ordered: in transit %d, suggested %d; want 50 and 0", after.InTransit, after.SuggestedQty)
	}
}

func orDraft(status Status) string {
	if status == "" {
		return "draft"
	}
	return string(status)
}

func TestDraftsPerSupplierWithCosts(t *testing.T) {
	st := openDemandStore(t)
	if err := st.PutSupplier(demandBuyer, SupplierSettings{Name: "Acme", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	suggestions := []forecast.Suggestion{
		{SKU: "A1", Supplier: "Acme", SuggestedQty: 10, UnitCost: 425, LeadTimeDays: 14},
		{SKU: "A2", Supplier: "Acme", SuggestedQty: 5, UnitCost: 100, LeadTimeDays: 21},
		{SKU: "B1", Supplier: "Bolt", SuggestedQty: 3, UnitCost: 999, LeadTimeDays: 7},
		{SKU: "B2", Supplier: "Bolt", SuggestedQty: 0},
	}
	drafts, err := st.CreateDraftsFromSuggestions(demandBuyer, suggestions)
	if err != nil {
		t.Fatal(err)
	}
	if len(drafts) != 2 {
		t.Fatalf("drafts = %d, want 2", len(drafts))
	}
	acme, bolt := drafts[0], drafts[1]
	if acme.Status != StatusDraft || acme.Currency != "EUR" || len(acme.Lines) != 2 || acme.Value() != 10*425+5*100 {
		t.Errorf("Acme draft = %+v, want 2 lines worth 47.50 EUR", acme)
	}
	if acme.ExpectedDate != "2025-06-14" {
		t.Errorf("Acme expected = %s, want today + 21 days", acme.ExpectedDate)
	}
	if len(bolt.Lines) != 1 || bolt.Currency != DefaultCurrency {
		t.Errorf("Bolt draft = %+v, want one line in %s", bolt, DefaultCurrency)
	}
}

func TestStockoutDaysReachSeries(t *testing.T) {
	st := openDemandStore(t)
	importOrders(t, st, "eu", strings.NewReader(overlapHeader+
		"#1,2025-05-18 10:00:00 +0200,2,Cap,CAP,\n#2,2025-05-22 10:00:00 +0200,2,Cap,CAP,\n"))
	// 05-20 had no stock and no sales; 05-22 had no stock but a sale.
	for _, date := range []string{"2025-05-20", "2025-05-22"} {
		if err := st.ImportInventory(date, []StockLevel{{"CAP", "", 0}}); err != nil {
			t.Fatal(err)
		}
	}
	in, err := st.loadPlanInputs(uint32(demandToday.Unix()/86400) - 1)
	if err != nil {
		t.Fatal(err)
	}
	item, _, err := in.item("CAP", in.demand["CAP"], uint32(demandToday.Unix()/86400)-1, ForecastDefaults{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	series := item.History
	if series.Len() != 6 {
		t.Fatalf("series = %d days, want 05-18 to 05-23", series.Len())
	}
	if series.InStock(2) {
		t.Error("05-20 with zero stock and no sales counts as in stock")
	}
	if !series.InStock(4) {
		t.Error("05-22 with a sale counts as a stockout")
	}
}
