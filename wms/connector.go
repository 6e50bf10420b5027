// Package wms connects poboard to warehouse systems: the Connector
// interface each system implements, the registry of connectors by name, and
// the sync engine that pushes POs and brings receipts back.
package wms

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"poboard/store"
)

// Connector is one warehouse system. Implementations must be safe for
// concurrent use by the sync engine and the UI's "test connection".
type Connector interface {
	// Name is the config name: "simulator", "extensiv", ...
	Name() string
	// Label is the display name on the push button: "Extensiv".
	Label() string
	// Color is the brand colour of the push button, as "#RRGGBB".
	Color() string
	// Push sends an Ordered PO to the WMS and returns the WMS's id for it.
	// It must be idempotent by PO number: look the number up before
	// creating, so a retry after a lost response never makes a second PO.
	Push(ctx context.Context, po store.PO) (remoteID string, err error)
	// Changes returns the WMS's view of every PO changed since cursor ("" for
	// the beginning), with cumulative quantities, and the cursor to pass next.
	// linked lists the POs poboard has linked to this WMS, for systems that
	// can only be asked per PO.
	Changes(ctx context.Context, cursor string, linked []store.PO) (updates []store.RemoteUpdate, next string, err error)
	// ListRecent returns the POs created in the WMS since the given time, for
	// the initial import.
	ListRecent(ctx context.Context, since time.Time) ([]store.RemotePO, error)
	// Test checks credentials and reachability without changing anything.
	Test(ctx context.Context) error
}

// Configured is implemented by connectors that need settings; Missing
// returns the config keys and environment variables still to set.
type Configured interface {
	Missing() []string
}

// PermanentError is a failure that retrying cannot fix, such as an unknown
// SKU or invalid credentials. The sync engine stops retrying and shows Reason.
type PermanentError struct {
	Reason string
	Err    error
}

func (e *PermanentError) Error() string {
	if e.Err != nil && e.Reason == "" {
		return e.Err.Error()
	}
	return e.Reason
}

func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a PermanentError with a reason for the buyer.
func Permanent(reason string, err error) error {
	return &PermanentError{Reason: reason, Err: err}
}

// IsPermanent reports whether err, or an error it wraps, is permanent.
func IsPermanent(err error) bool {
	var permanent *PermanentError
	return errors.As(err, &permanent)
}

// RetryAfterError is a transient failure where the WMS sent how long to
// wait (HTTP 429 or 503 with Retry-After).
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After.Round(time.Second))
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryAfter returns the wait the WMS asked for, if err carries one.
func RetryAfter(err error) (time.Duration, bool) {
	var retry *RetryAfterError
	if errors.As(err, &retry) {
		return retry.After, true
	}
	return 0, false
}

// Factory builds a connector from the configuration and the store (the
// simulator keeps its state there).
type Factory func(settings Settings) (Connector, error)

// Settings is the input of a Factory: the connector's own TOML table
// decoded by the caller, environment lookups for secrets, and the store.
type Settings struct {
	// Decode fills v from the connector's table, [wms.NAME].
	Decode func(v any) error
	// Getenv reads secrets; os.Getenv in production.
	Getenv func(key string) string
	Store  *store.Store
}

// Info describes a registered connector for the integrations view.
type Info struct {
	Name  string
	Label string
	Color string
	// Keys lists the config keys and environment variables it needs.
	Keys []string
}

type registration struct {
	info    Info
	factory Factory
}

var (
	registryMu sync.RWMutex
	registry   = map[string]registration{}
)

// Register adds a connector under info.Name; subpackages call it from init.
func Register(info Info, factory Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[info.Name] = registration{info: info, factory: factory}
}

// Registered returns the registered connectors, sorted by name with the
// simulator first.
func Registered() []Info {
	registryMu.RLock()
	defer registryMu.RUnlock()
	infos := make([]Info, 0, len(registry))
	for _, reg := range registry {
		infos = append(infos, reg.info)
	}
	sort.Slice(infos, func(i, j int) bool {
		if (infos[i].Name == "simulator") != (infos[j].Name == "simulator") {
			return infos[i].Name == "simulator"
		}
		return infos[i].Name < infos[j].Name
	})
	return infos
}

// New builds the connector registered as name.
func New(name string, settings Settings) (Connector, error) {
	registryMu.RLock()
	reg, ok := registry[name]
	registryMu.RUnlock()
	if !ok {
		names := ""
		for i, info := range Registered() {
			if i > 0 {
				names += ", "
			}
			names += info.Name
		}
		return nil, fmt.Errorf("unknown connector %q in [wms] connector; use one of: %s", name, names)
	}
	return reg.factory(settings)
}
