package ui

import (
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// handleKey routes a key to what has focus: a full-screen view, a dialog in
// the detail pane, the filter, or the board.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	// Keys typed faster than the terminal is read arrive as one message
	// with several runes ("jjj"); each is a key press of its own.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}

	k := m.c.keys
	if msg.Type == tea.KeyCtrlC {
		return m.quit()
	}
	// Below the minimum size the screen shows only how big it must be, so
	// a key acting on the hidden board would change things unseen.
	if m.tooSmall() {
		if key.Matches(msg, k.Quit) {
			return m.quit()
		}
		return nil
	}
	// A newer key replaces one waiting for its PO to load.
	m.awaiting = nil

	switch m.mode {
	case modeHelp:
		if key.Matches(msg, k.Help) || key.Matches(msg, k.Back) || key.Matches(msg, k.Quit) {
			m.mode = modeBoard
		}
		return nil
	case modeForm:
		cmd, done := m.form.update(msg)
		if done {
			m.form, m.mode = nil, modeBoard
		}
		return cmd
	case modeReceipt:
		cmd, done := m.receipt.update(msg)
		if done {
			m.receipt, m.mode = nil, modeBoard
		}
		return cmd
	case modeIntegrations:
		cmd, done := m.integrations.update(msg)
		if done {
			m.integrations, m.mode = nil, modeBoard
			m.status.refresh()
		}
		return tea.Batch(cmd, m.spinIfNeeded())
	case modeRestock:
		return tea.Batch(m.handleRestockKey(msg), m.spinIfNeeded())
	case modeSettings:
		cmd, done := m.settings.update(msg)
		if done {
			m.settings, m.mode = nil, modeRestock
		}
		return cmd
	}

	if m.detail.dialog != nil {
		return m.handleDialog(msg)
	}
	if m.list.filtering {
		moved, cmd := m.list.Update(msg)
		if moved {
			return tea.Batch(cmd, m.showSelected(false))
		}
		return cmd
	}
	m.status.notice = notice{}
	return m.handleBoardKey(msg)
}

// handleBoardKey handles a key on the board with no dialog open.
func (m *Model) handleBoardKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.keys
	switch {
	case key.Matches(msg, k.Edit, k.Status, k.Push, k.Receipt) && m.selectedLoading():
		m.awaitSelected(msg)
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.mode = modeHelp
	case key.Matches(msg, k.NextPane):
		m.focus = (m.focus + 1) % 3
	case key.Matches(msg, k.PrevPane):
		m.focus = (m.focus + 2) % 3
	case key.Matches(msg, k.FocusList):
		m.focus = focusList
	case key.Matches(msg, k.FocusDetail):
		m.focus = focusDetail
	case key.Matches(msg, k.FocusStatus):
		m.focus = focusStatus
	case key.Matches(msg, k.Open):
		if m.list.selected != "" {
			m.focus = focusDetail
		}
	case key.Matches(msg, k.Filter):
		m.focus = focusList
		_, cmd := m.list.Update(msg)
		return cmd
	case key.Matches(msg, k.New):
		return m.openNewForm()
	case key.Matches(msg, k.Edit):
		return m.openEditForm()
	case key.Matches(msg, k.Status):
		m.openStatusMenu()
	case key.Matches(msg, k.Push):
		m.openPushConfirm()
	case key.Matches(msg, k.Receipt):
		m.openReceiptForm()
	case key.Matches(msg, k.Restock):
		return m.openRestock()
	case key.Matches(msg, k.Sync):
		m.syncNow()
	case key.Matches(msg, k.Integrations):
		m.integrations = newIntegrationsView(m.c)
		m.mode = modeIntegrations
	case key.Matches(msg, k.Demo):
		return m.loadDemo()
	case key.Matches(msg, k.ListView):
		return m.switchListView()
	default:
		return m.handlePaneKey(msg)
	}
	return nil
}

// handlePaneKey sends movement keys to the focused pane.
func (m *Model) handlePaneKey(msg tea.KeyMsg) tea.Cmd {
	switch m.focus {
	case focusDetail:
		m.detail.Update(msg)
	case focusStatus:
		m.status.Update(msg)
	default:
		moved, cmd := m.list.Update(msg)
		if moved {
			return tea.Batch(cmd, m.showSelected(false))
		}
		return cmd
	}
	return nil
}

