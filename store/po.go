package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DefaultCurrency is used when a new PO names none.
const DefaultCurrency = "USD"

// checkWriter rejects actors whose role may only read.
func checkWriter(actor Actor) error {
	if actor.Role == RoleWarehouse {
		return &ForbiddenError{Actor: actor.Name, Role: actor.Role}
	}
	return nil
}

// checkVersion rejects a write based on an old version. Version 0 skips the
// check; the sync engine and one-shot CLI commands use it.
func checkVersion(po PO, version uint64) error {
	if version != 0 && version != po.Version {
		return &StaleError{Number: po.Number, By: po.UpdatedBy, At: po.UpdatedAt}
	}
	return nil
}

func (s *Store) stamp(po *PO, actor Actor, now time.Time) {
	po.Version++
	po.UpdatedAt = now
	po.UpdatedBy = actor.Name
}

func validateDate(field, date string) error {
	if date == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return &ValidationError{Field: field, Value: date, Reason: "not a date; write it as YYYY-MM-DD"}
	}
	return nil
}

// validateLine checks one input line. With keepCost, a UnitCost of -1
// means "keep the current cost" and is allowed.
func validateLine(line LineInput, keepCost bool) error {
	if strings.TrimSpace(line.SKU) == "" {
		return &ValidationError{Field: "SKU", Reason: "a line needs a SKU"}
	}
	if strings.ContainsAny(line.SKU, " \t\n") {
		return &ValidationError{Field: "SKU", Value: line.SKU, Reason: "a SKU cannot contain spaces"}
	}
	if line.Ordered < 0 {
		return &ValidationError{Field: "quantity", Value: fmt.Sprint(line.Ordered), Reason: "quantity of " + line.SKU + " cannot be negative"}
	}
	if line.UnitCost < 0 && !(keepCost && line.UnitCost == -1) {
		return &ValidationError{Field: "unit cost", Value: fmt.Sprint(line.UnitCost), Reason: "unit cost of " + line.SKU + " cannot be negative"}
	}
	return nil
}

// CreatePO stores a new draft PO and returns it with its number.
func (s *Store) CreatePO(actor Actor, input NewPO) (PO, error) {
	if err := checkWriter(actor); err != nil {
		return PO{}, err
	}
	if err := validateNewPO(input); err != nil {
		return PO{}, err
	}
	var created PO
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		created, err = s.insertPO(tx, actor, input)
		return err
	})
	return created, err
}

// insertPO writes a validated new draft PO inside tx.
func (s *Store) insertPO(tx *bolt.Tx, actor Actor, input NewPO) (PO, error) {
	id, err := tx.Bucket(bucketPOs).NextSequence()
	if err != nil {
		return PO{}, err
	}
	currency := strings.ToUpper(strings.TrimSpace(input.Currency))
	if currency == "" {
		currency = DefaultCurrency
	}
	now := s.now().UTC()
	po := PO{
		ID: id, Number: FormatNumber(id), Status: StatusDraft,
		Supplier: strings.TrimSpace(input.Supplier), Currency: currency,
		ExpectedDate: input.ExpectedDate, Notes: input.Notes,
		CreatedAt: now, Lines: make([]Line, 0, len(input.Lines)), History: []Event{},
	}
	for _, line := range input.Lines {
		po.Lines = append(po.Lines, Line{SKU: line.SKU, Description: line.Description, Ordered: line.Ordered, UnitCost: line.UnitCost})
	}
	po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventCreated, To: string(StatusDraft)})
	s.stamp(&po, actor, now)
	return po, s.putPO(tx, po, "")
}

// GetPO returns the PO with the given number ("PO-000042" or "42").
func (s *Store) GetPO(number string) (PO, error) {
	var po PO
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		po, err = getPO(tx, number)
		return err
	})
	return po, err
}

