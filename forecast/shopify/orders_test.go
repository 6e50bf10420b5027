package shopify

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

const devstoreExport = "../../testdata/shopify/orders_export_devstore.csv"

func readAllOrders(t *testing.T, r io.Reader) ([]Order, OrderStats) {
	t.Helper()
	reader, err := NewOrderReader(r)
	if err != nil {
		t.Fatalf("NewOrderReader: %v", err)
	}
	var orders []Order
	for {
		order, err := reader.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		orders = append(orders, order)
	}
	return orders, reader.Stats()
}

func TestDevstoreExportCounts(t *testing.T) {
	file, err := os.Open(devstoreExport)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	orders, stats := readAllOrders(t, file)

	if len(orders) != 19 {
		t.Errorf("orders = %d, want 19", len(orders))
	}
	if stats.Rows != 40 {
		t.Errorf("line rows = %d, want 40", stats.Rows)
	}
	// 17 of the 40 rows are gift cards, which do not require shipping.
	if stats.NonShippingLines != 17 {
		t.Errorf("non-shipping lines = %d, want 17", stats.NonShippingLines)
	}
	if stats.Lines != 23 {
		t.Errorf("demand lines = %d, want 23", stats.Lines)
	}
	if stats.LinesWithoutSKU != 21 {
		t.Errorf("demand lines without SKU = %d, want 21", stats.LinesWithoutSKU)
	}
	if stats.CancelledOrders != 0 {
		t.Errorf("cancelled = %d, want 0", stats.CancelledOrders)
	}
}

func TestDevstoreExportQuantities(t *testing.T) {
	file, err := os.Open(devstoreExport)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	orders, _ := readAllOrders(t, file)

	units := map[string]int{}
	for _, order := range orders {
		for _, line := range order.Lines {
			key := line.SKU
			if key == "" {
				key = line.Name
			}
			units[key] += line.Quantity
		}
	}
	want := map[string]int{
		"Selling Plans Ski Wax - Selling Plans Ski Wax":         5,
		"Selling Plans Ski Wax - Special Selling Plans Ski Wax": 1,
		"Selling Plans Ski Wax - Sample Selling Plans Ski Wax":  1,
		"The Collection Snowboard: Hydrogen":                    3,
		"The Collection Snowboard: Oxygen":                      3,
		"The Minimal Snowboard":                                 1,
		"The Multi-location Snowboard":                          4,
		"The Videographer Snowboard":                            2,
		"The Complete Snowboard - Ice":                          1,
		"sku-untracked-1":                                       2,
	}
	for key, n := range want {
		if units[key] != n {
			t.Errorf("units of %q = %d, want %d", key, units[key], n)
		}
	}
	if len(units) != len(want) {
		t.Errorf("products = %d (%v), want %d", len(units), units, len(want))
	}
}

func TestDevstoreExportDates(t *testing.T) {
	file, err := os.Open(devstoreExport)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	orders, _ := readAllOrders(t, file)

	perDate := map[string]int{}
	for _, order := range orders {
		perDate[order.Date]++
	}
	want := map[string]int{
		"2025-05-11": 3, "2025-05-12": 2, "2025-05-13": 7, "2025-05-16": 1, "2025-05-17": 6,
	}
	for date, n := range want {
		if perDate[date] != n {
			t.Errorf("orders on %s = %d, want %d", date, perDate[date], n)
		}
	}
	if _, offset := orders[0].CreatedAt.Zone(); offset != -4*3600 {
		t.Errorf("offset of %s = %d s, want -14400", orders[0].Name, offset)
	}
}

