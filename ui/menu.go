package ui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// statusMenu lists the statuses the selected PO may move to now.
type statusMenu struct {
	po      store.PO
	targets []store.Status
	cursor  int
}

func (m *statusMenu) title() string { return "Change status of " + m.po.Number }

func (m *statusMenu) keys(k KeyMap) []key.Binding {
	return []key.Binding{k.Up, k.Down, withHelp(k.Open, "enter", "apply"), k.Back}
}

func (m *statusMenu) body(c *common) []string {
	s := c.styles
	lines := []string{"From " + s.StatusStyle(m.po.Status).Render(m.po.Status.Label()) + " to:", ""}
	for i, target := range m.targets {
		prefix := "  "
		label := target.Label()
		if i == m.cursor {
			prefix = "> "
			label = s.MenuSelected.Render(label)
		}
		lines = append(lines, prefix+label+s.Muted.Render(transitionHint(m.po, target)))
	}
	if m.po.Locked() {
		// Closing is the only move a buyer makes here on a pushed PO.
		lines = append(lines, "", s.Lock.Render(lockMark+" "+m.po.Number+" is locked: other changes are made in "+wmsLabel(m.po)+" and sync back"))
	}
	return append(lines, "", s.Muted.Render("enter applies, esc cancels"))
}

// unpricedLines counts the ordered lines whose unit cost is 0.
func unpricedLines(po store.PO) int {
	count := 0
	for _, line := range po.Lines {
		if line.UnitCost == 0 && line.Ordered > 0 {
			count++
		}
	}
	return count
}

// transitionHint explains what a move implies, where it is not obvious.
func transitionHint(po store.PO, target store.Status) string {
	switch {
	case target == store.StatusOrdered && po.WMS != nil && po.WMS.State == store.PushImported:
		return "  counts its units as in transit; not pushed again"
	case target == store.StatusOrdered && unpricedLines(po) > 0:
		return fmt.Sprintf("  sent to the supplier; %d of its lines cost 0.00, so set their unit costs first (e)", unpricedLines(po))
	case target == store.StatusOrdered:
		return "  sent to the supplier; its units count as in transit"
	case target == store.StatusClosed && po.Status == store.StatusPartiallyReceived:
		return "  closes it short"
	case target == store.StatusCancelled:
		return "  final"
	}
	return ""
}

// update moves the cursor; it returns the chosen status on enter, and
// done when the menu should close.
func (m *statusMenu) update(k KeyMap, msg tea.KeyMsg) (chosen store.Status, done bool) {
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = clamp(m.cursor-1, 0, len(m.targets)-1)
	case key.Matches(msg, k.Down):
		m.cursor = clamp(m.cursor+1, 0, len(m.targets)-1)
	case key.Matches(msg, k.Open):
		return m.targets[m.cursor], true
	case key.Matches(msg, k.Back), key.Matches(msg, k.Quit):
		return "", true
	}
	return "", false
}

// pushConfirm is the confirmation before a push, which locks the PO for good.
type pushConfirm struct {
	po    store.PO
	label string
}

func (p *pushConfirm) title() string { return "Push " + p.po.Number }

func (p *pushConfirm) keys(k KeyMap) []key.Binding {
	return []key.Binding{withHelp(k.Confirm, "y/enter", "push"), k.Cancel}
}

func (p *pushConfirm) body(c *common) []string {
	s := c.styles
	return []string{
		"Push " + s.Bold.Render(p.po.Number) + " (" + p.po.Supplier + ", " +
			itoa(p.po.TotalOrdered()) + " units on " + itoa(len(p.po.Lines)) + " lines) to " + p.label + "?",
		"",
		"Once pushed, the PO is locked here: changes to it are made in " + p.label + " and sync back.",
		"The push runs in the background; the board stays usable.",
		"",
		s.Help.ShortKey.Render("y") + s.Muted.Render(" push   ") + s.Help.ShortKey.Render("n/esc") + s.Muted.Render(" cancel"),
	}
}

// withHelp returns b with other help text, for dialogs that give a shared
// key a specific meaning.
func withHelp(b key.Binding, keyText, description string) key.Binding {
	b.SetHelp(keyText, description)
	return b
}
