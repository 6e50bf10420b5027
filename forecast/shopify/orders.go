package shopify

import (
	"errors"
	"io"
	"strings"
	"time"
)

// Order is one order of an "Export orders" CSV: the fields of its first row
// and the line items of all its rows.
type Order struct {
	// Name is the order name as Shopify shows it, "#1001". Names repeat
	// across stores, so the store name must be part of any key.
	Name string
	// ID is Shopify's numeric order id, "" when the export has none.
	ID string
	// CreatedAt keeps the offset written in the file (the store's offset).
	CreatedAt time.Time
	// Date is the local calendar date written in Created at, YYYY-MM-DD. It is
	// the demand date: converting to UTC first would move late-evening
	// orders to the next day.
	Date string
	// Cancelled is set when Cancelled at is filled.
	Cancelled       bool
	FinancialStatus string
	Currency        string
	Source          string
	PaymentTerms    string
	// Lines holds the line items that require shipping. Lines that do not
	// (gift cards, digital goods) are counted in NonShipping and dropped.
	Lines       []Line
	NonShipping int
	// FirstLine is the file line where the order's first row starts.
	FirstLine int
}

// Line is one line item of an order.
type Line struct {
	SKU      string
	Name     string
	Vendor   string
	Quantity int
	// Price is the unit price as written, with a decimal point.
	Price string
	// FileLine is the line of the file where the row starts.
	FileLine int
}

// OrderStats counts what an OrderReader has read so far.
type OrderStats struct {
	Bytes            int64
	Rows             int
	Orders           int
	Lines            int
	CancelledOrders  int
	NonShippingLines int
	LinesWithoutSKU  int
}

// orderColumns holds the column index of each field an OrderReader uses,
// -1 when the file has no such column.
type orderColumns struct {
	name, id, created, cancelled, financial, currency, source, terms int
	quantity, itemName, sku, shipping, vendor, price                 int
}

// OrderReader streams orders from an "Export orders" CSV. Rows of one order
// must be adjacent, as Shopify writes them. Order-level fields come from the
// order's first row and are carried down to the others, because Shopify
// leaves most of them blank on later rows.
type OrderReader struct {
	table   *table
	columns orderColumns
	stats   OrderStats
	// rows and bytes are the table's counts after the last row handed out.
	rows  int
	bytes int64
	// pending is a row already read that starts the next order.
	pending *rowFields
	done    bool

	// ahead delivers rows parsed on ReadAhead's goroutine; nil without it.
	ahead  chan rowBatch
	stop   chan struct{}
	batch  rowBatch
	cursor int
}

// rowBatch is a run of rows that ReadAhead's goroutine parsed, with the
// table's counts after the last of them. err is set on the last batch.
type rowBatch struct {
	rows  []rowFields
	err   error
	count int
	bytes int64
}

// rowBatchSize is how many rows ReadAhead's goroutine sends at a time.
const rowBatchSize = 512

// rowFields is a copy of the fields of one row, so the CSV reader may reuse
// its buffer.
type rowFields struct {
	line                                                   int
	name, id, created, cancelled, financial, currency      string
	source, terms, quantity, itemName, sku, shipping, vend string
	price                                                  string
}

// NewOrderReader reads the header of an orders export and checks that the
// columns needed for demand are there.
func NewOrderReader(r io.Reader) (*OrderReader, error) {
	t, err := newTable(r)
	if err != nil {
		return nil, err
	}
	var c orderColumns
	if c.name, err = t.require("Name", "Name", "Order Name", "Order"); err != nil {
		return nil, err
	}
	if c.created, err = t.require("Created at", "Created at", "Created", "Order Date"); err != nil {
		return nil, err
	}
	if c.quantity, err = t.require("Lineitem quantity", "Lineitem quantity", "Line item quantity", "Quantity"); err != nil {
		return nil, err
	}
	c.itemName = t.column("Lineitem name", "Line item name", "Product name")
	c.sku = t.column("Lineitem sku", "Line item SKU", "SKU", "Variant SKU")
	if c.itemName < 0 && c.sku < 0 {
		_, err := t.require("Lineitem sku", "Lineitem sku")
		return nil, err
	}
	c.id = t.column("Id", "Order ID")
	c.cancelled = t.column("Cancelled at", "Canceled at")
	c.financial = t.column("Financial Status")
	c.currency = t.column("Currency")
	c.source = t.column("Source")
	c.terms = t.column("Payment Terms Name")
	c.shipping = t.column("Lineitem requires shipping", "Line item requires shipping", "Requires shipping")
	c.vendor = t.column("Vendor", "Lineitem vendor")
	c.price = t.column("Lineitem price", "Line item price")
	return &OrderReader{table: t, columns: c}, nil
}

