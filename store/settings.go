package store

import (
	"encoding/json"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Buckets of restock settings, created on first write; a missing bucket
// reads as empty.
var (
	bucketSuppliers   = []byte("suppliers")
	bucketSKUSettings = []byte("sku_settings")
	bucketNameMap     = []byte("name_map")
)

// maxSettingDays bounds lead time, cover and safety days (ten years), so a
// typo such as 3000 for 30 is caught while long sea freight still fits.
const maxSettingDays = 3650

// ForecastDefaults are the [forecast] config values, used where neither a
// SKU nor its supplier sets its own.
type ForecastDefaults struct {
	LeadTimeDays int
	CoverDays    int
	SafetyDays   int
}

// SupplierSettings are a supplier's replenishment terms. Nil day fields
// fall back to ForecastDefaults.
type SupplierSettings struct {
	Name         string `json:"name"`
	LeadTimeDays *int   `json:"lead_time_days,omitempty"`
	CoverDays    *int   `json:"cover_days,omitempty"`
	SafetyDays   *int   `json:"safety_days,omitempty"`
	// MOQ and CasePack apply to each SKU of the supplier unless the SKU
	// overrides them; 0 means none.
	MOQ      int `json:"moq,omitempty"`
	CasePack int `json:"case_pack,omitempty"`
	// MinOrderValue is in minor units of Currency; 0 means none.
	MinOrderValue int64 `json:"min_order_value_minor,omitempty"`
	// Currency of the supplier's prices and of POs raised from
	// suggestions; DefaultCurrency when empty.
	Currency string `json:"currency,omitempty"`
}

// SKUSettings override a SKU's supplier and terms. Nil fields inherit from
// the supplier, then from ForecastDefaults.
type SKUSettings struct {
	SKU string `json:"sku"`
	// Supplier replaces the product's vendor as the SKU's supplier; "" keeps it.
	Supplier     string `json:"supplier,omitempty"`
	LeadTimeDays *int   `json:"lead_time_days,omitempty"`
	CoverDays    *int   `json:"cover_days,omitempty"`
	SafetyDays   *int   `json:"safety_days,omitempty"`
	MOQ          *int   `json:"moq,omitempty"`
	CasePack     *int   `json:"case_pack,omitempty"`
	// UnitCost in minor units of the supplier's currency; nil uses the
	// product catalogue's cost per item.
	UnitCost *int64 `json:"unit_cost_minor,omitempty"`
}

func checkDays(field string, days *int) error {
	if days != nil && (*days < 0 || *days > maxSettingDays) {
		return &ValidationError{Field: field, Value: fmt.Sprint(*days), Reason: fmt.Sprintf("use a number of days from 0 to %d", maxSettingDays)}
	}
	return nil
}

func checkCount(field string, n *int) error {
	if n != nil && *n < 0 {
		return &ValidationError{Field: field, Value: fmt.Sprint(*n), Reason: "cannot be negative; use 0 for none"}
	}
	return nil
}

func (s SupplierSettings) validate() error {
	if strings.TrimSpace(s.Name) == "" {
		return &ValidationError{Field: "supplier", Reason: "a supplier needs a name"}
	}
	for _, err := range []error{
		checkDays("lead time", s.LeadTimeDays), checkDays("days of cover", s.CoverDays), checkDays("safety days", s.SafetyDays),
		checkCount("MOQ", &s.MOQ), checkCount("case pack", &s.CasePack),
	} {
		if err != nil {
			return err
		}
	}
	if s.MinOrderValue < 0 {
		return &ValidationError{Field: "minimum order value", Value: fmt.Sprint(s.MinOrderValue), Reason: "cannot be negative; use 0 for none"}
	}
	if s.Currency != "" && !ValidCurrency(s.Currency) {
		return &ValidationError{Field: "currency", Value: s.Currency, Reason: "use a three-letter ISO 4217 code such as EUR or USD"}
	}
	return nil
}

func (s SKUSettings) validate() error {
	if strings.TrimSpace(s.SKU) == "" {
		return &ValidationError{Field: "SKU", Reason: "settings need a SKU"}
	}
	for _, err := range []error{
		checkDays("lead time", s.LeadTimeDays), checkDays("days of cover", s.CoverDays), checkDays("safety days", s.SafetyDays),
		checkCount("MOQ", s.MOQ), checkCount("case pack", s.CasePack),
	} {
		if err != nil {
			return err
		}
	}
	if s.UnitCost != nil && *s.UnitCost < 0 {
		return &ValidationError{Field: "unit cost", Value: fmt.Sprint(*s.UnitCost), Reason: "cannot be negative"}
	}
	return nil
}

// putJSON stores value under key in bucket, creating the bucket if needed.
func putJSON(tx *bolt.Tx, bucket []byte, key string, value any) error {
	b, err := tx.CreateBucketIfNotExists(bucket)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), raw)
}

func deleteKey(tx *bolt.Tx, bucket []byte, key string) error {
	b := tx.Bucket(bucket)
	if b == nil {
		return nil
	}
	return b.Delete([]byte(key))
}

