package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"poboard/store"
)

// Rows of the PO form's header; line rows follow them.
const (
	rowSupplier = iota
	rowExpected
	rowCurrency
	rowNotes
	headerRows
)

// Cells of a line row.
const (
	cellSKU = iota
	cellDescription
	cellQty
	cellCost
)

// poForm creates a PO or edits one: supplier, expected date, currency,
// notes and lines (SKU, description, quantity, unit cost). On a PO whose
// other fields cannot change here, it edits the notes alone.
type poForm struct {
	grid formGrid
	// editing is the PO being edited; nil for a new PO.
	editing *store.PO
	// notesOnly is the reason shown when only the notes can change; ""
	// for the full form.
	notesOnly string

	// currencies maps a supplier to the currency its new POs start with.
	// It is nil until loaded, and on an edit form, which keeps the PO's
	// own currency.
	currencies map[string]string
	// filledCurrency is the currency the form filled in last. A currency
	// field with another value, other than empty, was typed by the user
	// and is left alone.
	filledCurrency string
}

// supplierCurrenciesMsg carries the currency of each known supplier, for
// the new-PO form.
type supplierCurrenciesMsg struct {
	currencies map[string]string
	err        error
}

// loadSupplierCurrenciesCmd reads the currency each supplier's new PO
// starts with: the supplier settings' currency where set, and otherwise
// the currency of the supplier's newest PO.
func loadSupplierCurrenciesCmd(c *common) tea.Cmd {
	return func() tea.Msg {
		summaries, err := c.store.ListSummaries()
		if err != nil {
			return supplierCurrenciesMsg{err: fmt.Errorf("reading earlier POs for the supplier's currency failed: %w; type the currency, the form starts with %s", err, store.DefaultCurrency)}
		}
		currencies := make(map[string]string)
		newest := make(map[string]uint64)
		for _, summary := range summaries {
			if summary.Currency == "" || summary.ID < newest[summary.Supplier] {
				continue
			}
			currencies[summary.Supplier], newest[summary.Supplier] = summary.Currency, summary.ID
		}

		suppliers, err := c.store.Suppliers()
		if err != nil {
			return supplierCurrenciesMsg{err: fmt.Errorf("reading supplier settings for the supplier's currency failed: %w; type the currency, the form starts with %s", err, store.DefaultCurrency)}
		}
		for _, settings := range suppliers {
			if settings.Currency != "" {
				currencies[settings.Name] = settings.Currency
			}
		}
		return supplierCurrenciesMsg{currencies: currencies}
	}
}

// setCurrencies stores the suppliers' currencies on a new-PO form and
// fills in the currency of the supplier typed so far.
func (f *poForm) setCurrencies(currencies map[string]string) {
	if f.editing != nil {
		return
	}
	f.currencies = currencies
	f.fillCurrency()
}

// fillCurrency sets the currency field to the typed supplier's currency,
// or to DefaultCurrency for a supplier without one, unless the user typed
// a currency.
func (f *poForm) fillCurrency() {
	if f.editing != nil || f.currencies == nil {
		return
	}
	field := &f.grid.rows[rowCurrency].cells[0]
	current := strings.TrimSpace(field.Value())
	if current != "" && current != f.filledCurrency {
		return
	}
	currency, ok := f.currencies[f.grid.rows[rowSupplier].value(0)]
	if !ok {
		currency = store.DefaultCurrency
	}
	field.SetValue(currency)
	f.filledCurrency = currency
}

func newPOForm(c *common, editing *store.PO) *poForm {
	f := &poForm{editing: editing, grid: formGrid{c: c, errRow: -1}, filledCurrency: store.DefaultCurrency}
	f.grid.fieldOf = f.fieldOf
	po := store.PO{Currency: store.DefaultCurrency}
	if editing != nil {
		po = *editing
	}
	f.grid.rows = []formRow{
		{label: "Supplier", cells: []textInput{c.newInput("Acme Textiles", po.Supplier, 80)}},
		{label: "Expected date", cells: []textInput{c.newInput("YYYY-MM-DD", po.ExpectedDate, 10)}},
		{label: "Currency", cells: []textInput{c.newInput("USD", po.Currency, 3)}},
		{label: "Notes", cells: []textInput{c.newInput("not sent to the supplier or the WMS", po.Notes, 500)}},
	}
	for _, line := range po.Lines {
		f.grid.rows = append(f.grid.rows, f.lineRow(line.SKU, line.Description, strconv.Itoa(line.Ordered), store.FormatMoney(line.UnitCost, po.Currency)))
	}
	if len(po.Lines) == 0 {
		f.grid.rows = append(f.grid.rows, f.lineRow("", "", "", ""))
	}
	f.grid.setFocus(0)
	return f
}