// Stats returns the counts so far. With ReadAhead, Rows and Bytes run up
// to rowBatchSize rows ahead of the orders returned, and are exact once
// Next has returned io.EOF.
func (o *OrderReader) Stats() OrderStats {
	stats := o.stats
	stats.Bytes = o.bytes
	stats.Rows = o.rows
	return stats
}

// ReadAhead parses the CSV on a goroutine of its own from now on, so the
// parsing overlaps with grouping rows into orders and with what the caller
// does with each order. A caller that stops before Next returns io.EOF or
// an error must call Close, or the goroutine waits forever.
func (o *OrderReader) ReadAhead() {
	if o.ahead != nil {
		return
	}
	ahead, stop := make(chan rowBatch, 4), make(chan struct{})
	o.ahead, o.stop = ahead, stop
	go func() {
		defer close(ahead)
		for {
			batch := rowBatch{rows: make([]rowFields, 0, rowBatchSize)}
			for len(batch.rows) < rowBatchSize {
				row, err := o.scanRow()
				if err != nil {
					batch.err = err
					break
				}
				batch.rows = append(batch.rows, row)
			}
			batch.count, batch.bytes = o.table.rows, o.table.bytesRead()
			select {
			case ahead <- batch:
			case <-stop:
				return
			}
			if batch.err != nil {
				return
			}
		}
	}()
}

// Close stops ReadAhead's goroutine. It does not close the underlying
// reader, and it is safe to call more than once or without ReadAhead.
func (o *OrderReader) Close() {
	if o.stop != nil {
		close(o.stop)
		o.stop = nil
	}
}

// scanRow reads the next row of the table and copies the fields in use.
func (o *OrderReader) scanRow() (rowFields, error) {
	if err := o.table.next(); err != nil {
		return rowFields{}, err
	}
	t, c := o.table, o.columns
	return rowFields{
		line: t.line, name: t.get(c.name), id: t.get(c.id), created: t.get(c.created),
		cancelled: t.get(c.cancelled), financial: t.get(c.financial), currency: t.get(c.currency),
		source: t.get(c.source), terms: t.get(c.terms), quantity: t.get(c.quantity),
		itemName: t.get(c.itemName), sku: t.get(c.sku), shipping: t.get(c.shipping),
		vend: t.get(c.vendor), price: t.get(c.price),
	}, nil
}

// readRow returns the next row, from the read-ahead batches when
// ReadAhead runs and from the table otherwise.
func (o *OrderReader) readRow() (*rowFields, error) {
	if o.ahead == nil {
		row, err := o.scanRow()
		o.rows, o.bytes = o.table.rows, o.table.bytesRead()
		if err != nil {
			return nil, err
		}
		return &row, nil
	}
	for o.cursor >= len(o.batch.rows) {
		if o.batch.err != nil {
			return nil, o.batch.err
		}
		batch, ok := <-o.ahead
		if !ok {
			return nil, errors.New("the orders reader was closed; open the file again to read on")
		}
		o.batch, o.cursor = batch, 0
		o.rows, o.bytes = batch.count, batch.bytes
	}
	row := &o.batch.rows[o.cursor]
	o.cursor++
	return row, nil
}

