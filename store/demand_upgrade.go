package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

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
