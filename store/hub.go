package store

import (
	"context"
	"sync"
)

// Change announces that a committed write touched a PO. Resync means the
// subscriber fell behind and should reload everything it shows; Sync means
// the sync engine's status (last sync, pushes in flight, errors) changed.
type Change struct {
	Number string
	Resync bool
	Sync   bool
}

// syncKey is the pending-set key of a Sync change; PO numbers never contain NUL.
const syncKey = "\x00sync"

// Hub fans committed changes out to subscribers. Publish never waits for a
// subscriber, because each one keeps a set of pending PO numbers: many
// changes to one PO coalesce into one, and a subscriber with more than its
// buffer pending gets a single resync instead (TestHubPublishNeverBlocks).
type Hub struct {
	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	buffer int
}

// NewHub returns a hub whose subscribers may each have up to buffer distinct
// POs pending; 256 when buffer <= 0.
func NewHub(buffer int) *Hub {
	if buffer <= 0 {
		buffer = 256
	}
	return &Hub{subs: make(map[*Subscription]struct{}), buffer: buffer}
}

// Subscription receives changes from a Hub until Close.
type Subscription struct {
	hub     *Hub
	mu      sync.Mutex
	pending map[string]struct{}
	order   []string
	resync  bool
	ready   chan struct{}
	closed  chan struct{}
	once    sync.Once
}

// Subscribe registers a new subscriber.
func (h *Hub) Subscribe() *Subscription {
	sub := &Subscription{
		hub:     h,
		pending: make(map[string]struct{}),
		ready:   make(chan struct{}, 1),
		closed:  make(chan struct{}),
	}
	h.mu.Lock()
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	return sub
}

// Publish hands change to every subscriber without waiting for any of them.
func (h *Hub) Publish(change Change) {
	h.mu.Lock()
	subs := make([]*Subscription, 0, len(h.subs))
	for sub := range h.subs {
		subs = append(subs, sub)
	}
	h.mu.Unlock()

	for _, sub := range subs {
		sub.add(change, h.buffer)
	}
}

// Subscribers returns how many subscriptions are open.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (s *Subscription) add(change Change, buffer int) {
	s.mu.Lock()
	switch {
	case s.resync:
	case change.Resync || len(s.pending) >= buffer:
		s.resync = true
		s.pending = make(map[string]struct{})
		s.order = nil
	default:
		key := change.Number
		if change.Sync {
			key = syncKey
		}
		if _, seen := s.pending[key]; !seen {
			s.pending[key] = struct{}{}
			s.order = append(s.order, key)
		}
	}
	s.mu.Unlock()

	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// Ready returns a channel that receives a value when changes are pending.
func (s *Subscription) Ready() <-chan struct{} { return s.ready }

// Drain returns the pending changes in the order they first arrived and
// clears them. A resync, if any, is the only change returned.
func (s *Subscription) Drain() []Change {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.resync {
		s.resync = false
		return []Change{{Resync: true}}
	}
	changes := make([]Change, len(s.order))
	for i, key := range s.order {
		if key == syncKey {
			changes[i] = Change{Sync: true}
		} else {
			changes[i] = Change{Number: key}
		}
	}
	s.pending = make(map[string]struct{})
	s.order = nil
	return changes
}

// Next waits for pending changes and drains them. It returns nil once ctx
// is done or the subscription is closed.
func (s *Subscription) Next(ctx context.Context) []Change {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.closed:
			return nil
		case <-s.ready:
			if changes := s.Drain(); len(changes) > 0 {
				return changes
			}
		}
	}
}

// Close unregisters the subscription and wakes any Next call.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.hub.mu.Lock()
		delete(s.hub.subs, s)
		s.hub.mu.Unlock()
		close(s.closed)
	})
}
