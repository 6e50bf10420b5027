package ui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"poboard/forecast"
	"poboard/store"
)

// Restock table widths: the marks (cursor, selected, warning), SKU, demand
// per day, on hand, in transit, suggested quantity, order-by date, method,
// MASE. A "Why" column takes the rest from 100 columns on.
const (
	colRestockMarks = 3
	colRestockSKU   = 13
	colDemand       = 6
	colUnits        = 7
	colOrderBy      = 10
	colMethod       = 11
	colMASE         = 5
	// colChartLabel is the width of the labels left of the charts.
	colChartLabel = 12
)

// restockDetailLines is the least height of the part below the table:
// the selected SKU, its why, the two charts, warnings and the import
// line. Long warnings and messages make it taller, as far as
// restockMinTableLines leaves room.
const restockDetailLines = 12

// restockMinTableLines is the least height of the table: its header and
// three rows.
const restockMinTableLines = 4

// Marks of the restock table's first columns.
const (
	selectedMark = "✓"
	warningMark  = "!"
)

// methodNames are the short names of forecasting methods on screen.
var methodNames = map[forecast.Method]string{
	forecast.MethodMovingAverage: "moving avg",
	forecast.MethodSES:           "SES",
	forecast.MethodHolt:          "Holt damped",
	forecast.MethodSBA:           "SBA",
	forecast.MethodTSB:           "TSB",
	forecast.MethodSeasonal:      "seasonal",
	forecast.MethodNone:          "none",
}

// detailHeight returns the height of the part below the table as last
// drawn, restockDetailLines before the first frame.
func (v *restockView) detailHeight() int { return max(v.detailRows, restockDetailLines) }

// title returns the view's title with its counts and the backtest's
// accuracy over all SKUs, shortened to fit width cells: first "Restock
// suggestions" becomes "Restock", then the accuracy is left out.
func (v *restockView) title(width int) string {
	if !v.loaded {
		return "Restock suggestions"
	}
	all, needed := v.skuCount()
	counts := fmt.Sprintf(" · %d SKUs, %d to order", all, needed)
	if v.query() != "" {
		counts += fmt.Sprintf(" · %d shown", v.shownCount())
	}
	if len(v.selected) > 0 {
		counts += fmt.Sprintf(" · %d selected", len(v.selected))
	}
	accuracy := ""
	if a := v.plan.Accuracy; a.Backtested > 0 {
		accuracy = fmt.Sprintf(" · WAPE %.0f%% bias %+.0f%%", 100*a.WAPE, 100*a.Bias)
	}
	asOf := " · as of " + v.plan.Today.Format(time.DateOnly)

	// The box frame takes about six cells around the title.
	room := width - 6
	for _, candidate := range []string{
		"Restock suggestions" + counts + accuracy + asOf,
		"Restock" + counts + accuracy + asOf,
	} {
		if lipgloss.Width(candidate) <= room {
			return candidate
		}
	}
	return "Restock suggestions" + counts + asOf
}

// view renders the restock view in width×height cells; job is the import
// running in this session, nil when none.
func (v *restockView) view(width, height int, job *ordersImport, spin string) string {
	s := v.c.styles
	inner := width - 2
	// The detail goes first: its height sets how many rows the table has.
	detail := v.detail(inner, height-2-restockMinTableLines, job, spin)
	v.detailRows = len(detail)
	v.SetSize(width, height)
	top := max(0, height-2-len(detail))

	var body []string
	if v.filterShown() {
		v.filter.Width = max(1, inner-len(v.filter.Prompt)-1)
		body = append(body, v.filter.View())
	}
	switch {
	case v.err != nil && !v.loaded:
		body = append(body, s.Error.Render("building restock suggestions failed: "+v.err.Error()+"; check the log file"))
	case !v.loaded:
		body = append(body, s.Muted.Render(spin+" building restock suggestions…"))
	case len(v.rows) == 0 && v.query() != "":
		body = append(body, s.Muted.Render(fit("No SKU, description or supplier contains "+quote(v.query())+"; press esc to clear the filter.", inner)))
	case len(v.rows) == 0:
		body = append(body, v.emptyText(inner)...)
	default:
		body = append(body, v.table(inner)...)
	}
	for len(body) < top {
		body = append(body, "")
	}
	body = append(body[:top], detail...)
	return s.box(v.title(width), body, width, height, true)
}

