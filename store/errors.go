package store

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotFound is matched by every NotFoundError.
var ErrNotFound = errors.New("not found")

// NotFoundError reports a PO number that is not in the database.
type NotFoundError struct {
	Number string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("PO %s not found; run `poboard po list` to see the PO numbers", e.Number)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// TransitionError reports a status change that the lifecycle does not allow.
type TransitionError struct {
	Number string
	From   Status
	To     Status
	Reason string
}

func (e *TransitionError) Error() string {
	msg := fmt.Sprintf("%s cannot move from %s to %s", e.Number, e.From.Label(), e.To.Label())
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// LockedError reports a local change to a PO that belongs to a WMS.
type LockedError struct {
	Number string
	// WMS is the display name of the system where the change belongs.
	WMS string
	// Pending is true while the push is queued and not yet accepted.
	Pending bool
}

func (e *LockedError) Error() string {
	if e.Pending {
		return fmt.Sprintf("%s is locked while its push to %s is in progress; wait for it to finish, or make the change in %s afterwards", e.Number, e.WMS, e.WMS)
	}
	return fmt.Sprintf("%s is locked because it was pushed to %s; make this change in %s and it will sync back", e.Number, e.WMS, e.WMS)
}

// StaleError reports a write based on a version that someone else replaced.
type StaleError struct {
	Number string
	By     string
	At     time.Time
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%s was changed by %s at %s, reload", e.Number, e.By, e.At.Local().Format("2006-01-02 15:04:05"))
}

// ForbiddenError reports a write by a role that may only read.
type ForbiddenError struct {
	Actor string
	Role  Role
}

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("%s has the read-only %s role and cannot make changes; ask a buyer to make the change", e.Actor, e.Role)
}

// ValidationError reports an invalid value with the field it belongs to.
type ValidationError struct {
	Field  string
	Value  string
	Reason string
}

func (e *ValidationError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

// LockedDBError reports a database file that another process holds.
type LockedDBError struct {
	Path string
	// ServeAddr is the SSH address of the `poboard serve` holding the file, if known.
	ServeAddr string
}

func (e *LockedDBError) Error() string {
	if e.ServeAddr != "" {
		host, port := e.Connect()
		return fmt.Sprintf("database %s is in use by `poboard serve`; connect to the running board with: ssh -p %s %s", e.Path, port, host)
	}
	return fmt.Sprintf("database %s is in use by another poboard process; close it, or if it is `poboard serve`, connect with: ssh -p 23234 localhost", e.Path)
}

// Connect returns the host and port to pass to `ssh -p PORT HOST` to
// reach the `poboard serve` that holds the file.
func (e *LockedDBError) Connect() (host, port string) {
	return splitHostPort(e.ServeAddr)
}

func splitHostPort(addr string) (host, port string) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return addr, "23234"
	}
	host, port = addr[:i], addr[i+1:]
	host = strings.Trim(host, "[]")
	if host == "" || host == "0.0.0.0" || host == "::" || host == "127.0.0.1" || host == "::1" {
		host = "localhost"
	}
	return host, port
}

// equalFoldSpaces compares case-insensitively, treating '_' and ' ' as equal.
func equalFoldSpaces(a, b string) bool {
	norm := func(s string) string {
		return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
	}
	return norm(a) == norm(b)
}
