package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

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
