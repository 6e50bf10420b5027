package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

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

// ordersPerTransaction bounds the orders one write transaction holds,
// because bbolt keeps every page a transaction changes in memory until it
// commits.
const ordersPerTransaction = 50_000

// write stores the buffer in transactions of ordersPerTransaction orders.
// With skipUnchanged, orders whose stored demand is the same are not
// rewritten, which makes a repeated import of an unchanged file cheap.
func (imp *OrderImport) write(skipUnchanged bool) error {
	// A stable sort keeps the parts of a split order in file order, so
	// their lines merge in the order the file lists them. Sorted keys also
	// let bbolt fill pages in order instead of splitting them.
	slices.SortStableFunc(imp.orders, func(a, b bufferedOrder) int {
		return bytes.Compare(imp.key(&a), imp.key(&b))
	})

	if !imp.upgraded {
		if err := imp.store.upgradeDemand(); err != nil {
			return err
		}
		imp.upgraded = true
	}

	var result OrderImportResult
	resolved := false
	for start := 0; start < len(imp.orders); {
		err := imp.store.db.Update(func(tx *bolt.Tx) error {
			orders, err := tx.CreateBucketIfNotExists(bucketOrders)
			if err != nil {
				return err
			}
			orders.FillPercent = 0.9
			if imp.run == 0 {
				if imp.run, err = orders.NextSequence(); err != nil {
					return err
				}
			}
			if !resolved {
				// Items first seen since the last write get their ids.
				if err := imp.resolveItems(tx); err != nil {
					return err
				}
				resolved = true
			}

			w := orderWriter{imp: imp, orders: orders, deltas: map[uint32]*dayDeltas{}, skipUnchanged: skipUnchanged}
			for count := 0; start < len(imp.orders) && count < ordersPerTransaction; count++ {
				end := start + 1
				for end < len(imp.orders) && bytes.Equal(imp.key(&imp.orders[end]), imp.key(&imp.orders[start])) {
					end++
				}
				if err := w.writeOrder(imp.orders[start:end], &result); err != nil {
					return err
				}
				start = end
			}
			return applyDeltas(tx, w.deltas, &w.arena)
		})
		if err != nil {
			return err
		}
	}

	// Dropping the slices returns their memory and resets Size, which
	// counts capacity, so a caller that flushes on Size starts afresh.
	imp.orders, imp.lines, imp.text = nil, nil, nil
	imp.result.Orders += result.Orders
	imp.result.New += result.New
	imp.result.Updated += result.Updated
	imp.result.Unchanged += result.Unchanged
	imp.result.Cancelled += result.Cancelled
	return nil
}

// resolveItems gives every buffered item its id in bucketItems, creating
// new items and storing changed names and vendors.
func (imp *OrderImport) resolveItems(tx *bolt.Tx) error {
	items, err := tx.CreateBucketIfNotExists(bucketItems)
	if err != nil {
		return err
	}
	for i := range imp.items {
		item := &imp.items[i]
		stored, found, err := readItem(items.Get([]byte(item.key)))
		if err != nil {
			return fmt.Errorf("item %q: %w", item.key, err)
		}
		if !found {
			next, err := items.NextSequence()
			if err != nil {
				return err
			}
			if next > 1<<32-1 {
				return errors.New("the demand history has run out of item ids; import the orders into a new database")
			}
			stored.id = uint32(next)
		}
		item.id = stored.id
		if found && stored.name == item.name && stored.vendor == item.vendor {
			continue
		}
		stored.name, stored.vendor = item.name, item.vendor
		if err := items.Put([]byte(item.key), stored.encode()); err != nil {
			return err
		}
	}
	return nil
}

// itemRecord is a bucketItems value: uvarint id, uvarint length of the
// name, the name, then the vendor.
type itemRecord struct {
	id           uint32
	name, vendor string
}

func (r itemRecord) encode() []byte {
	out := binary.AppendUvarint(nil, uint64(r.id))
	out = binary.AppendUvarint(out, uint64(len(r.name)))
	out = append(out, r.name...)
	return append(out, r.vendor...)
}

// readItem decodes a bucketItems value; found is false for nil.
func readItem(raw []byte) (record itemRecord, found bool, err error) {
	if raw == nil {
		return record, false, nil
	}
	id, n := binary.Uvarint(raw)
	if n <= 0 || id > 1<<32-1 {
		return record, true, errCorruptRecord
	}
	raw = raw[n:]
	nameLen, n := binary.Uvarint(raw)
	if n <= 0 || nameLen > uint64(len(raw)-n) {
		return record, true, errCorruptRecord
	}
	raw = raw[n:]
	return itemRecord{id: uint32(id), name: string(raw[:nameLen]), vendor: string(raw[nameLen:])}, true, nil
}

