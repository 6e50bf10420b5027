package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

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
