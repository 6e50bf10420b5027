package shopify

import (
	"fmt"
	"io"
	"strings"
)

// Stock is the on-hand quantity of one SKU at one location. OnHand may be
// negative: Shopify allows it when orders oversell.
type Stock struct {
	SKU      string
	Location string
	OnHand   int
	// FileLine is the line of the file where the row starts.
	FileLine int
}

// InventoryStats counts what an InventoryReader has skipped.
type InventoryStats struct {
	Rows       int
	WithoutSKU int
	// NotStocked counts cells reading "not stocked" (the SKU is not carried
	// at that location).
	NotStocked int
}

// inventoryDescriptive lists the headers of the inventory export that are
// not quantities, so that in the wide layout every other column is a
// location.
var inventoryDescriptive = map[string]bool{}

func init() {
	for _, name := range []string{
		"Handle", "Title", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
		"Option3 Name", "Option3 Value", "SKU", "Variant SKU", "HS Code", "COO", "Location", "Bin name",
		"Barcode", "Variant Barcode",
	} {
		inventoryDescriptive[normalizeHeader(name)] = true
	}
}

// InventoryReader streams on-hand quantities from an inventory export. The
// long layout (2024 on) has one row per SKU and location, with a Location
// column and "On hand (current)". The older wide layout has one column per
// location. Available is used only when the file has no on-hand column.
type InventoryReader struct {
	table    *table
	sku      int
	location int
	quantity int
	// wide lists the location columns of the wide layout.
	wide    []int
	pending []Stock
	stats   InventoryStats
}

// NewInventoryReader reads the header of an inventory export.
func NewInventoryReader(r io.Reader) (*InventoryReader, error) {
	t, err := newTable(r)
	if err != nil {
		return nil, err
	}
	inv := &InventoryReader{table: t}
	if inv.sku, err = t.require("SKU", "SKU", "Variant SKU"); err != nil {
		return nil, err
	}
	inv.location = t.column("Location")
	inv.quantity = t.column("On hand (current)", "On hand", "Available (not editable)", "Available", "Variant Inventory Qty", "Inventory quantity")
	if inv.location >= 0 && inv.quantity >= 0 {
		return inv, nil
	}
	if inv.location < 0 && inv.quantity >= 0 {
		// A single quantity column without locations: one location.
		return inv, nil
	}
	for i, name := range t.header {
		key := normalizeHeader(name)
		if !inventoryDescriptive[key] && !strings.Contains(key, "noteditable") && key != "" {
			inv.wide = append(inv.wide, i)
		}
	}
	if len(inv.wide) == 0 {
		_, err := t.require("On hand (current)", "On hand (current)")
		return nil, err
	}
	return inv, nil
}

// Stats returns the counts so far.
func (inv *InventoryReader) Stats() InventoryStats {
	stats := inv.stats
	stats.Rows = inv.table.rows
	return stats
}

// Next returns the next SKU and location, or io.EOF.
func (inv *InventoryReader) Next() (Stock, error) {
	for len(inv.pending) == 0 {
		if err := inv.readRow(); err != nil {
			return Stock{}, err
		}
	}
	stock := inv.pending[0]
	inv.pending = inv.pending[1:]
	return stock, nil
}

func (inv *InventoryReader) readRow() error {
	if err := inv.table.next(); err != nil {
		return err
	}
	t := inv.table
	sku := t.get(inv.sku)
	if sku == "" {
		inv.stats.WithoutSKU++
		return nil
	}

	if inv.wide == nil {
		location := t.get(inv.location)
		stock, ok, err := inv.cell(sku, location, inv.quantity)
		if err != nil || !ok {
			return err
		}
		inv.pending = append(inv.pending, stock)
		return nil
	}
	for _, column := range inv.wide {
		stock, ok, err := inv.cell(sku, t.header[column], column)
		if err != nil {
			return err
		}
		if ok {
			inv.pending = append(inv.pending, stock)
		}
	}
	return nil
}

// cell reads one quantity. ok is false for an empty cell and for one that
// reads "not stocked".
func (inv *InventoryReader) cell(sku, location string, column int) (Stock, bool, error) {
	t := inv.table
	text := t.get(column)
	if text == "" {
		return Stock{}, false, nil
	}
	if strings.EqualFold(text, "not stocked") {
		inv.stats.NotStocked++
		return Stock{}, false, nil
	}
	quantity, ok := parseUnits(text, t.decimalComma)
	if !ok {
		return Stock{}, false, &RowError{Line: t.line, Column: fmt.Sprintf("quantity of %s at %s", sku, orDefault(location)), Value: text,
			Reason: "want a whole number of units (negative allowed) or \"not stocked\""}
	}
	return Stock{SKU: sku, Location: location, OnHand: quantity, FileLine: t.line}, true, nil
}

func orDefault(location string) string {
	if location == "" {
		return "the only location"
	}
	return location
}