func (m *Model) quit() tea.Cmd {
	m.sub.Close()
	return tea.Quit
}

// selectedPO returns the PO that PO keys act on: the one in the detail
// pane. ok is false, with a notice set, when there is none yet.
func (m *Model) selectedPO() (store.PO, bool) {
	switch {
	case m.list.selected == "":
		m.status.setNotice("no PO selected; press n to create one", noticeError)
		return store.PO{}, false
	case m.detail.number != m.list.selected || !m.detail.loaded:
		m.status.setNotice(m.list.selected+" is still loading; press the key again in a moment", noticeInfo)
		return store.PO{}, false
	}
	return m.detail.po, true
}

// selectedLoading reports whether the selected PO is still being read
// into the detail pane.
func (m *Model) selectedLoading() bool {
	d := m.detail
	return m.list.selected != "" && d.number == m.list.selected && !d.loaded && d.err == nil
}

// awaitedKey is a PO key pressed while its PO was still loading. It acts
// once the PO has loaded, unless another key comes first.
type awaitedKey struct {
	number string
	key    tea.KeyMsg
}

// awaitSelected keeps a PO key until the selected PO has loaded.
func (m *Model) awaitSelected(msg tea.KeyMsg) {
	m.awaiting = &awaitedKey{number: m.list.selected, key: msg}
	m.status.setNotice("loading "+m.list.selected+"; "+msg.String()+" acts once it has loaded", noticeInfo)
}

// runAwaited runs the key kept for number, now that the detail shows it.
// The key is dropped when the board has since moved to another PO or
// opened a form, dialog or the filter.
func (m *Model) runAwaited(number string) tea.Cmd {
	awaited := m.awaiting
	if awaited == nil || awaited.number != number {
		return nil
	}
	m.awaiting = nil
	if m.mode != modeBoard || m.detail.dialog != nil || m.list.filtering ||
		m.list.selected != number || m.detail.number != number || !m.detail.loaded {
		return nil
	}
	m.status.notice = notice{}
	return m.handleBoardKey(awaited.key)
}

// checkWriter sets the notice and returns false for a read-only actor. The
// store rejects their writes too; this only explains it before a form opens.
func (m *Model) checkWriter() bool {
	if m.c.readOnly() {
		m.status.setError(&store.ForbiddenError{Actor: m.c.actor.Name, Role: m.c.actor.Role})
		return false
	}
	return true
}

func lockedError(po store.PO) error {
	return &store.LockedError{Number: po.Number, WMS: wmsLabel(po), Pending: po.PushPending()}
}

func (m *Model) openNewForm() tea.Cmd {
	if !m.checkWriter() {
		return nil
	}
	m.form = newPOForm(m.c, nil)
	m.mode = modeForm
	return loadSupplierCurrenciesCmd(m.c)
}

func (m *Model) openEditForm() tea.Cmd {
	if !m.checkWriter() {
		return nil
	}
	po, ok := m.selectedPO()
	if !ok {
		return nil
	}
	// Notes are never pushed, so they stay editable where nothing else is.
	if editableError(po) != nil {
		m.form = newNotesForm(m.c, po)
		m.mode = modeForm
		return nil
	}
	m.form = newPOForm(m.c, &po)
	m.mode = modeForm
	return nil
}

func (m *Model) openStatusMenu() {
	if !m.checkWriter() {
		return
	}
	po, ok := m.selectedPO()
	if !ok {
		return
	}
	targets := store.AllowedTransitions(po)
	switch {
	case len(targets) == 0 && po.Locked():
		m.status.setError(lockedError(po))
	case len(targets) == 0:
		m.status.setNotice(po.Number+" is "+po.Status.Label()+", a final status; no change is allowed", noticeError)
	case po.Status == store.StatusOrdered && !po.Locked() && len(targets) > 0:
		m.detail.dialog = &statusMenu{po: po, targets: targets, cursor: forwardIndex(po.Status, targets)}
		m.status.setNotice("receiving statuses follow receipts: press R for a manual receipt", noticeInfo)
	default:
		m.detail.dialog = &statusMenu{po: po, targets: targets, cursor: forwardIndex(po.Status, targets)}
	}
}

