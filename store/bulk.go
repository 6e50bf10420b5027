package store

import (
	"strings"

	bolt "go.etcd.io/bbolt"
)

// bulkBatch is how many POs CreatePOs writes per transaction: large enough
// to amortize the commit's fsync, small enough to keep each commit's dirty
// pages modest.
const bulkBatch = 2000

// CreatePOs stores many draft POs at once, for imports and generated test
// databases. It validates like CreatePO and returns the new numbers in
// order. Each batch of POs commits on its own, so an error leaves the
// batches before it stored.
func (s *Store) CreatePOs(actor Actor, inputs []NewPO) ([]string, error) {
	if err := checkWriter(actor); err != nil {
		return nil, err
	}
	for _, input := range inputs {
		if err := validateNewPO(input); err != nil {
			return nil, err
		}
	}

	numbers := make([]string, 0, len(inputs))
	for start := 0; start < len(inputs); start += bulkBatch {
		batch := inputs[start:min(start+bulkBatch, len(inputs))]
		err := s.db.Update(func(tx *bolt.Tx) error {
			for _, input := range batch {
				po, err := s.insertPO(tx, actor, input)
				if err != nil {
					return err
				}
				numbers = append(numbers, po.Number)
			}
			return nil
		})
		if err != nil {
			return numbers, err
		}
	}
	return numbers, nil
}

// validateNewPO checks a new PO's currency, date and lines.
func validateNewPO(input NewPO) error {
	currency := strings.ToUpper(strings.TrimSpace(input.Currency))
	if currency != "" && !ValidCurrency(currency) {
		return &ValidationError{Field: "currency", Value: input.Currency, Reason: "use a three-letter ISO 4217 code such as EUR or USD"}
	}
	if err := validateDate("expected date", input.ExpectedDate); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, line := range input.Lines {
		if err := validateLine(line, false); err != nil {
			return err
		}
		if seen[line.SKU] {
			return &ValidationError{Field: "SKU", Value: line.SKU, Reason: "appears on two lines; put the whole quantity on one line"}
		}
		seen[line.SKU] = true
	}
	return nil
}