var errCorruptRecord = errors.New("stored demand record is unreadable; restore a backup or import the orders into a new database")

// orderRecord is a decoded bucketOrders value. Encoded, it is: uvarint
// run, uvarint day number, one flag byte (1 = cancelled), uvarint length
// of the id, the id, then per line a uvarint item id and uvarint units.
// Everything after the run is the order's demand, so two records with
// equal demand have equal bytes there.
type orderRecord struct {
	run       uint64
	day       uint32
	cancelled bool
	id        []byte
	lines     []recordLine
}

type recordLine struct {
	item uint32
	qty  uint32
}

// appendDemand appends the record without its run.
func (r *orderRecord) appendDemand(out []byte) []byte {
	out = binary.AppendUvarint(out, uint64(r.day))
	flags := byte(0)
	if r.cancelled {
		flags = 1
	}
	out = append(out, flags)
	out = binary.AppendUvarint(out, uint64(len(r.id)))
	out = append(out, r.id...)
	for _, line := range r.lines {
		out = binary.AppendUvarint(out, uint64(line.item))
		out = binary.AppendUvarint(out, uint64(line.qty))
	}
	return out
}

// decodeOrder reads a bucketOrders value into r, reusing r.lines. It
// returns the bytes after the run, the order's demand.
func decodeOrder(raw []byte, r *orderRecord) ([]byte, error) {
	run, n := binary.Uvarint(raw)
	if n <= 0 {
		return nil, errCorruptRecord
	}
	r.run = run
	demand := raw[n:]
	raw = demand

	day, n := binary.Uvarint(raw)
	if n <= 0 || len(raw) < n+1 || day > 1<<32-1 {
		return nil, errCorruptRecord
	}
	r.day, r.cancelled = uint32(day), raw[n] == 1
	raw = raw[n+1:]
	idLen, n := binary.Uvarint(raw)
	if n <= 0 || idLen > uint64(len(raw)-n) {
		return nil, errCorruptRecord
	}
	r.id = raw[n : n+int(idLen)]
	raw = raw[n+int(idLen):]

	r.lines = r.lines[:0]
	for len(raw) > 0 {
		item, n := binary.Uvarint(raw)
		if n <= 0 {
			return nil, errCorruptRecord
		}
		raw = raw[n:]
		qty, m := binary.Uvarint(raw)
		if m <= 0 || item > 1<<32-1 || qty > 1<<32-1 {
			return nil, errCorruptRecord
		}
		raw = raw[m:]
		r.lines = append(r.lines, recordLine{item: uint32(item), qty: uint32(qty)})
	}
	return demand, nil
}

// valueArena hands out byte slices that stay valid until the transaction
// commits, as bbolt requires of values passed to Put, from a few large
// chunks instead of one allocation per value.
type valueArena struct {
	chunk []byte
}

const arenaChunk = 1 << 20

// alloc copies value into the arena and returns the copy.
func (a *valueArena) alloc(value []byte) []byte {
	if len(value) > arenaChunk/4 {
		return bytes.Clone(value)
	}
	if cap(a.chunk)-len(a.chunk) < len(value) {
		a.chunk = make([]byte, 0, arenaChunk)
	}
	start := len(a.chunk)
	a.chunk = append(a.chunk, value...)
	return a.chunk[start:len(a.chunk):len(a.chunk)]
}

// orderWriter writes the orders of one transaction and sums the demand
// changes per item and day.
type orderWriter struct {
	imp           *OrderImport
	orders        *bolt.Bucket
	deltas        map[uint32]*dayDeltas
	skipUnchanged bool
	arena         valueArena
	// scratch space reused from order to order.
	old, next orderRecord
	encoded   []byte
}

