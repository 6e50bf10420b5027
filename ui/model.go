package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// focus is the pane that receives movement keys.
type focus int

const (
	focusList focus = iota
	focusDetail
	focusStatus
)

// mode is the screen in use: the board or a full-screen view.
type mode int

const (
	modeBoard mode = iota
	modeHelp
	modeForm
	modeReceipt
	modeIntegrations
	modeRestock
	modeSettings
)

// Minimum terminal size; below it the board shows how big it needs to be.
const (
	minWidth  = 80
	minHeight = 24
)

// Model is the board's root model. It implements tea.Model; build it with
// New, one per terminal or SSH session.
type Model struct {
	c *common

	width, height int
	focus         focus
	mode          mode

	list   listPane
	detail detailPane
	status statusPane
	help   help.Model

	form         *poForm
	receipt      *receiptForm
	integrations *integrationsView
	restock      *restockView
	settings     *settingsForm

	spinner  spinner.Model
	spinning bool

	sub *store.Subscription
	// demoLoading is true while demo data is being written.
	demoLoading bool
	// selectNewest moves the selection to the top row at the next full load.
	selectNewest bool
	// awaiting is a PO key waiting for its PO to load, nil when none.
	awaiting *awaitedKey
}

// New builds the board for one session. It subscribes to the store's
// changes at once, so nothing committed after New is missed; the
// subscription closes when deps.Context ends or the user quits.
func New(deps Deps) *Model {
	c := newCommon(deps)
	m := &Model{
		c:      c,
		list:   newListPane(c),
		detail: newDetailPane(c),
		status: newStatusPane(c),
		help:   help.New(),
	}
	m.help.Styles = c.styles.Help
	m.spinner = spinner.New(spinner.WithSpinner(spinner.Dot))
	// Panes colour the frame themselves.
	m.spinner.Style = c.styles.renderer.NewStyle()
	m.status.refresh()

	m.sub = c.store.Hub().Subscribe()
	if done := c.ctx.Done(); done != nil {
		sub := m.sub
		go func() {
			<-done
			sub.Close()
		}()
	}
	c.logger.Debug("board opened", "role", c.actor.Role)
	return m
}

// Init loads the PO list and starts listening for changes.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{loadSummariesCmd(m.c, m.list.receiving), waitChangesCmd(m.c.ctx, m.sub), statusTickCmd(), m.spinIfNeeded()}
	// Reading every summary of a large database takes a while, so the
	// buyer's list starts with the newest POs. The receiving view reads
	// only the POs awaiting goods and needs all of them to sort by date.
	if !m.list.receiving {
		cmds = append(cmds, loadPreviewCmd(m.c))
	}
	return tea.Batch(cmds...)
}

// Close ends the change subscription; quitting does it too.
func (m *Model) Close() {
	m.sub.Close()
}

// setSize lays the panes out for a width×height terminal: list above
// detail below 150 columns, side by side from 150, the status pane and the
// key help at the bottom.
func (m *Model) setSize(width, height int) {
	m.width, m.height = max(0, width), max(0, height)
	m.help.Width = m.width
	m.layoutPanes()
}

// layoutPanes sizes the status pane, then shares the room above it between
// the list and the detail. Stacked, the list takes up to half, less when it
// has only a few rows, so the detail shows more of the PO.
func (m *Model) layoutPanes() {
	statusHeight := 4
	if m.height >= 40 {
		statusHeight = 6
	}
	if len(m.status.sync.Warnings) > 0 {
		// Lasting warnings get two more lines, so that one shows whole
		// beside the notice and the connector line.
		statusHeight += 2
	}
	// A long notice grows the pane, up to a third of the screen, so that
	// it shows whole above the connector line.
	m.status.SetSize(m.width, statusHeight)
	if need := m.status.headLines() + 2; need > statusHeight {
		statusHeight = min(need, max(statusHeight, m.height/3))
		m.status.SetSize(m.width, statusHeight)
	}

	rest := max(0, m.height-1-m.status.height)
	if m.width >= 150 {
		listWidth := m.width * 55 / 100
		if m.list.height != rest || m.list.width != listWidth {
			m.list.SetSize(listWidth, rest)
			m.detail.SetSize(m.width-listWidth, rest)
		}
		return
	}
	listHeight := rest / 2
	if m.list.loaded {
		// Borders, header, filter line and at least one blank row.
		needed := len(m.list.visible) + 5
		listHeight = clamp(needed, min(7, listHeight), listHeight)
	}
	if m.list.height != listHeight || m.list.width != m.width {
		m.list.SetSize(m.width, listHeight)
	}
	if m.detail.height != rest-listHeight || m.detail.width != m.width {
		m.detail.SetSize(m.width, rest-listHeight)
	}
}

// focusedHelp returns the key help of what has focus.
func (m *Model) focusedHelp() help.KeyMap {
	switch m.focus {
	case focusDetail:
		return m.detail
	case focusStatus:
		return m.status
	}
	return m.list
}

// keyList adapts a list of bindings to help.KeyMap.
type keyList []key.Binding

func (k keyList) ShortHelp() []key.Binding  { return k }
func (k keyList) FullHelp() [][]key.Binding { return [][]key.Binding{k} }

// needsSpinner reports whether anything on screen is waiting: a push in
// flight, a connector job, demo data being written, an orders import or a
// restock plan being built. The spinner's ticks also redraw the import's
// progress.
func (m *Model) needsSpinner() bool {
	if m.status.inFlight() || m.demoLoading {
		return true
	}
	if m.detail.loaded && m.detail.po.PushPending() {
		return true
	}
	if m.c.importJob.running() || m.restock != nil && m.restock.loading {
		return true
	}
	return m.integrations != nil && m.integrations.running != ""
}

// spinIfNeeded starts the spinner when something is waiting. The spinner
// stops itself once nothing is, so an idle board does not redraw.
func (m *Model) spinIfNeeded() tea.Cmd {
	if m.spinning || !m.needsSpinner() {
		return nil
	}
	m.spinning = true
	return m.spinner.Tick
}

// spin returns the spinner frame to draw.
func (m *Model) spin() string {
	return m.spinner.View()
}
