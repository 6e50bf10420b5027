package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// buyerTransitions is the lifecycle table for changes a buyer makes by hand.
// Moves into partially_received and received come only from receipts.
var buyerTransitions = map[Status][]Status{
	StatusDraft:             {StatusApproved, StatusCancelled},
	StatusApproved:          {StatusDraft, StatusOrdered, StatusCancelled},
	StatusOrdered:           {StatusApproved, StatusCancelled},
	StatusPartiallyReceived: {StatusClosed},
	StatusReceived:          {StatusClosed},
}

// AllowedTransitions returns the statuses a buyer may move po to now. A PO
// locked by a WMS allows two moves only. An imported PO moves between
// Approved and Ordered to count its units as in transit. A pushed PO that
// is Partially received or Received may be closed. Closing is poboard's
// own bookkeeping, not a change the WMS has to make, and without it a PO
// that arrived short would count its missing units as in transit forever.
func AllowedTransitions(po PO) []Status {
	if po.Locked() {
		switch {
		case po.WMS.State == PushImported && po.Status == StatusApproved:
			return []Status{StatusOrdered}
		case po.WMS.State == PushImported && po.Status == StatusOrdered:
			return []Status{StatusApproved}
		case po.WMS.State != PushRequested && (po.Status == StatusPartiallyReceived || po.Status == StatusReceived):
			return []Status{StatusClosed}
		}
		return nil
	}
	return append([]Status(nil), buyerTransitions[po.Status]...)
}

// checkTransition returns why po cannot move to target now, or nil.
func checkTransition(po PO, target Status) error {
	if !target.Valid() {
		return &ValidationError{Field: "status", Value: string(target), Reason: "unknown status"}
	}
	if po.Status == target {
		return &TransitionError{Number: po.Number, From: po.Status, To: target, Reason: "it already has that status"}
	}
	allowed := false
	for _, next := range AllowedTransitions(po) {
		if next == target {
			allowed = true
		}
	}
	if !allowed {
		if po.Locked() {
			return lockedError(po)
		}
		if target == StatusPartiallyReceived || target == StatusReceived {
			return &TransitionError{Number: po.Number, From: po.Status, To: target,
				Reason: "receiving statuses follow receipts; record a receipt instead"}
		}
		return &TransitionError{Number: po.Number, From: po.Status, To: target, Reason: allowedText(po)}
	}
	if target == StatusOrdered {
		return checkOrderable(po)
	}
	return nil
}

func allowedText(po PO) string {
	next := AllowedTransitions(po)
	if len(next) == 0 {
		return po.Status.Label() + " is final"
	}
	text := "allowed from " + po.Status.Label() + ": "
	for i, status := range next {
		if i > 0 {
			text += ", "
		}
		text += status.Label()
	}
	return text
}

// checkOrderable enforces what a PO needs before it goes to the supplier.
func checkOrderable(po PO) error {
	reason := ""
	switch {
	case po.Supplier == "":
		reason = "it has no supplier; set one with `poboard po edit " + po.Number + " --supplier NAME`"
	case len(po.Lines) == 0:
		reason = "it has no lines; add one with `poboard po edit " + po.Number + " --line SKU:QTY`"
	default:
		for _, line := range po.Lines {
			if line.Ordered <= 0 && !line.Unexpected {
				reason = fmt.Sprintf("line %s has quantity %d; every quantity must be above 0", line.SKU, line.Ordered)
				break
			}
		}
	}
	if reason != "" {
		return &TransitionError{Number: po.Number, From: po.Status, To: StatusOrdered, Reason: reason}
	}
	return nil
}

// SetStatus moves a PO to target under the lifecycle rules. version is the
// version the caller read (0 skips the check).
func (s *Store) SetStatus(actor Actor, number string, version uint64, target Status) (PO, error) {
	if err := checkWriter(actor); err != nil {
		return PO{}, err
	}
	return s.update(number, func(po *PO, now time.Time) (bool, error) {
		if err := checkVersion(*po, version); err != nil {
			return false, err
		}
		if err := checkTransition(*po, target); err != nil {
			return false, err
		}
		from := po.Status
		po.Status = target
		po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventStatus, From: string(from), To: string(target)})
		// An imported PO may already hold receipts when it becomes Ordered.
		if target == StatusOrdered {
			settleReceiptStatus(po, actor, now)
		}
		s.stamp(po, actor, now)
		return true, nil
	})
}

