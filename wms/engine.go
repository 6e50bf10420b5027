package wms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/charmbracelet/log"

	"poboard/store"
)

// EngineOptions configures the sync engine.
type EngineOptions struct {
	Store     *store.Store
	Connector Connector
	// Logger receives starts, stops, retries and errors; a discarding
	// logger when nil.
	Logger *log.Logger
	// PollInterval is the pause between receipt polls. When zero the
	// connector's own PollInterval is used if it has one, else 5m.
	PollInterval time.Duration
	// ImportDays is how far back the initial import looks; 90 when zero.
	ImportDays int
	// PushTimeout bounds one push attempt; 30s when zero.
	PushTimeout time.Duration
	// MinBackoff is the first retry wait; 1s when zero.
	MinBackoff time.Duration
	// MaxBackoff caps the wait between push attempts; 5m when zero.
	MaxBackoff time.Duration
	// AutoImport runs the initial import on the first sync with a
	// configured connector, as the board and `poboard serve` do.
	AutoImport bool
}

// Poller is implemented by connectors that suggest their own poll
// interval, such as the simulator, whose receipts arrive within seconds.
type Poller interface {
	PollInterval() time.Duration
}

// Status is the engine's state as the status pane and integrations view
// show it.
type Status struct {
	Connector  Info
	Configured bool
	Missing    []string
	Running    bool
	LastSync   time.Time
	LastError  string
	// InFlight lists the PO numbers queued for push, oldest first.
	InFlight []string
	// Polls counts the polls finished since the engine started, whether
	// they succeeded or failed, so a caller can tell that a sync it asked
	// for has run even when its outcome repeats the last one.
	Polls int
	// Imported is true once the initial import has run for this connector.
	Imported bool
	// Warnings are lasting problems the buyer should see, such as open
	// POs linked to a connector that is no longer the active one.
	Warnings []string
}

// Engine pushes queued POs to the connector and polls it for receipts. One
// engine runs in the process that owns the database; every UI session
// shares it.
type Engine struct {
	opts     EngineOptions
	st       *store.Store
	conn     Connector
	log      *log.Logger
	pushKick chan struct{}
	pollKick chan struct{}
	// pollMu makes polls and imports run one at a time.
	pollMu sync.Mutex

	mu     sync.Mutex
	status Status
}

// NewEngine returns an engine; call Run to start its workers.
func NewEngine(opts EngineOptions) *Engine {
	if opts.Logger == nil {
		opts.Logger = log.New(io.Discard)
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = 5 * time.Minute
		if poller, ok := opts.Connector.(Poller); ok {
			opts.PollInterval = poller.PollInterval()
		}
	}
	if opts.ImportDays == 0 {
		opts.ImportDays = 90
	}
	if opts.PushTimeout == 0 {
		opts.PushTimeout = 30 * time.Second
	}
	if opts.MinBackoff == 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 5 * time.Minute
	}

	e := &Engine{
		opts: opts, st: opts.Store, conn: opts.Connector,
		log:      opts.Logger.WithPrefix("sync"),
		pushKick: make(chan struct{}, 1),
		pollKick: make(chan struct{}, 1),
	}
	e.status.Connector = e.Info()
	if configured, ok := e.conn.(Configured); ok {
		e.status.Missing = configured.Missing()
	}
	e.status.Configured = len(e.status.Missing) == 0
	e.status.Imported = e.imported()
	e.status.Warnings = e.staleLinkWarnings()
	e.refreshInFlight()
	return e
}