func (v *restockView) emptyText(inner int) []string {
	s := v.c.styles
	lines := []string{
		s.Bold.Render("No demand history yet."),
		"Restock suggestions come from your Shopify orders. Run",
		"  " + s.Help.ShortKey.Render("poboard import orders FILE"),
		"or press " + s.Help.ShortKey.Render("i") + " to import a Shopify \"Export orders\" CSV here.",
	}
	return append(lines, v.unmappedText(inner)...)
}

func (v *restockView) unmappedText(inner int) []string {
	if len(v.unmapped) == 0 {
		return nil
	}
	text := fmt.Sprintf("%d product names on order lines match no SKU, so their demand is left out; map each with `poboard import map NAME SKU`.", len(v.unmapped))
	return wrapIndented(v.c.styles.Muted, text, 0, inner)
}

// table renders the header and the rows that fit, from the scroll offset.
func (v *restockView) table(inner int) []string {
	s := v.c.styles
	why := v.whyWidth(inner)
	header := padRight("", colRestockMarks) + " " + padRight("SKU", colRestockSKU) + " " + fitLeft("/day", colDemand) + " " +
		fitLeft("On hand", colUnits) + " " + fitLeft("Transit", colUnits) + " " + fitLeft("Order", colUnits) + " " +
		padRight("Order by", colOrderBy) + " " + padRight("Method", colMethod) + " " + fitLeft("MASE", colMASE)
	if why > 0 {
		header += " " + padRight("Why", why)
	}
	lines := []string{s.Header.Render(fit(header, inner))}

	end := min(len(v.rows), v.offset+v.tableHeight())
	for i := v.offset; i < end; i++ {
		row := v.rows[i]
		switch row.suggestion {
		case rowGroupHeader:
			lines = append(lines, v.groupLine(v.plan.Groups[row.group], inner))
			continue
		case rowNoCost:
			lines = append(lines, v.noCostLine(v.plan.Groups[row.group], inner))
			continue
		}
		suggestion := v.suggestionAt(i)
		if i == v.cursor {
			lines = append(lines, s.Selected.Render(fit(v.skuLine(suggestion, why, false), inner)))
			continue
		}
		lines = append(lines, v.skuLine(suggestion, why, true))
	}
	return lines
}

// whyWidth returns the width of the "Why" column, 0 when it does not fit.
func (v *restockView) whyWidth(inner int) int {
	fixed := colRestockMarks + colRestockSKU + colDemand + 3*colUnits + colOrderBy + colMethod + colMASE + 8
	if room := inner - fixed - 1; room >= 20 {
		return room
	}
	return 0
}

// groupLine is a supplier's header: currency, the value to order and the
// minimum order value warning.
func (v *restockView) groupLine(group forecast.Group, inner int) string {
	s := v.c.styles
	currency := group.Currency
	if currency == "" {
		currency = store.DefaultCurrency
	}
	needed := 0
	for _, suggestion := range group.Suggestions {
		if suggestion.Needed() {
			needed++
		}
	}
	line := s.Bold.Render(supplierName(group.Supplier)) + s.Muted.Render(fmt.Sprintf(" · %d to order · %s %s", needed, store.FormatMoney(group.Total, currency), currency))
	if group.BelowMinimum {
		line += " " + s.Flag.Render(fmt.Sprintf("%s below the minimum order value of %s %s", warningMark, store.FormatMoney(group.MinOrderValue, currency), currency))
	}
	if group.Supplier == "" {
		line += s.Muted.Render(" · press e to set one")
	}
	if count := noCostCount(group); count > 0 {
		line += s.Muted.Render(" · ") + s.Flag.Render(fmt.Sprintf("%s %d %s no cost", warningMark, count, plural(count, "SKU has", "SKUs have")))
	}
	return fit(line, inner)
}

// noCostLine is the line below a supplier's header that says how to
// price the SKUs to order that have no unit cost.
func (v *restockView) noCostLine(group forecast.Group, inner int) string {
	// Short enough for 80 columns, because table rows do not wrap.
	text := "  left out of the value; set costs: poboard import products FILE, or press e"
	return v.c.styles.Flag.Render(fit(text, inner))
}

// noCostCount returns how many of a supplier's SKUs to order have no unit
// cost, so that the group's value leaves them out.
func noCostCount(group forecast.Group) int {
	count := 0
	for _, s := range group.Suggestions {
		if noCost(s) {
			count++
		}
	}
	return count
}

// noCost reports whether a SKU to order has no unit cost: no products
// import priced it and no setting gives it one, so its draft line would
// cost 0.00.
func noCost(s forecast.Suggestion) bool {
	return s.Needed() && s.UnitCost == 0
}