// formatOrders writes orders as the golden files show them.
func formatOrders(orders []Order) string {
	var b strings.Builder
	for _, order := range orders {
		fmt.Fprintf(&b, "%s id=%s date=%s cancelled=%v status=%s currency=%s source=%s terms=%q non_shipping=%d first_line=%d\n",
			order.Name, order.ID, order.Date, order.Cancelled, order.FinancialStatus, order.Currency,
			order.Source, order.PaymentTerms, order.NonShipping, order.FirstLine)
		for _, line := range order.Lines {
			fmt.Fprintf(&b, "  line %d: sku=%q name=%q qty=%d price=%s vendor=%q\n",
				line.FileLine, line.SKU, line.Name, line.Quantity, line.Price, line.Vendor)
		}
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "shopify", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update after checking):\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestDevstoreGrouping(t *testing.T) {
	file, err := os.Open(devstoreExport)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	orders, _ := readAllOrders(t, file)
	checkGolden(t, "devstore_orders.txt", formatOrders(orders))
}

// carryDown is an export in the shape of older files, where later rows of an
// order leave every order-level field blank, the Name included.
const carryDown = `Name,Financial Status,Currency,Created at,Lineitem quantity,Lineitem name,Lineitem sku,Lineitem requires shipping,Cancelled at,Source,Payment Terms Name,Id
#2001,paid,EUR,2025-03-29 23:30:00 +0100,2,Tee - Black / M,TEE-BLK-M,true,,web,,11
,,,,1,Tee - White / M,TEE-WHT-M,true,,,,
,,,,3,Sticker,STICK,,,,,
#2002,pending,EUR,2025-03-30 00:10:00 +0200,5,Tee - Black / M,TEE-BLK-M,true,,shopify_draft_order,Net 30,12
#2002,,,2025-03-30 00:10:00 +0200,1,Gift Card - $10,,false,,,,12
#2003,voided,EUR,2025-03-30 10:00:00 +0200,4,Tee - Black / M,TEE-BLK-M,true,2025-03-30 11:00:00 +0200,web,,13
`

func TestCarryDownGolden(t *testing.T) {
	orders, stats := readAllOrders(t, strings.NewReader(carryDown))
	if len(orders) != 3 {
		t.Fatalf("orders = %d, want 3", len(orders))
	}
	if stats.CancelledOrders != 1 {
		t.Errorf("cancelled = %d, want 1", stats.CancelledOrders)
	}
	checkGolden(t, "carry_down.txt", formatOrders(orders))
}

func TestLocalDateNotUTC(t *testing.T) {
	orders, _ := readAllOrders(t, strings.NewReader(carryDown))
	// 23:30 at +0100 is 22:30 UTC, the same day; 00:10 at +0200 is 22:10
	// UTC the day before. The demand date must be the written one.
	if orders[0].Date != "2025-03-29" {
		t.Errorf("date of #2001 = %s, want 2025-03-29", orders[0].Date)
	}
	if orders[1].Date != "2025-03-30" {
		t.Errorf("date of #2002 = %s, want 2025-03-30", orders[1].Date)
	}
	if utc := orders[1].CreatedAt.UTC().Format("2006-01-02"); utc != "2025-03-29" {
		t.Errorf("UTC date of #2002 = %s, want 2025-03-29 (the fixture is meant to cross midnight)", utc)
	}
}

// quirkCase is one input quirk with what the reader must make of it.
type quirkCase struct {
	name  string
	input string
	// lines is "SKU-or-name:qty" per demand line, in file order.
	lines []string
	dates []string
}

func demandLines(orders []Order) []string {
	var out []string
	for _, order := range orders {
		for _, line := range order.Lines {
			key := line.SKU
			if key == "" {
				key = line.Name
			}
			out = append(out, fmt.Sprintf("%s:%d", key, line.Quantity))
		}
	}
	return out
}

func TestInputQuirks(t *testing.T) {
	const header = "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku\n"
	cases := []quirkCase{
		{
			name:  "plain LF",
			input: header + "#1,2025-01-02 10:00:00 -0500,2,Cap,CAP\n",
			lines: []string{"CAP:2"}, dates: []string{"2025-01-02"},
		},
		{
			name:  "BOM and CRLF",
			input: "\xEF\xBB\xBF" + strings.ReplaceAll(header+"#1,2025-01-02 10:00:00 -0500,2,Cap,CAP\n#2,2025-01-03 10:00:00 -0500,1,Hat,HAT\n", "\n", "\r\n"),
			lines: []string{"CAP:2", "HAT:1"}, dates: []string{"2025-01-02", "2025-01-03"},
		},
		{
			name:  "quoted field with newlines",
			input: "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku,Notes\n#1,2025-01-02 10:00:00 -0500,1,Cap,CAP,\"gift wrap\nplease\r\nthanks\"\n#2,2025-01-02 11:00:00 -0500,4,Hat,HAT,\n",
			lines: []string{"CAP:1", "HAT:4"}, dates: []string{"2025-01-02", "2025-01-02"},
		},
		{
			name:  "stray quote in unquoted name",
			input: header + "#1,2025-01-02 10:00:00 -0500,1,The 12\" Board,\n",
			lines: []string{"The 12\" Board:1"}, dates: []string{"2025-01-02"},
		},
		{
			name:  "semicolon delimiter and decimal comma",
			input: "Name;Created at;Lineitem quantity;Lineitem name;Lineitem sku;Lineitem price\n#1;2025-01-02 10:00:00 +0100;3,0;Cap, red;CAP-R;12,50\n",
			lines: []string{"CAP-R:3"}, dates: []string{"2025-01-02"},
		},
		{
			name:  "columns in another order with renamed headers",
			input: "Line item SKU,Line item quantity,Order Name,Created at\nCAP,7,#9,2025-02-01T08:00:00-08:00\n",
			lines: []string{"CAP:7"}, dates: []string{"2025-02-01"},
		},
		{
			name:  "short rows without trailing columns",
			input: "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku,Notes,Tags\n#1,2025-01-02 10:00:00 -0500,1,Cap,CAP\n",
			lines: []string{"CAP:1"}, dates: []string{"2025-01-02"},
		},
		{
			name:  "blank lines between rows",
			input: header + "#1,2025-01-02 10:00:00 -0500,1,Cap,CAP\n\n\n#2,2025-01-05 10:00:00 -0500,1,Cap,CAP\n",
			lines: []string{"CAP:1", "CAP:1"}, dates: []string{"2025-01-02", "2025-01-05"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			orders, _ := readAllOrders(t, strings.NewReader(tc.input))
			got := demandLines(orders)
			if strings.Join(got, ",") != strings.Join(tc.lines, ",") {
				t.Errorf("lines = %v, want %v", got, tc.lines)
			}
			var dates []string
			for _, order := range orders {
				dates = append(dates, order.Date)
			}
			if strings.Join(dates, ",") != strings.Join(tc.dates, ",") {
				t.Errorf("dates = %v, want %v", dates, tc.dates)
			}
		})
	}
}

func TestSemicolonPriceDecimal(t *testing.T) {
	input := "Name;Created at;Lineitem quantity;Lineitem name;Lineitem sku;Lineitem price\n#1;2025-01-02 10:00:00 +0100;1;Cap;CAP;1.234,50\n"
	orders, _ := readAllOrders(t, strings.NewReader(input))
	if got := orders[0].Lines[0].Price; got != "1234.50" {
		t.Errorf("price = %q, want 1234.50", got)
	}
}

func TestBadRowsNameLineAndValue(t *testing.T) {
	const header = "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku,Lineitem requires shipping\n"
	cases := []struct {
		name  string
		input string
		line  int
		value string
	}{
		{"quantity not a number", header + "#1,2025-01-02 10:00:00 -0500,1,Cap,CAP,true\n#2,2025-01-02 10:00:00 -0500,two,Cap,CAP,true\n", 3, "two"},
		{"fractional quantity", header + "#1,2025-01-02 10:00:00 -0500,1.5,Cap,CAP,true\n", 2, "1.5"},
		{"negative quantity", header + "#1,2025-01-02 10:00:00 -0500,-1,Cap,CAP,true\n", 2, "-1"},
		{"bad timestamp", header + "#1,02/01/2025,1,Cap,CAP,true\n", 2, "02/01/2025"},
		{"bad shipping flag", header + "#1,2025-01-02 10:00:00 -0500,1,Cap,CAP,maybe\n", 2, "maybe"},
		{"too many fields", header + "#1,2025-01-02 10:00:00 -0500,1,Cap,CAP,true,extra\n", 2, ""},
		{"line after a quoted newline", header + "#1,2025-01-02 10:00:00 -0500,1,\"Cap\nred\",CAP,true\n#2,2025-01-02 10:00:00 -0500,x,Cap,CAP,true\n", 4, "x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reader, err := NewOrderReader(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			for err == nil {
				_, err = reader.Next()
			}
			var rowErr *RowError
			if !errors.As(err, &rowErr) {
				t.Fatalf("error = %v, want a *RowError", err)
			}
			if rowErr.Line != tc.line {
				t.Errorf("line = %d, want %d (%v)", rowErr.Line, tc.line, err)
			}
			if rowErr.Value != tc.value {
				t.Errorf("value = %q, want %q", rowErr.Value, tc.value)
			}
		})
	}
}

