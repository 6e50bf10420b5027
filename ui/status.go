package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
	"poboard/wms"
)

// noticeKind sets how a notice in the status pane looks.
type noticeKind int

const (
	noticeInfo noticeKind = iota
	noticeSuccess
	noticeError
)

// notice is the last message for the user: the result of an action or an
// error with what to do next. It stays until the next key, or until the PO
// it names changes.
type notice struct {
	text string
	kind noticeKind

	// number and version are the PO the notice is about and its version
	// then; number is "" for a notice about no PO.
	number  string
	version uint64
	// push is the PO's push state then, "" when it was never pushed.
	push store.PushState
	// sync is the engine's state when the user requested a sync, nil
	// when the notice is not about one.
	sync *syncRequest
}

// syncRequest is the engine's count of finished polls when the user
// requested a sync. A later count past it means a poll has finished since,
// even when that poll failed with the same error as the one before.
type syncRequest struct {
	polls int
}

// statusPane shows the sync engine's state, pushes in flight, the last
// notice and who the user is.
type statusPane struct {
	c *common

	sync   wms.Status
	notice notice
	offset int

	width, height int
}

func newStatusPane(c *common) statusPane {
	return statusPane{c: c}
}

// SetSize sets the pane's outer size in cells.
func (p *statusPane) SetSize(width, height int) {
	p.width, p.height = width, height
}

// ShortHelp returns the keys shown in the footer while the status pane has
// focus.
func (p statusPane) ShortHelp() []key.Binding {
	k := p.c.keys
	return []key.Binding{k.Up, k.Down, k.Sync, k.Integrations, k.Help, k.Quit}
}

// FullHelp returns every key that works while the status pane has focus.
func (p statusPane) FullHelp() [][]key.Binding {
	k := p.c.keys
	return [][]key.Binding{{k.Up, k.Down}, k.paneKeys(), k.globalKeys()}
}

// refresh takes a new snapshot of the engine's state.
func (p *statusPane) refresh() {
	if p.c.sync != nil {
		p.sync = p.c.sync.Status()
		p.followSync()
	}
}

// setSyncNotice sets the notice of a sync request, which followSync
// replaces with the outcome. Call it before the request, so that a sync
// ending meanwhile is not mistaken for an earlier one.
func (p *statusPane) setSyncNotice(label string) {
	status := p.c.sync.Status()
	p.setNotice("sync with "+label+" requested", noticeInfo)
	p.notice.sync = &syncRequest{polls: status.Polls}
}

// followSync replaces the notice of a sync request with the outcome once
// the engine has finished a poll since the request: the engine's error if
// that poll failed, and otherwise that the sync finished.
func (p *statusPane) followSync() {
	request := p.notice.sync
	if request == nil || p.sync.Polls <= request.polls {
		return
	}
	if p.sync.LastError != "" {
		p.setNotice(p.sync.LastError+"; press r to try again, or w to check the connection", noticeError)
		return
	}
	label := p.c.sync.Info().Label
	p.setNotice("sync with "+label+" finished; receipts and changes are up to date", noticeSuccess)
}

// inFlight reports whether any push is queued and not yet accepted.
func (p *statusPane) inFlight() bool {
	return len(p.sync.InFlight) > 0
}

func (p *statusPane) setNotice(text string, kind noticeKind) {
	p.notice = notice{text: text, kind: kind}
	if kind == noticeError {
		p.c.logger.Warn("shown to user", "message", text)
	}
}

// setPONotice sets a notice about po as it is now. followPO replaces it
// once po changes.
func (p *statusPane) setPONotice(po store.PO, text string, kind noticeKind) {
	p.setNotice(text, kind)
	p.notice.number, p.notice.version, p.notice.push = po.Number, po.Version, pushState(po)
}

// followPO updates the notice about po when po has changed since: with
// the outcome when its push was accepted, failed or is being retried,
// and otherwise by clearing it, because a newer version makes it old news.
func (p *statusPane) followPO(po store.PO) {
	old := p.notice
	if old.number == "" || old.number != po.Number || po.Version <= old.version {
		return
	}
	state := pushState(po)
	switch {
	case state == store.PushDone && old.push != store.PushDone:
		text := po.Number + " accepted by " + wmsLabel(po)
		if po.WMS.RemoteID != "" {
			text += " as " + po.WMS.RemoteID
		}
		p.setPONotice(po, text, noticeSuccess)
	case state == store.PushFailed && old.push != store.PushFailed:
		p.setPONotice(po, "push of "+po.Number+" to "+wmsLabel(po)+" failed: "+po.WMS.LastError, noticeError)
	case state == store.PushRequested && po.WMS.LastError != "":
		text := fmt.Sprintf("push of %s to %s: attempt %d failed: %s; retrying", po.Number, wmsLabel(po), po.WMS.Attempts, po.WMS.LastError)
		p.setPONotice(po, text, noticeInfo)
	default:
		p.notice = notice{}
	}
}