// writeOrder merges the parts of one order (several when the file splits
// its rows apart), compares it with the stored order and writes it.
func (w *orderWriter) writeOrder(parts []bufferedOrder, result *OrderImportResult) error {
	imp := w.imp
	first := &parts[0]
	key := imp.key(first)
	w.next.run, w.next.day, w.next.id = imp.run, first.day, imp.id(first)
	w.next.cancelled = false
	w.next.lines = w.next.lines[:0]

	raw := w.orders.Get(key)
	var oldDemand []byte
	if raw != nil {
		var err error
		if oldDemand, err = decodeOrder(raw, &w.old); err != nil {
			return fmt.Errorf("stored order %q: %w", strings.ReplaceAll(string(key), "\x00", " "), err)
		}
		if w.old.run == imp.run {
			// An earlier flush of this import wrote the first rows of the
			// order: keep them and add the rows that follow.
			w.next.day, w.next.id, w.next.cancelled = w.old.day, w.old.id, w.old.cancelled
			w.next.lines = append(w.next.lines, w.old.lines...)
		}
	}
	for _, part := range parts {
		// Shopify writes Cancelled at on an order's first row only, which
		// may sit in any part of a split order.
		w.next.cancelled = w.next.cancelled || part.cancelled
		for _, line := range imp.lines[part.firstLine:part.endLine] {
			w.next.lines = append(w.next.lines, recordLine{item: imp.items[line.item].id, qty: line.qty})
		}
	}

	w.encoded = binary.AppendUvarint(w.encoded[:0], w.next.run)
	runLen := len(w.encoded)
	w.encoded = w.next.appendDemand(w.encoded)
	unchanged := raw != nil && bytes.Equal(oldDemand, w.encoded[runLen:])

	mergedEarlier := raw != nil && w.old.run == imp.run
	if !mergedEarlier {
		result.Orders++
		if w.next.cancelled {
			result.Cancelled++
		}
		switch {
		case raw == nil:
			result.New++
		case unchanged:
			result.Unchanged++
		default:
			result.Updated++
		}
	}
	if unchanged && w.skipUnchanged {
		return nil
	}

	if raw != nil && !w.old.cancelled {
		w.addDemand(&w.old, -1)
	}
	if !w.next.cancelled {
		w.addDemand(&w.next, +1)
	}
	return w.orders.Put(key, w.arena.alloc(w.encoded))
}

// addDemand adds sign × the units of each line of r to its item's day.
func (w *orderWriter) addDemand(r *orderRecord, sign int64) {
	for _, line := range r.lines {
		delta := w.deltas[line.item]
		if delta == nil {
			delta = &dayDeltas{}
			w.deltas[line.item] = delta
		}
		delta.add(r.day, sign*int64(line.qty))
	}
}

// dayDeltas is one item's change in units per day, dense from first.
type dayDeltas struct {
	first uint32
	units []int64
}

func (d *dayDeltas) add(day uint32, units int64) {
	if d.units == nil {
		d.first = day
	}
	if day < d.first {
		grown := make([]int64, int(d.first-day)+len(d.units))
		copy(grown[d.first-day:], d.units)
		d.units, d.first = grown, day
	}
	for int(day-d.first) >= len(d.units) {
		d.units = append(d.units, 0)
	}
	d.units[day-d.first] += units
}

// applyDeltas adds the changes to each item's stored days. A day whose
// total falls to zero or below is dropped.
func applyDeltas(tx *bolt.Tx, deltas map[uint32]*dayDeltas, arena *valueArena) error {
	daily, err := tx.CreateBucketIfNotExists(bucketDaily)
	if err != nil {
		return err
	}
	ids := make([]uint32, 0, len(deltas))
	for id := range deltas {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	var encoded []byte
	for _, id := range ids {
		key := binary.BigEndian.AppendUint32(nil, id)
		delta := deltas[id]
		var total dayDeltas
		if err := decodeDays(daily.Get(key), func(day uint32, units int64) { total.add(day, units) }); err != nil {
			return fmt.Errorf("stored daily demand of item %d: %w", id, err)
		}
		for i, units := range delta.units {
			if units != 0 {
				total.add(delta.first+uint32(i), units)
			}
		}
		encoded = encodeDays(encoded[:0], &total)
		if len(encoded) == 0 {
			if err := daily.Delete(key); err != nil {
				return err
			}
			continue
		}
		if err := daily.Put(key, arena.alloc(encoded)); err != nil {
			return err
		}
	}
	return nil
}

// encodeDays appends the days of d with units above zero as pairs of
// uvarints: the gap from the previous day (from day 0 for the first) and
// the units. Days ascend, so gaps are small and most pairs take 2 bytes.
func encodeDays(out []byte, d *dayDeltas) []byte {
	previous := uint32(0)
	for i, units := range d.units {
		if units <= 0 {
			continue
		}
		day := d.first + uint32(i)
		out = binary.AppendUvarint(out, uint64(day-previous))
		out = binary.AppendUvarint(out, uint64(units))
		previous = day
	}
	return out
}

// decodeDays calls fn for each day and units pair of a value written by
// encodeDays; nil has none.
func decodeDays(raw []byte, fn func(day uint32, units int64)) error {
	day := uint64(0)
	for len(raw) > 0 {
		gap, n := binary.Uvarint(raw)
		if n <= 0 {
			return errCorruptRecord
		}
		raw = raw[n:]
		units, m := binary.Uvarint(raw)
		if m <= 0 || units > 1<<62 {
			return errCorruptRecord
		}
		raw = raw[m:]
		day += gap
		if day > 1<<32-1 {
			return errCorruptRecord
		}
		fn(uint32(day), int64(units))
	}
	return nil
}

// CountOrders returns how many orders are stored and how many of them are
// cancelled.
func (s *Store) CountOrders() (orders, cancelled int, err error) {
	if err := s.upgradeDemand(); err != nil {
		return 0, 0, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOrders)
		if b == nil {
			return nil
		}
		var record orderRecord
		return b.ForEach(func(key, raw []byte) error {
			if _, err := decodeOrder(raw, &record); err != nil {
				return fmt.Errorf("stored order %q: %w", strings.ReplaceAll(string(key), "\x00", " "), err)
			}
			orders++
			if record.cancelled {
				cancelled++
			}
			return nil
		})
	})
	return orders, cancelled, err
}