func TestMissingColumnNamed(t *testing.T) {
	_, err := NewOrderReader(strings.NewReader("Name,Lineitem quantity,Lineitem sku\n#1,1,CAP\n"))
	if err == nil || !strings.Contains(err.Error(), `"Created at"`) {
		t.Errorf("error = %v, want it to name the missing Created at column", err)
	}
}

func TestEmptyFile(t *testing.T) {
	_, err := NewOrderReader(strings.NewReader(""))
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("error = %v, want an empty-file error", err)
	}
}

func TestReadAheadMatchesSequential(t *testing.T) {
	var buf bytes.Buffer
	if _, err := Generate(&buf, GenerateConfig{Seed: 7, SKUs: 30, Days: 90, End: generateEnd, Lines: 3000}); err != nil {
		t.Fatal(err)
	}
	sequential, sequentialStats := readAllOrders(t, bytes.NewReader(buf.Bytes()))

	reader, err := NewOrderReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	reader.ReadAhead()
	defer reader.Close()
	var ahead []Order
	for {
		order, err := reader.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ahead = append(ahead, order)
	}
	if !reflect.DeepEqual(ahead, sequential) {
		t.Errorf("read ahead: %d orders, sequential %d; the orders differ", len(ahead), len(sequential))
	}
	if stats := reader.Stats(); stats != sequentialStats {
		t.Errorf("stats read ahead = %+v, sequential %+v", stats, sequentialStats)
	}
}

