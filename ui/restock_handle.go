package ui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/forecast"
	"poboard/store"
)

// openRestock opens the restock view and builds its plan.
func (m *Model) openRestock() tea.Cmd {
	m.restock = newRestockView(m.c)
	m.mode = modeRestock
	return tea.Batch(m.restock.reload(), m.spinIfNeeded())
}

// handleRestockKey handles a key while the restock view or its prompt is
// open.
func (m *Model) handleRestockKey(msg tea.KeyMsg) tea.Cmd {
	v := m.restock
	if v.prompt == nil {
		v.note = notice{}
	}
	cmd, action := v.update(msg)
	switch action {
	case restockClose:
		m.restock, m.mode = nil, modeBoard
	case restockCreateDrafts:
		return m.createDrafts()
	case restockConfirmDrafts:
		chosen := v.confirm.suggestions
		v.confirm = nil
		return m.startDrafts(chosen)
	case restockOpenSettings:
		return m.openSettings()
	case restockOpenImport:
		return m.openImportPrompt()
	case restockStartImport:
		return m.startImport()
	case restockReadOnly:
		m.rejectReadOnly()
	}
	return cmd
}

// rejectReadOnly shows the store's ForbiddenError in the restock view and
// returns true for a read-only actor.
func (m *Model) rejectReadOnly() bool {
	if !m.c.readOnly() {
		return false
	}
	err := &store.ForbiddenError{Actor: m.c.actor.Name, Role: m.c.actor.Role}
	m.restock.note = notice{text: err.Error(), kind: noticeError}
	m.status.setError(err)
	return true
}

func (m *Model) createDrafts() tea.Cmd {
	v := m.restock
	if m.rejectReadOnly() || v.creating {
		return nil
	}
	chosen, err := v.toOrder()
	if err != nil {
		v.note = notice{text: err.Error(), kind: noticeError}
		return nil
	}
	// Draft and Approved POs are not in transit, so the plan suggests
	// their units again; ask before ordering them twice.
	if question := v.duplicateQuestion(chosen); question != "" {
		v.confirm = &draftsConfirm{suggestions: chosen, question: question}
		return nil
	}
	return m.startDrafts(chosen)
}

// startDrafts writes the drafts of chosen in the background.
func (m *Model) startDrafts(chosen []forecast.Suggestion) tea.Cmd {
	v := m.restock
	v.note = notice{text: "creating draft POs…", kind: noticeInfo}
	return v.createDraftsCmd(chosen)
}

// onDrafts shows the drafts created from the selection: the restock view
// closes and the list selects the first draft. When a draft failed, the
// view stays open with the error and the drafts written before it.
func (m *Model) onDrafts(msg draftsMsg) tea.Cmd {
	for _, po := range msg.drafts {
		m.list.upsert(store.Summarize(po))
	}
	if m.restock != nil {
		m.restock.creating = false
	}
	if msg.err != nil {
		text := "creating draft POs failed: " + msg.err.Error()
		if len(msg.drafts) > 0 {
			text += "; " + draftsNotice(msg.drafts)
		}
		m.status.setNotice(text, noticeError)
		if m.restock != nil {
			m.restock.note = notice{text: text, kind: noticeError}
		}
		return nil
	}

	m.status.setNotice(draftsNotice(msg.drafts), noticeSuccess)
	m.restock, m.mode = nil, modeBoard
	m.focus = focusList
	if len(msg.drafts) > 0 {
		m.list.choose(msg.drafts[0].Number)
	}
	return m.showSelected(false)
}

func (m *Model) openSettings() tea.Cmd {
	if m.rejectReadOnly() {
		return nil
	}
	suggestion, ok := m.restock.current()
	if !ok {
		m.restock.note = notice{text: "no SKU to set up yet; import orders first", kind: noticeError}
		return nil
	}
	return loadSettingsCmd(m.c, suggestion.Supplier, suggestion.SKU)
}

// onSettings opens the settings form with the stored values.
func (m *Model) onSettings(msg settingsMsg) {
	if msg.err != nil {
		m.c.logger.Error("reading restock settings failed", "err", msg.err)
		if m.restock != nil {
			m.restock.note = notice{text: "reading the settings failed: " + msg.err.Error() + "; check the log file", kind: noticeError}
		}
		return
	}
	if m.mode != modeRestock {
		return
	}
	m.settings = newSettingsForm(m.c, msg)
	m.mode = modeSettings
}

// onSettingsSaved returns to the restock view, which rebuilds the plan
// with the new terms, or keeps the form open with the store's error.
func (m *Model) onSettingsSaved(msg settingsSavedMsg) tea.Cmd {
	if msg.err != nil {
		if m.settings != nil {
			return m.settings.grid.fail(msg.err)
		}
		return nil
	}
	m.settings = nil
	if m.restock == nil {
		m.mode = modeBoard
		return nil
	}
	m.mode = modeRestock
	saved := "settings of " + msg.sku
	if msg.supplier != "" {
		saved = "settings of " + msg.supplier + " and " + msg.sku
	}
	m.restock.note = notice{text: saved + " saved; suggestions updated", kind: noticeSuccess}
	return m.restock.reload()
}

func (m *Model) openImportPrompt() tea.Cmd {
	if m.rejectReadOnly() {
		return nil
	}
	if m.c.importJob.running() {
		m.restock.note = notice{text: "an import is already running; wait for it to finish", kind: noticeError}
		return nil
	}
	return m.restock.openPrompt()
}

// startImport starts importing the file typed in the prompt. The import
// runs in the background; the board stays usable and shows its progress
// in the restock view and the status pane.
func (m *Model) startImport() tea.Cmd {
	v := m.restock
	path := expandPath(v.prompt.Value())
	if path == "" {
		v.note = notice{text: "type the path of an orders export, or press esc", kind: noticeError}
		return nil
	}
	v.prompt = nil
	job := newOrdersImport(path)
	m.c.importJob = job
	return tea.Batch(importOrdersCmd(m.c, job), m.spinIfNeeded())
}

// onOrdersImported shows an import's result and rebuilds the plan.
func (m *Model) onOrdersImported(msg ordersImportedMsg) tea.Cmd {
	var text string
	kind := noticeSuccess
	if msg.err != nil {
		text, kind = "import failed: "+msg.err.Error(), noticeError
	} else {
		r := msg.result
		text = fmt.Sprintf("imported %s: %d orders (%d new, %d updated, %d unchanged, %d cancelled and left out of demand)",
			msg.path, r.Orders, r.New, r.Updated, r.Unchanged, r.Cancelled)
		if msg.unmapped > 0 {
			text += fmt.Sprintf("; %d product names match no SKU", msg.unmapped)
		}
	}
	m.status.setNotice(text, kind)
	if m.restock == nil {
		return nil
	}
	m.restock.note = notice{text: text, kind: kind}
	if msg.err != nil {
		return nil
	}
	return m.restock.reload()
}