// Product is a catalogue entry from a products export.
type Product struct {
	SKU     string `json:"sku"`
	Title   string `json:"title"`
	Variant string `json:"variant,omitempty"`
	// Vendor is the SKU's default supplier.
	Vendor string `json:"vendor,omitempty"`
	// Cost is "cost per item" as a decimal ("4.25"), read in the
	// supplier's currency when a suggestion is priced; "" when unknown.
	Cost string `json:"cost,omitempty"`
}

// LineItemName returns the name Shopify writes on order lines for the
// variant: "Title - Variant", or the title alone.
func (p Product) LineItemName() string {
	if p.Variant == "" {
		return p.Title
	}
	return p.Title + " - " + p.Variant
}

// ImportProducts creates or replaces catalogue entries by SKU, all in one
// transaction. It returns how many were new.
func (s *Store) ImportProducts(products []Product) (int, error) {
	created := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketProducts)
		if err != nil {
			return err
		}
		for _, product := range products {
			if product.SKU == "" {
				return &ValidationError{Field: "SKU", Value: product.Title, Reason: "a catalogue entry needs a SKU"}
			}
			if b.Get([]byte(product.SKU)) == nil {
				created++
			}
			if err := putJSON(tx, bucketProducts, product.SKU, product); err != nil {
				return err
			}
		}
		return nil
	})
	return created, err
}

// Products returns the catalogue keyed by SKU.
func (s *Store) Products() (map[string]Product, error) {
	products := map[string]Product{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachJSON(tx, bucketProducts, func(sku string, p Product) error {
			products[sku] = p
			return nil
		})
	})
	return products, err
}

// StockLevel is one SKU's on-hand count at one location.
type StockLevel struct {
	SKU      string
	Location string
	OnHand   int
}

// ImportInventory stores levels as the snapshot of date (YYYY-MM-DD),
// replacing any snapshot of that date, in one transaction: importing the
// same file twice on one day keeps one snapshot. Rows for the same SKU and
// location are added up. Snapshots of earlier dates are kept, so days with
// zero stock stay visible to the forecast.
func (s *Store) ImportInventory(date string, levels []StockLevel) error {
	day, err := dayNumber(date)
	if err != nil {
		return &ValidationError{Field: "snapshot date", Value: date, Reason: "write it as YYYY-MM-DD"}
	}
	prefix := binary.BigEndian.AppendUint32(nil, day)
	totals := map[string]int64{}
	for _, level := range levels {
		if level.SKU == "" {
			return &ValidationError{Field: "SKU", Reason: "an inventory level needs a SKU"}
		}
		totals[string(prefix)+level.SKU+"\x00"+level.Location] += int64(level.OnHand)
	}

	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketInventory)
		if err != nil {
			return err
		}
		cursor := b.Cursor()
		for key, _ := cursor.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, _ = cursor.Seek(prefix) {
			if err := b.Delete(key); err != nil {
				return err
			}
		}
		for key, onHand := range totals {
			if err := b.Put([]byte(key), binary.BigEndian.AppendUint64(nil, uint64(onHand))); err != nil {
				return err
			}
		}
		return nil
	})
}

