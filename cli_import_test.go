package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"poboard/forecast/shopify"
)

// devstoreExport is a real "Export orders" CSV of a Shopify development
// store. testdata/shopify/SOURCES.md gives its origin and licence.
const devstoreExport = "testdata/shopify/orders_export_devstore.csv"

// devstoreAsOf is a week after the export's last order, so its demand is
// recent history for `forecast --as-of`.
const devstoreAsOf = "2025-05-24"

// ordersHeader is the smallest set of columns an orders export needs.
const ordersHeader = "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku,Lineitem requires shipping,Vendor,Cancelled at\n"

// writeFile writes content to name in the test's folder and returns the path.
func (c *cli) writeFile(name, content string) string {
	c.t.Helper()
	path := filepath.Join(c.dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return path
}

// forecastJSON runs `forecast --json` with args and decodes the array.
func (c *cli) forecastJSON(args ...string) []map[string]any {
	c.t.Helper()
	out := c.ok(append([]string{"forecast", "--json"}, args...)...)
	var suggestions []map[string]any
	if err := json.Unmarshal([]byte(out), &suggestions); err != nil {
		c.t.Fatalf("forecast --json wrote %q: %v", out, err)
	}
	return suggestions
}

// steadyOrders returns an orders export with one order of units of sku on
// each of the days before asOf, with vendor on every line.
func steadyOrders(sku, vendor string, units, days int, asOf string) string {
	end, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	b.WriteString(ordersHeader)
	for d := days; d >= 1; d-- {
		date := end.AddDate(0, 0, -d).Format(time.DateOnly)
		b.WriteString("#" + sku + "-" + date + "," + date + " 10:00:00 +0000," + strconv.Itoa(units) + "," + sku + " item," + sku + ",true," + vendor + ",\n")
	}
	return b.String()
}

func TestImportOrdersDevstoreExport(t *testing.T) {
	c := newCLI(t)
	out := c.ok("import", "orders", devstoreExport, "--store", "devstore", "--quiet")
	for _, want := range []string{
		"19 orders (19 new, 0 updated, 0 unchanged, 0 cancelled",
		"40 line rows: 23 count as demand, 17 do not require shipping",
		"21 have no SKU",
		"9 product names on lines without a SKU match no SKU",
		"5 units  Selling Plans Ski Wax - Selling Plans Ski Wax",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}

	suggestions := c.forecastJSON("--all", "--as-of", devstoreAsOf)
	if len(suggestions) != 1 || suggestions[0]["sku"] != "sku-untracked-1" {
		t.Fatalf("suggestions = %v, want the one SKU of the export", suggestions)
	}
	if got := suggestions[0]["supplier"]; got != "Test Cycle Sense App" {
		t.Errorf("supplier = %v, want the Vendor column of the order line", got)
	}
}

func TestImportOrdersTwiceChangesNothing(t *testing.T) {
	c := newCLI(t)
	c.ok("import", "orders", devstoreExport, "--store", "devstore", "--quiet")
	before := c.ok("forecast", "--json", "--all", "--as-of", devstoreAsOf)

	out := c.ok("import", "orders", devstoreExport, "--store", "devstore", "--quiet")
	if !strings.Contains(out, "19 orders (0 new, 0 updated, 19 unchanged") {
		t.Errorf("second import printed:\n%s", out)
	}
	if after := c.ok("forecast", "--json", "--all", "--as-of", devstoreAsOf); after != before {
		t.Errorf("forecast changed after the second import:\nbefore %s\nafter %s", before, after)
	}
}

func TestImportOrdersBadRowImportsNothing(t *testing.T) {
	c := newCLI(t)
	good := c.writeFile("good.csv", ordersHeader+"#1,2025-05-20 10:00:00 +0000,2,Cap,CAP,true,Acme,\n")
	bad := c.writeFile("bad.csv", ordersHeader+
		"#2,2025-05-20 10:00:00 +0000,2,Cap,CAP,true,Acme,\n"+
		"#3,2025-05-21 10:00:00 +0000,1,Cap,CAP,true,Acme,\n"+
		"#3,,two,Hat,HAT,true,Acme,\n"+
		"#4,2025-05-22 10:00:00 +0000,1,Cap,CAP,true,Acme,\n")

	code, stdout, stderr := c.run("import", "orders", good, bad, "--quiet")
	if code != 1 {
		t.Fatalf("exit = %d, want 1; stderr %q", code, stderr)
	}
	if !strings.Contains(stderr, "bad.csv: line 4") || !strings.Contains(stderr, `"two"`) {
		t.Errorf("stderr = %q, want the file, line 4 and the value", stderr)
	}
	if !strings.Contains(stderr, "nothing from it was imported") {
		t.Errorf("stderr = %q, want it to say nothing was imported", stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want no totals for a failed import", stdout)
	}
	if suggestions := c.forecastJSON("--all", "--as-of", "2025-05-24"); len(suggestions) != 0 {
		t.Errorf("suggestions after a failed import = %v, want none: the good file waits for the bad one", suggestions)
	}

	// Once the row is fixed, both files import.
	c.writeFile("bad.csv", ordersHeader+"#2,2025-05-20 10:00:00 +0000,2,Cap,CAP,true,Acme,\n")
	out := c.ok("import", "orders", good, bad, "--quiet")
	if strings.Count(out, "1 orders (1 new") != 2 {
		t.Errorf("import after the fix printed:\n%s", out)
	}
}

func TestImportOrdersSplitRowsUnchanged(t *testing.T) {
	c := newCLI(t)
	// #1's rows are not adjacent, as in an export someone sorted by SKU.
	path := c.writeFile("split.csv", ordersHeader+
		"#1,2025-05-20 10:00:00 +0000,2,Cap,CAP,true,Acme,\n"+
		"#2,2025-05-20 11:00:00 +0000,1,Cap,CAP,true,Acme,\n"+
		"#1,2025-05-20 10:00:00 +0000,3,Hat,HAT,true,Acme,\n")
	out := c.ok("import", "orders", path, "--quiet")
	if !strings.Contains(out, "2 orders (2 new, 0 updated, 0 unchanged") {
		t.Errorf("first import printed:\n%s", out)
	}
	out = c.ok("import", "orders", path, "--quiet")
	if !strings.Contains(out, "2 orders (0 new, 0 updated, 2 unchanged") {
		t.Errorf("second import printed:\n%s", out)
	}
}

func TestImportOrdersCancellationRemovesDemand(t *testing.T) {
	c := newCLI(t)
	orders := steadyOrders("TEE", "Acme", 2, 120, "2025-06-01")
	c.ok("import", "orders", c.writeFile("orders.csv", orders), "--quiet")

	// A newer export cancels the last order of the first export.
	last := "#TEE-2025-05-31,2025-05-31 10:00:00 +0000,2,TEE item,TEE,true,Acme,2025-05-31 12:00:00 +0000\n"
	out := c.ok("import", "orders", c.writeFile("newer.csv", ordersHeader+last), "--quiet")
	if !strings.Contains(out, "1 orders (0 new, 1 updated, 0 unchanged, 1 cancelled") {
		t.Errorf("import of the cancellation printed:\n%s", out)
	}
	suggestions := c.forecastJSON("--all", "--as-of", "2025-06-01")
	if len(suggestions) != 1 {
		t.Fatalf("suggestions = %v", suggestions)
	}
	recent := suggestions[0]["recent_demand"].([]any)
	if got := recent[len(recent)-1]; got != float64(0) {
		t.Errorf("demand on the cancelled order's day = %v, want 0", got)
	}
	if got := recent[len(recent)-2]; got != float64(2) {
		t.Errorf("demand on the day before = %v, want 2", got)
	}
}

func TestImportProductsAndInventory(t *testing.T) {
	c := newCLI(t)
	c.ok("import", "orders", devstoreExport, "--store", "devstore", "--quiet")

	products := c.writeFile("products.csv", "Handle,Title,Vendor,Option1 Name,Option1 Value,Variant SKU,Cost per item\n"+
		"wax,Selling Plans Ski Wax,Wax Co,Title,Selling Plans Ski Wax,WAX-STD,4.25\n"+
		"sb,The Multi-location Snowboard,Board Co,Title,Default Title,SB-MULTI,300.00\n"+
		"sb2,Unsold Board,Board Co,Title,Default Title,,1.00\n")
	out := c.ok("import", "products", products)
	if !strings.Contains(out, "2 variants with a SKU (2 new, 0 updated); 1 variant rows without a SKU") {
		t.Errorf("products import printed:\n%s", out)
	}
	if !strings.Contains(out, "7 product names on lines without a SKU match no SKU") {
		t.Errorf("products import does not list the 7 names still unmapped:\n%s", out)
	}

	inventory := c.writeFile("inventory.csv", "Handle,Title,SKU,Location,On hand (current)\n"+
		"wax,Wax,WAX-STD,Berlin,3\nwax,Wax,WAX-STD,Paris,4\nsb,Board,SB-MULTI,Berlin,not stocked\n")
	out = c.ok("import", "inventory", inventory, "--date", "2025-05-23")
	if !strings.Contains(out, "snapshot of 2025-05-23 with 1 SKUs at 2 locations") || !strings.Contains(out, `1 "not stocked" cells skipped`) {
		t.Errorf("inventory import printed:\n%s", out)
	}

	bySKU := map[string]map[string]any{}
	for _, s := range c.forecastJSON("--all", "--as-of", devstoreAsOf) {
		bySKU[s["sku"].(string)] = s
	}
	wax := bySKU["WAX-STD"]
	if wax == nil {
		t.Fatalf("no suggestion for WAX-STD in %v", bySKU)
	}
	if wax["supplier"] != "Wax Co" || wax["on_hand"] != float64(7) || wax["unit_cost"] != "4.25" {
		t.Errorf("WAX-STD = supplier %v, on hand %v, unit cost %v; want Wax Co, 7, 4.25", wax["supplier"], wax["on_hand"], wax["unit_cost"])
	}
	if board := bySKU["SB-MULTI"]; board == nil || board["supplier"] != "Board Co" {
		t.Errorf("SB-MULTI = %v, want the board mapped through the catalogue to Board Co", board)
	}
}

func TestImportUsageErrors(t *testing.T) {
	c := newCLI(t)
	inventory := c.writeFile("inventory.csv", "SKU,On hand\nCAP,3\n")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"import"}, 2, "missing import kind"},
		{[]string{"import", "sales"}, 2, `unknown import kind "sales"`},
		{[]string{"import", "orders"}, 2, "missing orders file"},
		{[]string{"import", "orders", devstoreExport, "--store", " "}, 2, "--store needs a name"},
		{[]string{"import", "orders", filepath.Join(c.dir, "missing.csv")}, 1, "cannot open orders file"},
		{[]string{"import", "inventory", inventory, "--date", "23/05/2025"}, 2, `invalid --date "23/05/2025"`},
		{[]string{"import", "products"}, 2, "products file"},
	}
	for _, tc := range cases {
		code, _, stderr := c.run(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("poboard %s: exit %d stderr %q, want exit %d with %q", strings.Join(tc.args, " "), code, stderr, tc.code, tc.want)
		}
	}
}

