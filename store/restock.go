package store

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"poboard/forecast"
)

// PlanOptions tunes RestockPlan.
type PlanOptions struct {
	Defaults ForecastDefaults
	// Today is the first forecast day; history ends the day before. The
	// store clock's local date when zero.
	Today time.Time
	// Supplier keeps only that supplier's SKUs when set.
	Supplier string
}

// planInputs is everything RestockPlan reads from the database.
type planInputs struct {
	products  map[string]Product
	suppliers map[string]SupplierSettings
	skus      map[string]SKUSettings
	demand    map[string]*demandItem
	unmapped  []UnmappedName
	inventory inventoryHistory
	transit   map[string]int
	open      []PO
}

// RestockPlan builds restock suggestions from the stored demand, the newest
// inventory snapshot, open POs and the supplier and SKU settings. The plan
// has one forecast.Group per supplier. Each suggestion carries its method
// and backtest error, order-by date, last 90 days of demand and projected
// stock. In transit counts only Ordered and Partially received POs, as
// InTransit does. RestockPlan also returns the order-line names that match
// no SKU, whose demand the plan leaves out.
func (s *Store) RestockPlan(opts PlanOptions) (forecast.Plan, []UnmappedName, error) {
	today := opts.Today
	if today.IsZero() {
		today = s.now()
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	end := uint32(today.Unix()/86400) - 1

	if err := s.upgradeDemand(); err != nil {
		return forecast.Plan{}, nil, err
	}
	in, err := s.loadPlanInputs(end)
	if err != nil {
		return forecast.Plan{}, nil, err
	}

	arrivals := map[string][]PO{}
	for _, po := range in.open {
		for _, line := range po.Lines {
			if line.Open() > 0 {
				arrivals[line.SKU] = append(arrivals[line.SKU], po)
			}
		}
	}

	terms := map[string]forecast.Terms{}
	var items []forecast.Item
	for sku, demand := range in.demand {
		item, currency, err := in.item(sku, demand, end, opts.Defaults, arrivals[sku])
		if err != nil {
			return forecast.Plan{}, nil, err
		}
		if opts.Supplier != "" && item.Supplier != opts.Supplier {
			continue
		}
		settings := in.suppliers[item.Supplier]
		terms[item.Supplier] = forecast.Terms{Currency: currency, MinOrderValue: settings.MinOrderValue}
		items = append(items, item)
	}
	sort.Slice(items, func(a, b int) bool { return items[a].SKU < items[b].SKU })
	return forecast.BuildPlan(items, terms, today), in.unmapped, nil
}

func (s *Store) loadPlanInputs(end uint32) (planInputs, error) {
	in := planInputs{suppliers: map[string]SupplierSettings{}, skus: map[string]SKUSettings{}}
	var err error
	if in.products, err = s.Products(); err != nil {
		return in, err
	}
	mappings, err := s.NameMappings()
	if err != nil {
		return in, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		if err := forEachJSON(tx, bucketSuppliers, func(name string, v SupplierSettings) error {
			in.suppliers[name] = v
			return nil
		}); err != nil {
			return err
		}
		if err := forEachJSON(tx, bucketSKUSettings, func(sku string, v SKUSettings) error {
			in.skus[sku] = v
			return nil
		}); err != nil {
			return err
		}
		if in.inventory, err = readInventory(tx); err != nil {
			return err
		}
		in.demand, in.unmapped, err = readDemand(tx, nameIndex(mappings, in.products), end)
		return err
	})
	if err != nil {
		return in, err
	}
	if in.transit, err = s.InTransit(); err != nil {
		return in, err
	}
	in.open, err = s.ListPOs(StatusOrdered, StatusPartiallyReceived)
	return in, err
}

// item assembles one SKU's forecast input and returns its supplier's
// currency with it.
func (in *planInputs) item(sku string, demand *demandItem, end uint32, defaults ForecastDefaults, open []PO) (forecast.Item, string, error) {
	product, hasProduct := in.products[sku]
	vendor, description := demand.vend, demand.name
	if hasProduct {
		vendor, description = product.Vendor, product.LineItemName()
	}
	var overrides *SKUSettings
	if settings, ok := in.skus[sku]; ok {
		overrides = &settings
	}
	policy := resolvePolicy(overrides, in.suppliers, defaults, vendor)

	var unitCost int64
	switch {
	case policy.unitCost != nil:
		unitCost = *policy.unitCost
	case hasProduct && product.Cost != "":
		cost, err := ParseMoney(product.Cost, policy.currency)
		if err != nil {
			return forecast.Item{}, "", fmt.Errorf("cost per item of %s: %w; fix it in the products file or set the SKU's unit cost", sku, err)
		}
		unitCost = cost
	}

	item := forecast.Item{
		SKU: sku, Description: description, Supplier: policy.supplier,
		History:   demandSeries(demand, end, in.inventory.empty[sku]),
		OnHand:    in.inventory.latest[sku],
		InTransit: in.transit[sku],
		Policy: forecast.Policy{
			LeadTimeDays: policy.leadTime, CoverDays: policy.cover, SafetyDays: policy.safety,
			MOQ: policy.moq, CasePack: policy.casePack, UnitCost: unitCost,
		},
	}
	_, known := in.inventory.latest[sku]
	item.OnHandUnknown = !known
	for _, po := range open {
		line := po.Lines[po.Line(sku)]
		// A PO without an expected date is assumed to arrive one lead time
		// after it was created.
		expected := po.CreatedAt.UTC().Truncate(24*time.Hour).AddDate(0, 0, policy.leadTime)
		if date, err := time.Parse(time.DateOnly, po.ExpectedDate); err == nil {
			expected = date
		}
		item.Arrivals = append(item.Arrivals, forecast.Arrival{PO: po.Number, Date: expected, Units: line.Open()})
	}
	return item, policy.currency, nil
}