// RecordReceipt adds a manual receipt to a PO that is not pushed: accepted
// and rejected units per SKU. A SKU not on the PO becomes an unexpected line.
func (s *Store) RecordReceipt(actor Actor, number string, version uint64, lines []ReceiptLine) (PO, error) {
	if err := checkWriter(actor); err != nil {
		return PO{}, err
	}
	if len(lines) == 0 {
		return PO{}, &ValidationError{Field: "receipt", Reason: "name at least one SKU:QTY"}
	}
	for _, line := range lines {
		if line.SKU == "" {
			return PO{}, &ValidationError{Field: "SKU", Reason: "a receipt line needs a SKU"}
		}
		if line.Qty < 0 || line.Rejected < 0 {
			return PO{}, &ValidationError{Field: "quantity", Value: fmt.Sprint(line.Qty), Reason: "received quantity of " + line.SKU + " cannot be negative"}
		}
		if line.Qty == 0 && line.Rejected == 0 {
			return PO{}, &ValidationError{Field: "quantity", Value: "0", Reason: "receipt of " + line.SKU + " has no units"}
		}
	}
	return s.update(number, func(po *PO, now time.Time) (bool, error) {
		if err := checkVersion(*po, version); err != nil {
			return false, err
		}
		if po.Locked() {
			return false, lockedError(*po)
		}
		if po.Status != StatusOrdered && po.Status != StatusPartiallyReceived && po.Status != StatusReceived {
			return false, &ValidationError{Field: "status", Value: po.Status.Label(),
				Reason: po.Number + " can receive only while Ordered or Partially received; move it to Ordered first"}
		}
		for _, line := range lines {
			received, rejected := 0, 0
			if i := po.Line(line.SKU); i >= 0 {
				received, rejected = po.Lines[i].Received, po.Lines[i].Rejected
			}
			applyCumulative(po, RemoteLine{SKU: line.SKU, Ordered: -1, Received: received + line.Qty, Rejected: rejected + line.Rejected}, actor, now)
		}
		settleReceiptStatus(po, actor, now)
		s.stamp(po, actor, now)
		return true, nil
	})
}

// applyCumulative sets one line's received and rejected totals to the
// cumulative values given, recording the difference as history. A total
// lower than the stored one is a correction and is recorded as such.
func applyCumulative(po *PO, remote RemoteLine, actor Actor, now time.Time) bool {
	i := po.Line(remote.SKU)
	if i < 0 {
		if remote.Received == 0 && remote.Rejected == 0 {
			return false
		}
		po.Lines = append(po.Lines, Line{SKU: remote.SKU, Description: remote.Description, Unexpected: true, UnitCost: remote.UnitCost})
		i = len(po.Lines) - 1
		po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventUnexpectedSKU, SKU: remote.SKU,
			Detail: remote.SKU + " was received but is not on the PO"})
	}
	line := &po.Lines[i]
	changed := false

	if delta := remote.Received - line.Received; delta != 0 {
		wasOver := line.Over()
		line.Received = remote.Received
		po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventReceipt, SKU: line.SKU, Qty: delta,
			Detail: fmt.Sprintf("%+d of %s (%d/%d)", delta, line.SKU, line.Received, line.Ordered)})
		if over := line.Over(); over > wasOver && !line.Unexpected {
			po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventOverReceipt, SKU: line.SKU, Qty: over,
				Detail: fmt.Sprintf("%s received %d over the %d ordered", line.SKU, over, line.Ordered)})
		}
		changed = true
	}
	if delta := remote.Rejected - line.Rejected; delta != 0 {
		line.Rejected = remote.Rejected
		po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventRejected, SKU: line.SKU, Qty: delta,
			Detail: fmt.Sprintf("%+d rejected of %s", delta, line.SKU)})
		changed = true
	}
	return changed
}

// settleReceiptStatus moves an Ordered or Partially received PO to the
// status its lines call for. Received is judged line by line.
func settleReceiptStatus(po *PO, actor Actor, now time.Time) {
	if po.Status != StatusOrdered && po.Status != StatusPartiallyReceived && po.Status != StatusReceived {
		return
	}
	anyReceived, allComplete := false, len(po.Lines) > 0
	for _, line := range po.Lines {
		if line.Received > 0 {
			anyReceived = true
		}
		if !line.Complete() {
			allComplete = false
		}
	}
	target := StatusOrdered
	switch {
	case allComplete:
		target = StatusReceived
	case anyReceived:
		target = StatusPartiallyReceived
	}
	if target != po.Status {
		po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventStatus, From: string(po.Status), To: string(target)})
		po.Status = target
	}
}

// InTransit returns, per SKU, the units on Ordered and Partially received
// POs not yet received: the sum of max(0, ordered − received) over lines.
func (s *Store) InTransit() (map[string]int, error) {
	transit := map[string]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return s.forEachWithStatus(tx, []Status{StatusOrdered, StatusPartiallyReceived}, func(id uint64) error {
			po, err := getPOByID(tx, id)
			if err != nil {
				return err
			}
			for _, line := range po.Lines {
				if open := line.Open(); open > 0 {
					transit[line.SKU] += open
				}
			}
			return nil
		})
	})
	return transit, err
}