// skuLine renders one SKU's row, with colours unless it is highlighted.
func (v *restockView) skuLine(suggestion forecast.Suggestion, why int, colour bool) string {
	s := v.c.styles
	cursor, selected, warned := " ", " ", " "
	if !colour {
		cursor = selectionMark
	}
	if v.selected[suggestion.SKU] {
		selected = selectedMark
	}
	if len(suggestion.Warnings) > 0 {
		warned = warningMark
	}
	orderBy := "—"
	if !suggestion.OrderBy.IsZero() {
		orderBy = suggestion.OrderBy.Format(time.DateOnly)
	}

	cells := []string{
		padRight(suggestion.SKU, colRestockSKU),
		fitLeft(perDay(suggestion.DailyDemand), colDemand),
		fitLeft(itoa(suggestion.OnHand), colUnits),
		fitLeft(itoa(suggestion.InTransit), colUnits),
		fitLeft(itoa(suggestion.SuggestedQty), colUnits),
		padRight(orderBy, colOrderBy),
		padRight(methodName(suggestion.Method), colMethod),
		fitLeft(maseText(suggestion.MASE), colMASE),
	}
	// A row without a cost reads "no cost": at the start of the Why
	// column, or in place of the method when the Why column does not fit.
	if why > 0 {
		reason := suggestion.Reason
		if noCost(suggestion) {
			reason = "no cost · " + reason
		}
		cells = append(cells, padRight(reason, why))
	} else if noCost(suggestion) {
		cells[6] = padRight("no cost", colMethod)
	}
	if !colour {
		return cursor + selected + warned + " " + strings.Join(cells, " ")
	}

	marks := cursor + s.Success.Render(selected) + s.Flag.Render(warned)
	if !suggestion.OrderBy.IsZero() && !suggestion.OrderBy.After(v.plan.Today) {
		cells[5] = s.Overdue.Render(cells[5])
	}
	if noCost(suggestion) && why == 0 {
		cells[6] = s.Flag.Render(cells[6])
	}
	line := marks + " " + strings.Join(cells, " ")
	if !suggestion.Needed() {
		return s.Muted.Render(marks + " " + ansi.Strip(strings.Join(cells, " ")))
	}
	return line
}

// detail renders the lines below the table: the selected SKU, its why,
// recent demand, projected stock with the next PO's arrival, warnings,
// and the import's prompt, progress or result. It returns at least
// restockDetailLines lines and at most room; when the lines do not fit,
// the SKU's last lines give way to the foot.
func (v *restockView) detail(inner, room int, job *ordersImport, spin string) []string {
	s := v.c.styles
	lines := []string{s.Muted.Render(strings.Repeat("─", inner))}

	if suggestion, ok := v.current(); ok {
		lines = append(lines, v.skuDetail(suggestion, inner)...)
	}
	room = max(room, 2)
	foot := v.footLines(inner, job, spin)
	foot = foot[:min(len(foot), room-1)]
	lines = lines[:min(len(lines), room-len(foot))]
	for len(lines)+len(foot) < min(restockDetailLines, room) {
		lines = append(lines, "")
	}
	return append(lines, foot...)
}