func TestImportHelp(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{{"import", "--help"}, {"import", "orders", "--help"}, {"import", "inventory", "--help"}, {"forecast", "--help"}} {
		code, stdout, _ := c.run(args...)
		if code != 0 || !strings.Contains(stdout, "Usage") {
			t.Errorf("poboard %s: exit %d stdout %q", strings.Join(args, " "), code, stdout)
		}
	}
}

func TestImportOrdersLargerThanBuffer(t *testing.T) {
	saved := orderBufferLimit
	orderBufferLimit = 200
	t.Cleanup(func() { orderBufferLimit = saved })

	c := newCLI(t)
	// #1 is split across the file, so its rows land in different parts.
	rows := ordersHeader + "#1,2025-05-20 10:00:00 +0000,2,Cap,CAP,true,Acme,\n"
	for i := 2; i <= 12; i++ {
		rows += "#" + strconv.Itoa(i) + ",2025-05-21 10:00:00 +0000,1,Hat,HAT,true,Acme,\n"
	}
	rows += "#1,2025-05-20 10:00:00 +0000,3,Scarf,SCARF,true,Acme,\n"
	path := c.writeFile("orders.csv", rows)

	out := c.ok("import", "orders", path)
	if !strings.Contains(out, "12 orders (12 new, 0 updated, 0 unchanged") {
		t.Errorf("import printed:\n%s", out)
	}
	units := map[string]float64{}
	for _, s := range c.forecastJSON("--all", "--as-of", "2025-05-24") {
		for _, u := range s["recent_demand"].([]any) {
			units[s["sku"].(string)] += u.(float64)
		}
	}
	if units["CAP"] != 2 || units["HAT"] != 11 || units["SCARF"] != 3 {
		t.Errorf("units = %v, want CAP 2, HAT 11, SCARF 3", units)
	}

	// A bad row late in a file too large to buffer still imports nothing.
	c2 := newCLI(t)
	bad := c2.writeFile("bad.csv", rows+"#13,2025-05-22 10:00:00 +0000,-1,Hat,HAT,true,Acme,\n")
	code, _, stderr := c2.run("import", "orders", bad, "--quiet")
	if code != 1 || !strings.Contains(stderr, "line 15") {
		t.Fatalf("exit %d, stderr %q; want 1 and line 15", code, stderr)
	}
	if suggestions := c2.forecastJSON("--all", "--as-of", "2025-05-24"); len(suggestions) != 0 {
		t.Errorf("suggestions after the failed import = %v, want none", suggestions)
	}
}

// BenchmarkImportOrdersCommand1M runs `poboard import orders` on a
// generated export of 1,000,000 line rows into a fresh database per
// iteration: one read into the buffer, then the writes.
func BenchmarkImportOrdersCommand1M(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "orders.csv")
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
	b.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	b.SetBytes(generated.Bytes)
	b.ResetTimer()

	for i := range b.N {
		var stdout, stderr bytes.Buffer
		db := filepath.Join(dir, fmt.Sprintf("bench%d.db", i))
		code := run(context.Background(), []string{"--db", db, "import", "orders", "--quiet", path}, strings.NewReader(""), &stdout, &stderr)
		if code != 0 {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	b.ReportMetric(float64(generated.Lines)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
