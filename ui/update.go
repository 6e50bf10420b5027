package ui

import (
	"errors"
	"slices"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// reloadAllAbove is the number of changed POs in one batch above which the
// board re-reads every row instead of each PO.
const reloadAllAbove = 64

// Update handles one message. Keys go to what has focus: a form, a dialog,
// the filter, or the board's panes.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m, nil

	case tea.KeyMsg:
		return m, m.handleKey(msg)

	case summariesMsg:
		return m, m.onSummaries(msg)

	case previewMsg:
		if msg.err != nil || m.list.loaded {
			// The full list came first, or will report the error.
			return m, nil
		}
		m.list.setRows(msg.summaries)
		m.list.partial = true
		return m, m.showSelected(false)

	case poMsg:
		return m, m.onPO(msg)

	case formPOMsg:
		return m, m.onFormPO(msg)

	case supplierCurrenciesMsg:
		m.onSupplierCurrencies(msg)
		return m, nil

	case changesMsg:
		return m, m.onChanges(msg)

	case actionMsg:
		return m, m.onAction(msg)

	case testMsg:
		if m.integrations != nil {
			m.integrations.finishTest(msg)
		}
		m.status.refresh()
		return m, nil

	case importMsg:
		if m.integrations != nil {
			m.integrations.finishImport(msg)
		}
		m.status.refresh()
		return m, loadSummariesCmd(m.c, m.list.receiving)

	case planMsg:
		if m.restock == nil {
			return m, nil
		}
		return m, m.restock.setPlan(msg)

	case draftsMsg:
		return m, m.onDrafts(msg)

	case settingsMsg:
		m.onSettings(msg)
		return m, nil

	case settingsSavedMsg:
		return m, m.onSettingsSaved(msg)

	case ordersImportedMsg:
		return m, m.onOrdersImported(msg)

	case demoMsg:
		m.demoLoading = false
		if msg.err != nil {
			m.status.setNotice("demo data stopped after "+itoa(msg.count)+" POs: "+msg.err.Error(), noticeError)
		} else {
			m.status.setNotice("loaded "+itoa(msg.count)+" demo POs; pushed ones receive goods from the simulated warehouse over the next minutes", noticeSuccess)
		}
		m.status.refresh()
		m.selectNewest = true
		return m, tea.Batch(loadSummariesCmd(m.c, m.list.receiving), m.spinIfNeeded())

	case statusTickMsg:
		if m.c.ctx.Err() != nil {
			return m, nil
		}
		m.status.refresh()
		return m, statusTickCmd()

	case spinner.TickMsg:
		if !m.needsSpinner() {
			m.spinning = false
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	}
	return m, nil
}

// onSummaries puts the first load, or a resync, into the list and loads the
// selected PO.
func (m *Model) onSummaries(msg summariesMsg) tea.Cmd {
	if msg.receiving != m.list.receiving {
		// Read for the view the user has since switched away from.
		return nil
	}
	if msg.err != nil {
		m.status.setNotice("reading the PO list failed: "+msg.err.Error()+"; check the log file, then restart poboard", noticeError)
		return nil
	}
	m.list.setRows(msg.summaries)
	m.list.partial = false
	if m.selectNewest {
		m.selectNewest = false
		m.list.chooseFirst()
	}
	return m.showSelected(true)
}

// showSelected points the detail at the list's selection and loads it;
// force reloads it even when it is already shown.
func (m *Model) showSelected(force bool) tea.Cmd {
	number := m.list.selected
	if number == m.detail.number && !force {
		return nil
	}
	m.detail.show(number)
	if number == "" {
		return nil
	}
	return loadPOCmd(m.c, number)
}

// onPO applies one re-read PO to its row and to the detail if shown.
func (m *Model) onPO(msg poMsg) tea.Cmd {
	if msg.err != nil {
		if m.awaiting != nil && m.awaiting.number == msg.number {
			m.awaiting = nil
		}
		if errors.Is(msg.err, store.ErrNotFound) {
			m.list.remove(msg.number)
			return m.showSelected(false)
		}
		if msg.number == m.detail.number {
			m.detail.err = msg.err
		}
		m.c.logger.Error("reading PO failed", "po", msg.number, "err", msg.err)
		return nil
	}
	m.list.upsert(store.Summarize(msg.po))
	m.detail.setPO(msg.po)
	m.status.followPO(msg.po)
	return tea.Batch(m.showSelected(false), m.spinIfNeeded(), m.runAwaited(msg.number))
}

