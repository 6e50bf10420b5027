// Package ui is poboard's terminal board: a PO list, a detail pane and a
// sync status pane, with forms for POs and receipts, a status menu, the push
// to the WMS and the integrations view. One Model serves one terminal, local
// or an SSH session; every session shares the store and the sync engine.
package ui

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/log"

	"poboard/store"
	"poboard/wms"
)

// Deps are the board's dependencies, given by the process that runs it.
type Deps struct {
	Store *store.Store
	// Engine is the sync engine; nil runs the board without a WMS, so the
	// push, sync and integrations keys explain that sync is off.
	Engine *wms.Engine
	// Actor is who acts: a buyer, or a warehouse lead who may only read.
	Actor store.Actor
	// Renderer is the session's renderer over SSH and
	// lipgloss.DefaultRenderer() locally; nil means the default.
	Renderer *lipgloss.Renderer
	// Logger writes to the log file, never to the terminal; nil discards.
	// The board adds no actor field to its lines, so the caller names the
	// session's actor with Logger.With("actor", name), as the SSH server
	// does.
	Logger *log.Logger
	// Context is the session's lifetime; the change subscription ends with it.
	Context context.Context
	// Now is the clock for "overdue", for the time zone of shown times and
	// for the first day of restock suggestions; time.Now when nil.
	Now func() time.Time
	// Forecast holds the [forecast] defaults of lead time, days of cover
	// and safety days, used where no supplier or SKU sets its own. The
	// zero value means 30, 30 and 7 days, the defaults of config.toml.
	Forecast store.ForecastDefaults
}

// Syncer is the part of the sync engine the board calls. *wms.Engine
// implements it.
type Syncer interface {
	Info() wms.Info
	Status() wms.Status
	RequestPush(actor store.Actor, number string, version uint64) (store.PO, error)
	SyncNow()
	Test(ctx context.Context) error
	ImportExisting(ctx context.Context) (int, error)
}

// common is the state every pane and dialog shares.
type common struct {
	store  *store.Store
	sync   Syncer
	actor  store.Actor
	styles *Styles
	keys   KeyMap
	logger *log.Logger
	ctx    context.Context
	now    func() time.Time

	forecast store.ForecastDefaults
	// importJob is this session's orders import, nil before the first;
	// the restock view and the status pane show its progress.
	importJob *ordersImport
}

// defaultForecast is the [forecast] table's default, used when Deps
// leaves Forecast zero.
var defaultForecast = store.ForecastDefaults{LeadTimeDays: 30, CoverDays: 30, SafetyDays: 7}

func newCommon(deps Deps) *common {
	c := &common{
		store:  deps.Store,
		actor:  deps.Actor,
		keys:   DefaultKeyMap(),
		logger: deps.Logger,
		ctx:    deps.Context,
		now:    deps.Now,

		forecast: deps.Forecast,
	}
	if c.forecast == (store.ForecastDefaults{}) {
		c.forecast = defaultForecast
	}

	// A nil *wms.Engine stored in the interface would not compare equal
	// to nil, so it is only stored when set.
	if deps.Engine != nil {
		c.sync = deps.Engine
	}
	renderer := deps.Renderer
	if renderer == nil {
		renderer = lipgloss.DefaultRenderer()
	}
	c.styles = NewStyles(renderer)

	if c.logger == nil {
		c.logger = log.New(io.Discard)
	}
	c.logger = c.logger.WithPrefix("ui")
	if c.ctx == nil {
		c.ctx = context.Background()
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.actor.Name == "" {
		c.actor.Name = string(c.actor.Role)
	}
	return c
}

// readOnly reports whether the actor may only read (warehouse leads).
func (c *common) readOnly() bool {
	return c.actor.Role == store.RoleWarehouse
}

// today returns the current calendar date as YYYY-MM-DD in the clock's zone.
func (c *common) today() string {
	return c.now().Format(time.DateOnly)
}

// clock formats t as the board shows times: local date and time to the
// minute, in the zone of the board's clock.
func (c *common) clock(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(c.now().Location()).Format("2006-01-02 15:04")
}

// since formats how long ago t was, coarsely, so that a screen drawn
// twice within a minute reads the same: "just now", "5 min ago", "3 h ago",
// then the date and time.
func (c *common) since(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	elapsed := c.now().Sub(t)
	switch {
	case elapsed < time.Minute:
		return "just now"
	case elapsed < time.Hour:
		return fmt.Sprintf("%d min ago", int(elapsed.Minutes()))
	case elapsed < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(elapsed.Hours()))
	}
	return c.clock(t)
}

// overdue reports whether a PO still awaiting goods is past its expected date.
func (c *common) overdue(status store.Status, expected string) bool {
	if expected == "" {
		return false
	}
	if status != store.StatusOrdered && status != store.StatusPartiallyReceived {
		return false
	}
	return expected < c.today()
}