func TestReadAheadReportsBadRow(t *testing.T) {
	input := "Name,Created at,Lineitem quantity,Lineitem sku\n"
	for i := range 1000 {
		input += fmt.Sprintf("#%d,2025-05-20 10:00:00 +0000,1,CAP\n", i)
	}
	input += "#x,2025-05-20 10:00:00 +0000,many,CAP\n"
	reader, err := NewOrderReader(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	reader.ReadAhead()
	defer reader.Close()
	for {
		_, err := reader.Next()
		if err == io.EOF {
			t.Fatal("no error for the bad quantity")
		}
		if err != nil {
			if !strings.Contains(err.Error(), "line 1002") {
				t.Errorf("error = %v, want line 1002", err)
			}
			return
		}
	}
}

func TestReadAheadCloseEarly(t *testing.T) {
	var buf bytes.Buffer
	if _, err := Generate(&buf, GenerateConfig{Seed: 7, SKUs: 30, Days: 90, End: generateEnd, Lines: 20000}); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	reader, err := NewOrderReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	reader.ReadAhead()
	if _, err := reader.Next(); err != nil {
		t.Fatal(err)
	}
	reader.Close()
	reader.Close()

	// The goroutine was blocked on a full channel; Close must end it.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if now := runtime.NumGoroutine(); now > before {
		t.Errorf("goroutines = %d after Close, want %d as before ReadAhead", now, before)
	}
}
