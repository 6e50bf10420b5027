package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// RequestPush marks an Ordered PO for pushing to connector and queues the
// push in the outbox, both in one transaction: after a crash the outbox
// still holds the request and the sync engine resumes it. label is the
// connector's display name, kept for lock messages.
func (s *Store) RequestPush(actor Actor, number string, version uint64, connector, label string) (PO, error) {
	if err := checkWriter(actor); err != nil {
		return PO{}, err
	}
	var result PO
	err := s.db.Update(func(tx *bolt.Tx) error {
		po, err := getPO(tx, number)
		if err != nil {
			return err
		}
		if err := checkVersion(po, version); err != nil {
			return err
		}
		if po.Locked() {
			return lockedError(po)
		}
		if po.Status != StatusOrdered {
			return &ValidationError{Field: "status", Value: po.Status.Label(),
				Reason: po.Number + " can be pushed only while Ordered; move it to Ordered first"}
		}
		if err := checkOrderable(po); err != nil {
			return err
		}

		now := s.now().UTC()
		po.WMS = &WMSLink{Connector: connector, Label: label, State: PushRequested}
		po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventPushRequested, To: label})
		s.stamp(&po, actor, now)

		entry := OutboxEntry{Number: po.Number, Connector: connector, RequestedAt: now, RequestedBy: actor.Name, NextAttempt: now}
		if err := putOutbox(tx, entry); err != nil {
			return err
		}
		result = po
		return s.putPO(tx, po, po.Status)
	})
	return result, err
}

func putOutbox(tx *bolt.Tx, entry OutboxEntry) error {
	raw, err := json.Marshal(entry)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketOutbox).Put([]byte(entry.Number), raw)
}

// PendingPushes returns the queued pushes, oldest PO first.
func (s *Store) PendingPushes() ([]OutboxEntry, error) {
	var entries []OutboxEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(_, raw []byte) error {
			var entry OutboxEntry
			if err := json.Unmarshal(raw, &entry); err != nil {
				return fmt.Errorf("outbox entry is unreadable: %w", err)
			}
			entries = append(entries, entry)
			return nil
		})
	})
	return entries, err
}

// NotePushAttempt records a failed attempt that will be retried at next.
// The PO's history gains an entry only when the error text changes, so a
// long outage does not flood it.
func (s *Store) NotePushAttempt(number string, attempts int, errText string, next time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketOutbox).Get([]byte(number))
		if raw == nil {
			return nil
		}
		var entry OutboxEntry
		if err := json.Unmarshal(raw, &entry); err != nil {
			return err
		}
		repeated := entry.LastError == errText
		entry.Attempts, entry.LastError, entry.NextAttempt = attempts, errText, next.UTC()
		if err := putOutbox(tx, entry); err != nil {
			return err
		}

		po, err := getPO(tx, number)
		if err != nil {
			return err
		}
		if po.WMS == nil {
			return nil
		}
		po.WMS.LastError, po.WMS.Attempts = errText, attempts
		if !repeated {
			po.History = append(po.History, Event{At: s.now().UTC(), Actor: "sync", Event: EventPushRetry,
				Detail: fmt.Sprintf("attempt %d failed: %s; retrying at %s", attempts, errText, next.UTC().Format(time.RFC3339))})
		}
		// NOTE: the version is not bumped for retry notes, so a buyer's
		// pending edit of the notes field is not made stale by them.
		return s.putPO(tx, po, po.Status)
	})
}

// CompletePush records that the WMS accepted the PO as remoteID, removes
// the outbox entry and links the PO for sync.
func (s *Store) CompletePush(number, remoteID string) (PO, error) {
	return s.finishPush(number, "complete", func(po *PO, now time.Time) {
		po.WMS.RemoteID, po.WMS.State = remoteID, PushDone
		po.WMS.PushedAt, po.WMS.LastSyncAt, po.WMS.LastError = now, now, ""
		po.History = append(po.History, Event{At: now, Actor: "sync", Event: EventPushed, To: po.WMS.Label,
			Detail: fmt.Sprintf("accepted by %s as %s", po.WMS.Label, remoteID)})
	})
}

// FailPush records that the WMS rejected the PO for good. The outbox entry
// is removed and the PO unlocks so the buyer can fix it and push again.
func (s *Store) FailPush(number, reason string) (PO, error) {
	return s.finishPush(number, "fail", func(po *PO, now time.Time) {
		po.WMS.State, po.WMS.LastError = PushFailed, reason
		po.History = append(po.History, Event{At: now, Actor: "sync", Event: EventPushFailed, To: po.WMS.Label, Detail: reason})
	})
}