// staleLinkWarnings names open POs linked to other connectors: they no
// longer sync, so their receipts must be recorded where they now live.
func (e *Engine) staleLinkWarnings() []string {
	summaries, err := e.st.ListSummaries(store.StatusApproved, store.StatusOrdered, store.StatusPartiallyReceived)
	if err != nil {
		e.log.Error("reading POs for the connector check failed", "err", err)
		return nil
	}
	counts := map[string]int{}
	for _, summary := range summaries {
		linked := summary.PushState == store.PushDone || summary.PushState == store.PushImported
		if linked && summary.Connector != e.conn.Name() {
			counts[summary.Connector]++
		}
	}
	var warnings []string
	for connector, count := range counts {
		text := fmt.Sprintf("%d open POs are linked to %s, which is not the active connector, so they no longer sync; set [wms] connector = %q to follow them, or close them when received", count, connector, connector)
		if count == 1 {
			text = fmt.Sprintf("1 open PO is linked to %s, which is not the active connector, so it no longer syncs; set [wms] connector = %q to follow it, or close it when received", connector, connector)
		}
		warnings = append(warnings, text)
		e.log.Warn("open POs linked to an inactive connector", "connector", connector, "pos", count, "active", e.conn.Name())
	}
	sort.Strings(warnings)
	return warnings
}

// Connector returns the active connector.
func (e *Engine) Connector() Connector { return e.conn }

// Info returns the active connector's name, label, colour and keys.
func (e *Engine) Info() Info {
	info := Info{Name: e.conn.Name(), Label: e.conn.Label(), Color: e.conn.Color()}
	for _, registered := range Registered() {
		if registered.Name == info.Name {
			info.Keys = registered.Keys
		}
	}
	return info
}

// Status returns a copy of the engine's current state.
func (e *Engine) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	status := e.status
	status.InFlight = append([]string(nil), e.status.InFlight...)
	status.Missing = append([]string(nil), e.status.Missing...)
	status.Warnings = append([]string(nil), e.status.Warnings...)
	return status
}

// setStatus changes the status under the lock and announces it on the hub.
func (e *Engine) setStatus(change func(*Status)) {
	e.mu.Lock()
	change(&e.status)
	e.mu.Unlock()
	e.st.Hub().Publish(store.Change{Sync: true})
}

func (e *Engine) refreshInFlight() {
	entries, err := e.st.PendingPushes()
	if err != nil {
		e.log.Error("reading the push outbox failed", "err", err)
		return
	}
	numbers := make([]string, len(entries))
	for i, entry := range entries {
		numbers[i] = entry.Number
	}
	e.setStatus(func(s *Status) { s.InFlight = numbers })
}

// RequestPush queues an Ordered PO for pushing to the active connector and
// wakes the push worker. It returns once the request is stored; the push
// itself runs in the background and reports through the change hub.
func (e *Engine) RequestPush(actor store.Actor, number string, version uint64) (store.PO, error) {
	if !e.Status().Configured {
		return store.PO{}, fmt.Errorf("%s is not set up: set %v, then push again", e.conn.Label(), e.Status().Missing)
	}
	po, err := e.st.RequestPush(actor, number, version, e.conn.Name(), e.conn.Label())
	if err != nil {
		return po, err
	}
	e.log.Info("push requested", "po", po.Number, "connector", e.conn.Name(), "actor", actor.Name)
	e.refreshInFlight()
	e.kick(e.pushKick)
	return po, nil
}

// SyncNow wakes the poller (and the push worker) without waiting.
func (e *Engine) SyncNow() {
	e.kick(e.pollKick)
	e.kick(e.pushKick)
}

func (e *Engine) kick(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Test checks the connector's credentials and reachability.
func (e *Engine) Test(ctx context.Context) error {
	err := e.conn.Test(ctx)
	if err != nil {
		e.log.Warn("connection test failed", "connector", e.conn.Name(), "err", err)
	} else {
		e.log.Info("connection test passed", "connector", e.conn.Name())
	}
	return err
}

// Run drains the push outbox and polls for receipts until ctx is done. A
// push left in the outbox by a killed process is resumed at once.
func (e *Engine) Run(ctx context.Context) error {
	e.log.Info("sync engine started", "connector", e.conn.Name(), "poll_interval", e.opts.PollInterval)
	e.setStatus(func(s *Status) { s.Running = true })
	defer func() {
		e.setStatus(func(s *Status) { s.Running = false })
		e.log.Info("sync engine stopped", "connector", e.conn.Name())
	}()

	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		e.runPushes(ctx)
	}()
	go func() {
		defer wg.Done()
		e.runPolls(ctx)
	}()
	wg.Wait()
	return nil
}

