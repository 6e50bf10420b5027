package ui

import (
	"strconv"
	"strings"

	"poboard/store"
)

// listColumns are the widths of the list's columns for one pane width. The
// supplier column takes what the fixed columns leave.
type listColumns struct {
	supplier int
	bar      int
}

// Fixed column widths: selection and mark, number, status ("Partially received"),
// expected date plus the overdue mark, received/ordered, discrepancy flag.
const (
	colMark     = 2
	colNumber   = 9
	colStatus   = 18
	colExpected = 11
	colQuantity = 9
	colFlag     = 3
)

func (l *listPane) columns(inner int) listColumns {
	bar := 6
	if inner >= 100 {
		bar = 12
	}
	fixed := colMark + colNumber + colStatus + colExpected + colQuantity + colFlag + 6
	supplier := inner - fixed - bar - 1
	if supplier < 10 {
		// Too narrow for the bar: give its cells to the supplier.
		supplier += bar + 1
		bar = 0
	}
	return listColumns{supplier: max(1, supplier), bar: bar}
}

func (cols listColumns) header() string {
	parts := []string{
		"  ", padRight("PO", colNumber), padRight("Supplier", cols.supplier),
		padRight("Status", colStatus), padRight("Expected", colExpected),
		fitLeft("Recv/Ord", colQuantity),
	}
	if cols.bar >= len("Progress") {
		parts = append(parts, padRight("Progress", cols.bar))
	}
	return strings.Join(parts, " ")
}

// rowMark returns the first column: pushed and locked, push pending, or blank.
func rowMark(row store.Summary) string {
	switch {
	case row.PushState == store.PushRequested:
		return pendingMark
	case row.Locked:
		return lockMark
	}
	return " "
}

// expectedText returns the expected date with the overdue mark.
func expectedText(c *common, row store.Summary) string {
	text := row.ExpectedDate
	if text == "" {
		text = "—"
	}
	if c.overdue(row.Status, row.ExpectedDate) {
		text += overdueMark
	}
	return text
}

func flagText(row store.Summary) string {
	if row.Flags == 0 {
		return ""
	}
	return flagMark + strconv.Itoa(row.Flags)
}

// selectionMark starts the selected row, so the selection shows without
// colours too.
const selectionMark = "▸"

// row renders a PO's row with colours.
func (cols listColumns) row(c *common, row store.Summary) string {
	s := c.styles
	mark := rowMark(row)
	switch mark {
	case lockMark, pendingMark:
		mark = s.Lock.Render(mark)
	}
	mark = " " + mark
	supplier := row.Supplier
	if supplier == "" {
		supplier = "(no supplier)"
	}
	expected := padRight(expectedText(c, row), colExpected)
	if c.overdue(row.Status, row.ExpectedDate) {
		expected = s.Overdue.Render(expected)
	}
	parts := []string{
		mark,
		padRight(row.Number, colNumber),
		padRight(supplier, cols.supplier),
		s.StatusStyle(row.Status).Render(padRight(row.Status.Label(), colStatus)),
		expected,
		fitLeft(quantity(row.Received, row.Ordered), colQuantity),
	}
	if cols.bar > 0 {
		parts = append(parts, s.bar(row.Received, row.Ordered, cols.bar))
	}
	parts = append(parts, s.Flag.Render(padRight(flagText(row), colFlag)))
	return strings.Join(parts, " ")
}

// plainRow renders a PO's row without colours, for the selection highlight.
func plainRow(c *common, cols listColumns, row store.Summary) string {
	supplier := row.Supplier
	if supplier == "" {
		supplier = "(no supplier)"
	}
	parts := []string{
		selectionMark + rowMark(row),
		padRight(row.Number, colNumber),
		padRight(supplier, cols.supplier),
		padRight(row.Status.Label(), colStatus),
		padRight(expectedText(c, row), colExpected),
		fitLeft(quantity(row.Received, row.Ordered), colQuantity),
	}
	if cols.bar > 0 {
		filled := 0
		if row.Ordered > 0 {
			filled = min(cols.bar, row.Received*cols.bar/row.Ordered)
		}
		parts = append(parts, strings.Repeat("█", filled)+strings.Repeat("░", cols.bar-filled))
	}
	parts = append(parts, padRight(flagText(row), colFlag))
	return strings.Join(parts, " ")
}

// padRight pads or truncates plain text to width cells.
func padRight(text string, width int) string {
	return fit(text, width)
}

func itoa(n int) string { return strconv.Itoa(n) }

func quote(text string) string { return strconv.Quote(text) }