// skuDetail is the selected SKU's part of the detail: 9 lines at most.
func (v *restockView) skuDetail(suggestion forecast.Suggestion, inner int) []string {
	s := v.c.styles
	head := s.Bold.Render(suggestion.SKU)
	if suggestion.Description != "" {
		head += " " + suggestion.Description
	}
	head += s.Muted.Render(fmt.Sprintf(" · %s · lead %dd, cover %dd, safety %dd", supplierName(suggestion.Supplier),
		suggestion.LeadTimeDays, suggestion.CoverDays, suggestion.SafetyDays))
	if noCost(suggestion) {
		head += s.Muted.Render(" · ") + s.Flag.Render("no unit cost")
	}
	lines := wrapHanging(head, inner, 2)

	why := strings.Split(ansi.Wordwrap("Why: "+suggestion.Reason, inner, ""), "\n")
	if len(why) > 2 {
		why[1] = ansi.Truncate(why[1]+" "+strings.Join(why[2:], " "), inner, "…")
		why = why[:2]
	}
	lines = append(lines, why...)

	room := inner - colChartLabel - 14
	demand := sparkline(suggestion.Recent, room)
	peak := 0.0
	for _, units := range suggestion.Recent {
		peak = max(peak, units)
	}
	lines = append(lines, s.Label.Render(padRight("Demand 90d", colChartLabel))+s.Info.Render(demand)+s.Muted.Render(" peak "+trimFloat(peak)+"/day"))

	horizon := len(suggestion.Projected) - 1
	chart, cells := stockChart(suggestion.Projected, room, 2)
	top, low := 0.0, math.Inf(1)
	for _, units := range suggestion.Projected {
		top, low = max(top, units), min(low, units)
	}
	label := fmt.Sprintf("Stock %dd", horizon)
	lines = append(lines,
		s.Label.Render(padRight(label, colChartLabel))+s.BarFull.Render(chart[0])+s.Muted.Render(" max "+trimFloat(top)),
		padRight("", colChartLabel)+s.BarFull.Render(chart[1])+s.Muted.Render(" min "+trimFloat(low)),
	)
	lines = append(lines, padRight("", colChartLabel)+v.arrivalMarker(suggestion, horizon, cells, inner-colChartLabel))
	if pending := v.pending[suggestion.SKU]; len(pending) > 0 {
		text := "Not yet ordered: " + pendingText(pending) + "; these units count as in transit once their PO is Ordered"
		for _, line := range wrapHanging(text, inner, 2) {
			lines = append(lines, s.Warning.Render(line))
		}
	}

	for _, warning := range suggestion.Warnings {
		for _, line := range wrapHanging(warningMark+" "+warning, inner, 2) {
			lines = append(lines, s.Flag.Render(line))
		}
	}
	return lines
}

// arrivalMarker marks the day the next open PO of the SKU arrives under
// the stock chart, or writes its date when that is after the chart's last day.
func (v *restockView) arrivalMarker(suggestion forecast.Suggestion, horizon, cells, room int) string {
	s := v.c.styles
	next, ok := v.arrivals[suggestion.SKU]
	if !ok {
		return s.Muted.Render("no open PO brings this SKU")
	}
	text := fmt.Sprintf("%s +%d on %s", next.po, next.units, next.date.Format(time.DateOnly))
	// The plan counts an overdue PO as arriving tomorrow.
	day := max(1, forecast.DaysBetween(v.plan.Today, next.date))
	if day > horizon {
		return s.Muted.Render("next PO " + text + ", after the chart's last day")
	}
	return s.Lock.Render(markerLine(day, horizon+1, cells, room, text))
}

// footLines are the last lines of the view: the path prompt, an import in
// progress, the last result, or the unmapped names hint.
func (v *restockView) footLines(inner int, job *ordersImport, spin string) []string {
	s := v.c.styles
	switch {
	case v.confirm != nil:
		return wrapIndented(s.Warning, v.confirm.question, 0, inner)
	case v.prompt != nil:
		v.prompt.Width = max(1, inner-len(v.prompt.Prompt)-1)
		hint := "Orders are filed under the store name \"" + importStoreName + "\"; the path is on the machine running poboard."
		return append([]string{v.prompt.View()}, wrapIndented(s.Muted, hint, 0, inner)...)
	case job.running():
		progress := job.snapshot()
		return append([]string{s.Spinner.Render(spin) + " " + s.progressBar(progress, min(40, inner-8))},
			wrapHanging(progressText(progress), inner, 2)...)
	case v.note.text != "":
		style := s.Success
		if v.note.kind == noticeError {
			style = s.Error
		}
		return wrapIndented(style, v.note.text, 0, inner)
	}
	return v.unmappedText(inner)
}

// perDay formats units per day with two significant decimals below 10.
func perDay(units float64) string {
	switch {
	case units < 10:
		return fmt.Sprintf("%.2f", units)
	case units < 100:
		return fmt.Sprintf("%.1f", units)
	}
	return fmt.Sprintf("%.0f", units)
}

// trimFloat formats units with one decimal, without it when whole. A
// value that rounds to zero reads "0", never "-0" or "-0.0".
func trimFloat(units float64) string {
	rounded := math.Round(units*10) / 10
	if rounded == 0 {
		return "0"
	}
	if rounded == math.Trunc(rounded) {
		return fmt.Sprintf("%.0f", rounded)
	}
	return fmt.Sprintf("%.1f", rounded)
}

func methodName(method forecast.Method) string {
	if name, ok := methodNames[method]; ok {
		return name
	}
	return string(method)
}

// maseText formats a backtest error, "—" when the method was not backtested.
func maseText(mase float64) string {
	if math.IsNaN(mase) || math.IsInf(mase, 0) {
		return "—"
	}
	return fmt.Sprintf("%.2f", mase)
}