func (e *Engine) runPushes(ctx context.Context) {
	defer e.recoverWorker("push worker")
	for {
		next := e.pushDue(ctx, false)
		wait := time.Until(next)
		if next.IsZero() {
			wait = time.Hour
		}
		timer := time.NewTimer(max(wait, 10*time.Millisecond))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-e.pushKick:
		case <-timer.C:
		}
		timer.Stop()
	}
}

func (e *Engine) runPolls(ctx context.Context) {
	defer e.recoverWorker("poller")
	for {
		if e.Status().Configured {
			if err := e.Poll(ctx); err != nil && ctx.Err() == nil {
				e.log.Warn("poll failed", "connector", e.conn.Name(), "err", err)
			}
		}
		timer := time.NewTimer(e.opts.PollInterval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-e.pollKick:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// recoverWorker turns a panic in a worker into a logged error, so a bug in
// a connector cannot take down every board session sharing the process.
func (e *Engine) recoverWorker(name string) {
	if r := recover(); r != nil {
		e.log.Error("sync worker crashed; restart poboard to resume syncing", "worker", name, "connector", e.conn.Name(), "panic", r)
		e.setStatus(func(s *Status) { s.LastError = fmt.Sprintf("%s crashed: %v; restart poboard", name, r) })
	}
}

// SyncOnce runs one round: every queued push is attempted once, then one
// poll; with importExisting the initial import runs first.
func (e *Engine) SyncOnce(ctx context.Context, importExisting bool) error {
	if !e.Status().Configured {
		return fmt.Errorf("%s is not set up: set %v", e.conn.Label(), e.Status().Missing)
	}
	if importExisting {
		if _, err := e.ImportExisting(ctx); err != nil {
			return err
		}
	}
	e.pushDue(ctx, true)
	return e.Poll(ctx)
}

// pushDue attempts each queued push whose retry time has come (all of them
// with force) and returns the earliest retry time still pending.
func (e *Engine) pushDue(ctx context.Context, force bool) time.Time {
	entries, err := e.st.PendingPushes()
	if err != nil {
		e.log.Error("reading the push outbox failed", "err", err)
		return time.Now().Add(e.opts.MaxBackoff)
	}
	var next time.Time
	for _, entry := range entries {
		if ctx.Err() != nil {
			return next
		}
		if entry.Connector != e.conn.Name() {
			e.setStatus(func(s *Status) {
				s.LastError = fmt.Sprintf("%s is queued for %s but the active connector is %s; switch [wms] connector back to push it", entry.Number, entry.Connector, e.conn.Name())
			})
			continue
		}
		if !force && time.Now().Before(entry.NextAttempt) {
			if next.IsZero() || entry.NextAttempt.Before(next) {
				next = entry.NextAttempt
			}
			continue
		}
		retryAt, _ := e.attempt(ctx, entry)
		if !retryAt.IsZero() && (next.IsZero() || retryAt.Before(next)) {
			next = retryAt
		}
	}
	e.refreshInFlight()
	return next
}

// attempt pushes one queued PO once. It returns the retry time after a
// transient failure, or zero when the push finished either way.
func (e *Engine) attempt(ctx context.Context, entry store.OutboxEntry) (time.Time, error) {
	po, err := e.st.GetPO(entry.Number)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !po.PushPending()) {
		e.log.Warn("dropping push that no PO waits for", "po", entry.Number)
		return time.Time{}, e.st.DropPush(entry.Number)
	}
	if err != nil {
		return time.Time{}, err
	}

	attemptCtx, cancel := context.WithTimeout(ctx, e.opts.PushTimeout)
	remoteID, err := e.conn.Push(attemptCtx, po)
	cancel()

	if err == nil {
		if _, err := e.st.CompletePush(po.Number, remoteID); err != nil {
			e.log.Error("recording accepted push failed", "po", po.Number, "remote_id", remoteID, "err", err)
			return time.Now().Add(e.opts.MinBackoff), err
		}
		e.log.Info("push accepted", "po", po.Number, "connector", e.conn.Name(), "remote_id", remoteID)
		return time.Time{}, nil
	}
	if ctx.Err() != nil {
		// Shutting down: the entry stays queued and resumes on the next start.
		return time.Time{}, ctx.Err()
	}
	if IsPermanent(err) {
		e.log.Error("push rejected", "po", po.Number, "connector", e.conn.Name(), "err", err)
		if _, ferr := e.st.FailPush(po.Number, err.Error()); ferr != nil {
			e.log.Error("recording rejected push failed", "po", po.Number, "err", ferr)
		}
		return time.Time{}, err
	}

	attempts := entry.Attempts + 1
	wait := e.backoff(attempts)
	if after, ok := RetryAfter(err); ok && after > wait {
		wait = after
	}
	retryAt := time.Now().Add(wait)
	e.log.Warn("push failed, will retry", "po", po.Number, "connector", e.conn.Name(), "attempt", attempts, "retry_in", wait.Round(time.Millisecond), "err", err)
	if nerr := e.st.NotePushAttempt(po.Number, attempts, err.Error(), retryAt); nerr != nil {
		e.log.Error("recording push attempt failed", "po", po.Number, "err", nerr)
	}
	return retryAt, err
}

// backoff returns the wait before attempt n+1: exponential from MinBackoff,
// capped at MaxBackoff, with up to 50% random jitter so many queued pushes
// do not retry in step.
func (e *Engine) backoff(attempts int) time.Duration {
	wait := e.opts.MinBackoff
	for i := 1; i < attempts && wait < e.opts.MaxBackoff; i++ {
		wait *= 2
	}
	wait = min(wait, e.opts.MaxBackoff)
	jitter := time.Duration(rand.Int64N(int64(wait)/2 + 1))
	return wait/2 + jitter + wait/4
}

// PushNow runs the push of one queued PO in this process, retrying
// transient errors, until the WMS accepts it (nil) or rejects it for good
// (the reason). It serves `poboard po push --wait`.
func (e *Engine) PushNow(ctx context.Context, number string) error {
	number = store.NormalizeNumber(number)
	for {
		entries, err := e.st.PendingPushes()
		if err != nil {
			return err
		}
		var entry *store.OutboxEntry
		for i := range entries {
			if entries[i].Number == number {
				entry = &entries[i]
			}
		}
		if entry == nil {
			po, err := e.st.GetPO(number)
			if err != nil {
				return err
			}
			if po.Pushed() {
				return nil
			}
			if po.WMS != nil && po.WMS.State == store.PushFailed {
				return fmt.Errorf("push of %s to %s failed: %s", po.Number, po.WMS.Label, po.WMS.LastError)
			}
			return fmt.Errorf("%s has no push queued; run `poboard po push %s` first", po.Number, po.Number)
		}
		if entry.Connector != e.conn.Name() {
			return fmt.Errorf("%s is queued for %s but the active connector is %s", number, entry.Connector, e.conn.Name())
		}

		if wait := time.Until(entry.NextAttempt); wait > 0 {
			select {
			case <-ctx.Done():
				return fmt.Errorf("push of %s interrupted; it stays queued and resumes with `poboard sync`: %w", number, ctx.Err())
			case <-time.After(wait):
			}
		}
		retryAt, err := e.attempt(ctx, *entry)
		if err == nil {
			return nil
		}
		if retryAt.IsZero() {
			if ctx.Err() != nil {
				return fmt.Errorf("push of %s interrupted; it stays queued and resumes with `poboard sync`: %w", number, ctx.Err())
			}
			return fmt.Errorf("push of %s to %s failed: %w", number, e.conn.Label(), err)
		}
	}
}