// ListSummaries returns the summaries of every PO whose status is one of
// statuses (all POs when none are given), oldest first.
func (s *Store) ListSummaries(statuses ...Status) ([]Summary, error) {
	var summaries []Summary
	err := s.db.View(func(tx *bolt.Tx) error {
		if len(statuses) > 0 {
			return s.forEachWithStatus(tx, statuses, func(id uint64) error {
				summary, err := decodeSummary(tx.Bucket(bucketSummaries).Get(idKey(id)))
				if err != nil {
					return fmt.Errorf("summary of %s is unreadable: %w", FormatNumber(id), err)
				}
				summaries = append(summaries, summary)
				return nil
			})
		}
		bucket := tx.Bucket(bucketSummaries)
		summaries = make([]Summary, 0, bucket.Stats().KeyN)
		return bucket.ForEach(func(key, raw []byte) error {
			summary, err := decodeSummary(raw)
			if err != nil {
				return fmt.Errorf("summary of %s is unreadable: %w", FormatNumber(binary.BigEndian.Uint64(key)), err)
			}
			summaries = append(summaries, summary)
			return nil
		})
	})
	return summaries, err
}

// ListPOs returns whole POs (lines and history) with the given statuses,
// all POs when none are given.
func (s *Store) ListPOs(statuses ...Status) ([]PO, error) {
	var pos []PO
	err := s.db.View(func(tx *bolt.Tx) error {
		if len(statuses) == 0 {
			statuses = Statuses
		}
		return s.forEachWithStatus(tx, statuses, func(id uint64) error {
			po, err := getPOByID(tx, id)
			if err != nil {
				return err
			}
			pos = append(pos, po)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sortByID(pos)
	return pos, nil
}

func sortByID(pos []PO) {
	slices.SortFunc(pos, func(a, b PO) int { return cmp.Compare(a.ID, b.ID) })
}

// forEachWithStatus calls fn with the id of each PO in one of statuses.
func (s *Store) forEachWithStatus(tx *bolt.Tx, statuses []Status, fn func(id uint64) error) error {
	cursor := tx.Bucket(bucketStatus).Cursor()
	for _, status := range statuses {
		prefix := []byte(string(status) + "/")
		for key, _ := cursor.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, _ = cursor.Next() {
			if err := fn(binary.BigEndian.Uint64(key[len(prefix):])); err != nil {
				return err
			}
		}
	}
	return nil
}

// CountPOs returns how many POs the database holds.
func (s *Store) CountPOs() (int, error) {
	count := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		count = tx.Bucket(bucketNumbers).Stats().KeyN
		return nil
	})
	return count, err
}

// update runs fn on the PO inside one write transaction and stores the
// result. fn returns false when it changed nothing.
func (s *Store) update(number string, fn func(po *PO, now time.Time) (bool, error)) (PO, error) {
	var result PO
	err := s.db.Update(func(tx *bolt.Tx) error {
		po, err := getPO(tx, number)
		if err != nil {
			return err
		}
		previous := po.Status
		changed, err := fn(&po, s.now().UTC())
		if err != nil {
			return err
		}
		result = po
		if !changed {
			return nil
		}
		return s.putPO(tx, po, previous)
	})
	return result, err
}

func lockedError(po PO) error {
	label := "the WMS"
	if po.WMS != nil {
		label = po.WMS.Label
		if label == "" {
			label = po.WMS.Connector
		}
	}
	return &LockedError{Number: po.Number, WMS: label, Pending: po.PushPending()}
}

// EditPO changes a PO's header fields and lines. version is the version the
// caller read (0 skips the check). On a locked PO only Notes may change.
func (s *Store) EditPO(actor Actor, number string, version uint64, edit Edit) (PO, error) {
	if err := checkWriter(actor); err != nil {
		return PO{}, err
	}
	return s.update(number, func(po *PO, now time.Time) (bool, error) {
		if err := checkVersion(*po, version); err != nil {
			return false, err
		}
		structural := edit.Supplier != nil || edit.Currency != nil || edit.ExpectedDate != nil ||
			len(edit.Lines) > 0 || edit.ReplaceLines || len(edit.RemoveSKUs) > 0
		if structural && po.Locked() {
			return false, lockedError(*po)
		}
		if structural && po.Status != StatusDraft && po.Status != StatusApproved && po.Status != StatusOrdered {
			return false, &ValidationError{Field: "status", Value: po.Status.Label(),
				Reason: po.Number + " can only be edited while Draft, Approved or Ordered"}
		}

		var changes []string
		notesChanged := edit.Notes != nil && *edit.Notes != po.Notes
		if notesChanged {
			po.Notes = *edit.Notes
			po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventNotes})
		}
		if err := applyHeaderEdit(po, edit, &changes); err != nil {
			return false, err
		}
		if err := applyLineEdit(po, edit, &changes); err != nil {
			return false, err
		}
		if len(changes) > 0 {
			po.History = append(po.History, Event{At: now, Actor: actor.Name, Event: EventEdited, Detail: strings.Join(changes, "; ")})
		}
		if len(changes) == 0 && !notesChanged {
			return false, nil
		}
		s.stamp(po, actor, now)
		return true, nil
	})
}