// newNotesForm returns a form that edits the notes of po alone. The store
// accepts notes on every PO, locked or not, because notes are never pushed.
func newNotesForm(c *common, po store.PO) *poForm {
	f := &poForm{editing: &po, notesOnly: notesOnlyReason(po), grid: formGrid{c: c, errRow: -1}}
	f.grid.rows = []formRow{
		{label: "Notes", cells: []textInput{c.newInput("not sent to the supplier or the WMS", po.Notes, 500)}},
	}
	f.grid.setFocus(0)
	return f
}

// notesOnlyReason returns why the full form cannot edit po and where its
// other fields change.
func notesOnlyReason(po store.PO) string {
	switch {
	case po.PushPending():
		return fmt.Sprintf("%s is locked while its push to %s is in progress. Supplier, dates, lines and status change in %s once the push is done, and sync back here.",
			po.Number, wmsLabel(po), wmsLabel(po))
	case po.Locked():
		return fmt.Sprintf("%s is locked because it was pushed to %s. Supplier, dates, lines and status change in %s, and sync back here.",
			po.Number, wmsLabel(po), wmsLabel(po))
	}
	return fmt.Sprintf("%s is %s, so its supplier, dates and lines no longer change.", po.Number, po.Status.Label())
}

func (f *poForm) lineRow(sku, description, qty, cost string) formRow {
	c := f.grid.c
	return formRow{label: "Line", line: true, widths: []int{18, 0, 9, 12}, cells: []textInput{
		c.newInput("SKU", sku, 64),
		c.newInput("description", description, 120),
		c.newInput("qty", qty, 9),
		c.newInput("unit cost", cost, 14),
	}}
}

func (f *poForm) title() string {
	if f.notesOnly != "" {
		return "Notes of " + f.editing.Number
	}
	if f.editing != nil {
		return "Edit " + f.editing.Number
	}
	return "New PO"
}

// update handles a key; it returns the save Cmd once the user saves with
// valid values, and done when the form closes without saving.
func (f *poForm) update(msg tea.KeyMsg) (cmd tea.Cmd, done bool) {
	if f.grid.stale && f.editing != nil && key.Matches(msg, f.grid.c.keys.Reload) {
		return loadFormPOCmd(f.grid.c, f.editing.Number, originForm), false
	}
	supplier := f.supplier()
	cmd, submit, cancel := f.grid.update(msg, f.notesOnly == "", func() formRow { return f.lineRow("", "", "", "") })
	if cancel {
		return nil, true
	}
	if f.supplier() != supplier {
		f.fillCurrency()
	}
	if !submit {
		return cmd, false
	}
	return f.save(), false
}

// supplier returns the supplier typed so far, "" on the notes form.
func (f *poForm) supplier() string {
	if f.notesOnly != "" {
		return ""
	}
	return f.grid.rows[rowSupplier].value(0)
}

// save validates the form and returns the Cmd that writes it.
func (f *poForm) save() tea.Cmd {
	c := f.grid.c
	if f.notesOnly != "" {
		return f.saveNotes()
	}
	header := f.grid.rows
	supplier := header[rowSupplier].value(0)
	expected := header[rowExpected].value(0)
	currency := header[rowCurrency].value(0)
	notes := header[rowNotes].value(0)
	if currency == "" {
		currency = store.DefaultCurrency
	}

	lines, err := f.lines(currency)
	if err != nil {
		return f.grid.fail(err)
	}
	f.grid.saving = true

	if f.editing == nil {
		input := store.NewPO{Supplier: supplier, ExpectedDate: expected, Currency: currency, Notes: notes, Lines: lines}
		return actionCmd(c, "", "created", func() (store.PO, error) {
			return c.store.CreatePO(c.actor, input)
		}, originForm)
	}

	po := *f.editing
	edit := store.Edit{Supplier: &supplier, ExpectedDate: &expected, Currency: &currency, Notes: &notes,
		Lines: lines, ReplaceLines: true}
	return actionCmd(c, po.Number, "saved", func() (store.PO, error) {
		return c.store.EditPO(c.actor, po.Number, po.Version, edit)
	}, originForm)
}

