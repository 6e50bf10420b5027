package ui

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/forecast"
	"poboard/forecast/shopify"
	"poboard/store"
)

// ordersHeader is the header of the orders exports these tests write.
const ordersHeader = "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku,Lineitem vendor,Cancelled at\n"

// demandCSV writes an orders export with units of sku from vendor on each
// of the days days before testNow, one order a day.
func demandCSV(sku, vendor string, units, days int) string {
	var b strings.Builder
	b.WriteString(ordersHeader)
	for d := days; d >= 1; d-- {
		date := testNow.AddDate(0, 0, -d).Format(time.DateOnly)
		fmt.Fprintf(&b, "#%s-%s,%s 10:00:00 +0000,%d,%s item,%s,%s,\n", sku, date, date, units, sku, sku, vendor)
	}
	return b.String()
}

// importDemand imports an orders export into st through the store's API.
func importDemand(t *testing.T, st *store.Store, csv string) {
	t.Helper()
	reader, err := shopify.NewOrderReader(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	imp := st.NewOrderImport()
	for {
		order, err := reader.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := imp.Add(store.DemandOrderFrom("test", order)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := imp.Finish(); err != nil {
		t.Fatal(err)
	}
}

// restockStore holds 120 days of demand: TEE-BLK-M sells 2 a day from Acme
// Textiles with 20 on hand, MUG-IND 1 a day from Kyoto Ceramics with 30
// on hand. Acme's terms are 10 days lead, 20 cover, 5 safety, at 4.25 EUR
// a tee, so TEE-BLK-M needs 2 × 30 + 10 − 20 = 50.
func restockStore(t *testing.T) *store.Store {
	t.Helper()
	st := openTestStore(t)
	importDemand(t, st, demandCSV("TEE-BLK-M", "Acme Textiles", 2, 120))
	importDemand(t, st, demandCSV("MUG-IND", "Kyoto Ceramics", 1, 120))
	yesterday := testNow.AddDate(0, 0, -1).Format(time.DateOnly)
	if err := st.ImportInventory(yesterday, []store.StockLevel{{SKU: "TEE-BLK-M", Location: "main", OnHand: 20}, {SKU: "MUG-IND", Location: "main", OnHand: 30}}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutSupplier(buyer, store.SupplierSettings{Name: "Acme Textiles", LeadTimeDays: ptr(10), CoverDays: ptr(20), SafetyDays: ptr(5), Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutSKUSettings(buyer, store.SKUSettings{SKU: "TEE-BLK-M", UnitCost: ptr(int64(425))}); err != nil {
		t.Fatal(err)
	}
	return st
}

// suggestionOf returns the shown suggestion of sku.
func suggestionOf(t *testing.T, v *restockView, sku string) forecast.Suggestion {
	t.Helper()
	for _, group := range v.plan.Groups {
		for _, s := range group.Suggestions {
			if s.SKU == sku {
				return s
			}
		}
	}
	t.Fatalf("the restock view shows no %s; groups %+v", sku, v.plan.Groups)
	return forecast.Suggestion{}
}

// moveTo puts the restock cursor on sku.
func moveTo(t *testing.T, m *Model, sku string) {
	t.Helper()
	for range len(m.restock.rows) {
		if s, ok := m.restock.current(); ok && s.SKU == sku {
			return
		}
		press(m, "j")
	}
	t.Fatalf("cursor never reached %s", sku)
}

func TestRestockEmptyExplainsImport(t *testing.T) {
	m := newTestModel(t, openTestStore(t), nil, buyer)
	press(m, "f")
	if m.mode != modeRestock {
		t.Fatalf("mode after f = %v, want the restock view", m.mode)
	}
	view := plainView(m)
	for _, want := range []string{"No demand history yet.", "poboard import orders FILE", "press i to import"} {
		if !strings.Contains(view, want) {
			t.Errorf("empty restock view lacks %q:\n%s", want, view)
		}
	}
	press(m, "esc")
	if m.mode != modeBoard {
		t.Errorf("mode after esc = %v, want the board", m.mode)
	}
}

func TestRestockShowsSuggestionsBySupplier(t *testing.T) {
	st := restockStore(t)
	m := newTestModel(t, st, nil, buyer)
	press(m, "f")

	tee := suggestionOf(t, m.restock, "TEE-BLK-M")
	if tee.SuggestedQty != 50 {
		t.Fatalf("TEE-BLK-M suggested %d, want 50 (%s)", tee.SuggestedQty, tee.Reason)
	}
	view := plainView(m)
	for _, want := range []string{
		"Acme Textiles · 1 to order · 212.50 EUR",
		"Kyoto Ceramics",
		"TEE-BLK-M       2.00      20       0      50",
		"Why: 20 on hand + 0 in transit covers 10 days at 2.00/day",
		"Demand 90d",
		"Stock 30d",
		"no open PO brings this SKU",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("restock view lacks %q:\n%s", want, view)
		}
	}
	if m.restock.rows[m.restock.cursor].suggestion < 0 {
		t.Errorf("cursor is on a supplier header")
	}
}

func TestRestockDraftsPerSupplier(t *testing.T) {
	st := restockStore(t)
	importDemand(t, st, demandCSV("TEE-WHT-S", "Acme Textiles", 1, 120))
	m := newTestModel(t, st, nil, buyer)
	press(m, "f")

	press(m, "enter")
	if !strings.Contains(m.restock.note.text, "no SKU selected") {
		t.Errorf("enter with no selection: note %q", m.restock.note.text)
	}
	press(m, "a")
	if got := len(m.restock.selected); got != 3 {
		t.Fatalf("a selected %d SKUs, want all 3 with a suggested quantity", got)
	}
	moveTo(t, m, "TEE-WHT-S")
	press(m, " ")
	press(m, "enter")

	if m.mode != modeBoard {
		t.Fatalf("restock view still open after enter; note %q", m.restock.note.text)
	}
	acme, err := st.GetPO("PO-000001")
	if err != nil {
		t.Fatal(err)
	}
	if acme.Status != store.StatusDraft || acme.Supplier != "Acme Textiles" || acme.Currency != "EUR" {
		t.Errorf("first draft is %s from %q in %s, want a Draft from Acme Textiles in EUR", acme.Status, acme.Supplier, acme.Currency)
	}
	if len(acme.Lines) != 1 || acme.Lines[0].SKU != "TEE-BLK-M" || acme.Lines[0].Ordered != 50 || acme.Lines[0].UnitCost != 425 {
		t.Errorf("Acme draft lines = %+v, want 50 TEE-BLK-M at 4.25 (TEE-WHT-S was unselected)", acme.Lines)
	}
	kyoto, err := st.GetPO("PO-000002")
	if err != nil {
		t.Fatal(err)
	}
	if kyoto.Supplier != "Kyoto Ceramics" || len(kyoto.Lines) != 1 || kyoto.Lines[0].SKU != "MUG-IND" {
		t.Errorf("second draft = %s %+v, want Kyoto Ceramics with MUG-IND", kyoto.Supplier, kyoto.Lines)
	}
	if m.list.selected != "PO-000001" {
		t.Errorf("list selects %q, want the first new draft", m.list.selected)
	}
	if !strings.Contains(m.status.notice.text, "created draft PO-000001 for Acme Textiles (1 line), PO-000002 for Kyoto Ceramics (1 line)") {
		t.Errorf("notice = %q", m.status.notice.text)
	}
	if view := plainView(m); !strings.Contains(view, "PO-000002 Kyoto Ceramics") {
		t.Errorf("list does not show the new drafts:\n%s", view)
	}
}

func TestRestockOrderedPOLowersSuggestion(t *testing.T) {
	st := restockStore(t)
	m := newTestModel(t, st, nil, buyer)
	press(m, "f")
	moveTo(t, m, "TEE-BLK-M")
	press(m, " ", "enter")
	draft, err := st.GetPO("PO-000001")
	if err != nil {
		t.Fatal(err)
	}

	press(m, "f")
	if got := suggestionOf(t, m.restock, "TEE-BLK-M"); got.SuggestedQty != 50 || got.InTransit != 0 {
		t.Fatalf("with a draft: suggested %d, in transit %d; want 50 and 0, because drafts are not in transit", got.SuggestedQty, got.InTransit)
	}
	for _, status := range []store.Status{store.StatusApproved, store.StatusOrdered} {
		if _, err := st.SetStatus(buyer, draft.Number, 0, status); err != nil {
			t.Fatal(err)
		}
	}
	// The board's subscription is closed in these tests, so deliver the
	// change the hub announced.
	send(m, changesMsg{{Number: draft.Number}})

	got := suggestionOf(t, m.restock, "TEE-BLK-M")
	if got.InTransit != 50 || got.SuggestedQty != 0 {
		t.Errorf("after Ordered: in transit %d, suggested %d; want 50 and 0", got.InTransit, got.SuggestedQty)
	}
	view := plainView(m)
	if !strings.Contains(view, "▲ PO-000001 +50 on 2026-12-14") {
		t.Errorf("stock chart does not mark the PO's arrival:\n%s", view)
	}
}

func TestRestockShowsWarnings(t *testing.T) {
	st := restockStore(t)
	if err := st.PutSupplier(buyer, store.SupplierSettings{Name: "Acme Textiles", LeadTimeDays: ptr(10), CoverDays: ptr(20), SafetyDays: ptr(5),
		Currency: "EUR", MinOrderValue: 50000}); err != nil {
		t.Fatal(err)
	}
	// 5 tees arrive on the 20th, but 20 on hand last 10 days.
	createPO(t, st, "Acme Textiles", store.StatusOrdered, store.LineInput{SKU: "TEE-BLK-M", Ordered: 5, UnitCost: 425})
	m := newTestModel(t, st, nil, buyer)
	press(m, "f")
	moveTo(t, m, "TEE-BLK-M")

	view := plainView(m)
	for _, want := range []string{
		"! below the minimum order value of 500.00 EUR",
		"! stock runs out on 2026-12-14, 6 days before PO-000001 arrives on 2026-12-20",
		"▲ PO-000001 +5 on 2026-12-20",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("restock view lacks %q:\n%s", want, view)
		}
	}
}

func TestRestockSettingsForm(t *testing.T) {
	st := restockStore(t)
	m := newTestModel(t, st, nil, buyer)
	press(m, "f")
	moveTo(t, m, "TEE-BLK-M")
	press(m, "e")
	if m.mode != modeSettings {
		t.Fatalf("mode after e = %v, want the settings form; note %q", m.mode, m.restock.note.text)
	}
	if got := m.settings.grid.rows[rowLeadTime].value(cellSupplierTerm); got != "10" {
		t.Errorf("form shows Acme's lead time %q, want the stored 10", got)
	}

	// SKU lead time: a typo first, then 20 days.
	press(m, "tab")
	typeText(m, "2o")
	for !m.settings.grid.onSave() {
		press(m, "tab")
	}
	press(m, "enter")
	if !strings.Contains(m.settings.grid.err, `lead time of TEE-BLK-M "2o" is not a whole number`) {
		t.Fatalf("form error = %q", m.settings.grid.err)
	}
	m.settings.grid.rows[rowLeadTime].cells[cellOverride].SetValue("20")
	m.settings.grid.rows[rowMOQ].cells[cellSupplierTerm].SetValue("100")
	// The error took the focus to its field.
	for !m.settings.grid.onSave() {
		press(m, "tab")
	}
	press(m, "enter")

	if m.mode != modeRestock {
		t.Fatalf("mode after save = %v; form error %q", m.mode, m.settings.grid.err)
	}
	suppliers, err := st.Suppliers()
	if err != nil {
		t.Fatal(err)
	}
	if len(suppliers) != 1 || suppliers[0].MOQ != 100 || *suppliers[0].LeadTimeDays != 10 {
		t.Errorf("suppliers = %+v, want Acme with MOQ 100 and lead time 10", suppliers)
	}
	overrides, err := st.AllSKUSettings()
	if err != nil {
		t.Fatal(err)
	}
	if len(overrides) != 1 || overrides[0].LeadTimeDays == nil || *overrides[0].LeadTimeDays != 20 || *overrides[0].UnitCost != 425 {
		t.Errorf("SKU settings = %+v, want lead time 20 and the unit cost kept", overrides)
	}
	if got := suggestionOf(t, m.restock, "TEE-BLK-M"); got.LeadTimeDays != 20 || got.SuggestedQty != 100 {
		t.Errorf("after save: lead time %d, suggested %d; want 20 and the MOQ of 100", got.LeadTimeDays, got.SuggestedQty)
	}
}

// writeFile writes text to a new file in a temporary folder.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportOnBoard(t *testing.T) {
	for _, limit := range []int{importBufferLimit, 512} {
		t.Run(fmt.Sprintf("buffer %d", limit), func(t *testing.T) {
			defer func(saved int) { importBufferLimit = saved }(importBufferLimit)
			importBufferLimit = limit

			st := openTestStore(t)
			path := writeFile(t, "orders.csv", demandCSV("TEE-BLK-M", "Acme Textiles", 2, 120))
			m := newTestModel(t, st, nil, buyer)
			press(m, "f", "i")
			if m.restock.prompt == nil {
				t.Fatalf("i opened no prompt; note %q", m.restock.note.text)
			}
			typeText(m, path)
			press(m, "enter")

			if !strings.Contains(m.restock.note.text, "120 orders (120 new, 0 updated") {
				t.Errorf("note after import = %q", m.restock.note.text)
			}
			if got := suggestionOf(t, m.restock, "TEE-BLK-M"); got.DailyDemand < 1.9 || got.DailyDemand > 2.1 {
				t.Errorf("TEE-BLK-M demand %.2f/day after import, want 2", got.DailyDemand)
			}
			if orders, _, _ := st.CountOrders(); orders != 120 {
				t.Errorf("store has %d orders, want 120", orders)
			}
		})
	}
}

func TestImportErrorNamesLineAndValue(t *testing.T) {
	st := openTestStore(t)
	csv := ordersHeader +
		"#1,2026-12-01 10:00:00 +0000,2,Tee,TEE-BLK-M,Acme,\n" +
		"#2,2026-12-02 10:00:00 +0000,two,Tee,TEE-BLK-M,Acme,\n"
	path := writeFile(t, "orders.csv", csv)
	m := newTestModel(t, st, nil, buyer)
	press(m, "f", "i")
	typeText(m, path)
	press(m, "enter")

	note := m.restock.note
	if note.kind != noticeError || !strings.Contains(note.text, `line 3: invalid Lineitem quantity "two"`) {
		t.Errorf("note = %+v, want an error naming line 3 and its value", note)
	}
	if orders, _, _ := st.CountOrders(); orders != 0 {
		t.Errorf("store has %d orders after a failed import, want 0", orders)
	}
	if !strings.Contains(plainView(m), `Lineitem quantity "two"`) {
		t.Errorf("view does not show the error:\n%s", plainView(m))
	}
}

func TestImportMissingFileExplained(t *testing.T) {
	m := newTestModel(t, openTestStore(t), nil, buyer)
	press(m, "f", "i")
	typeText(m, "/nonexistent/orders.csv")
	press(m, "enter")
	if !strings.Contains(m.restock.note.text, "cannot open orders file") || !strings.Contains(m.restock.note.text, "/nonexistent/orders.csv") {
		t.Errorf("note = %q", m.restock.note.text)
	}
}

func TestRestockWarehouseIsReadOnly(t *testing.T) {
	st := restockStore(t)
	m := newTestModel(t, st, nil, warehouse)
	press(m, "f")
	if m.mode != modeRestock {
		t.Fatalf("warehouse lead cannot open the restock view")
	}
	want := (&store.ForbiddenError{Actor: warehouse.Name, Role: warehouse.Role}).Error()
	for _, keys := range [][]string{{"i"}, {"e"}, {" "}, {"a"}, {"enter"}} {
		press(m, keys...)
		if m.restock.prompt != nil || m.mode != modeRestock {
			t.Errorf("%q opened the prompt or a form for a warehouse lead", keys)
		}
		if m.restock.note.text != want {
			t.Errorf("%q: note = %q, want %q", keys, m.restock.note.text, want)
		}
		if len(m.restock.selected) != 0 {
			t.Errorf("%q selected %v for a warehouse lead", keys, m.restock.selected)
		}
	}
	if count, _ := st.CountPOs(); count != 0 {
		t.Errorf("warehouse lead created %d POs", count)
	}
}

func TestProgressTextShowsRateAndTimeLeft(t *testing.T) {
	p := importProgress{path: "/tmp/orders.csv", phase: "reading", size: 4 << 20, bytes: 1 << 20, rows: 12000, elapsed: 2 * time.Second}
	want := "reading orders.csv · 1.0 MB of 4.0 MB · 12,000 rows · 6,000 rows/s · 6s left"
	if got := progressText(p); got != want {
		t.Errorf("progressText = %q, want %q", got, want)
	}
	s := NewStyles(asciiRenderer())
	if got := s.progressBar(p, 8); got != "██░░░░░░  25%" {
		t.Errorf("progressBar = %q", got)
	}
}

func TestSparklineScalesToPeak(t *testing.T) {
	if got := sparkline([]float64{0, 1, 2, 4, 8}, 10); got != " ▁▂▄█" {
		t.Errorf("sparkline = %q", got)
	}
	// 90 days into 30 cells: each cell averages 3 days.
	days := make([]float64, 90)
	days[89] = 3
	if got := sparkline(days, 30); got != strings.Repeat(" ", 29)+"█" {
		t.Errorf("resampled sparkline = %q", got)
	}
}

func TestStockChartMarksStockout(t *testing.T) {
	rows, cells := stockChart([]float64{16, 8, 0, -4}, 10, 2)
	if cells != 4 {
		t.Fatalf("cells = %d, want 4", cells)
	}
	if rows[0] != "█   " || rows[1] != "██··" {
		t.Errorf("chart rows = %q", rows)
	}
	if got := markerLine(2, 4, 4, 30, "PO-1"); got != "  ▲ PO-1" {
		t.Errorf("marker = %q", got)
	}
	if got := markerLine(3, 4, 4, 6, "PO-1"); got != "PO-1 ▲" {
		t.Errorf("marker without room on the right = %q", got)
	}
}

func TestRestockFilter(t *testing.T) {
	st := restockStore(t)
	importDemand(t, st, demandCSV("TEE-WHT-S", "Acme Textiles", 1, 120))
	if _, err := st.ImportProducts([]store.Product{{SKU: "MUG-IND", Title: "Indigo mug", Vendor: "Kyoto Ceramics"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"tee-", []string{"TEE-BLK-M", "TEE-WHT-S"}},
		{"WHT", []string{"TEE-WHT-S"}},
		{"indigo", []string{"MUG-IND"}},
		{"kyoto", []string{"MUG-IND"}},
		{"acme", []string{"TEE-BLK-M", "TEE-WHT-S"}},
		{"nothing like it", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			m := newTestModel(t, st, nil, buyer)
			press(m, "f", "/")
			typeText(m, tt.query)
			press(m, "enter")

			var shown []string
			for i, row := range m.restock.rows {
				if row.suggestion >= 0 {
					shown = append(shown, m.restock.suggestionAt(i).SKU)
				}
			}
			slices.Sort(shown)
			if !slices.Equal(shown, tt.want) {
				t.Errorf("filter %q shows %v, want %v", tt.query, shown, tt.want)
			}
			view := plainView(m)
			if !strings.Contains(view, fmt.Sprintf("%d shown", len(tt.want))) {
				t.Errorf("title lacks the count shown:\n%s", view)
			}
			if len(tt.want) == 0 && !strings.Contains(view, "press esc to clear the filter") {
				t.Errorf("no hint when nothing matches:\n%s", view)
			}

			press(m, "esc")
			if m.mode != modeRestock {
				t.Fatalf("esc with a filter closed the view, want it to clear the filter")
			}
			if got := m.restock.shownCount(); got != 3 {
				t.Errorf("after esc %d SKUs show, want all 3", got)
			}
			press(m, "esc")
			if m.mode != modeBoard {
				t.Errorf("second esc left mode %v, want the board", m.mode)
			}
		})
	}
}

func TestRestockFilterSelectsShownOnly(t *testing.T) {
	st := restockStore(t)
	importDemand(t, st, demandCSV("TEE-WHT-S", "Acme Textiles", 1, 120))
	m := newTestModel(t, st, nil, buyer)
	press(m, "f")
	before, _ := m.restock.current()
	press(m, "/")
	typeText(m, "kyoto")
	press(m, "enter", "a")
	if len(m.restock.selected) != 1 || !m.restock.selected["MUG-IND"] {
		t.Errorf("a under filter kyoto selected %v, want MUG-IND alone", m.restock.selected)
	}
	// As in the PO list, the cursor returns to the SKU the user moved to
	// last once the filter no longer hides it.
	press(m, "esc")
	if s, _ := m.restock.current(); s.SKU != before.SKU {
		t.Errorf("cursor after clearing the filter is on %q, want %q where it was", s.SKU, before.SKU)
	}

	press(m, "/")
	typeText(m, "tee-")
	press(m, "enter", "G")
	moved, _ := m.restock.current()
	press(m, "esc")
	if s, _ := m.restock.current(); s.SKU != moved.SKU {
		t.Errorf("cursor after clearing the filter is on %q, want %q chosen under the filter", s.SKU, moved.SKU)
	}
}

func TestRestockFooterExplainsKeys(t *testing.T) {
	st := restockStore(t)
	m := newTestModel(t, st, nil, buyer)
	send(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(m, "f")
	view := m.View()
	lines := strings.Split(view, "\n")
	if len(lines) != 24 {
		t.Errorf("view has %d lines, want 24", len(lines))
	}
	for _, want := range []string{"space select and move down", "/ filter", "enter create drafts", "esc back"} {
		if !strings.Contains(view, want) {
			t.Errorf("footer lacks %q:\n%s", want, view)
		}
	}
}

func TestTrimFloatNeverNegativeZero(t *testing.T) {
	tests := []struct {
		units float64
		want  string
	}{
		{-0.04, "0"},
		{math.Copysign(0, -1), "0"},
		{0.04, "0"},
		{-1.26, "-1.3"},
		{2, "2"},
		{0.96, "1"},
		{12.5, "12.5"},
	}
	for _, tt := range tests {
		if got := trimFloat(tt.units); got != tt.want {
			t.Errorf("trimFloat(%v) = %q, want %q", tt.units, got, tt.want)
		}
	}
}

func TestSettingsNegativeShowsAtField(t *testing.T) {
	st := restockStore(t)
	m := newTestModel(t, st, nil, buyer)
	press(m, "f")
	moveTo(t, m, "TEE-BLK-M")
	press(m, "e")
	m.settings.grid.rows[rowLeadTime].cells[cellSupplierTerm].SetValue("-3")
	for !m.settings.grid.onSave() {
		press(m, "tab")
	}
	press(m, "enter")

	want := "lead time of Acme Textiles must be 0 or more, not -3; leave it blank to inherit"
	if m.settings.grid.err != want {
		t.Errorf("form error = %q, want %q", m.settings.grid.err, want)
	}
	if row, cell := m.settings.grid.position(m.settings.grid.focus); row != rowLeadTime || cell != cellSupplierTerm {
		t.Errorf("focus is on row %d cell %d, want the supplier's lead time", row, cell)
	}
	if below := lineAfter(plainView(m), "Lead time, days"); !strings.Contains(below, "must be 0 or more") {
		t.Errorf("line below the lead time row = %q, want the error:\n%s", below, plainView(m))
	}
}

func TestRestockShowsDraftsHoldingSKU(t *testing.T) {
	st := restockStore(t)
	createPO(t, st, "Acme Textiles", store.StatusDraft, store.LineInput{SKU: "TEE-BLK-M", Ordered: 60, UnitCost: 425})
	createPO(t, st, "Acme Textiles", store.StatusApproved, store.LineInput{SKU: "TEE-BLK-M", Ordered: 20, UnitCost: 425})
	// An Ordered PO is in transit, not pending.
	createPO(t, st, "Acme Textiles", store.StatusOrdered, store.LineInput{SKU: "TEE-BLK-M", Ordered: 5, UnitCost: 425})
	m := newTestModel(t, st, nil, buyer)
	press(m, "f")
	moveTo(t, m, "TEE-BLK-M")

	want := "Not yet ordered: draft PO-000001 has 60, approved PO-000002 has 20; these units count as in transit once their PO is Ordered"
	if view := flatView(m); !strings.Contains(view, flat(want)) {
		t.Errorf("restock view lacks %q:\n%s", want, m.View())
	}
	moveTo(t, m, "MUG-IND")
	if view := plainView(m); strings.Contains(view, "Not yet ordered") {
		t.Errorf("MUG-IND, on no PO, shows pending units:\n%s", view)
	}
}

func TestRestockAsksBeforeDuplicateDraft(t *testing.T) {
	st := restockStore(t)
	createPO(t, st, "Acme Textiles", store.StatusDraft, store.LineInput{SKU: "TEE-BLK-M", Ordered: 50, UnitCost: 425})
	m := newTestModel(t, st, nil, buyer)
	press(m, "f")
	moveTo(t, m, "TEE-BLK-M")
	press(m, " ", "enter")

	want := "TEE-BLK-M is already on draft PO-000001; create another draft? y/n"
	if m.restock.confirm == nil || m.restock.confirm.question != want {
		t.Fatalf("enter on a SKU held by a draft: confirm %+v, want %q", m.restock.confirm, want)
	}
	if view := flatView(m); !strings.Contains(view, flat(want)) {
		t.Errorf("view lacks the question:\n%s", m.View())
	}
	press(m, "enter")
	if count, _ := st.CountPOs(); count != 1 {
		t.Errorf("enter on the question created drafts: %d POs, want 1", count)
	}

	press(m, "n")
	if m.restock.confirm != nil || m.restock.note.text != "no draft created" {
		t.Errorf("after n: confirm %+v, note %q", m.restock.confirm, m.restock.note.text)
	}
	if count, _ := st.CountPOs(); count != 1 {
		t.Errorf("n created drafts: %d POs, want 1", count)
	}

	press(m, "enter", "y")
	if m.mode != modeBoard {
		t.Fatalf("y did not create the draft; note %q", m.restock.note.text)
	}
	po, err := st.GetPO("PO-000002")
	if err != nil {
		t.Fatal(err)
	}
	if po.Status != store.StatusDraft || len(po.Lines) != 1 || po.Lines[0].SKU != "TEE-BLK-M" {
		t.Errorf("second draft = %s %+v, want a draft of TEE-BLK-M", po.Status, po.Lines)
	}
}

func TestRestockAsksOnceForSeveralSKUs(t *testing.T) {
	st := restockStore(t)
	createPO(t, st, "Acme Textiles", store.StatusApproved, store.LineInput{SKU: "TEE-BLK-M", Ordered: 50, UnitCost: 425})
	createPO(t, st, "Kyoto Ceramics", store.StatusDraft, store.LineInput{SKU: "MUG-IND", Ordered: 37})
	m := newTestModel(t, st, nil, buyer)
	press(m, "f", "a", "enter")

	if m.restock.confirm == nil {
		t.Fatalf("no question before ordering two held SKUs; note %q", m.restock.note.text)
	}
	for _, want := range []string{"2 SKUs are already on draft or approved POs", "TEE-BLK-M on approved PO-000001", "MUG-IND on draft PO-000002", "create more drafts? y/n"} {
		if !strings.Contains(m.restock.confirm.question, want) {
			t.Errorf("question %q lacks %q", m.restock.confirm.question, want)
		}
	}
}

func TestRestockMarksSKUsWithoutCost(t *testing.T) {
	// MUG-IND has no products import and no cost in its settings.
	st := restockStore(t)
	importDemand(t, st, demandCSV("MUG-BLU", "Kyoto Ceramics", 1, 120))
	for _, width := range []int{80, 120} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			m := newTestModel(t, st, nil, buyer)
			send(m, tea.WindowSizeMsg{Width: width, Height: 30})
			press(m, "f")
			moveTo(t, m, "MUG-IND")
			view := plainView(m)
			if !strings.Contains(flatView(m), flat("MUG-IND item · Kyoto Ceramics · lead 30d, cover 30d, safety 7d · no unit cost")) {
				t.Errorf("SKU detail lacks the no-cost mark:\n%s", view)
			}
			for _, want := range []string{
				"Kyoto Ceramics · 2 to order · 0.00 USD · ! 2 SKUs have no cost",
				"left out of the value; set costs: poboard import products FILE, or press e",
			} {
				if !strings.Contains(view, want) {
					t.Errorf("view lacks %q:\n%s", want, view)
				}
			}
			// The Acme header, whose SKU has a cost, has no such mark.
			if !strings.Contains(view, "Acme Textiles · 1 to order · 212.50 EUR\n") && !strings.Contains(view, "Acme Textiles · 1 to order · 212.50 EUR ") {
				t.Errorf("Acme header changed:\n%s", view)
			}
			var marked int
			for _, line := range strings.Split(view, "\n") {
				if strings.Contains(line, "MUG-") && strings.Contains(line, "no cost") {
					marked++
				}
				if strings.Contains(line, "TEE-BLK-M ") && strings.Contains(line, "no cost") {
					t.Errorf("TEE-BLK-M, priced at 4.25, is marked: %q", line)
				}
			}
			if marked != 2 {
				t.Errorf("%d MUG rows marked no cost, want 2:\n%s", marked, view)
			}
		})
	}
}

func TestDraftsNoticeNamesUnpricedLines(t *testing.T) {
	st := restockStore(t)
	m := newTestModel(t, st, nil, buyer)
	press(m, "f", "a", "enter")
	want := "no unit cost, so 0.00: MUG-IND on PO-000002; press e on the PO to set it"
	if !strings.Contains(m.status.notice.text, want) {
		t.Errorf("notice = %q, want it to contain %q", m.status.notice.text, want)
	}
	if strings.Contains(m.status.notice.text, "TEE-BLK-M on") {
		t.Errorf("notice names TEE-BLK-M, which has a cost: %q", m.status.notice.text)
	}
}