// onChanges reloads what the announced changes touched and waits for more.
func (m *Model) onChanges(changes changesMsg) tea.Cmd {
	cmds := []tea.Cmd{waitChangesCmd(m.c.ctx, m.sub)}
	m.status.refresh()

	numbers := 0
	for _, change := range changes {
		if change.Number != "" {
			numbers++
		}
	}
	// Any PO may move units in or out of transit, so the restock view
	// rebuilds its plan on every PO change.
	if m.restock != nil && (numbers > 0 || slices.ContainsFunc(changes, func(c store.Change) bool { return c.Resync })) {
		cmds = append(cmds, m.restock.reload())
	}
	for _, change := range changes {
		switch {
		case change.Resync || numbers > reloadAllAbove:
			m.c.logger.Debug("reloading every PO", "changes", len(changes))
			return tea.Batch(append(cmds, loadSummariesCmd(m.c, m.list.receiving), m.spinIfNeeded())...)
		case change.Number != "":
			cmds = append(cmds, loadPOCmd(m.c, change.Number))
		}
	}
	return tea.Batch(append(cmds, m.spinIfNeeded())...)
}

// onAction shows the result of a write and updates what shows its PO.
func (m *Model) onAction(msg actionMsg) tea.Cmd {
	if msg.err != nil {
		return m.onActionError(msg)
	}

	switch msg.origin {
	case originForm:
		m.form = nil
		m.mode = modeBoard
	case originReceipt:
		m.receipt = nil
		m.mode = modeBoard
	}
	po := msg.po
	m.status.setPONotice(po, po.Number+" "+msg.done, noticeSuccess)
	m.status.refresh()
	m.list.upsert(store.Summarize(po))
	if msg.origin == originForm {
		// A new or edited PO becomes the selection, filter permitting.
		m.list.choose(po.Number)
	}
	cmds := []tea.Cmd{m.showSelected(false), m.spinIfNeeded()}
	m.detail.setPO(po)
	if version, ok := m.list.version(po.Number); ok && version > po.Version {
		// The PO changed again before this result arrived, as when the
		// WMS accepted a push at once: re-read it so the notice follows.
		cmds = append(cmds, loadPOCmd(m.c, po.Number))
	}
	return tea.Batch(cmds...)
}

// onActionError shows a rejected write where the user is looking: in the
// form that is still open, or in the status pane.
func (m *Model) onActionError(msg actionMsg) tea.Cmd {
	var stale *store.StaleError
	reload := tea.Cmd(nil)
	if errors.As(msg.err, &stale) {
		reload = loadPOCmd(m.c, msg.number)
	}

	switch {
	case msg.origin == originForm && m.form != nil:
		return tea.Batch(reload, m.form.grid.fail(msg.err))
	case msg.origin == originReceipt && m.receipt != nil:
		return tea.Batch(reload, m.receipt.grid.fail(msg.err))
	default:
		m.status.setError(msg.err)
	}
	return reload
}

// onFormPO puts a PO re-read for a form whose save went stale into that
// form, or shows in the form why the PO can no longer be changed there.
func (m *Model) onFormPO(msg formPOMsg) tea.Cmd {
	var grid *formGrid
	switch {
	case msg.origin == originForm && m.form != nil && m.form.editing != nil && m.form.editing.Number == msg.number:
		grid = &m.form.grid
	case msg.origin == originReceipt && m.receipt != nil && m.receipt.po.Number == msg.number:
		grid = &m.receipt.grid
	default:
		// The form closed or moved on to another PO.
		return nil
	}

	err := msg.err
	if err != nil {
		m.c.logger.Error("reading PO for the form failed", "po", msg.number, "err", err)
	}
	notesOnly := msg.origin == originForm && m.form.notesOnly != ""
	if err == nil && msg.origin == originForm && !notesOnly {
		err = editableError(msg.po)
	}
	if err == nil && msg.origin == originReceipt {
		err = receivableError(msg.po)
	}
	if err != nil {
		return grid.fail(err)
	}

	po := msg.po
	note := "loaded " + po.Number + " as " + po.UpdatedBy + " left it at " + m.c.clock(po.UpdatedAt) + "; make your changes again, then save"
	switch {
	case notesOnly:
		m.form = newNotesForm(m.c, po)
		m.form.grid.note = note
	case msg.origin == originForm:
		m.form = newPOForm(m.c, &po)
		m.form.grid.note = note
	default:
		m.receipt = newReceiptForm(m.c, po)
		m.receipt.grid.note = note
	}
	m.list.upsert(store.Summarize(po))
	m.detail.setPO(po)
	return nil
}

// onSupplierCurrencies fills in the currency of the supplier typed so far
// on an open new-PO form. If the read failed, the form keeps
// DefaultCurrency and the status pane shows why.
func (m *Model) onSupplierCurrencies(msg supplierCurrenciesMsg) {
	if msg.err != nil {
		m.status.setError(msg.err)
		return
	}
	if m.form != nil && m.form.editing == nil {
		m.form.setCurrencies(msg.currencies)
	}
}
