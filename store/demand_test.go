package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

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
	first := importOrders(t, st, "eu", strings.NewReader(file))
	if first.Orders != 2 || first.New != 2 {
		t.Errorf("first import = %+v, want 2 new orders", first)
	}
	result := importOrders(t, st, "eu", strings.NewReader(file))
	if result.Orders != 2 || result.Unchanged != 2 {
		t.Errorf("re-import of a split order = %+v, want 2 unchanged", result)
	}
	if orders, _, _ := st.CountOrders(); orders != 2 {
		t.Errorf("orders = %d, want 2", orders)
	}
	units := demandBySKU(t, st)
	if units["CAP"] != 3 || units["HAT"] != 3 {
		t.Errorf("units = %v, want CAP 3 and HAT 3", units)
	}
}

func TestFlushMergesSplitOrder(t *testing.T) {
	st := openDemandStore(t)
	imp := st.NewOrderImport()
	add := func(name, sku string, qty int) {
		t.Helper()
		order := DemandOrder{Store: "eu", Name: name, Date: "2025-05-20", Lines: []DemandLine{{SKU: sku, Name: sku + " item", Qty: qty}}}
		if err := imp.Add(order); err != nil {
			t.Fatal(err)
		}
	}
	add("#1", "CAP", 2)
	if err := imp.Flush(); err != nil {
		t.Fatal(err)
	}
	if imp.Size() != 0 {
		t.Errorf("buffer after Flush = %d bytes, want 0", imp.Size())
	}
	// HAT is first seen after the flush; #1 goes on in the next part.
	add("#2", "HAT", 1)
	add("#1", "SCARF", 3)
	result, err := imp.Finish()
	if err != nil {
		t.Fatal(err)
	}

	if result.Orders != 2 || result.New != 2 {
		t.Errorf("result = %+v, want 2 new orders", result)
	}
	if orders, _, _ := st.CountOrders(); orders != 2 {
		t.Errorf("stored orders = %d, want 2", orders)
	}
	units := demandBySKU(t, st)
	if units["CAP"] != 2 || units["HAT"] != 1 || units["SCARF"] != 3 {
		t.Errorf("units = %v, want CAP 2, HAT 1, SCARF 3", units)
	}
}

func TestAddRejectsInvalidOrders(t *testing.T) {
	imp := openDemandStore(t).NewOrderImport()
	cases := []struct {
		name  string
		order DemandOrder
	}{
		{"no store", DemandOrder{Name: "#1", Date: "2025-05-20"}},
		{"bad date", DemandOrder{Store: "eu", Name: "#1", Date: "20/05/2025"}},
		{"before 1970", DemandOrder{Store: "eu", Name: "#1", Date: "1969-12-31"}},
		{"negative units", DemandOrder{Store: "eu", Name: "#1", Date: "2025-05-20", Lines: []DemandLine{{SKU: "A", Qty: -1}}}},
		{"line without item", DemandOrder{Store: "eu", Name: "#1", Date: "2025-05-20", Lines: []DemandLine{{Qty: 1}}}},
		{"long name", DemandOrder{Store: "eu", Name: strings.Repeat("x", 2000), Date: "2025-05-20"}},
	}
	for _, tc := range cases {
		if err := imp.Add(tc.order); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if imp.Size() != 0 {
		t.Errorf("buffer = %d bytes after rejected orders, want 0", imp.Size())
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

// BenchmarkImportOrders1M imports a generated export of 1,000,000 line
// rows into a fresh database per iteration: the streaming reader fills an
// OrderImport, which Finish writes, as `poboard import orders` does for a
// file that fits its buffer (without its read-ahead goroutine).
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

func TestUpgradeLegacyDemand(t *testing.T) {
	st := openDemandStore(t)
	// Two orders as the first format stored them, one of them cancelled,
	// with the old per-day keys beside them.
	legacy := map[string]string{
		"eu\x00#1": `{"store":"eu","name":"#1","date":"2025-05-20","lines":[{"sku":"CAP","name":"Cap","vendor":"Acme","qty":2},{"name":"Scarf","qty":1}],"import":"x"}`,
		"eu\x00#2": `{"store":"eu","name":"#2","date":"2025-05-21","cancelled":true,"lines":[{"sku":"CAP","qty":5}],"import":"x"}`,
	}
	err := st.db.Update(func(tx *bolt.Tx) error {
		orders, err := tx.CreateBucketIfNotExists(legacyBucketOrders)
		if err != nil {
			return err
		}
		for key, value := range legacy {
			if err := orders.Put([]byte(key), []byte(value)); err != nil {
				return err
			}
		}
		daily, err := tx.CreateBucketIfNotExists(legacyBucketDaily)
		if err != nil {
			return err
		}
		return daily.Put([]byte("s:CAP\x00\x00\x00\x4e\x20"), make([]byte, 8))
	})
	if err != nil {
		t.Fatal(err)
	}

	orders, cancelled, err := st.CountOrders()
	if err != nil {
		t.Fatal(err)
	}
	if orders != 2 || cancelled != 1 {
		t.Errorf("orders after the upgrade = %d (%d cancelled), want 2 (1)", orders, cancelled)
	}
	if got := demandBySKU(t, st)["CAP"]; got != 2 {
		t.Errorf("CAP units = %d, want 2 from #1 alone", got)
	}
	unmapped, err := st.UnmappedNames()
	if err != nil {
		t.Fatal(err)
	}
	if len(unmapped) != 1 || unmapped[0].Name != "Scarf" {
		t.Errorf("unmapped = %+v, want Scarf", unmapped)
	}
	err = st.db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{legacyBucketOrders, legacyBucketDaily, legacyBucketItems} {
			if tx.Bucket(name) != nil {
				t.Errorf("bucket %s is still there after the upgrade", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A later import of the same orders finds them unchanged.
	result := importOrders(t, st, "eu", strings.NewReader(overlapHeader+"#1,2025-05-20 10:00:00 +0000,2,Cap,CAP,\n#1,,1,Scarf,,\n"))
	if result.Unchanged != 1 {
		t.Errorf("re-import after the upgrade = %+v, want #1 unchanged", result)
	}
}

func TestDayNumber(t *testing.T) {
	valid := map[string]uint32{"1970-01-01": 0, "2024-02-29": 19782, "2025-05-20": 20228}
	for date, want := range valid {
		got, err := dayNumber(date)
		if err != nil || got != want {
			t.Errorf("dayNumber(%q) = %d, %v; want %d", date, got, err, want)
		}
		if back := dayDate(got).Format(time.DateOnly); back != date {
			t.Errorf("dayDate(%d) = %s, want %s", got, back, date)
		}
	}
	for _, date := range []string{"", "2025-5-20", "2025-13-01", "2025-02-29", "2025-04-31", "2025-00-10", "2025-05-00", "20x5-05-20", "1969-12-31", "2025/05/20"} {
		if _, err := dayNumber(date); err == nil {
			t.Errorf("dayNumber(%q) accepted", date)
		}
	}
}
