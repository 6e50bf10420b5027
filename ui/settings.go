package ui

import (
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// Rows of the settings form. Rows up to rowCasePack have a cell for the
// supplier and one for the SKU's override; the rest have one cell.
const (
	rowLeadTime = iota
	rowCover
	rowSafety
	rowMOQ
	rowCasePack
	rowMinOrder
	rowSupplierCurrency
	rowUnitCost
	rowSKUSupplier
)

// Cells of a two-cell settings row.
const (
	cellSupplierTerm = iota
	cellOverride
)

// settingsForm edits a supplier's replenishment terms and one SKU's
// overrides together. A blank cell inherits: a SKU's from its supplier,
// a supplier's from the [forecast] defaults.
type settingsForm struct {
	grid     formGrid
	supplier store.SupplierSettings
	sku      store.SKUSettings
	// hadSKU is true when the SKU had overrides, which a form left blank
	// removes.
	hadSKU bool
}

// settingsMsg carries a supplier's and a SKU's stored settings, read
// before the form opens.
type settingsMsg struct {
	supplier store.SupplierSettings
	sku      store.SKUSettings
	hadSKU   bool
	err      error
}

// settingsSavedMsg is the result of saving the settings form.
type settingsSavedMsg struct {
	supplier string
	sku      string
	err      error
}

// loadSettingsCmd reads the settings of a supplier and of one SKU.
func loadSettingsCmd(c *common, supplier, sku string) tea.Cmd {
	return func() tea.Msg {
		msg := settingsMsg{supplier: store.SupplierSettings{Name: supplier}, sku: store.SKUSettings{SKU: sku}}
		suppliers, err := c.store.Suppliers()
		if err != nil {
			return settingsMsg{err: err}
		}
		for _, settings := range suppliers {
			if settings.Name == supplier {
				msg.supplier = settings
			}
		}
		overrides, err := c.store.AllSKUSettings()
		if err != nil {
			return settingsMsg{err: err}
		}
		for _, settings := range overrides {
			if settings.SKU == sku {
				msg.sku, msg.hadSKU = settings, true
			}
		}
		return msg
	}
}

func newSettingsForm(c *common, msg settingsMsg) *settingsForm {
	f := &settingsForm{grid: formGrid{c: c, errRow: -1}, supplier: msg.supplier, sku: msg.sku, hadSKU: msg.hadSKU}
	sup, sku := msg.supplier, msg.sku
	currency := sup.Currency
	if currency == "" {
		currency = store.DefaultCurrency
	}
	pair := func(label string, supplier, override string) formRow {
		return formRow{label: label, widths: []int{14, 14}, cells: []textInput{
			c.newInput("default", supplier, 9),
			c.newInput("supplier's", override, 9),
		}}
	}
	one := func(label, placeholder, value string, limit int) formRow {
		return formRow{label: label, widths: []int{31}, cells: []textInput{c.newInput(placeholder, value, limit)}}
	}
	f.grid.rows = []formRow{
		pair("Lead time, days", intText(sup.LeadTimeDays), intText(sku.LeadTimeDays)),
		pair("Days of cover", intText(sup.CoverDays), intText(sku.CoverDays)),
		pair("Safety days", intText(sup.SafetyDays), intText(sku.SafetyDays)),
		pair("MOQ, units", countText(sup.MOQ), intText(sku.MOQ)),
		pair("Case pack", countText(sup.CasePack), intText(sku.CasePack)),
		one("Min order value", "none; in the supplier's currency", moneyText(sup.MinOrderValue, currency), 14),
		one("Currency", store.DefaultCurrency, sup.Currency, 3),
		one("SKU unit cost", "from the products export", costText(sku.UnitCost, currency), 14),
		one("SKU's supplier", "the product's vendor", sku.Supplier, 80),
	}
	if sup.Name == "" {
		// Without a supplier there is nothing to attach its terms to.
		for _, row := range []int{rowLeadTime, rowCover, rowSafety, rowMOQ, rowCasePack} {
			f.grid.rows[row].cells[cellSupplierTerm].Placeholder = "no supplier"
		}
	}
	f.grid.setFocus(0)
	return f
}

func intText(value *int) string {
	if value == nil {
		return ""
	}
	return strconv.Itoa(*value)
}

func countText(value int) string {
	if value == 0 {
		return ""
	}
	return strconv.Itoa(value)
}

func moneyText(minor int64, currency string) string {
	if minor == 0 {
		return ""
	}
	return store.FormatMoney(minor, currency)
}

func costText(minor *int64, currency string) string {
	if minor == nil {
		return ""
	}
	return store.FormatMoney(*minor, currency)
}

// update handles a key; it returns the save Cmd once the values are
// valid, and done when the form closes without saving.
func (f *settingsForm) update(msg tea.KeyMsg) (cmd tea.Cmd, done bool) {
	cmd, submit, cancel := f.grid.update(msg, false, nil)
	if cancel {
		return nil, true
	}
	if !submit {
		return cmd, false
	}
	return f.save(), false
}

// save reads the cells and returns the Cmd that writes both settings.
func (f *settingsForm) save() tea.Cmd {
	c := f.grid.c
	supplier, sku, err := f.values()
	if err != nil {
		return f.grid.fail(err)
	}
	f.grid.saving = true
	removeSKU := f.hadSKU && sku == store.SKUSettings{SKU: sku.SKU}
	keepSKU := sku != store.SKUSettings{SKU: sku.SKU}
	return func() tea.Msg {
		if supplier.Name != "" {
			if err := c.store.PutSupplier(c.actor, supplier); err != nil {
				return settingsSavedMsg{supplier: supplier.Name, sku: sku.SKU, err: err}
			}
		}
		var err error
		switch {
		case removeSKU:
			err = c.store.DeleteSKUSettings(c.actor, sku.SKU)
		case keepSKU:
			err = c.store.PutSKUSettings(c.actor, sku)
		}
		if err != nil {
			c.logger.Warn("saving settings failed", "supplier", supplier.Name, "sku", sku.SKU, "err", err)
		}
		return settingsSavedMsg{supplier: supplier.Name, sku: sku.SKU, err: err}
	}
}

// values reads the form into settings, checking that numbers are whole
// and amounts are valid in the supplier's currency.
func (f *settingsForm) values() (store.SupplierSettings, store.SKUSettings, error) {
	rows := f.grid.rows
	supplier := store.SupplierSettings{Name: f.supplier.Name}
	sku := store.SKUSettings{SKU: f.sku.SKU}

	supplier.Currency = strings.ToUpper(rows[rowSupplierCurrency].value(0))
	currency := supplier.Currency
	if currency == "" {
		currency = store.DefaultCurrency
	}
	if !store.ValidCurrency(currency) {
		return supplier, sku, &fieldError{row: rowSupplierCurrency,
			err: fmt.Errorf("currency %q is not a three-letter ISO 4217 code; type one such as EUR or USD", currency)}
	}

	var err error
	// MOQ and case pack are plain counts on the supplier, read below.
	days := []struct {
		row           int
		name          string
		supplier, sku **int
	}{
		{rowLeadTime, "lead time", &supplier.LeadTimeDays, &sku.LeadTimeDays},
		{rowCover, "days of cover", &supplier.CoverDays, &sku.CoverDays},
		{rowSafety, "safety days", &supplier.SafetyDays, &sku.SafetyDays},
		{rowMOQ, "MOQ", nil, &sku.MOQ},
		{rowCasePack, "case pack", nil, &sku.CasePack},
	}
	for _, field := range days {
		row := rows[field.row]
		if field.supplier != nil {
			if *field.supplier, err = optionalCount(field.name+" of "+supplierName(supplier.Name), row.value(cellSupplierTerm)); err != nil {
				return supplier, sku, &fieldError{row: field.row, cell: cellSupplierTerm, err: err}
			}
		}
		if *field.sku, err = optionalCount(field.name+" of "+sku.SKU, row.value(cellOverride)); err != nil {
			return supplier, sku, &fieldError{row: field.row, cell: cellOverride, err: err}
		}
	}
	for _, field := range []struct {
		row    int
		name   string
		target *int
	}{{rowMOQ, "MOQ", &supplier.MOQ}, {rowCasePack, "case pack", &supplier.CasePack}} {
		value, err := optionalCount(field.name+" of "+supplierName(supplier.Name), rows[field.row].value(cellSupplierTerm))
		if err != nil {
			return supplier, sku, &fieldError{row: field.row, cell: cellSupplierTerm, err: err}
		}
		if value != nil {
			*field.target = *value
		}
	}

	if text := rows[rowMinOrder].value(0); text != "" {
		if supplier.MinOrderValue, err = store.ParseMoney(text, currency); err != nil {
			return supplier, sku, &fieldError{row: rowMinOrder, err: fmt.Errorf("minimum order value: %w", err)}
		}
	}
	if text := rows[rowUnitCost].value(0); text != "" {
		cost, err := store.ParseMoney(text, currency)
		if err != nil {
			return supplier, sku, &fieldError{row: rowUnitCost, err: fmt.Errorf("unit cost of %s: %w", sku.SKU, err)}
		}
		sku.UnitCost = &cost
	}
	sku.Supplier = rows[rowSKUSupplier].value(0)

	if supplier.Name == "" && supplierSet(supplier) {
		return supplier, sku, &fieldError{row: rowSKUSupplier,
			err: fmt.Errorf("%s has no supplier, so supplier terms cannot be saved; type its supplier in \"SKU's supplier\", save, then edit the terms", sku.SKU)}
	}
	return supplier, sku, nil
}

// supplierSet reports whether any supplier term is filled in.
func supplierSet(s store.SupplierSettings) bool {
	return s.LeadTimeDays != nil || s.CoverDays != nil || s.SafetyDays != nil || s.MOQ != 0 || s.CasePack != 0 ||
		s.MinOrderValue != 0 || s.Currency != ""
}

// optionalCount reads a whole number of days or units; blank is nil.
func optionalCount(name, text string) (*int, error) {
	if text == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not a whole number; type 0 or more, or leave it blank to inherit", name, text)
	}
	if n < 0 {
		return nil, fmt.Errorf("%s must be 0 or more, not %d; leave it blank to inherit", name, n)
	}
	return &n, nil
}

// view renders the form in width×height cells.
func (f *settingsForm) view(width, height int) string {
	s := f.grid.c.styles
	defaults := f.grid.c.forecast
	supplier := supplierName(f.supplier.Name)
	intro := []string{
		"Terms of " + s.Bold.Render(supplier) + " and overrides for " + s.Bold.Render(f.sku.SKU) + ".",
		s.Muted.Render(fmt.Sprintf("Blank inherits: the SKU from its supplier, the supplier from the defaults (lead %d, cover %d, safety %d days).",
			defaults.LeadTimeDays, defaults.CoverDays, defaults.SafetyDays)),
		"",
		padRight("", 18) + s.Header.Render(padRight(supplier, 15)+padRight(f.sku.SKU, 15)),
	}
	return f.grid.view("Restock settings", intro, width, height)
}