// finishPush applies the outcome of a push to the PO and removes its
// outbox entry in the same transaction.
func (s *Store) finishPush(number, outcome string, apply func(po *PO, now time.Time)) (PO, error) {
	var result PO
	err := s.db.Update(func(tx *bolt.Tx) error {
		po, err := getPO(tx, number)
		if err != nil {
			return err
		}
		if po.WMS == nil {
			return fmt.Errorf("%s has no push request to %s", number, outcome)
		}
		now := s.now().UTC()
		apply(&po, now)
		s.stamp(&po, Actor{Name: "sync", Role: RoleSystem}, now)
		if err := tx.Bucket(bucketOutbox).Delete([]byte(po.Number)); err != nil {
			return err
		}
		result = po
		return s.putPO(tx, po, po.Status)
	})
	return result, err
}

// LinkedPOs returns the POs linked to connector that are still open for
// receiving or edits in the WMS (not Closed or Cancelled). It walks the link
// index and decodes only open linked POs, because the poller calls it on
// every round and most POs of a large database are not linked.
func (s *Store) LinkedPOs(connector string) ([]PO, error) {
	var linked []PO
	err := s.db.View(func(tx *bolt.Tx) error {
		index := tx.Bucket(bucketStatus)
		prefix := []byte(connector + "\x00")
		cursor := tx.Bucket(bucketLinks).Cursor()
		for key, raw := cursor.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, raw = cursor.Next() {
			id := binary.BigEndian.Uint64(raw)
			open := false
			for _, status := range []Status{StatusApproved, StatusOrdered, StatusPartiallyReceived, StatusReceived} {
				if index.Get(statusKey(status, id)) != nil {
					open = true
					break
				}
			}
			if !open {
				continue
			}
			po, err := getPOByID(tx, id)
			if err != nil {
				return err
			}
			linked = append(linked, po)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortByID(linked)
	return linked, nil
}

// findLinked locates the PO an update from the WMS is about: by remote id
// first, then by our PO number when the WMS echoes it.
func findLinked(tx *bolt.Tx, connector, remoteID, number string) (PO, bool, error) {
	if remoteID != "" {
		if raw := tx.Bucket(bucketLinks).Get(linkKey(connector, remoteID)); raw != nil {
			po, err := getPOByID(tx, binary.BigEndian.Uint64(raw))
			return po, err == nil, err
		}
	}
	if number != "" {
		po, err := getPO(tx, number)
		if err == nil && po.WMS != nil && po.WMS.Connector == connector {
			return po, true, nil
		}
	}
	return PO{}, false, nil
}

// ApplyRemote applies the WMS's view of one PO: cumulative received and
// rejected units per line, edits made in the WMS, and cancellation. An
// update that is not newer than the last one applied changes nothing, so a
// feed that repeats itself or arrives out of order is harmless. It returns
// whether the PO changed; an update for a PO we do not know is skipped.
func (s *Store) ApplyRemote(update RemoteUpdate) (PO, bool, error) {
	var result PO
	changed := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		po, found, err := findLinked(tx, update.Connector, update.RemoteID, update.Number)
		if err != nil || !found {
			return err
		}
		now := s.now().UTC()
		po.WMS.LastSyncAt = now
		result = po
		if !update.AsOf.IsZero() && !po.WMS.RemoteAsOf.IsZero() && !update.AsOf.After(po.WMS.RemoteAsOf) {
			return nil
		}
		previous := po.Status
		actor := Actor{Name: po.WMS.Label, Role: RoleSystem}
		if actor.Name == "" {
			actor.Name = update.Connector
		}

		changed = applyRemoteEdits(&po, update, actor, now)
		for _, line := range update.Lines {
			if applyCumulative(&po, line, actor, now) {
				changed = true
			}
		}
		if update.Status == StatusCancelled || update.Status == StatusClosed {
			if po.Status != update.Status {
				po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventStatus, From: string(po.Status), To: string(update.Status),
					Detail: "changed in " + actor.Name})
				po.Status = update.Status
				changed = true
			}
		} else if changed {
			settleReceiptStatus(&po, actor, now)
		}

		if !update.AsOf.IsZero() {
			po.WMS.RemoteAsOf = update.AsOf.UTC()
		}
		if changed {
			s.stamp(&po, actor, now)
		}
		result = po
		return s.putPO(tx, po, previous)
	})
	return result, changed, err
}

// applyRemoteEdits copies quantities, costs and the expected date that were
// changed in the WMS, recording each in the history.
func applyRemoteEdits(po *PO, update RemoteUpdate, actor Actor, now time.Time) bool {
	var changes []string
	if update.ExpectedDate != "" && update.ExpectedDate != po.ExpectedDate {
		changes = append(changes, fmt.Sprintf("expected date %s → %s", orNone(po.ExpectedDate), update.ExpectedDate))
		po.ExpectedDate = update.ExpectedDate
	}
	if update.LinesEdited {
		for _, remote := range update.Lines {
			i := po.Line(remote.SKU)
			if i < 0 {
				if remote.Ordered > 0 {
					po.Lines = append(po.Lines, Line{SKU: remote.SKU, Description: remote.Description, Ordered: remote.Ordered, UnitCost: remote.UnitCost})
					changes = append(changes, fmt.Sprintf("added %s × %d", remote.SKU, remote.Ordered))
				}
				continue
			}
			line := &po.Lines[i]
			if remote.Ordered >= 0 && remote.Ordered != line.Ordered {
				changes = append(changes, fmt.Sprintf("%s quantity %d → %d", line.SKU, line.Ordered, remote.Ordered))
				line.Ordered = remote.Ordered
				line.Unexpected = false
			}
			if remote.HasCost && remote.UnitCost != line.UnitCost {
				changes = append(changes, fmt.Sprintf("%s unit cost %s → %s", line.SKU,
					FormatMoney(line.UnitCost, po.Currency), FormatMoney(remote.UnitCost, po.Currency)))
				line.UnitCost = remote.UnitCost
			}
		}
	}
	if len(changes) == 0 {
		return false
	}
	po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventChangedInWMS, Detail: strings.Join(changes, "; ")})
	return true
}

