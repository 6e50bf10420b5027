// Package store keeps purchase orders in a bbolt file and enforces their
// lifecycle. It is the only package that imports bbolt: every other package
// works with the copied values it returns.
package store

import (
	"time"
)

// Status is a PO's place in its lifecycle, written in JSON and config as the
// lower-case constant values below.
type Status string

// The lifecycle statuses of a PO.
const (
	StatusDraft             Status = "draft"
	StatusApproved          Status = "approved"
	StatusOrdered           Status = "ordered"
	StatusPartiallyReceived Status = "partially_received"
	StatusReceived          Status = "received"
	StatusClosed            Status = "closed"
	StatusCancelled         Status = "cancelled"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusDraft, StatusApproved, StatusOrdered, StatusPartiallyReceived,
	StatusReceived, StatusClosed, StatusCancelled,
}

// Label returns the status as shown on screen, for example "Partially received".
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "Draft"
	case StatusApproved:
		return "Approved"
	case StatusOrdered:
		return "Ordered"
	case StatusPartiallyReceived:
		return "Partially received"
	case StatusReceived:
		return "Received"
	case StatusClosed:
		return "Closed"
	case StatusCancelled:
		return "Cancelled"
	}
	return string(s)
}

// Valid reports whether s is one of the lifecycle statuses.
func (s Status) Valid() bool {
	for _, known := range Statuses {
		if s == known {
			return true
		}
	}
	return false
}

// ParseStatus reads a status as written in JSON ("partially_received") or on
// screen ("Partially received"), case-insensitively.
func ParseStatus(text string) (Status, error) {
	for _, known := range Statuses {
		if equalFoldSpaces(text, string(known)) || equalFoldSpaces(text, known.Label()) {
			return known, nil
		}
	}
	return "", &ValidationError{Field: "status", Value: text,
		Reason: "unknown status; use one of draft, approved, ordered, partially_received, received, closed, cancelled"}
}

// Role is an actor's set of permissions. Warehouse leads only read.
type Role string

// The roles of people and processes that act on POs.
const (
	RoleBuyer     Role = "buyer"
	RoleWarehouse Role = "warehouse"
	// RoleSystem is the sync engine acting for the WMS.
	RoleSystem Role = "system"
)

// Actor is who makes a change: a local user, an SSH key name or the sync engine.
type Actor struct {
	Name string
	Role Role
}

// Line is one SKU on a PO. Quantities are units; UnitCost is in minor units
// of the PO's currency (cents for EUR, yen for JPY).
type Line struct {
	SKU         string `json:"sku"`
	Description string `json:"description"`
	Ordered     int    `json:"ordered"`
	Received    int    `json:"received"`
	Rejected    int    `json:"rejected"`
	UnitCost    int64  `json:"unit_cost_minor"`
	// Unexpected marks a SKU that arrived in a receipt but was never ordered.
	Unexpected bool `json:"unexpected,omitempty"`
}

// Over returns the units received beyond the ordered quantity.
func (l Line) Over() int { return max(0, l.Received-l.Ordered) }

// Open returns the units still expected on the line.
func (l Line) Open() int { return max(0, l.Ordered-l.Received) }

// Complete reports whether the line has received at least what was ordered.
func (l Line) Complete() bool { return l.Received >= l.Ordered }

// PushState is the state of a PO's link to its WMS.
type PushState string

// The states of a PO's link to a WMS.
const (
	// PushRequested: the push is queued in the outbox and the PO is locked.
	PushRequested PushState = "requested"
	// PushDone: the WMS accepted the PO; changes now come from the WMS.
	PushDone PushState = "pushed"
	// PushFailed: the WMS rejected the PO for good; the PO is editable again.
	PushFailed PushState = "failed"
	// PushImported: the PO came from the WMS in the initial import.
	PushImported PushState = "imported"
)

