package ui

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// receiptForm records a manual receipt on a PO that is not pushed: units
// accepted and rejected per line, and SKUs that arrived but were never
// ordered.
type receiptForm struct {
	grid formGrid
	po   store.PO
	// skus are the SKUs of the PO's lines, by row; "" for an extra row.
	skus []string
}

func newReceiptForm(c *common, po store.PO) *receiptForm {
	f := &receiptForm{po: po, grid: formGrid{c: c, errRow: -1}}
	for _, line := range po.Lines {
		label := fmt.Sprintf("%s (%d open)", line.SKU, line.Open())
		f.grid.rows = append(f.grid.rows, formRow{label: label, line: true, widths: []int{12, 12}, cells: []textInput{
			c.newInput("received", "", 9),
			c.newInput("rejected", "", 9),
		}})
		f.skus = append(f.skus, line.SKU)
	}
	f.grid.setFocus(0)
	return f
}

func (f *receiptForm) extraRow() formRow {
	c := f.grid.c
	f.skus = append(f.skus, "")
	return formRow{label: "Other SKU", line: true, widths: []int{18, 12, 12}, cells: []textInput{
		c.newInput("SKU", "", 64),
		c.newInput("received", "", 9),
		c.newInput("rejected", "", 9),
	}}
}

// update handles a key; it returns the save Cmd once the user saves with
// valid values, and done when the form closes without saving.
func (f *receiptForm) update(msg tea.KeyMsg) (cmd tea.Cmd, done bool) {
	if f.grid.stale && key.Matches(msg, f.grid.c.keys.Reload) {
		return loadFormPOCmd(f.grid.c, f.po.Number, originReceipt), false
	}
	rowsBefore := len(f.grid.rows)
	removedAt, _ := f.grid.position(f.grid.focus)
	cmd, submit, cancel := f.grid.update(msg, true, f.extraRow)
	if len(f.grid.rows) < rowsBefore && removedAt >= 0 {
		f.skus = append(f.skus[:removedAt], f.skus[removedAt+1:]...)
	}
	if cancel {
		return nil, true
	}
	if !submit {
		return cmd, false
	}
	return f.save(), false
}

func (f *receiptForm) save() tea.Cmd {
	c := f.grid.c
	lines, err := f.lines()
	if err != nil {
		return f.grid.fail(err)
	}
	if len(lines) == 0 {
		return f.grid.fail(errors.New("no units entered; type the received units on at least one line"))
	}
	f.grid.saving = true
	po := f.po
	return actionCmd(c, po.Number, "receipt recorded", func() (store.PO, error) {
		return c.store.RecordReceipt(c.actor, po.Number, po.Version, lines)
	}, originReceipt)
}

// lines reads the rows that have units into receipt lines.
func (f *receiptForm) lines() ([]store.ReceiptLine, error) {
	var lines []store.ReceiptLine
	for i, row := range f.grid.rows {
		sku, qtyCell := f.skus[i], 0
		if sku == "" {
			sku, qtyCell = row.value(0), 1
		}
		qtyText, rejectedText := row.value(qtyCell), row.value(qtyCell+1)
		if qtyText == "" && rejectedText == "" {
			continue
		}
		if sku == "" {
			return nil, &fieldError{row: i, cell: 0,
				err: errors.New("an extra line has units but no SKU; type the SKU or remove the line with ctrl+d")}
		}
		qty, err := wholeUnits(qtyText)
		if err != nil {
			return nil, &fieldError{row: i, cell: qtyCell,
				err: fmt.Errorf("received quantity %q of %s is not a whole number of units; type 0 or more", qtyText, sku)}
		}
		rejected, err := wholeUnits(rejectedText)
		if err != nil {
			return nil, &fieldError{row: i, cell: qtyCell + 1,
				err: fmt.Errorf("rejected quantity %q of %s is not a whole number of units; type 0 or more", rejectedText, sku)}
		}
		if qty == 0 && rejected == 0 {
			continue
		}
		lines = append(lines, store.ReceiptLine{SKU: sku, Qty: qty, Rejected: rejected})
	}
	return lines, nil
}

// wholeUnits reads a non-negative unit count; empty is 0.
func wholeUnits(text string) (int, error) {
	if text == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid quantity %q", text)
	}
	return n, nil
}

func (f *receiptForm) view(width, height int) string {
	s := f.grid.c.styles
	intro := []string{
		"Receipt for " + s.Bold.Render(f.po.Number) + " from " + f.po.Supplier + ": units that arrived now, accepted and rejected.",
		s.Muted.Render("ctrl+n adds a SKU that arrived but was not ordered."),
		"",
	}
	return f.grid.view("Manual receipt "+f.po.Number, intro, width, height)
}
