package store

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"poboard/forecast/shopify"
)

// Buckets of imported demand, created on first write; a missing bucket
// reads as empty.
var (
	// bucketOrders holds one DemandOrder per store and order name.
	bucketOrders = []byte("demand_orders")
	// bucketDaily holds units per item and day. The key is the item key, a
	// zero byte and the day number (days since 1970-01-01) as 4 big-endian
	// bytes, so a cursor walks each item's days in order. The value is an
	// int64.
	bucketDaily = []byte("demand_daily")
	// bucketItems holds the last name and vendor seen on order lines per
	// item key, for descriptions and default suppliers.
	bucketItems = []byte("demand_items")
	// bucketProducts holds the product catalogue by SKU.
	bucketProducts = []byte("products")
	// bucketInventory holds snapshots: key is the day number (4 bytes), the
	// SKU, a zero byte and the location; value is an int64 on-hand count.
	bucketInventory = []byte("inventory")
)

// Item keys in bucketDaily: "s:" + SKU for lines with a SKU, "n:" + line
// item name for lines without one, resolved to a SKU when read.
const (
	skuPrefix  = "s:"
	namePrefix = "n:"
)

// DemandOrder is an order as kept for demand: the lines that require
// shipping, dated by the local date written in the export.
type DemandOrder struct {
	Store string `json:"store"`
	Name  string `json:"name"`
	ID    string `json:"id,omitempty"`
	// Date is YYYY-MM-DD, the store's local date.
	Date      string       `json:"date"`
	Cancelled bool         `json:"cancelled,omitempty"`
	Lines     []DemandLine `json:"lines"`
	// ImportID names the import run that last wrote the order, so rows of
	// one order that a file splits apart are merged, not replaced.
	ImportID string `json:"import"`
}

// DemandLine is one line item of a DemandOrder.
type DemandLine struct {
	SKU    string `json:"sku,omitempty"`
	Name   string `json:"name,omitempty"`
	Vendor string `json:"vendor,omitempty"`
	Qty    int    `json:"qty"`
}

func (line DemandLine) itemKey() string {
	if line.SKU != "" {
		return skuPrefix + line.SKU
	}
	return namePrefix + line.Name
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

// OrderImportResult counts what an order import changed. An order whose
// rows are not adjacent in the file counts as updated even when the
// import leaves it as it was.
type OrderImportResult struct {
	New       int
	Updated   int
	Unchanged int
	// Cancelled counts cancelled orders in the files; they add no demand and
	// remove the demand of an earlier import of the same order.
	Cancelled int
}

// OrderImport writes orders in batches, so an import of any size holds only
// one batch in memory. Orders are keyed by store and order name: importing
// a file again changes nothing, and a newer export that overlaps an older
// one replaces the orders both contain and adds the rest.
//
// NOTE: each batch commits on its own. Callers that need a file imported
// all or nothing validate the whole file first. A crash between batches
// leaves part of the file imported, and importing it again completes it.
type OrderImport struct {
	store  *Store
	id     string
	batch  []DemandOrder
	result OrderImportResult
}

// orderBatchSize is how many orders one write transaction holds.
const orderBatchSize = 5000

// NewOrderImport starts an import run.
func (s *Store) NewOrderImport() *OrderImport {
	var random [6]byte
	_, _ = rand.Read(random[:])
	id := s.now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(random[:])
	return &OrderImport{store: s, id: id}
}

// Add queues an order and writes the queue when it is full.
func (imp *OrderImport) Add(order DemandOrder) error {
	if order.Store == "" || order.Name == "" {
		return &ValidationError{Field: "order", Value: order.Name, Reason: "an order needs a store and a name"}
	}
	if _, err := time.Parse(time.DateOnly, order.Date); err != nil {
		return &ValidationError{Field: "order date", Value: order.Date, Reason: "write it as YYYY-MM-DD"}
	}
	order.ImportID = imp.id
	imp.batch = append(imp.batch, order)
	if len(imp.batch) >= orderBatchSize {
		return imp.flush()
	}
	return nil
}

// Finish writes the queued orders and returns the counts of the run.
func (imp *OrderImport) Finish() (OrderImportResult, error) {
	err := imp.flush()
	return imp.result, err
}

// dayNumber returns the days from 1970-01-01 to a YYYY-MM-DD date.
func dayNumber(date string) (uint32, error) {
	day, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0, err
	}
	return uint32(day.Unix() / 86400), nil
}

