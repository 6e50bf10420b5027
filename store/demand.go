package store

import (
	"errors"
	"fmt"
	"time"

	"poboard/forecast/shopify"
)

// Buckets of imported demand, created on first write; a missing bucket
// reads as empty. The demand buckets hold compact binary records (see
// orderRecord and encodeDays) because the memory-mapped file counts
// towards the resident memory of every poboard process.
var (
	// bucketOrders holds one order record per store and order name, keyed
	// by the store, a zero byte and the name.
	bucketOrders = []byte("demand_orders_v2")
	// bucketItems maps an item key to an itemRecord: the item's id and the
	// last name and vendor seen on its order lines.
	bucketItems = []byte("demand_items_v2")
	// bucketDaily holds each item's units per day: the key is the item id
	// (4 bytes, big-endian) and the value is encoded by encodeDays.
	bucketDaily = []byte("demand_daily_v2")
	// bucketProducts holds the product catalogue by SKU.
	bucketProducts = []byte("products")
	// bucketInventory holds snapshots: key is the day number (4 bytes), the
	// SKU, a zero byte and the location; value is an int64 on-hand count.
	bucketInventory = []byte("inventory")
)

// Item keys in bucketItems: "s:" + SKU for lines with a SKU, "n:" + line
// item name for lines without one, resolved to a SKU when read.
const (
	skuPrefix  = "s:"
	namePrefix = "n:"
)

// DemandOrder is an order as kept for demand: the lines that require
// shipping, dated by the local date written in the export.
type DemandOrder struct {
	Store string
	Name  string
	ID    string
	// Date is YYYY-MM-DD, the store's local date.
	Date      string
	Cancelled bool
	Lines     []DemandLine
}

// DemandLine is one line item of a DemandOrder.
type DemandLine struct {
	SKU    string
	Name   string
	Vendor string
	Qty    int
}

// DemandOrderFrom converts an order read from a Shopify export of the
// store named storeName.
func DemandOrderFrom(storeName string, order shopify.Order) DemandOrder {
	demand := DemandOrder{Store: storeName, Name: order.Name, ID: order.ID, Date: order.Date, Cancelled: order.Cancelled,
		Lines: make([]DemandLine, len(order.Lines))}
	for i, line := range order.Lines {
		demand.Lines[i] = DemandLine{SKU: line.SKU, Name: line.Name, Vendor: line.Vendor, Qty: line.Quantity}
	}
	return demand
}

// OrderImportResult counts what an order import changed.
type OrderImportResult struct {
	// Orders counts distinct orders: rows of one order that a file splits
	// apart count once.
	Orders    int
	New       int
	Updated   int
	Unchanged int
	// Cancelled counts cancelled orders in the files; they add no demand and
	// remove the demand of an earlier import of the same order.
	Cancelled int
}

// OrderImport collects the orders of one export in a compact buffer and
// writes nothing until Finish, so a caller that stops at the first bad row
// leaves the database untouched. Orders are keyed by store and order name:
// importing a file again changes nothing, and a newer export that overlaps
// an older one replaces the orders both contain and adds the rest. Rows of
// one order that the file splits apart are merged.
//
// For exports larger than the caller wants to buffer, Flush writes the
// buffer early. Orders already written by the same import are merged with
// the rows that follow, so a split order still ends up whole.
//
// NOTE: Finish and Flush commit every ordersPerTransaction orders, so a
// crash while they run leaves part of the file imported; importing it
// again completes it. An order split across two flushes counts as updated
// even when it did not change.
type OrderImport struct {
	store *Store
	// run numbers this import in the orders bucket; 0 until the first write.
	run     uint64
	flushes int
	result  OrderImportResult
	// upgraded is set once the database is known to hold no demand in the
	// first format (see upgradeDemand).
	upgraded bool

	// orders index text (keys and ids) and lines, in file order.
	orders []bufferedOrder
	text   []byte
	lines  []bufferedLine
	// items are the distinct items of the buffered lines; bySKU and byName
	// find them by SKU or by line item name without building item keys.
	items  []bufferedItem
	bySKU  map[string]uint32
	byName map[string]uint32
}

// bufferedOrder is one order, or one part of an order split apart in the
// file, as 24 bytes plus its key and id in OrderImport.text.
type bufferedOrder struct {
	textAt    uint32
	keyLen    uint16
	idLen     uint16
	day       uint32
	firstLine uint32
	endLine   uint32
	cancelled bool
}

// bufferedLine is one order line: an index into OrderImport.items and units.
type bufferedLine struct {
	item uint32
	qty  uint32
}

// bufferedItem is an item as the buffered lines name it; id is resolved
// against bucketItems when the buffer is written.
type bufferedItem struct {
	key          string
	name, vendor string
	id           uint32
}

// maxOrderKey bounds the store and order name together, so a key fits the
// uint16 length of bufferedOrder.
const maxOrderKey = 1024

// NewOrderImport starts an import run.
func (s *Store) NewOrderImport() *OrderImport {
	return &OrderImport{store: s, bySKU: map[string]uint32{}, byName: map[string]uint32{}}
}

