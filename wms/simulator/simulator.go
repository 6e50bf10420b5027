// Package simulator is a built-in simulated warehouse, the default
// connector: it accepts pushes and delivers receipts over time, partial
// first and sometimes short, over or with rejected units, so the board
// works without any WMS account. Its state lives in the poboard database,
// so it survives restarts.
package simulator

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"poboard/store"
	"poboard/wms"
)

// Name is the connector's config name.
const Name = "simulator"

// Config is the [wms.simulator] table.
type Config struct {
	// FirstReceiptAfter is the wait from push to the first receipt ("10s").
	FirstReceiptAfter Duration `toml:"first_receipt_after"`
	// ReceiptEvery is the wait between later receipts ("15s").
	ReceiptEvery Duration `toml:"receipt_every"`
	// Receipts is how many receipts fill an order; 3 when zero.
	Receipts int `toml:"receipts"`
	// ShortPercent, OverPercent and RejectPercent are the chances, per
	// order, that its last receipt is short, over, or has rejected units.
	ShortPercent  int `toml:"short_percent"`
	OverPercent   int `toml:"over_percent"`
	RejectPercent int `toml:"reject_percent"`
	// PollInterval is how often the engine polls for receipts; 3s when zero.
	PollInterval Duration `toml:"poll_interval"`
	// Now replaces time.Now, for tests.
	Now func() time.Time `toml:"-"`
}

// Duration reads TOML strings such as "15s" or "2m".
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(text []byte) error {
	parsed, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("invalid duration %q in [wms.simulator]; write it like \"15s\" or \"2m\"", text)
	}
	d.Duration = parsed
	return nil
}

// DefaultConfig fills a PO within about a minute of its push.
func DefaultConfig() Config {
	return Config{
		FirstReceiptAfter: Duration{10 * time.Second},
		ReceiptEvery:      Duration{15 * time.Second},
		Receipts:          3,
		ShortPercent:      15,
		OverPercent:       10,
		RejectPercent:     15,
		PollInterval:      Duration{3 * time.Second},
	}
}

func init() {
	// The simulator needs no settings: Keys stays empty. Its optional
	// pacing keys are listed in the README.
	wms.Register(wms.Info{Name: Name, Label: "Simulated warehouse", Color: "#7D56F4"},
		func(settings wms.Settings) (wms.Connector, error) {
			cfg := DefaultConfig()
			if settings.Decode != nil {
				if err := settings.Decode(&cfg); err != nil {
					return nil, err
				}
			}
			if err := cfg.validate(); err != nil {
				return nil, err
			}
			return New(settings.Store, cfg), nil
		})
}

// validate rejects negative counts and durations and chances outside 0–100.
func (c Config) validate() error {
	if c.Receipts < 0 {
		return fmt.Errorf("[wms.simulator] receipts is %d; it must be 1 or more, or left out", c.Receipts)
	}
	for key, percent := range map[string]int{"short_percent": c.ShortPercent, "over_percent": c.OverPercent, "reject_percent": c.RejectPercent} {
		if percent < 0 || percent > 100 {
			return fmt.Errorf("[wms.simulator] %s is %d; it must be from 0 to 100", key, percent)
		}
	}
	for key, wait := range map[string]Duration{"first_receipt_after": c.FirstReceiptAfter, "receipt_every": c.ReceiptEvery, "poll_interval": c.PollInterval} {
		if wait.Duration < 0 {
			return fmt.Errorf("[wms.simulator] %s is %s; it must not be negative", key, wait.Duration)
		}
	}
	return nil
}

// Simulator is the simulated warehouse connector.
type Simulator struct {
	st  *store.Store
	cfg Config
}