// forEachJSON decodes every value of bucket into a new T; a missing bucket
// has none.
func forEachJSON[T any](tx *bolt.Tx, bucket []byte, fn func(key string, value T) error) error {
	b := tx.Bucket(bucket)
	if b == nil {
		return nil
	}
	return b.ForEach(func(key, raw []byte) error {
		var value T
		if err := json.Unmarshal(raw, &value); err != nil {
			return fmt.Errorf("%s entry %q is unreadable: %w", bucket, key, err)
		}
		return fn(string(key), value)
	})
}

// PutSupplier creates or replaces a supplier's settings.
func (s *Store) PutSupplier(actor Actor, settings SupplierSettings) error {
	if err := checkWriter(actor); err != nil {
		return err
	}
	settings.Name = strings.TrimSpace(settings.Name)
	settings.Currency = strings.ToUpper(strings.TrimSpace(settings.Currency))
	if err := settings.validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx, bucketSuppliers, settings.Name, settings)
	})
}

// DeleteSupplier removes a supplier's settings; its SKUs fall back to the
// defaults. Deleting a supplier without settings is not an error.
func (s *Store) DeleteSupplier(actor Actor, name string) error {
	if err := checkWriter(actor); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return deleteKey(tx, bucketSuppliers, name) })
}

// Suppliers returns every supplier with settings, by name.
func (s *Store) Suppliers() ([]SupplierSettings, error) {
	var suppliers []SupplierSettings
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachJSON(tx, bucketSuppliers, func(_ string, value SupplierSettings) error {
			suppliers = append(suppliers, value)
			return nil
		})
	})
	return suppliers, err
}

// PutSKUSettings creates or replaces a SKU's overrides.
func (s *Store) PutSKUSettings(actor Actor, settings SKUSettings) error {
	if err := checkWriter(actor); err != nil {
		return err
	}
	settings.SKU = strings.TrimSpace(settings.SKU)
	settings.Supplier = strings.TrimSpace(settings.Supplier)
	if err := settings.validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx, bucketSKUSettings, settings.SKU, settings)
	})
}

// DeleteSKUSettings removes a SKU's overrides.
func (s *Store) DeleteSKUSettings(actor Actor, sku string) error {
	if err := checkWriter(actor); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return deleteKey(tx, bucketSKUSettings, sku) })
}

// AllSKUSettings returns every SKU's overrides, by SKU.
func (s *Store) AllSKUSettings() ([]SKUSettings, error) {
	var all []SKUSettings
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachJSON(tx, bucketSKUSettings, func(_ string, value SKUSettings) error {
			all = append(all, value)
			return nil
		})
	})
	return all, err
}

// MapProductName makes order lines that carry name but no SKU count as
// demand for sku. An empty sku removes the mapping.
func (s *Store) MapProductName(actor Actor, name, sku string) error {
	if err := checkWriter(actor); err != nil {
		return err
	}
	name, sku = strings.TrimSpace(name), strings.TrimSpace(sku)
	if name == "" {
		return &ValidationError{Field: "product name", Reason: "name the product as the order lines write it"}
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if sku == "" {
			return deleteKey(tx, bucketNameMap, name)
		}
		b, err := tx.CreateBucketIfNotExists(bucketNameMap)
		if err != nil {
			return err
		}
		return b.Put([]byte(name), []byte(sku))
	})
}

// NameMappings returns the product name to SKU mappings set with
// MapProductName.
func (s *Store) NameMappings() (map[string]string, error) {
	mappings := map[string]string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketNameMap)
		if b == nil {
			return nil
		}
		return b.ForEach(func(name, sku []byte) error {
			mappings[string(name)] = string(sku)
			return nil
		})
	})
	return mappings, err
}

// resolvedPolicy is a SKU's merged settings before its cost is known.
type resolvedPolicy struct {
	supplier                string
	leadTime, cover, safety int
	moq, casePack           int
	unitCost                *int64
	currency                string
}

// resolvePolicy merges SKU overrides, supplier settings and defaults.
// vendor is the supplier named by the catalogue or the order lines.
func resolvePolicy(sku *SKUSettings, suppliers map[string]SupplierSettings, defaults ForecastDefaults, vendor string) resolvedPolicy {
	p := resolvedPolicy{supplier: vendor, leadTime: defaults.LeadTimeDays, cover: defaults.CoverDays, safety: defaults.SafetyDays, currency: DefaultCurrency}
	if sku != nil && sku.Supplier != "" {
		p.supplier = sku.Supplier
	}
	if supplier, ok := suppliers[p.supplier]; ok {
		pick(&p.leadTime, supplier.LeadTimeDays)
		pick(&p.cover, supplier.CoverDays)
		pick(&p.safety, supplier.SafetyDays)
		p.moq, p.casePack = supplier.MOQ, supplier.CasePack
		if supplier.Currency != "" {
			p.currency = supplier.Currency
		}
	}
	if sku != nil {
		pick(&p.leadTime, sku.LeadTimeDays)
		pick(&p.cover, sku.CoverDays)
		pick(&p.safety, sku.SafetyDays)
		pick(&p.moq, sku.MOQ)
		pick(&p.casePack, sku.CasePack)
		p.unitCost = sku.UnitCost
	}
	return p
}

func pick(target *int, value *int) {
	if value != nil {
		*target = *value
	}
}
