package ui

import (
	"strings"
	"testing"

	"poboard/store"
)

func TestOrderedHintNamesUnpricedLines(t *testing.T) {
	po := store.PO{Number: "PO-000001", Status: store.StatusApproved, Lines: []store.Line{
		{SKU: "A", Ordered: 10, UnitCost: 0}, {SKU: "B", Ordered: 5, UnitCost: 250}, {SKU: "C", Ordered: 3}}}
	hint := transitionHint(po, store.StatusOrdered)
	if !strings.Contains(hint, "2 of its lines cost 0.00") {
		t.Fatalf("hint = %q, want it to count the two lines without a cost", hint)
	}

	po.Lines[0].UnitCost, po.Lines[2].UnitCost = 100, 100
	if hint := transitionHint(po, store.StatusOrdered); strings.Contains(hint, "0.00") {
		t.Fatalf("hint = %q for a fully priced PO", hint)
	}
}
