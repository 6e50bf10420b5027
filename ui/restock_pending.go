package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"poboard/forecast"
	"poboard/store"
)

// pendingLine is the units of a SKU on a Draft or Approved PO. Such POs
// never count as in transit, so the plan still suggests those units. The
// restock view shows them so that no one orders them twice.
type pendingLine struct {
	po     string
	status store.Status
	units  int
}

// maxListedSKUs is how many SKUs the duplicate-draft question names
// before it counts the rest.
const maxListedSKUs = 3

// pendingLines returns, for each SKU of the plan, its lines on Draft and
// Approved POs, by PO number. Summaries list a PO's SKUs, so only the POs
// that hold a planned SKU are read in full.
func pendingLines(st *store.Store, plan forecast.Plan) (map[string][]pendingLine, error) {
	planned := map[string]bool{}
	for _, group := range plan.Groups {
		for _, s := range group.Suggestions {
			planned[s.SKU] = true
		}
	}
	summaries, err := st.ListSummaries(store.StatusDraft, store.StatusApproved)
	if err != nil {
		return nil, err
	}

	pending := map[string][]pendingLine{}
	for _, summary := range summaries {
		if !slices.ContainsFunc(summary.SKUs, func(sku string) bool { return planned[sku] }) {
			continue
		}
		po, err := st.GetPO(summary.Number)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		// The PO may have moved on since the summaries were read.
		if po.Status != store.StatusDraft && po.Status != store.StatusApproved {
			continue
		}
		for _, line := range po.Lines {
			if planned[line.SKU] && line.Ordered > 0 {
				pending[line.SKU] = append(pending[line.SKU], pendingLine{po: po.Number, status: po.Status, units: line.Ordered})
			}
		}
	}
	for _, lines := range pending {
		slices.SortFunc(lines, func(a, b pendingLine) int { return strings.Compare(a.po, b.po) })
	}
	return pending, nil
}

// pendingText lists a SKU's lines on Draft and Approved POs:
// "draft PO-000012 has 60, approved PO-000013 has 20".
func pendingText(lines []pendingLine) string {
	parts := make([]string, 0, len(lines))
	for _, line := range lines {
		parts = append(parts, fmt.Sprintf("%s %s has %d", strings.ToLower(line.status.Label()), line.po, line.units))
	}
	return strings.Join(parts, ", ")
}

// pendingPOs names the POs of lines: "draft PO-000012 and approved PO-000013".
func pendingPOs(lines []pendingLine) string {
	names := make([]string, 0, len(lines))
	for _, line := range lines {
		names = append(names, strings.ToLower(line.status.Label())+" "+line.po)
	}
	return joinAnd(names)
}

// joinAnd joins names as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// draftsConfirm is the question asked before drafts are created for SKUs
// that Draft or Approved POs already hold.
type draftsConfirm struct {
	// suggestions are the SKUs to order, as selected when enter was pressed.
	suggestions []forecast.Suggestion
	question    string
}

// duplicateQuestion returns the question to ask before ordering chosen,
// or "" when no Draft or Approved PO holds any of its SKUs.
func (v *restockView) duplicateQuestion(chosen []forecast.Suggestion) string {
	var onPOs []string
	for _, s := range chosen {
		if len(v.pending[s.SKU]) > 0 {
			onPOs = append(onPOs, s.SKU)
		}
	}
	switch len(onPOs) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("%s is already on %s; create another draft? y/n", onPOs[0], pendingPOs(v.pending[onPOs[0]]))
	}

	var named []string
	for _, sku := range onPOs[:min(len(onPOs), maxListedSKUs)] {
		named = append(named, sku+" on "+pendingPOs(v.pending[sku]))
	}
	if rest := len(onPOs) - len(named); rest > 0 {
		named = append(named, fmt.Sprintf("%d more", rest))
	}
	return fmt.Sprintf("%d SKUs are already on draft or approved POs (%s); create more drafts? y/n", len(onPOs), joinAnd(named))
}
