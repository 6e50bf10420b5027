package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// View renders the screen. Below the minimum size it shows how big the
// terminal must be in place of the board.
func (m *Model) View() string {
	if m.width == 0 && m.height == 0 {
		return ""
	}
	if m.tooSmall() {
		return m.tooSmallView()
	}

	var body string
	var footer []key.Binding
	full := m.height - 1
	switch m.mode {
	case modeHelp:
		body, footer = m.helpView(full), []key.Binding{withHelp(m.c.keys.Back, "esc/?", "close help")}
	case modeForm:
		body, footer = m.form.view(m.width, full), m.form.grid.keys(m.form.notesOnly == "")
	case modeReceipt:
		body, footer = m.receipt.view(m.width, full), m.receipt.grid.keys(true)
	case modeIntegrations:
		body, footer = m.integrations.view(m.width, full, m.spin()), m.integrations.keys()
	case modeRestock:
		// The restock view has more keys than 80 columns hold, so its key
		// help wraps instead of cutting keys off.
		lines := m.wrapFooter(m.restock.keys())
		body = m.restock.view(m.width, m.height-len(lines), m.c.importJob, m.spin())
		return body + "\n" + strings.Join(lines, "\n")
	case modeSettings:
		body, footer = m.settings.view(m.width, full), formKeys(m.c.keys, false)
	default:
		return m.boardView()
	}
	return body + "\n" + m.footer(m.help.ShortHelpView(footer))
}

// footer cuts the key help to the terminal's width. bubbles' help adds
// every key once the ellipsis no longer fits, so a long list would wrap.
func (m *Model) footer(help string) string {
	if lipgloss.Width(help) <= m.width {
		return help
	}
	return ansi.Truncate(help, m.width, "…")
}

// wrapFooter renders the key help of keys in as many lines of the
// terminal's width as it needs, breaking between keys.
func (m *Model) wrapFooter(keys []key.Binding) []string {
	// Measured without a width, bubbles' help renders every key instead
	// of ending the line with "…".
	full := m.help
	full.Width = 0
	var lines []string
	var line []key.Binding
	for _, binding := range keys {
		candidate := append(append([]key.Binding(nil), line...), binding)
		if len(line) > 0 && lipgloss.Width(full.ShortHelpView(candidate)) > m.width {
			lines = append(lines, full.ShortHelpView(line))
			candidate = []key.Binding{binding}
		}
		line = candidate
	}
	return append(lines, m.footer(full.ShortHelpView(line)))
}

// boardView renders the three panes and the focused pane's key help.
func (m *Model) boardView() string {
	m.layoutPanes()
	list := m.list.View(m.focus == focusList)
	detail := m.detail.View(m.focus == focusDetail, m.spin())
	var panes string
	if m.width >= 150 {
		panes = lipgloss.JoinHorizontal(lipgloss.Top, list, detail)
	} else {
		panes = list + "\n" + detail
	}
	status := m.status.View(m.focus == focusStatus, m.spin())
	keys := m.focusedHelp()
	if m.detail.dialog != nil {
		keys = keyList(m.detail.dialog.keys(m.c.keys))
	}
	return panes + "\n" + status + "\n" + m.footer(m.help.View(m.fitKeys(keys)))
}

// fitKeys drops keys from the end of a short key help that is wider than
// the terminal, but keeps help and quit, so `? help` and `q quit` always
// show on the board.
func (m *Model) fitKeys(keys help.KeyMap) help.KeyMap {
	short := keys.ShortHelp()
	full := m.help
	full.Width = 0
	if lipgloss.Width(full.ShortHelpView(short)) <= m.width {
		return keys
	}
	var kept, tail []key.Binding
	for _, binding := range short {
		if binding.Help().Key == m.c.keys.Help.Help().Key || binding.Help().Key == m.c.keys.Quit.Help().Key {
			tail = append(tail, binding)
		} else {
			kept = append(kept, binding)
		}
	}
	for len(kept) > 0 && lipgloss.Width(full.ShortHelpView(append(append([]key.Binding(nil), kept...), tail...))) > m.width {
		kept = kept[:len(kept)-1]
	}
	return keyList(append(kept, tail...))
}

// tooSmall reports whether the terminal is below 80×24, or its size is
// not known yet.
func (m *Model) tooSmall() bool {
	return m.width < minWidth || m.height < minHeight
}

// tooSmallView replaces the board when the terminal is below 80×24.
func (m *Model) tooSmallView() string {
	text := fmt.Sprintf("Terminal too small: %d×%d.\nThe board needs at least %d×%d;\nenlarge the window, or press q to quit.",
		m.width, m.height, minWidth, minHeight)
	if m.width < 20 || m.height < 3 {
		return fit(fmt.Sprintf("need %d×%d", minWidth, minHeight), max(1, m.width))
	}
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		lines = append(lines, fit(line, m.width))
	}
	return strings.Join(lines[:min(len(lines), m.height)], "\n")
}

// helpView lists every key of the focused pane and explains the marks.
func (m *Model) helpView(height int) string {
	s := m.c.styles
	names := map[focus]string{focusList: "PO list", focusDetail: "detail", focusStatus: "status"}
	full := m.help
	full.ShowAll = true
	full.Width = 0
	var body []string
	for _, block := range helpBlocks(full, m.focusedHelp().FullHelp(), m.width-2) {
		body = append(body, strings.Split(block, "\n")...)
		body = append(body, "")
	}
	body = append(body,
		s.Bold.Render("Marks"),
		lockMark+"  locked: pushed to the WMS; changes are made there",
		pendingMark+"  push in progress",
		overdueMark+"  past the expected date and not fully received",
		flagMark+"N discrepancies: over-received, rejected or unexpected SKU lines",
		"",
		s.Muted.Render("D loads demo data into an empty database."),
	)
	return s.box("Help: "+names[m.focus], body, m.width, height, true)
}

// helpBlocks renders groups of keys side by side, starting a new block
// below whenever the next group would not fit in width, so that no key is
// cut off in a narrow terminal.
func helpBlocks(full help.Model, groups [][]key.Binding, width int) []string {
	var blocks []string
	var row [][]key.Binding
	for _, group := range groups {
		candidate := append(append([][]key.Binding(nil), row...), group)
		if len(row) > 0 && lipgloss.Width(full.FullHelpView(candidate)) > width {
			blocks = append(blocks, full.FullHelpView(row))
			candidate = [][]key.Binding{group}
		}
		row = candidate
	}
	if len(row) > 0 {
		blocks = append(blocks, full.FullHelpView(row))
	}
	return blocks
}