// saveNotes returns the Cmd that writes the notes alone.
func (f *poForm) saveNotes() tea.Cmd {
	c := f.grid.c
	po := *f.editing
	notes := f.grid.rows[0].value(0)
	f.grid.saving = true
	return actionCmd(c, po.Number, "notes saved", func() (store.PO, error) {
		return c.store.EditPO(c.actor, po.Number, po.Version, store.Edit{Notes: &notes})
	}, originForm)
}

// lines reads the line rows; rows with neither SKU nor quantity are skipped.
func (f *poForm) lines(currency string) ([]store.LineInput, error) {
	var lines []store.LineInput
	for r, row := range f.grid.rows {
		if !row.line {
			continue
		}
		sku, qtyText, costText := row.value(cellSKU), row.value(cellQty), row.value(cellCost)
		if sku == "" && qtyText == "" {
			continue
		}
		if sku == "" {
			return nil, &fieldError{row: r, cell: cellSKU,
				err: fmt.Errorf("a line with quantity %s has no SKU; type the SKU or remove the line with ctrl+d", qtyText)}
		}
		qty, err := strconv.Atoi(qtyText)
		if err != nil || qty < 0 {
			return nil, &fieldError{row: r, cell: cellQty,
				err: fmt.Errorf("quantity %q of %s is not a whole number; type the units, for example 100", qtyText, sku)}
		}
		cost := int64(0)
		if costText != "" {
			cost, err = store.ParseMoney(costText, currency)
			if err != nil {
				return nil, &fieldError{row: r, cell: cellCost, err: fmt.Errorf("unit cost of %s: %w", sku, err)}
			}
		}
		lines = append(lines, store.LineInput{SKU: sku, Description: row.value(cellDescription), Ordered: qty, UnitCost: cost})
	}
	return lines, nil
}

// fieldOf returns the cell of the field a store validation error names.
// Line errors name their SKU: as the value of a SKU error, or in the
// reason ("quantity of TEE-BLK-M cannot be negative") otherwise.
func (f *poForm) fieldOf(err *store.ValidationError) (row, cell int, ok bool) {
	switch err.Field {
	case "supplier":
		return rowSupplier, 0, true
	case "expected date":
		return rowExpected, 0, true
	case "currency":
		return rowCurrency, 0, true
	}
	cells := map[string]int{"SKU": cellSKU, "quantity": cellQty, "unit cost": cellCost}
	cell, ok = cells[err.Field]
	if !ok {
		return 0, 0, false
	}
	for r, row := range f.grid.rows {
		sku := row.value(cellSKU)
		if !row.line || sku == "" {
			continue
		}
		if err.Field == "SKU" && err.Value == sku || err.Field != "SKU" && strings.Contains(err.Reason, "of "+sku+" ") {
			return r, cell, true
		}
	}
	return 0, 0, false
}

// view renders the form in width×height cells.
func (f *poForm) view(width, height int) string {
	s := f.grid.c.styles
	if f.notesOnly != "" {
		// Wrapped here rather than by the grid, which indents continuation lines.
		intro := strings.Split(ansi.Wordwrap(f.notesOnly, max(1, width-2), ""), "\n")
		intro = append(intro, s.Muted.Render("Notes stay on this board: they are never sent to the supplier or the WMS."), "")
		return f.grid.view(f.title(), intro, width, height)
	}
	intro := []string{s.Muted.Render("Lines: SKU, description, quantity in units, unit cost in the PO's currency."), ""}
	return f.grid.view(f.title(), intro, width, height)
}