// demandSeries lays a SKU's daily units out through day end, with stockout
// days from empty inventory snapshots that had no sales.
func demandSeries(demand *demandItem, end uint32, emptyDays []uint32) forecast.Series {
	if demand.units == nil || demand.first > end {
		return forecast.Series{Start: dayDate(end + 1)}
	}
	units := make([]float64, int(end-demand.first)+1)
	copy(units, demand.units)
	series := forecast.Series{Start: dayDate(demand.first), Units: units}
	for _, day := range emptyDays {
		if day < demand.first || day > end || units[day-demand.first] > 0 {
			continue
		}
		if series.Stockout == nil {
			series.Stockout = make([]bool, len(units))
		}
		series.Stockout[day-demand.first] = true
	}
	return series
}

// CreateDraftsFromSuggestions turns suggestions into draft POs in one step,
// one draft per supplier. Each suggestion whose SuggestedQty is above zero
// becomes a line at the suggestion's unit cost. A draft is in the
// supplier's currency (DefaultCurrency without settings) and is expected
// after the longest lead time of its lines. It returns the drafts in
// supplier order.
//
// NOTE: each draft commits on its own; when one fails, the drafts created
// before it stay and are returned with the error.
func (s *Store) CreateDraftsFromSuggestions(actor Actor, suggestions []forecast.Suggestion) ([]PO, error) {
	if err := checkWriter(actor); err != nil {
		return nil, err
	}
	suppliers := map[string]SupplierSettings{}
	all, err := s.Suppliers()
	if err != nil {
		return nil, err
	}
	for _, settings := range all {
		suppliers[settings.Name] = settings
	}

	drafts := map[string]*NewPO{}
	leadTimes := map[string]int{}
	for _, suggestion := range suggestions {
		if suggestion.SuggestedQty <= 0 {
			continue
		}
		line := LineInput{SKU: suggestion.SKU, Description: suggestion.Description, Ordered: suggestion.SuggestedQty, UnitCost: suggestion.UnitCost}
		draft := drafts[suggestion.Supplier]
		if draft == nil {
			draft = &NewPO{Supplier: suggestion.Supplier, Currency: suppliers[suggestion.Supplier].Currency,
				Notes: "Created from restock suggestions on " + s.now().Format(time.DateOnly)}
			drafts[suggestion.Supplier] = draft
		}
		draft.Lines = append(draft.Lines, line)
		leadTimes[suggestion.Supplier] = max(leadTimes[suggestion.Supplier], suggestion.LeadTimeDays)
	}

	names := make([]string, 0, len(drafts))
	for name := range drafts {
		names = append(names, name)
	}
	sort.Strings(names)
	var created []PO
	for _, name := range names {
		draft := drafts[name]
		draft.ExpectedDate = s.now().AddDate(0, 0, leadTimes[name]).Format(time.DateOnly)
		po, err := s.CreatePO(actor, *draft)
		if err != nil {
			return created, fmt.Errorf("draft PO for supplier %q: %w", name, err)
		}
		created = append(created, po)
	}
	return created, nil
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
	daily := tx.Bucket(bucketDaily)
	if daily == nil {
		return items, nil, nil
	}

	// Each item's days, resolved through its key to a SKU or left unmapped.
	unmapped := map[string]int{}
	err := forEachItem(tx, func(key string, record itemRecord) error {
		sku := ""
		if name, ok := strings.CutPrefix(key, namePrefix); ok {
			sku = names[name]
		} else {
			sku = strings.TrimPrefix(key, skuPrefix)
		}
		var current *demandItem
		if sku != "" {
			current = items[sku]
			if current == nil {
				current = &demandItem{}
				items[sku] = current
			}
			if current.name == "" {
				current.name = record.name
			}
			if current.vend == "" {
				current.vend = record.vendor
			}
		}

		raw := daily.Get(binary.BigEndian.AppendUint32(nil, record.id))
		err := decodeDays(raw, func(day uint32, units int64) {
			switch {
			case day > end:
			case current == nil:
				unmapped[strings.TrimPrefix(key, namePrefix)] += int(units)
			default:
				current.add(day, float64(units))
			}
		})
		if err != nil {
			return fmt.Errorf("daily demand of %q: %w", key, err)
		}
		return nil
	})

	var list []UnmappedName
	for name, units := range unmapped {
		list = append(list, UnmappedName{Name: name, Units: units})
	}
	sortUnmapped(list)
	return items, list, err
}

// forEachItem calls fn with each item of bucketItems, in key order.
func forEachItem(tx *bolt.Tx, fn func(key string, record itemRecord) error) error {
	b := tx.Bucket(bucketItems)
	if b == nil {
		return nil
	}
	return b.ForEach(func(key, raw []byte) error {
		record, _, err := readItem(raw)
		if err != nil {
			return fmt.Errorf("item %q: %w", key, err)
		}
		return fn(string(key), record)
	})
}

// UnmappedNames returns the product names on order lines without a SKU
// that match neither the catalogue nor a mapping, most units first. Map
// them with MapProductName, or import a products export that names them.
func (s *Store) UnmappedNames() ([]UnmappedName, error) {
	if err := s.upgradeDemand(); err != nil {
		return nil, err
	}
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

// sortUnmapped orders names by units, most first, then by name.
func sortUnmapped(list []UnmappedName) {
	sort.Slice(list, func(a, b int) bool {
		return cmp.Or(cmp.Compare(list[b].Units, list[a].Units), strings.Compare(list[a].Name, list[b].Name)) < 0
	})
}