// pushState returns the state of po's push, "" when it was never pushed.
func pushState(po store.PO) store.PushState {
	if po.WMS == nil {
		return ""
	}
	return po.WMS.State
}

func (p *statusPane) setError(err error) {
	p.setNotice(err.Error(), noticeError)
}

// Update scrolls the pane when it has more lines than room.
func (p *statusPane) Update(msg tea.KeyMsg) {
	k := p.c.keys
	switch {
	case key.Matches(msg, k.Up):
		p.offset--
	case key.Matches(msg, k.Down):
		p.offset++
	}
	p.offset = clamp(p.offset, 0, max(0, len(p.content(""))-(p.height-2)))
}

// View renders the pane; spin is the spinner frame while pushes run.
func (p *statusPane) View(focused bool, spin string) string {
	lines := p.content(spin)
	start := clamp(p.offset, 0, max(0, len(lines)-(p.height-2)))
	return p.c.styles.box("3 Status", lines[start:], p.width, p.height, focused)
}

// headLines returns how many lines the notice and the connector line
// take at the pane's width.
func (p *statusPane) headLines() int {
	return len(p.noticeLines()) + len(p.connectorLines())
}

// noticeLines wraps the notice to the pane's width. Long errors wrap
// rather than lose their advice at the edge.
func (p *statusPane) noticeLines() []string {
	if p.notice.text == "" {
		return nil
	}
	s := p.c.styles
	style := s.Info
	switch p.notice.kind {
	case noticeError:
		style = s.Error
	case noticeSuccess:
		style = s.Success
	}
	return wrapIndented(style, p.notice.text, 0, max(10, p.width-2))
}

// connectorLines are the connector's state and who the user is.
func (p *statusPane) connectorLines() []string {
	s := p.c.styles
	return wrapHanging(p.connectorLine()+s.Muted.Render("  ·  you: "+p.c.actor.Name+" ("+string(p.c.actor.Role)+")"), p.width-2, 2)
}

// content lists, in order: the notice, the connector line, the orders
// import, the engine's lasting warnings, pushes in flight, the engine's
// last error. The notice comes first so that it shows even in the
// smallest layout.
func (p *statusPane) content(spin string) []string {
	s := p.c.styles
	lines := append(p.noticeLines(), p.connectorLines()...)
	if job := p.c.importJob; job.running() {
		progress := job.snapshot()
		lines = append(lines, wrapHanging(s.Spinner.Render(spin)+" "+s.progressBar(progress, 10)+" "+progressText(progress), p.width-2, 2)...)
	}
	if p.c.sync == nil {
		return lines
	}
	for _, warning := range p.sync.Warnings {
		lines = append(lines, wrapIndented(s.Warning, warningMark+" "+warning, 0, p.width-2)...)
	}
	var syncLines []string
	if len(p.sync.InFlight) > 0 {
		syncLines = append(syncLines, s.Spinner.Render(spin)+" pushing: "+strings.Join(p.sync.InFlight, ", "))
	}
	// A failed sync the user requested shows its error in the notice
	// already.
	if p.sync.LastError != "" && !strings.HasPrefix(p.notice.text, p.sync.LastError) {
		syncLines = append(syncLines, wrapIndented(s.Error, "last sync error: "+p.sync.LastError, 0, p.width-2)...)
	}
	return append(lines, wrapBody(syncLines, p.width-2)...)
}

func (p *statusPane) connectorLine() string {
	s := p.c.styles
	if p.c.sync == nil {
		return s.Muted.Render("sync off: no WMS connector in this process")
	}
	state := p.sync
	name := state.Connector.Label
	if name == "" {
		name = p.c.sync.Info().Label
	}
	parts := []string{s.Bold.Render(name)}
	switch {
	case !state.Configured:
		parts = append(parts, s.Error.Render("not set up: set "+strings.Join(state.Missing, ", ")+" (press w)"))
	case state.Running:
		parts = append(parts, s.Success.Render("running"))
	default:
		parts = append(parts, s.Muted.Render("stopped"))
	}
	parts = append(parts, "last sync "+p.c.since(state.LastSync))
	return strings.Join(parts, s.Muted.Render(" · "))
}