// New returns a simulator keeping its state in st. Zero fields of cfg take
// the DefaultConfig values.
func New(st *store.Store, cfg Config) *Simulator {
	defaults := DefaultConfig()
	if cfg.FirstReceiptAfter.Duration == 0 {
		cfg.FirstReceiptAfter = defaults.FirstReceiptAfter
	}
	if cfg.ReceiptEvery.Duration == 0 {
		cfg.ReceiptEvery = defaults.ReceiptEvery
	}
	if cfg.Receipts <= 0 {
		cfg.Receipts = defaults.Receipts
	}
	if cfg.PollInterval.Duration == 0 {
		cfg.PollInterval = defaults.PollInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Simulator{st: st, cfg: cfg}
}

// Name implements wms.Connector.
func (s *Simulator) Name() string { return Name }

// Label implements wms.Connector.
func (s *Simulator) Label() string { return "Simulated warehouse" }

// Color implements wms.Connector.
func (s *Simulator) Color() string { return "#7D56F4" }

// PollInterval implements wms.Poller: receipts arrive within seconds.
func (s *Simulator) PollInterval() time.Duration { return s.cfg.PollInterval.Duration }

// Test implements wms.Connector; the simulator is always reachable.
func (s *Simulator) Test(context.Context) error { return nil }

// order is a PO as the simulated warehouse holds it.
type order struct {
	RemoteID     string    `json:"remote_id"`
	Reference    string    `json:"reference"`
	Supplier     string    `json:"supplier"`
	Currency     string    `json:"currency"`
	ExpectedDate string    `json:"expected_date"`
	Lines        []line    `json:"lines"`
	Cancelled    bool      `json:"cancelled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Rev          uint64    `json:"rev"`
	// Receipts counts the receipts delivered; NextReceipt is when the next is due.
	Receipts    int       `json:"receipts"`
	NextReceipt time.Time `json:"next_receipt"`
	// Existing marks orders that were in the warehouse before poboard
	// connected; only these are offered to the initial import.
	Existing bool `json:"existing"`
}

type line struct {
	SKU         string `json:"sku"`
	Description string `json:"description"`
	Expected    int    `json:"expected"`
	Received    int    `json:"received"`
	Rejected    int    `json:"rejected"`
	UnitCost    int64  `json:"unit_cost"`
}

// warehouse is the whole simulated state, stored as one JSON value.
type warehouse struct {
	Seq    uint64            `json:"seq"`
	Rev    uint64            `json:"rev"`
	Orders map[string]*order `json:"orders"`
}

const (
	stateNamespace = "wms/simulator"
	stateKey       = "warehouse"
)

// change loads the warehouse, lets fn change it and stores it, atomically.
func (s *Simulator) change(fn func(w *warehouse) error) error {
	return s.st.UpdateState(stateNamespace, stateKey, func(old []byte) ([]byte, error) {
		w := &warehouse{Orders: map[string]*order{}}
		if old != nil {
			if err := json.Unmarshal(old, w); err != nil {
				return nil, fmt.Errorf("simulated warehouse state is unreadable: %w", err)
			}
			if w.Orders == nil {
				w.Orders = map[string]*order{}
			}
		}
		if err := fn(w); err != nil {
			return nil, err
		}
		return json.Marshal(w)
	})
}

func (w *warehouse) touch(o *order, now time.Time) {
	w.Rev++
	o.Rev = w.Rev
	if !now.After(o.UpdatedAt) {
		now = o.UpdatedAt.Add(time.Millisecond)
	}
	o.UpdatedAt = now
}

func (w *warehouse) byReference(reference string) *order {
	for _, o := range w.Orders {
		if o.Reference == reference {
			return o
		}
	}
	return nil
}

// Push implements wms.Connector. A PO number already in the warehouse
// returns the existing order, so a repeated push creates nothing.
func (s *Simulator) Push(_ context.Context, po store.PO) (string, error) {
	if len(po.Lines) == 0 {
		return "", wms.Permanent(po.Number+" has no lines; add lines and push again", nil)
	}
	var remoteID string
	err := s.change(func(w *warehouse) error {
		if existing := w.byReference(po.Number); existing != nil {
			remoteID = existing.RemoteID
			return nil
		}
		now := s.cfg.Now().UTC()
		w.Seq++
		o := &order{
			RemoteID: fmt.Sprintf("SIM-%06d", w.Seq), Reference: po.Number, Supplier: po.Supplier,
			Currency: po.Currency, ExpectedDate: po.ExpectedDate, CreatedAt: now,
			NextReceipt: now.Add(s.cfg.FirstReceiptAfter.Duration),
		}
		for _, l := range po.Lines {
			o.Lines = append(o.Lines, line{SKU: l.SKU, Description: l.Description, Expected: l.Ordered, UnitCost: l.UnitCost})
		}
		w.touch(o, now)
		w.Orders[o.RemoteID] = o
		remoteID = o.RemoteID
		return nil
	})
	return remoteID, err
}

// Changes implements wms.Connector. It first delivers every receipt that
// has come due, then returns the orders changed after the cursor (a
// revision number).
func (s *Simulator) Changes(_ context.Context, cursor string, _ []store.PO) ([]store.RemoteUpdate, string, error) {
	var since uint64
	if cursor != "" {
		parsed, err := strconv.ParseUint(cursor, 10, 64)
		if err != nil {
			return nil, "", wms.Permanent(fmt.Sprintf("invalid simulator cursor %q", cursor), err)
		}
		since = parsed
	}

	var updates []store.RemoteUpdate
	var next uint64
	err := s.change(func(w *warehouse) error {
		now := s.cfg.Now().UTC()
		for _, o := range w.sorted() {
			for !o.Cancelled && o.Receipts < s.cfg.Receipts && !now.Before(o.NextReceipt) {
				s.deliver(o)
				w.touch(o, o.NextReceipt)
				o.NextReceipt = o.NextReceipt.Add(s.cfg.ReceiptEvery.Duration)
			}
		}
		for _, o := range w.sorted() {
			if o.Rev > since && !o.Existing {
				updates = append(updates, o.update())
			}
		}
		next = w.Rev
		return nil
	})
	if err != nil {
		return nil, cursor, err
	}
	return updates, strconv.FormatUint(next, 10), nil
}

func (w *warehouse) sorted() []*order {
	orders := make([]*order, 0, len(w.Orders))
	for _, o := range w.Orders {
		orders = append(orders, o)
	}
	sort.Slice(orders, func(i, j int) bool { return orders[i].RemoteID < orders[j].RemoteID })
	return orders
}

// deliver books the order's next receipt. Receipts before the last bring
// an even share of each line. The last one settles each line, short, over
// or with rejects as the order's dice decide. The dice are seeded by the
// order id, so a simulation replays the same way.
func (s *Simulator) deliver(o *order) {
	o.Receipts++
	seed := fnv.New64a()
	seed.Write([]byte(o.RemoteID))
	dice := rand.New(rand.NewPCG(seed.Sum64(), 7))
	short := dice.IntN(100) < s.cfg.ShortPercent
	over := !short && dice.IntN(100) < s.cfg.OverPercent
	reject := dice.IntN(100) < s.cfg.RejectPercent

	for i := range o.Lines {
		l := &o.Lines[i]
		if o.Receipts < s.cfg.Receipts {
			l.Received = l.Expected * o.Receipts / (s.cfg.Receipts + 1)
			continue
		}
		final := l.Expected
		switch {
		case short && i == 0:
			final = l.Expected - max(1, l.Expected/10)
		case over && i == 0:
			final = l.Expected + max(1, l.Expected/20)
		}
		if reject && i == len(o.Lines)-1 {
			l.Rejected = max(1, l.Expected/25)
			final -= l.Rejected
		}
		l.Received = max(final, 0)
	}
}

func (o *order) update() store.RemoteUpdate {
	update := store.RemoteUpdate{RemoteID: o.RemoteID, Number: o.Reference, AsOf: o.UpdatedAt}
	if o.Cancelled {
		update.Status = store.StatusCancelled
	}
	for _, l := range o.Lines {
		update.Lines = append(update.Lines, store.RemoteLine{SKU: l.SKU, Description: l.Description,
			Ordered: l.Expected, Received: l.Received, Rejected: l.Rejected, UnitCost: l.UnitCost, HasCost: true})
	}
	return update
}

// ListRecent implements wms.Connector: the orders that were in the
// warehouse before poboard connected, created since the given time.
func (s *Simulator) ListRecent(_ context.Context, since time.Time) ([]store.RemotePO, error) {
	var remotes []store.RemotePO
	err := s.change(func(w *warehouse) error {
		for _, o := range w.sorted() {
			if !o.Existing || o.CreatedAt.Before(since) {
				continue
			}
			remote := store.RemotePO{RemoteID: o.RemoteID, Reference: o.Reference, Supplier: o.Supplier,
				Currency: o.Currency, ExpectedDate: o.ExpectedDate, CreatedAt: o.CreatedAt, AsOf: o.UpdatedAt}
			for _, l := range o.Lines {
				remote.Lines = append(remote.Lines, store.RemoteLine{SKU: l.SKU, Description: l.Description,
					Ordered: l.Expected, Received: l.Received, Rejected: l.Rejected, UnitCost: l.UnitCost, HasCost: true})
			}
			remotes = append(remotes, remote)
			// From now on the order syncs like any pushed one.
			o.Existing = false
		}
		return nil
	})
	return remotes, err
}

// ExistingOrder is an order placed in the warehouse outside poboard, for
// demo data and tests of the initial import.
type ExistingOrder struct {
	Reference    string
	Supplier     string
	Currency     string
	ExpectedDate string
	CreatedAt    time.Time
	Lines        []store.LineInput
}

// AddExisting places orders in the warehouse as if they had been created
// there before poboard connected. Receipts for them start once imported.
func (s *Simulator) AddExisting(orders ...ExistingOrder) error {
	return s.change(func(w *warehouse) error {
		now := s.cfg.Now().UTC()
		for _, existing := range orders {
			if w.byReference(existing.Reference) != nil {
				continue
			}
			w.Seq++
			created := existing.CreatedAt
			if created.IsZero() {
				created = now
			}
			o := &order{RemoteID: fmt.Sprintf("SIM-%06d", w.Seq), Reference: existing.Reference,
				Supplier: existing.Supplier, Currency: existing.Currency, ExpectedDate: existing.ExpectedDate,
				CreatedAt: created, NextReceipt: now.Add(s.cfg.FirstReceiptAfter.Duration), Existing: true}
			for _, l := range existing.Lines {
				o.Lines = append(o.Lines, line{SKU: l.SKU, Description: l.Description, Expected: l.Ordered, UnitCost: l.UnitCost})
			}
			w.touch(o, now)
			w.Orders[o.RemoteID] = o
		}
		return nil
	})
}

// Cancel cancels an order in the warehouse, as a warehouse user would.
func (s *Simulator) Cancel(remoteID string) error {
	return s.change(func(w *warehouse) error {
		o, ok := w.Orders[remoteID]
		if !ok {
			return fmt.Errorf("simulated warehouse has no order %s", remoteID)
		}
		o.Cancelled = true
		w.touch(o, s.cfg.Now().UTC())
		return nil
	})
}
