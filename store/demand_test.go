package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"poboard/forecast"
	"poboard/forecast/shopify"
)

var demandBuyer = Actor{Name: "t", Role: RoleBuyer}

// demandToday is the store clock in these tests: a week after the last
// order of the development store export.
var demandToday = time.Date(2025, 5, 24, 12, 0, 0, 0, time.UTC)

func openDemandStore(t *testing.T) *Store {
	t.Helper()
	st, err := Open(filepath.Join(t.TempDir(), "poboard.db"), Options{Now: func() time.Time { return demandToday }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// importOrders reads a Shopify orders export and imports it as storeName.
func importOrders(t *testing.T, st *Store, storeName string, r io.Reader) OrderImportResult {
	t.Helper()
	reader, err := shopify.NewOrderReader(r)
	if err != nil {
		t.Fatal(err)
	}
	imp := st.NewOrderImport()
	for {
		order, err := reader.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := imp.Add(DemandOrderFrom(storeName, order)); err != nil {
			t.Fatal(err)
		}
	}
	result, err := imp.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return result
}

func importDevstore(t *testing.T, st *Store) OrderImportResult {
	t.Helper()
	file, err := os.Open("../testdata/shopify/orders_export_devstore.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	return importOrders(t, st, "devstore", file)
}

// demandBySKU returns total units per resolved SKU through yesterday.
func demandBySKU(t *testing.T, st *Store) map[string]int {
	t.Helper()
	plan, _, err := st.RestockPlan(PlanOptions{Defaults: ForecastDefaults{LeadTimeDays: 7, CoverDays: 7}})
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]int{}
	for _, group := range plan.Groups {
		for _, s := range group.Suggestions {
			for _, u := range s.Recent {
				units[s.SKU] += int(u)
			}
		}
	}
	return units
}

func TestImportDevstoreExport(t *testing.T) {
	st := openDemandStore(t)
	result := importDevstore(t, st)
	if result.New != 19 {
		t.Errorf("new orders = %d, want 19", result.New)
	}
	orders, cancelled, err := st.CountOrders()
	if err != nil {
		t.Fatal(err)
	}
	if orders != 19 || cancelled != 0 {
		t.Errorf("stored orders = %d (%d cancelled), want 19 (0)", orders, cancelled)
	}

	// Only one product has a SKU; the others wait for a mapping.
	unmapped, err := st.UnmappedNames()
	if err != nil {
		t.Fatal(err)
	}
	if len(unmapped) != 9 {
		t.Errorf("unmapped names = %d (%v), want 9", len(unmapped), unmapped)
	}
	if unmapped[0].Name != "Selling Plans Ski Wax - Selling Plans Ski Wax" || unmapped[0].Units != 5 {
		t.Errorf("top unmapped = %+v, want the ski wax with 5 units", unmapped[0])
	}
	if got := demandBySKU(t, st)["sku-untracked-1"]; got != 2 {
		t.Errorf("units of sku-untracked-1 = %d, want 2", got)
	}
}

func TestReimportChangesNothing(t *testing.T) {
	st := openDemandStore(t)
	importDevstore(t, st)
	if err := st.MapProductName(demandBuyer, "The Multi-location Snowboard", "SB-MULTI"); err != nil {
		t.Fatal(err)
	}
	before := demandBySKU(t, st)

	again := importDevstore(t, st)
	if again.New != 0 || again.Updated != 0 || again.Unchanged != 19 {
		t.Errorf("second import = %+v, want 19 unchanged", again)
	}
	after := demandBySKU(t, st)
	if len(after) != len(before) || after["SB-MULTI"] != 4 || before["SB-MULTI"] != 4 {
		t.Errorf("demand before %v, after %v; want equal with SB-MULTI = 4", before, after)
	}
}

const overlapHeader = "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku,Cancelled at\n"

func TestOverlappingExportAddsOnlyNew(t *testing.T) {
	st := openDemandStore(t)
	older := overlapHeader +
		"#1,2025-05-20 10:00:00 +0200,2,Cap,CAP,\n" +
		"#2,2025-05-21 10:00:00 +0200,3,Cap,CAP,\n"
	newer := overlapHeader +
		"#2,2025-05-21 10:00:00 +0200,3,Cap,CAP,\n" +
		"#3,2025-05-22 10:00:00 +0200,4,Cap,CAP,\n"
	importOrders(t, st, "eu", strings.NewReader(older))
	result := importOrders(t, st, "eu", strings.NewReader(newer))

	if result.New != 1 || result.Unchanged != 1 {
		t.Errorf("overlapping import = %+v, want 1 new and 1 unchanged", result)
	}
	if got := demandBySKU(t, st)["CAP"]; got != 9 {
		t.Errorf("CAP units = %d, want 2+3+4", got)
	}
}

func TestCancellationRemovesDemand(t *testing.T) {
	st := openDemandStore(t)
	importOrders(t, st, "eu", strings.NewReader(overlapHeader+"#1,2025-05-20 10:00:00 +0200,2,Cap,CAP,\n#2,2025-05-21 10:00:00 +0200,5,Cap,CAP,\n"))
	result := importOrders(t, st, "eu", strings.NewReader(overlapHeader+"#2,2025-05-21 10:00:00 +0200,5,Cap,CAP,2025-05-22 09:00:00 +0200\n"))

	if result.Updated != 1 || result.Cancelled != 1 {
		t.Errorf("import = %+v, want 1 updated, 1 cancelled", result)
	}
	if got := demandBySKU(t, st)["CAP"]; got != 2 {
		t.Errorf("CAP units = %d, want 2 after #2 was cancelled", got)
	}
}

func TestSameOrderNameInTwoStores(t *testing.T) {
	st := openDemandStore(t)
	file := overlapHeader + "#1001,2025-05-20 10:00:00 +0200,2,Cap,CAP,\n"
	importOrders(t, st, "eu", strings.NewReader(file))
	result := importOrders(t, st, "us", strings.NewReader(file))
	if result.New != 1 {
		t.Errorf("second store's #1001 = %+v, want a new order", result)
	}
	if orders, _, _ := st.CountOrders(); orders != 2 {
		t.Errorf("orders = %d, want 2", orders)
	}
	if got := demandBySKU(t, st)["CAP"]; got != 4 {
		t.Errorf("CAP units = %d, want 4", got)
	}
}

func TestSplitOrderRowsMerge(t *testing.T) {
	st := openDemandStore(t)
	// #1's rows are not adjacent: the reader yields it twice in one run.
	file := overlapHeader +
		"#1,2025-05-20 10:00:00 +0200,2,Cap,CAP,\n" +
		"#2,2025-05-20 11:00:00 +0200,1,Cap,CAP,\n" +
		"#1,2025-05-20 10:00:00 +0200,3,Hat,HAT,\n"
	importOrders(t, st, "eu", strings.NewReader(file))
	result := importOrders(t, st, "eu", strings.NewReader(file))
	if result.New != 0 {
		t.Errorf("re-import of a split order = %+v, want nothing new", result)
	}
	if orders, _, _ := st.CountOrders(); orders != 2 {
		t.Errorf("orders = %d, want 2", orders)
	}
	units := demandBySKU(t, st)
	if units["CAP"] != 3 || units["HAT"] != 3 {
		t.Errorf("units = %v, want CAP 3 and HAT 3", units)
	}
}

func TestCatalogueMatchesNames(t *testing.T) {
	st := openDemandStore(t)
	importDevstore(t, st)
	_, err := st.ImportProducts([]Product{
		{SKU: "WAX-STD", Title: "Selling Plans Ski Wax", Variant: "Selling Plans Ski Wax", Vendor: "Wax Co", Cost: "4.25"},
		{SKU: "SB-HYD", Title: "The Collection Snowboard: Hydrogen", Vendor: "Hydrogen Vendor", Cost: "300.00"},
	})
	if err != nil {
		t.Fatal(err)
	}
	units := demandBySKU(t, st)
	if units["WAX-STD"] != 5 || units["SB-HYD"] != 3 {
		t.Errorf("units = %v, want WAX-STD 5 and SB-HYD 3", units)
	}
	unmapped, _ := st.UnmappedNames()
	if len(unmapped) != 7 {
		t.Errorf("unmapped = %d, want 7 after two matches", len(unmapped))
	}
}

func TestInventorySnapshots(t *testing.T) {
	st := openDemandStore(t)
	if err := st.ImportInventory("2025-05-20", []StockLevel{{"CAP", "Berlin", 0}, {"CAP", "Paris", 0}, {"HAT", "Berlin", 5}}); err != nil {
		t.Fatal(err)
	}
	if err := st.ImportInventory("2025-05-22", []StockLevel{{"CAP", "Berlin", 7}, {"CAP", "Paris", 3}, {"CAP", "Paris", 1}}); err != nil {
		t.Fatal(err)
	}
	// The same day again replaces that day's snapshot.
	if err := st.ImportInventory("2025-05-22", []StockLevel{{"CAP", "Berlin", 6}, {"CAP", "Paris", 3}}); err != nil {
		t.Fatal(err)
	}
	onHand, err := st.OnHand()
	if err != nil {
		t.Fatal(err)
	}
	if onHand["CAP"] != 9 {
		t.Errorf("CAP on hand = %d, want 9 from the replaced 05-22 snapshot", onHand["CAP"])
	}
	if onHand["HAT"] != 5 {
		t.Errorf("HAT on hand = %d, want 5 from its newest snapshot", onHand["HAT"])
	}
	if err := st.ImportInventory("22/05/2025", nil); err == nil {
		t.Error("bad snapshot date accepted")
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

// BenchmarkImportOrders1M writes a generated export of 1,000,000 line rows
// into a fresh database per iteration, reading it with the streaming reader
// as `poboard import orders` does in its second pass.
func BenchmarkImportOrders1M(b *testing.B) {
	path := filepath.Join(b.TempDir(), "orders.csv")
	file, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	generated, err := shopify.Generate(file, shopify.GenerateConfig{Seed: 1, SKUs: 2000, Days: 730,
		End: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Lines: 1_000_000})
	file.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(generated.Bytes)
	b.ResetTimer()

	var peak uint64
	for i := range b.N {
		st, err := Open(filepath.Join(b.TempDir(), fmt.Sprintf("bench%d.db", i)), Options{})
		if err != nil {
			b.Fatal(err)
		}
		input, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		stop := sampleHeap()
		imp := st.NewOrderImport()
		reader, err := shopify.NewOrderReader(input)
		if err != nil {
			b.Fatal(err)
		}
		for {
			order, err := reader.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if err := imp.Add(DemandOrderFrom("bench", order)); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := imp.Finish(); err != nil {
			b.Fatal(err)
		}
		peak = max(peak, stop())
		input.Close()
		st.Close()
	}
	b.ReportMetric(float64(generated.Lines)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// sampleHeap samples the Go heap in use every 10 ms until the returned
// function is called, which returns the peak in bytes. The bbolt file is
// memory-mapped and not part of it.
func sampleHeap() func() uint64 {
	var peak atomic.Uint64
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		var stats runtime.MemStats
		for {
			runtime.ReadMemStats(&stats)
			if stats.HeapInuse > peak.Load() {
				peak.Store(stats.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}