// ImportRemote stores a PO found in the WMS as Approved, linked and locked.
// A PO already linked to the same remote id is left alone and created is
// false, so the import can run again safely.
func (s *Store) ImportRemote(remote RemotePO) (po PO, created bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		existing, found, err := findLinked(tx, remote.Connector, remote.RemoteID, remote.Reference)
		if err != nil {
			return err
		}
		if found {
			po = existing
			return nil
		}

		id, err := tx.Bucket(bucketPOs).NextSequence()
		if err != nil {
			return err
		}
		now := s.now().UTC()
		currency := strings.ToUpper(remote.Currency)
		if !ValidCurrency(currency) {
			currency = DefaultCurrency
		}
		po = PO{
			ID: id, Number: FormatNumber(id), Status: StatusApproved, Supplier: remote.Supplier,
			Currency: currency, ExpectedDate: remote.ExpectedDate, Notes: remote.Notes,
			CreatedAt: now, Lines: []Line{}, History: []Event{},
			WMS: &WMSLink{Connector: remote.Connector, Label: remote.Label, RemoteID: remote.RemoteID, State: PushImported,
				LastSyncAt: now, RemoteAsOf: remote.AsOf.UTC()},
		}
		for _, line := range remote.Lines {
			po.Lines = append(po.Lines, Line{SKU: line.SKU, Description: line.Description, Ordered: max(line.Ordered, 0),
				Received: line.Received, Rejected: line.Rejected, UnitCost: line.UnitCost, Unexpected: line.Ordered <= 0})
		}
		source := remote.Label
		if source == "" {
			source = remote.Connector
		}
		detail := "imported from " + source + " as " + remote.RemoteID
		if remote.Reference != "" {
			detail += " (reference " + remote.Reference + ")"
		}
		po.History = append(po.History, Event{At: now, Actor: "sync", Event: EventImported, To: string(StatusApproved), Detail: detail})
		s.stamp(&po, Actor{Name: "sync", Role: RoleSystem}, now)
		created = true
		return s.putPO(tx, po, "")
	})
	return po, created, err
}

// GetState returns the value stored under key in a connector's namespace,
// or nil. Connectors keep cursors and, for the simulator, the whole
// simulated warehouse here, so it survives restarts.
func (s *Store) GetState(namespace, key string) ([]byte, error) {
	var value []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		bucket := tx.Bucket(bucketState).Bucket([]byte(namespace))
		if bucket == nil {
			return nil
		}
		if raw := bucket.Get([]byte(key)); raw != nil {
			value = append([]byte(nil), raw...)
		}
		return nil
	})
	return value, err
}

// PutState stores value under key in namespace; a nil value deletes the key.
func (s *Store) PutState(namespace, key string, value []byte) error {
	return s.UpdateState(namespace, key, func([]byte) ([]byte, error) { return value, nil })
}

// UpdateState replaces the value under key with fn(old) in one transaction.
func (s *Store) UpdateState(namespace, key string, fn func(old []byte) ([]byte, error)) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		bucket, err := tx.Bucket(bucketState).CreateBucketIfNotExists([]byte(namespace))
		if err != nil {
			return err
		}
		var old []byte
		if raw := bucket.Get([]byte(key)); raw != nil {
			old = append([]byte(nil), raw...)
		}
		value, err := fn(old)
		if err != nil {
			return err
		}
		if value == nil {
			return bucket.Delete([]byte(key))
		}
		return bucket.Put([]byte(key), value)
	})
}

// StateKeys returns the keys stored in namespace, in byte order.
func (s *Store) StateKeys(namespace string) ([]string, error) {
	var keys []string
	err := s.db.View(func(tx *bolt.Tx) error {
		bucket := tx.Bucket(bucketState).Bucket([]byte(namespace))
		if bucket == nil {
			return nil
		}
		return bucket.ForEach(func(key, _ []byte) error {
			keys = append(keys, string(key))
			return nil
		})
	})
	return keys, err
}

// DropPush removes a queued push whose PO no longer waits for it (the PO
// was deleted, or its push already completed before a crash).
func (s *Store) DropPush(number string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).Delete([]byte(number))
	})
}
