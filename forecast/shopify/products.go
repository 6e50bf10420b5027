package shopify

import (
	"io"
	"strings"
)

// Product is one variant of a products export that has a SKU.
type Product struct {
	SKU    string
	Handle string
	// Title is the product's title; Variant is the variant title built from
	// the option values ("Ice / Large"), "" for a product without options.
	Title   string
	Variant string
	// Vendor is the product's vendor, used as the SKU's default supplier.
	Vendor string
	// Cost is "Cost per item" with a decimal point, "" when not set.
	Cost string
	// FileLine is the line of the file where the row starts.
	FileLine int
}

// LineItemName returns the name Shopify gives the variant on order lines:
// "Title - Variant", or the bare title for a product without options.
func (p Product) LineItemName() string {
	if p.Variant == "" {
		return p.Title
	}
	return p.Title + " - " + p.Variant
}

// ProductStats counts what a ProductReader has skipped.
type ProductStats struct {
	Rows int
	// WithoutSKU counts variant rows that have no SKU and cannot be keyed.
	WithoutSKU int
	// ImageRows counts rows that only add an image to the product above.
	ImageRows int
}

// ProductReader streams variants from a products export in any of its
// header generations ("Variant SKU" in the classic layout, "SKU" in the
// newest). Title and Vendor appear on a product's first row only and are
// carried down to its other variants by Handle.
type ProductReader struct {
	table                          *table
	sku, handle, title, vendor     int
	cost                           int
	options                        [3]int
	lastHandle, lastTitle, lastVen string
	stats                          ProductStats
}

// NewProductReader reads the header of a products export.
func NewProductReader(r io.Reader) (*ProductReader, error) {
	t, err := newTable(r)
	if err != nil {
		return nil, err
	}
	p := &ProductReader{table: t}
	if p.sku, err = t.require("Variant SKU", "Variant SKU", "SKU"); err != nil {
		return nil, err
	}
	p.handle = t.column("Handle", "URL handle")
	p.title = t.column("Title")
	p.vendor = t.column("Vendor")
	p.cost = t.column("Cost per item", "Variant Cost", "Cost")
	p.options = [3]int{
		t.column("Option1 Value", "Option1 value"),
		t.column("Option2 Value", "Option2 value"),
		t.column("Option3 Value", "Option3 value"),
	}
	return p, nil
}

// Stats returns the counts so far.
func (p *ProductReader) Stats() ProductStats {
	stats := p.stats
	stats.Rows = p.table.rows
	return stats
}

// Next returns the next variant with a SKU, or io.EOF.
func (p *ProductReader) Next() (Product, error) {
	for {
		if err := p.table.next(); err != nil {
			return Product{}, err
		}
		t := p.table
		handle := t.get(p.handle)
		if handle != p.lastHandle || t.get(p.title) != "" {
			p.lastHandle, p.lastTitle, p.lastVen = handle, t.get(p.title), t.get(p.vendor)
		}

		var values []string
		for _, column := range p.options {
			if value := t.get(column); value != "" && value != "Default Title" {
				values = append(values, value)
			}
		}
		sku := t.get(p.sku)
		if sku == "" {
			if len(values) == 0 && t.get(p.title) == "" {
				p.stats.ImageRows++
			} else {
				p.stats.WithoutSKU++
			}
			continue
		}

		cost := t.get(p.cost)
		if cost != "" {
			cost = normalizeDecimal(cost, t.decimalComma)
		}
		return Product{
			SKU: sku, Handle: handle, Title: p.lastTitle, Variant: strings.Join(values, " / "),
			Vendor: p.lastVen, Cost: cost, FileLine: t.line,
		}, nil
	}
}