func dayDate(number uint32) time.Time {
	return time.Unix(int64(number)*86400, 0).UTC()
}

func dailyKey(item string, day uint32) []byte {
	key := make([]byte, 0, len(item)+5)
	key = append(key, item...)
	key = append(key, 0)
	return binary.BigEndian.AppendUint32(key, day)
}

// demandOf adds an order's units to delta per daily key, sign +1 or -1.
func demandOf(order DemandOrder, sign int64, delta map[string]int64) {
	if order.Cancelled {
		return
	}
	day, err := dayNumber(order.Date)
	if err != nil {
		return
	}
	for _, line := range order.Lines {
		delta[string(dailyKey(line.itemKey(), day))] += sign * int64(line.Qty)
	}
}

func sameDemand(a, b DemandOrder) bool {
	if a.Date != b.Date || a.Cancelled != b.Cancelled || a.ID != b.ID || len(a.Lines) != len(b.Lines) {
		return false
	}
	for i := range a.Lines {
		if a.Lines[i] != b.Lines[i] {
			return false
		}
	}
	return true
}

func (imp *OrderImport) flush() error {
	if len(imp.batch) == 0 {
		return nil
	}
	var result OrderImportResult
	err := imp.store.db.Update(func(tx *bolt.Tx) error {
		orders, err := tx.CreateBucketIfNotExists(bucketOrders)
		if err != nil {
			return err
		}
		delta := map[string]int64{}
		items := map[string]DemandLine{}

		for _, order := range imp.batch {
			key := []byte(order.Store + "\x00" + order.Name)
			var old DemandOrder
			raw := orders.Get(key)
			if raw != nil {
				if err := json.Unmarshal(raw, &old); err != nil {
					return fmt.Errorf("stored order %s of store %s is unreadable: %w", order.Name, order.Store, err)
				}
				if old.ImportID == imp.id {
					// The same run saw another part of this order earlier.
					merged := old
					merged.Lines = append(append([]DemandLine(nil), old.Lines...), order.Lines...)
					order = merged
				}
			}
			if order.Cancelled {
				result.Cancelled++
			}
			switch {
			case raw == nil:
				result.New++
			case sameDemand(old, order):
				result.Unchanged++
			case old.ImportID != imp.id:
				result.Updated++
			}

			demandOf(old, -1, delta)
			demandOf(order, +1, delta)
			for _, line := range order.Lines {
				items[line.itemKey()] = line
			}
			encoded, err := json.Marshal(order)
			if err != nil {
				return err
			}
			if err := orders.Put(key, encoded); err != nil {
				return err
			}
		}

		if err := applyDelta(tx, delta); err != nil {
			return err
		}
		return putItems(tx, items)
	})
	if err != nil {
		return err
	}
	imp.batch = imp.batch[:0]
	imp.result.New += result.New
	imp.result.Updated += result.Updated
	imp.result.Unchanged += result.Unchanged
	imp.result.Cancelled += result.Cancelled
	return nil
}