// forwardIndex returns the index of the first target that moves a PO on
// from status along draft, approved, ordered, received and closed, or 0
// when none does. Cancelled is never pre-selected because it is final.
func forwardIndex(status store.Status, targets []store.Status) int {
	rank := slices.Index(store.Statuses, status)
	for i, target := range targets {
		if target != store.StatusCancelled && slices.Index(store.Statuses, target) > rank {
			return i
		}
	}
	return 0
}

func (m *Model) openPushConfirm() {
	if !m.checkWriter() {
		return
	}
	po, ok := m.selectedPO()
	if !ok {
		return
	}
	switch {
	case po.Locked():
		m.status.setError(lockedError(po))
	case m.c.sync == nil:
		m.status.setNotice("sync is off in this process, so POs cannot be pushed; start poboard with a WMS connector", noticeError)
	case po.Status != store.StatusOrdered:
		m.status.setNotice(po.Number+" is "+po.Status.Label()+"; only an Ordered PO can be pushed: press s to move it to Ordered", noticeError)
	default:
		m.detail.dialog = &pushConfirm{po: po, label: m.c.sync.Info().Label}
	}
}

func (m *Model) openReceiptForm() {
	if !m.checkWriter() {
		return
	}
	po, ok := m.selectedPO()
	if !ok {
		return
	}
	if err := receivableError(po); err != nil {
		m.status.setError(err)
		return
	}
	m.receipt = newReceiptForm(m.c, po)
	m.mode = modeReceipt
}

// editableError returns why the PO form cannot edit po, or nil.
func editableError(po store.PO) error {
	switch {
	case po.Locked():
		return lockedError(po)
	case po.Status != store.StatusDraft && po.Status != store.StatusApproved && po.Status != store.StatusOrdered:
		return fmt.Errorf("%s is %s; only Draft, Approved or Ordered POs can be edited", po.Number, po.Status.Label())
	}
	return nil
}

// receivableError returns why a manual receipt cannot be recorded on po,
// or nil.
func receivableError(po store.PO) error {
	switch {
	case po.Locked():
		return lockedError(po)
	case po.Status != store.StatusOrdered && po.Status != store.StatusPartiallyReceived && po.Status != store.StatusReceived:
		return fmt.Errorf("%s is %s; receipts are recorded on Ordered or Partially received POs", po.Number, po.Status.Label())
	}
	return nil
}

func (m *Model) syncNow() {
	if m.c.sync == nil {
		m.status.setNotice("sync is off in this process; start poboard with a WMS connector to sync", noticeError)
		return
	}
	m.status.setSyncNotice(m.c.sync.Info().Label)
	m.c.sync.SyncNow()
}

// handleDialog handles keys while the status menu or the push confirmation
// is open.
func (m *Model) handleDialog(msg tea.KeyMsg) tea.Cmd {
	k := m.c.keys
	switch dialog := m.detail.dialog.(type) {
	case *statusMenu:
		target, done := dialog.update(k, msg)
		if !done {
			return nil
		}
		m.detail.dialog = nil
		m.status.notice = notice{}
		if target == "" {
			return nil
		}
		po := dialog.po
		return actionCmd(m.c, po.Number, "moved to "+target.Label(), func() (store.PO, error) {
			return m.c.store.SetStatus(m.c.actor, po.Number, po.Version, target)
		}, originStatus)

	case *pushConfirm:
		switch {
		case key.Matches(msg, k.Confirm):
			m.detail.dialog = nil
			po := dialog.po
			return actionCmd(m.c, po.Number, "queued for push to "+dialog.label, func() (store.PO, error) {
				return m.c.sync.RequestPush(m.c.actor, po.Number, po.Version)
			}, originPush)
		case key.Matches(msg, k.Cancel), key.Matches(msg, k.Quit):
			m.detail.dialog = nil
		}
	}
	return nil
}

// switchListView swaps the list between the POs awaiting goods and every
// PO, for any role. A warehouse lead's full list stays read-only: the
// store rejects their writes.
func (m *Model) switchListView() tea.Cmd {
	m.list.switchView()
	m.focus = focusList
	view := "every PO, newest first"
	if m.list.receiving {
		view = "POs awaiting goods, by expected date"
	}
	m.status.setNotice("the list shows "+view+"; press v to switch back", noticeInfo)
	return loadSummariesCmd(m.c, m.list.receiving)
}