// WMSLink ties a PO to its record in a WMS.
type WMSLink struct {
	Connector string `json:"connector"`
	// Label is the connector's display name at push time ("Extensiv").
	Label      string    `json:"label,omitempty"`
	RemoteID   string    `json:"remote_id,omitempty"`
	State      PushState `json:"state"`
	PushedAt   time.Time `json:"pushed_at,omitzero"`
	LastSyncAt time.Time `json:"last_sync_at,omitzero"`
	// RemoteAsOf is the WMS timestamp of the newest update applied; older
	// updates are ignored so that out-of-order deliveries change nothing.
	RemoteAsOf time.Time `json:"remote_as_of,omitzero"`
	LastError  string    `json:"last_error,omitempty"`
	Attempts   int       `json:"attempts,omitempty"`
}

// Event is one entry of a PO's history.
type Event struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Event  string    `json:"event"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	SKU    string    `json:"sku,omitempty"`
	Qty    int       `json:"qty,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// History event names.
const (
	EventCreated       = "created"
	EventEdited        = "edited"
	EventNotes         = "notes"
	EventStatus        = "status"
	EventPushRequested = "push_requested"
	EventPushed        = "pushed"
	EventPushRetry     = "push_retry"
	EventPushFailed    = "push_failed"
	EventReceipt       = "receipt"
	EventRejected      = "rejected"
	EventOverReceipt   = "over_receipt"
	EventUnexpectedSKU = "unexpected_sku"
	EventChangedInWMS  = "changed_in_wms"
	EventImported      = "imported"
)