// inventoryHistory is the on-hand history per SKU read from the snapshots.
type inventoryHistory struct {
	// latest is the on-hand total of the newest snapshot holding the SKU.
	latest map[string]int
	// empty lists, per SKU, the days whose snapshot total was zero or less.
	empty map[string][]uint32
}

func readInventory(tx *bolt.Tx) (inventoryHistory, error) {
	history := inventoryHistory{latest: map[string]int{}, empty: map[string][]uint32{}}
	b := tx.Bucket(bucketInventory)
	if b == nil {
		return history, nil
	}

	type dayTotal struct {
		day   uint32
		total int64
	}
	current := map[string]*dayTotal{}
	flushDay := func(day uint32) {
		for sku, t := range current {
			if t.day != day {
				continue
			}
			history.latest[sku] = int(t.total)
			if t.total <= 0 {
				history.empty[sku] = append(history.empty[sku], t.day)
			}
		}
	}

	lastDay, started := uint32(0), false
	err := b.ForEach(func(key, raw []byte) error {
		if len(key) < 5 || len(raw) != 8 {
			return fmt.Errorf("inventory snapshot entry %q is unreadable", key)
		}
		day := binary.BigEndian.Uint32(key[:4])
		if started && day != lastDay {
			flushDay(lastDay)
		}
		lastDay, started = day, true
		sku, _, _ := strings.Cut(string(key[4:]), "\x00")
		t := current[sku]
		if t == nil || t.day != day {
			t = &dayTotal{day: day}
			current[sku] = t
		}
		t.total += int64(binary.BigEndian.Uint64(raw))
		return nil
	})
	if started {
		flushDay(lastDay)
	}
	return history, err
}

// OnHand returns each SKU's on-hand count in its newest inventory
// snapshot, summed over locations.
func (s *Store) OnHand() (map[string]int, error) {
	var history inventoryHistory
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		history, err = readInventory(tx)
		return err
	})
	return history.latest, err
}

// Buckets of the first demand format, which kept orders as JSON and one
// key per item and day. upgradeDemand converts them.
var (
	legacyBucketOrders = []byte("demand_orders")
	legacyBucketDaily  = []byte("demand_daily")
	legacyBucketItems  = []byte("demand_items")
)

// legacyOrder is an order as the first format stored it.
type legacyOrder struct {
	Store     string `json:"store"`
	Name      string `json:"name"`
	ID        string `json:"id"`
	Date      string `json:"date"`
	Cancelled bool   `json:"cancelled"`
	Lines     []struct {
		SKU    string `json:"sku"`
		Name   string `json:"name"`
		Vendor string `json:"vendor"`
		Qty    int    `json:"qty"`
	} `json:"lines"`
}

// upgradeDemand converts demand imported in the first format, when the
// database has any, by importing its orders again into the current
// buckets and then deleting the old ones. A database without them costs
// one read transaction.
func (s *Store) upgradeDemand() error {
	legacy := false
	if err := s.db.View(func(tx *bolt.Tx) error {
		legacy = tx.Bucket(legacyBucketOrders) != nil
		return nil
	}); err != nil || !legacy {
		return err
	}

	imp := s.NewOrderImport()
	imp.upgraded = true
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachJSON(tx, legacyBucketOrders, func(key string, old legacyOrder) error {
			order := DemandOrder{Store: old.Store, Name: old.Name, ID: old.ID, Date: old.Date, Cancelled: old.Cancelled}
			for _, line := range old.Lines {
				order.Lines = append(order.Lines, DemandLine{SKU: line.SKU, Name: line.Name, Vendor: line.Vendor, Qty: line.Qty})
			}
			if err := imp.Add(order); err != nil {
				return fmt.Errorf("order %q of the old demand format: %w", key, err)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	// NOTE: the old orders are read in one transaction and buffered whole,
	// about 70 bytes per order, which bounds the size this upgrade handles
	// by memory alone.
	if _, err := imp.Finish(); err != nil {
		return fmt.Errorf("upgrading the stored demand: %w", err)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{legacyBucketOrders, legacyBucketDaily, legacyBucketItems} {
			if tx.Bucket(name) == nil {
				continue
			}
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		return nil
	})
}