// Next returns the next order, or io.EOF after the last one. A row that
// cannot be read yields a *RowError with its line number. The caller should
// then drop the whole file, because later rows may belong to the same order.
func (o *OrderReader) Next() (Order, error) {
	if o.done {
		return Order{}, io.EOF
	}
	first := o.pending
	o.pending = nil
	if first == nil {
		row, err := o.readRow()
		if err != nil {
			if err == io.EOF {
				o.done = true
			}
			return Order{}, err
		}
		first = row
	}
	if first.name == "" {
		return Order{}, &RowError{Line: first.line, Column: "Name", Value: "", Reason: "the first row of an order needs the order name"}
	}

	order, err := o.startOrder(first)
	if err != nil {
		return Order{}, err
	}
	for {
		row, err := o.readRow()
		if err == io.EOF {
			o.done = true
			break
		}
		if err != nil {
			return Order{}, err
		}
		// A blank Name continues the current order, as in exports where only
		// the first row of an order carries it.
		if row.name != "" && row.name != order.Name {
			o.pending = row
			break
		}
		if err := o.addLine(&order, row); err != nil {
			return Order{}, err
		}
	}

	o.stats.Orders++
	if order.Cancelled {
		o.stats.CancelledOrders++
	}
	return order, nil
}

func (o *OrderReader) startOrder(row *rowFields) (Order, error) {
	createdAt, date, err := parseCreated(row.created)
	if err != nil {
		return Order{}, &RowError{Line: row.line, Column: "Created at", Value: row.created, Reason: err.Error()}
	}
	order := Order{
		Name: row.name, ID: row.id, CreatedAt: createdAt, Date: date,
		Cancelled: row.cancelled != "", FinancialStatus: row.financial,
		Currency: row.currency, Source: row.source, PaymentTerms: row.terms,
		FirstLine: row.line,
	}
	if err := o.addLine(&order, row); err != nil {
		return Order{}, err
	}
	return order, nil
}

func (o *OrderReader) addLine(order *Order, row *rowFields) error {
	quantity, ok := parseUnits(row.quantity, o.table.decimalComma)
	if !ok || quantity < 0 {
		return &RowError{Line: row.line, Column: "Lineitem quantity", Value: row.quantity, Reason: "want a whole number of units, 0 or more"}
	}
	shipping, ok := parseBool(row.shipping, true)
	if !ok {
		return &RowError{Line: row.line, Column: "Lineitem requires shipping", Value: row.shipping, Reason: "want true or false"}
	}
	if row.sku == "" && row.itemName == "" {
		return &RowError{Line: row.line, Column: "Lineitem sku", Value: "", Reason: "the line has neither a SKU nor a product name"}
	}
	if !shipping {
		order.NonShipping++
		o.stats.NonShippingLines++
		return nil
	}

	order.Lines = append(order.Lines, Line{
		SKU: row.sku, Name: row.itemName, Vendor: row.vend, Quantity: quantity,
		Price: normalizeDecimal(row.price, o.table.decimalComma), FileLine: row.line,
	})
	o.stats.Lines++
	if row.sku == "" {
		o.stats.LinesWithoutSKU++
	}
	return nil
}

// createdLayouts are the timestamp forms seen in orders exports, the
// Shopify admin's own form first.
var createdLayouts = []string{
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 Z0700",
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseCreated reads a Created at value and returns it with its local
// calendar date as written, whatever the offset.
func parseCreated(text string) (time.Time, string, error) {
	if text == "" {
		return time.Time{}, "", errString("empty; every order needs its creation time")
	}
	for _, layout := range createdLayouts {
		if t, err := time.Parse(layout, text); err == nil {
			// Every layout starts with the date as written, which is the
			// local date, so slicing it out saves formatting it again.
			return t, text[:len(time.DateOnly)], nil
		}
	}
	return time.Time{}, "", errString("want a time like 2025-05-11 09:55:16 -0400")
}

type errString string

func (e errString) Error() string { return string(e) }

// parseBool reads true/false in the spellings spreadsheets use; empty
// returns fallback.
func parseBool(text string, fallback bool) (bool, bool) {
	switch strings.ToLower(text) {
	case "":
		return fallback, true
	case "true", "yes", "1", "y":
		return true, true
	case "false", "no", "0", "n":
		return false, true
	}
	return false, false
}