// applyDelta adds unit changes to the daily totals in key order, which is
// faster for bbolt than random order. A total that reaches zero is deleted.
func applyDelta(tx *bolt.Tx, delta map[string]int64) error {
	daily, err := tx.CreateBucketIfNotExists(bucketDaily)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(delta))
	for key, change := range delta {
		if change != 0 {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	for _, key := range keys {
		total := delta[key]
		if raw := daily.Get([]byte(key)); len(raw) == 8 {
			total += int64(binary.BigEndian.Uint64(raw))
		}
		if total <= 0 {
			if err := daily.Delete([]byte(key)); err != nil {
				return err
			}
			continue
		}
		if err := daily.Put([]byte(key), binary.BigEndian.AppendUint64(nil, uint64(total))); err != nil {
			return err
		}
	}
	return nil
}

// itemInfo is the last name and vendor seen for an item key.
type itemInfo struct {
	Name   string `json:"name,omitempty"`
	Vendor string `json:"vendor,omitempty"`
}

func putItems(tx *bolt.Tx, items map[string]DemandLine) error {
	for key, line := range items {
		info := itemInfo{Name: line.Name, Vendor: line.Vendor}
		if err := putJSON(tx, bucketItems, key, info); err != nil {
			return err
		}
	}
	return nil
}

// CountOrders returns how many orders are stored and how many of them are
// cancelled.
func (s *Store) CountOrders() (orders, cancelled int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		return forEachJSON(tx, bucketOrders, func(_ string, order DemandOrder) error {
			orders++
			if order.Cancelled {
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

// UnmappedName is a product name from order lines without a SKU that
// matches no catalogue entry and no mapping, with its units in total.
type UnmappedName struct {
	Name  string
	Units int
}

// demandItem is one resolved SKU's daily units while they are read.
type demandItem struct {
	first uint32
	units []float64
	name  string
	vend  string
}

func (d *demandItem) add(day uint32, units float64) {
	if d.units == nil {
		d.first = day
	}
	if day < d.first {
		grown := make([]float64, int(d.first-day)+len(d.units))
		copy(grown[d.first-day:], d.units)
		d.units, d.first = grown, day
	}
	for int(day-d.first) >= len(d.units) {
		d.units = append(d.units, 0)
	}
	d.units[day-d.first] += units
}

// nameIndex maps line item names to SKUs: mappings set by the user first,
// then catalogue names ("Title - Variant" and, for products without
// variants, the bare title).
func nameIndex(mappings map[string]string, products map[string]Product) map[string]string {
	index := make(map[string]string, len(products)+len(mappings))
	for sku, product := range products {
		index[product.LineItemName()] = sku
	}
	for name, sku := range mappings {
		index[name] = sku
	}
	return index
}

// readDemand returns daily units per resolved SKU through day end
// (inclusive), and the names that resolve to no SKU.
func readDemand(tx *bolt.Tx, names map[string]string, end uint32) (map[string]*demandItem, []UnmappedName, error) {
	items := map[string]*demandItem{}
	unmapped := map[string]int{}
	b := tx.Bucket(bucketDaily)
	if b == nil {
		return items, nil, nil
	}

	info := map[string]itemInfo{}
	_ = forEachJSON(tx, bucketItems, func(key string, value itemInfo) error {
		info[key] = value
		return nil
	})

	lastKey := ""
	var current *demandItem
	err := b.ForEach(func(key, raw []byte) error {
		if len(key) < 6 || len(raw) != 8 {
			return fmt.Errorf("daily demand entry %q is unreadable", key)
		}
		itemKey := string(key[:len(key)-5])
		day := binary.BigEndian.Uint32(key[len(key)-4:])
		units := int64(binary.BigEndian.Uint64(raw))
		if itemKey != lastKey {
			lastKey, current = itemKey, nil
			sku := ""
			if name, ok := strings.CutPrefix(itemKey, namePrefix); ok {
				sku = names[name]
			} else {
				sku = strings.TrimPrefix(itemKey, skuPrefix)
			}
			if sku != "" {
				current = items[sku]
				if current == nil {
					current = &demandItem{}
					items[sku] = current
				}
				if current.name == "" {
					current.name = info[itemKey].Name
				}
				if current.vend == "" {
					current.vend = info[itemKey].Vendor
				}
			}
		}
		if day > end {
			return nil
		}
		if current == nil {
			unmapped[strings.TrimPrefix(itemKey, namePrefix)] += int(units)
			return nil
		}
		current.add(day, float64(units))
		return nil
	})

	var list []UnmappedName
	for name, units := range unmapped {
		list = append(list, UnmappedName{Name: name, Units: units})
	}
	sort.Slice(list, func(a, b int) bool {
		if list[a].Units != list[b].Units {
			return list[a].Units > list[b].Units
		}
		return list[a].Name < list[b].Name
	})
	return items, list, err
}

// UnmappedNames returns the product names on order lines without a SKU
// that match neither the catalogue nor a mapping, most units first. Map
// them with MapProductName, or import a products export that names them.
func (s *Store) UnmappedNames() ([]UnmappedName, error) {
	mappings, err := s.NameMappings()
	if err != nil {
		return nil, err
	}
	products, err := s.Products()
	if err != nil {
		return nil, err
	}
	var unmapped []UnmappedName
	err = s.db.View(func(tx *bolt.Tx) error {
		var err error
		_, unmapped, err = readDemand(tx, nameIndex(mappings, products), ^uint32(0))
		return err
	})
	return unmapped, err
}