func applyHeaderEdit(po *PO, edit Edit, changes *[]string) error {
	if edit.Supplier != nil {
		supplier := strings.TrimSpace(*edit.Supplier)
		if supplier != po.Supplier {
			*changes = append(*changes, fmt.Sprintf("supplier %q → %q", po.Supplier, supplier))
			po.Supplier = supplier
		}
	}
	if edit.Currency != nil {
		currency := strings.ToUpper(strings.TrimSpace(*edit.Currency))
		if !ValidCurrency(currency) {
			return &ValidationError{Field: "currency", Value: *edit.Currency, Reason: "use a three-letter ISO 4217 code such as EUR or USD"}
		}
		if currency != po.Currency {
			*changes = append(*changes, fmt.Sprintf("currency %s → %s", po.Currency, currency))
			po.Currency = currency
		}
	}
	if edit.ExpectedDate != nil {
		if err := validateDate("expected date", *edit.ExpectedDate); err != nil {
			return err
		}
		if *edit.ExpectedDate != po.ExpectedDate {
			*changes = append(*changes, fmt.Sprintf("expected date %s → %s", orNone(po.ExpectedDate), orNone(*edit.ExpectedDate)))
			po.ExpectedDate = *edit.ExpectedDate
		}
	}
	return nil
}

func orNone(text string) string {
	if text == "" {
		return "none"
	}
	return text
}

func applyLineEdit(po *PO, edit Edit, changes *[]string) error {
	seen := map[string]bool{}
	for _, line := range edit.Lines {
		if err := validateLine(line, true); err != nil {
			return err
		}
		if seen[line.SKU] {
			return &ValidationError{Field: "SKU", Value: line.SKU, Reason: "appears on two lines; put the whole quantity on one line"}
		}
		seen[line.SKU] = true
	}

	if edit.ReplaceLines {
		for _, old := range po.Lines {
			if !seen[old.SKU] {
				*changes = append(*changes, "removed "+old.SKU)
			}
		}
		kept := make([]Line, 0, len(edit.Lines))
		for _, line := range edit.Lines {
			kept = append(kept, mergeLine(po, line, changes))
		}
		po.Lines = kept
		return nil
	}

	for _, sku := range edit.RemoveSKUs {
		i := po.Line(sku)
		if i < 0 {
			return &ValidationError{Field: "SKU", Value: sku, Reason: po.Number + " has no line with this SKU"}
		}
		po.Lines = append(po.Lines[:i], po.Lines[i+1:]...)
		*changes = append(*changes, "removed "+sku)
	}
	for _, line := range edit.Lines {
		merged := mergeLine(po, line, changes)
		if i := po.Line(line.SKU); i >= 0 {
			po.Lines[i] = merged
		} else {
			po.Lines = append(po.Lines, merged)
		}
	}
	return nil
}

// mergeLine returns the line for input, keeping received quantities and,
// when input.UnitCost < 0, the old cost; it records what changed.
func mergeLine(po *PO, input LineInput, changes *[]string) Line {
	i := po.Line(input.SKU)
	if i < 0 {
		cost := max(input.UnitCost, 0)
		*changes = append(*changes, fmt.Sprintf("added %s × %d", input.SKU, input.Ordered))
		return Line{SKU: input.SKU, Description: input.Description, Ordered: input.Ordered, UnitCost: cost}
	}
	line := po.Lines[i]
	if input.Ordered != line.Ordered {
		*changes = append(*changes, fmt.Sprintf("%s quantity %d → %d", line.SKU, line.Ordered, input.Ordered))
		line.Ordered = input.Ordered
	}
	if input.UnitCost >= 0 && input.UnitCost != line.UnitCost {
		*changes = append(*changes, fmt.Sprintf("%s unit cost %s → %s", line.SKU,
			FormatMoney(line.UnitCost, po.Currency), FormatMoney(input.UnitCost, po.Currency)))
		line.UnitCost = input.UnitCost
	}
	if input.Description != "" {
		line.Description = input.Description
	}
	return line
}