// PO is a purchase order as stored, with its lines and history.
type PO struct {
	ID       uint64 `json:"-"`
	Number   string `json:"number"`
	Status   Status `json:"status"`
	Supplier string `json:"supplier"`
	Currency string `json:"currency"`
	// ExpectedDate is a calendar date, YYYY-MM-DD, or empty when unknown.
	ExpectedDate string    `json:"expected_date"`
	Notes        string    `json:"notes"`
	Version      uint64    `json:"version"`
	Lines        []Line    `json:"lines"`
	WMS          *WMSLink  `json:"wms"`
	History      []Event   `json:"history"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	UpdatedBy    string    `json:"updated_by"`
}

// Locked reports whether local changes to supplier, lines, dates and status
// are rejected because the PO belongs to a WMS. A push that failed for good
// unlocks the PO so the buyer can fix it.
func (p PO) Locked() bool {
	return p.WMS != nil && p.WMS.State != PushFailed
}

// Pushed reports whether the WMS has accepted or imported the PO.
func (p PO) Pushed() bool {
	return p.WMS != nil && (p.WMS.State == PushDone || p.WMS.State == PushImported)
}

// PushPending reports whether a push is queued and not yet accepted.
func (p PO) PushPending() bool {
	return p.WMS != nil && p.WMS.State == PushRequested
}

// TotalOrdered returns the ordered units over all lines.
func (p PO) TotalOrdered() int {
	total := 0
	for _, line := range p.Lines {
		total += line.Ordered
	}
	return total
}

// TotalReceived returns the received units over all lines, capped per line
// at the ordered quantity so over-receipts do not hide a short line.
func (p PO) TotalReceived() int {
	total := 0
	for _, line := range p.Lines {
		total += min(line.Received, line.Ordered)
	}
	return total
}

// Value returns the PO's value in minor units: ordered × unit cost per line.
func (p PO) Value() int64 {
	var total int64
	for _, line := range p.Lines {
		total += int64(line.Ordered) * line.UnitCost
	}
	return total
}

// Line returns the index of the line for sku, or -1.
func (p PO) Line(sku string) int {
	for i, line := range p.Lines {
		if line.SKU == sku {
			return i
		}
	}
	return -1
}

// Discrepancies counts lines that are over, rejected or unexpected.
func (p PO) Discrepancies() int {
	count := 0
	for _, line := range p.Lines {
		if line.Over() > 0 || line.Rejected > 0 || line.Unexpected {
			count++
		}
	}
	return count
}

// Summary is the part of a PO the list pane shows, kept in its own bucket
// so the board can list 100,000 POs without decoding their lines.
type Summary struct {
	ID           uint64    `json:"id"`
	Number       string    `json:"number"`
	Status       Status    `json:"status"`
	Supplier     string    `json:"supplier"`
	Currency     string    `json:"currency"`
	ExpectedDate string    `json:"expected_date"`
	Ordered      int       `json:"ordered"`
	Received     int       `json:"received"`
	Lines        int       `json:"lines"`
	Locked       bool      `json:"locked"`
	PushState    PushState `json:"push_state,omitempty"`
	Connector    string    `json:"connector,omitempty"`
	Flags        int       `json:"flags,omitempty"`
	Value        int64     `json:"value"`
	Version      uint64    `json:"version"`
	UpdatedAt    time.Time `json:"updated_at"`
	// SKUs lets the filter match a SKU without loading the PO.
	SKUs []string `json:"skus"`
}

// Summarize returns the list-pane summary of p.
func Summarize(p PO) Summary {
	summary := Summary{
		ID: p.ID, Number: p.Number, Status: p.Status, Supplier: p.Supplier,
		Currency: p.Currency, ExpectedDate: p.ExpectedDate,
		Ordered: p.TotalOrdered(), Received: p.TotalReceived(), Lines: len(p.Lines),
		Locked: p.Locked(), Flags: p.Discrepancies(), Value: p.Value(),
		Version: p.Version, UpdatedAt: p.UpdatedAt,
	}
	if p.WMS != nil {
		summary.PushState = p.WMS.State
		summary.Connector = p.WMS.Connector
	}
	summary.SKUs = make([]string, len(p.Lines))
	for i, line := range p.Lines {
		summary.SKUs[i] = line.SKU
	}
	return summary
}

// LineInput is a line as a buyer or importer gives it.
type LineInput struct {
	SKU         string
	Description string
	Ordered     int
	// UnitCost in minor units; negative means "keep the current cost" in edits.
	UnitCost int64
}

// NewPO is the input of CreatePO.
type NewPO struct {
	Supplier     string
	Currency     string
	ExpectedDate string
	Notes        string
	Lines        []LineInput
}

// Edit changes a PO. Nil fields stay as they are. With ReplaceLines the
// lines become exactly Lines; otherwise Lines are upserted by SKU and
// RemoveSKUs are dropped.
type Edit struct {
	Supplier     *string
	Currency     *string
	ExpectedDate *string
	Notes        *string
	Lines        []LineInput
	ReplaceLines bool
	RemoveSKUs   []string
}

// ReceiptLine is one SKU of a manual receipt: units accepted and rejected.
type ReceiptLine struct {
	SKU      string
	Qty      int
	Rejected int
}

// RemoteLine is a line as the WMS reports it. Received and Rejected are
// cumulative totals, not deltas. Ordered < 0 means the WMS did not report it.
type RemoteLine struct {
	SKU         string
	Description string
	Ordered     int
	Received    int
	Rejected    int
	UnitCost    int64
	HasCost     bool
}

// RemoteUpdate is the WMS's current view of one PO, delivered by a
// connector's change feed.
type RemoteUpdate struct {
	Connector string
	RemoteID  string
	// Number is our PO number when the WMS echoes it (reference number).
	Number string
	// AsOf is the WMS's last-modified time; an update not newer than the last
	// applied one changes nothing.
	AsOf time.Time
	// Status is "" when the WMS did not change it; cancelled and closed apply.
	Status       Status
	ExpectedDate string
	// Lines is the full set of lines in the WMS. Missing lines are kept.
	Lines []RemoteLine
	// LinesEdited is true when the WMS may have changed ordered quantities or costs.
	LinesEdited bool
}

// RemotePO is a PO found in the WMS during the initial import.
type RemotePO struct {
	Connector string
	// Label is the connector's display name, kept for lock messages.
	Label        string
	RemoteID     string
	Reference    string
	Supplier     string
	Currency     string
	ExpectedDate string
	Notes        string
	CreatedAt    time.Time
	AsOf         time.Time
	Lines        []RemoteLine
}

// OutboxEntry is a queued push, kept until the WMS accepts or rejects it.
type OutboxEntry struct {
	Number      string    `json:"number"`
	Connector   string    `json:"connector"`
	RequestedAt time.Time `json:"requested_at"`
	RequestedBy string    `json:"requested_by"`
	Attempts    int       `json:"attempts"`
	NextAttempt time.Time `json:"next_attempt"`
	LastError   string    `json:"last_error,omitempty"`
}