// Validate checks what Add requires of an order, so a caller can check a
// file it will not buffer.
func (order DemandOrder) Validate() error {
	if order.Store == "" || order.Name == "" {
		return &ValidationError{Field: "order", Value: order.Name, Reason: "an order needs a store and a name"}
	}
	if len(order.Store)+1+len(order.Name) > maxOrderKey || len(order.ID) > maxOrderKey {
		return &ValidationError{Field: "order", Value: order.Name, Reason: fmt.Sprintf("the store and order name or the order id are longer than %d bytes", maxOrderKey)}
	}
	if _, err := dayNumber(order.Date); err != nil {
		return &ValidationError{Field: "order date", Value: order.Date, Reason: "write it as YYYY-MM-DD, 1970 or later"}
	}
	for _, line := range order.Lines {
		if line.Qty < 0 || int64(line.Qty) > 1<<31 {
			return &ValidationError{Field: "quantity", Value: fmt.Sprint(line.Qty), Reason: fmt.Sprintf("order %s: use a whole number of units from 0 to %d", order.Name, 1<<31)}
		}
		if line.SKU == "" && line.Name == "" {
			return &ValidationError{Field: "order line", Value: order.Name, Reason: "a line needs a SKU or a product name"}
		}
	}
	return nil
}

// Add validates an order and buffers it.
func (imp *OrderImport) Add(order DemandOrder) error {
	if err := order.Validate(); err != nil {
		return err
	}
	// Validate has checked the date.
	day, _ := dayNumber(order.Date)

	buffered := bufferedOrder{
		textAt: uint32(len(imp.text)), keyLen: uint16(len(order.Store) + 1 + len(order.Name)), idLen: uint16(len(order.ID)),
		day: day, firstLine: uint32(len(imp.lines)), cancelled: order.Cancelled,
	}
	imp.text = append(imp.text, order.Store...)
	imp.text = append(imp.text, 0)
	imp.text = append(imp.text, order.Name...)
	imp.text = append(imp.text, order.ID...)
	for _, line := range order.Lines {
		imp.lines = append(imp.lines, bufferedLine{item: imp.itemOf(line), qty: uint32(line.Qty)})
	}
	buffered.endLine = uint32(len(imp.lines))
	imp.orders = append(imp.orders, buffered)
	return nil
}

// itemOf returns the index of the line's item, adding the item when new.
// The last name and vendor seen win, as they are the newest in an export
// sorted by date.
func (imp *OrderImport) itemOf(line DemandLine) uint32 {
	index, key := imp.byName, line.Name
	if line.SKU != "" {
		index, key = imp.bySKU, line.SKU
	}
	i, ok := index[key]
	if !ok {
		i = uint32(len(imp.items))
		index[key] = i
		itemKey := namePrefix + line.Name
		if line.SKU != "" {
			itemKey = skuPrefix + line.SKU
		}
		imp.items = append(imp.items, bufferedItem{key: itemKey})
	}
	item := &imp.items[i]
	if line.Name != "" {
		item.name = line.Name
	}
	if line.Vendor != "" {
		item.vendor = line.Vendor
	}
	return i
}

// Size returns the bytes the buffer has allocated, counting the spare
// capacity that appends leave, as an estimate of its memory.
func (imp *OrderImport) Size() int {
	return cap(imp.text) + cap(imp.orders)*24 + cap(imp.lines)*8
}

// Discard empties the buffer without writing it.
func (imp *OrderImport) Discard() {
	imp.orders, imp.lines, imp.text = nil, nil, nil
}

// Flush writes the buffered orders in one transaction and empties the
// buffer.
func (imp *OrderImport) Flush() error {
	if len(imp.orders) == 0 {
		return nil
	}
	imp.flushes++
	return imp.write(false)
}

// Finish writes the buffered orders and returns the counts of the run.
func (imp *OrderImport) Finish() (OrderImportResult, error) {
	if len(imp.orders) > 0 {
		// An import written in one go can leave unchanged orders as they
		// are. After an earlier flush, every order must carry this run's
		// number, so that later parts of a split order merge with it.
		if err := imp.write(imp.flushes == 0); err != nil {
			return imp.result, err
		}
	}
	return imp.result, nil
}

// key returns the store and order name of o, as stored in bucketOrders.
func (imp *OrderImport) key(o *bufferedOrder) []byte {
	return imp.text[o.textAt : o.textAt+uint32(o.keyLen)]
}

func (imp *OrderImport) id(o *bufferedOrder) []byte {
	at := o.textAt + uint32(o.keyLen)
	return imp.text[at : at+uint32(o.idLen)]
}

// dayNumber returns the days from 1970-01-01 to a YYYY-MM-DD date.
// It reads the digits itself rather than calling time.Parse, because an
// import calls it twice per order.
func dayNumber(date string) (uint32, error) {
	if len(date) != 10 || date[4] != '-' || date[7] != '-' {
		return 0, invalidDate(date)
	}
	year, okYear := digits(date[0:4])
	month, okMonth := digits(date[5:7])
	day, okDay := digits(date[8:10])
	if !okYear || !okMonth || !okDay || month < 1 || month > 12 || day < 1 {
		return 0, invalidDate(date)
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		// time.Date normalized an overflow such as February 30.
		return 0, invalidDate(date)
	}
	if year < 1970 {
		return 0, errors.New("dates before 1970 are not supported")
	}
	return uint32(t.Unix() / 86400), nil
}

func invalidDate(date string) error {
	return fmt.Errorf("invalid date %q: write it as YYYY-MM-DD", date)
}

// digits reads a run of ASCII digits as a number.
func digits(text string) (int, bool) {
	n := 0
	for i := 0; i < len(text); i++ {
		if text[i] < '0' || text[i] > '9' {
			return 0, false
		}
		n = n*10 + int(text[i]-'0')
	}
	return n, true
}

func dayDate(number uint32) time.Time {
	return time.Unix(int64(number)*86400, 0).UTC()
}
