package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"poboard/store"
)

// detailPane shows the selected PO: header fields, lines with progress and
// discrepancies, and history, newest event first.
type detailPane struct {
	c *common

	po     store.PO
	loaded bool
	// number is the PO the pane shows or is loading; "" shows nothing.
	number string
	err    error
	offset int

	// dialog, when set, replaces the PO's content: the status menu or the
	// push confirmation.
	dialog dialog

	width, height int
}

// dialog is a small modal shown in the detail pane's place.
type dialog interface {
	title() string
	body(c *common) []string
	keys(k KeyMap) []key.Binding
}

func newDetailPane(c *common) detailPane {
	return detailPane{c: c}
}

// SetSize sets the pane's outer size in cells.
func (d *detailPane) SetSize(width, height int) {
	d.width, d.height = width, height
	d.offset = clamp(d.offset, 0, max(0, len(d.content(""))-d.innerHeight()))
}

func (d *detailPane) innerHeight() int { return max(1, d.height-2) }

// ShortHelp returns the keys shown in the footer while the detail has focus.
func (d detailPane) ShortHelp() []key.Binding {
	k := d.c.keys
	if d.dialog != nil {
		return d.dialog.keys(k)
	}
	if d.c.readOnly() {
		return []key.Binding{k.Up, k.Down, k.NextPane, k.Sync, k.Help, k.Quit}
	}
	return []key.Binding{k.Up, k.Down, k.Edit, k.Status, k.Push, k.Receipt, k.Help, k.Quit}
}

// FullHelp returns every key that works while the detail has focus.
func (d detailPane) FullHelp() [][]key.Binding {
	k := d.c.keys
	return [][]key.Binding{k.moveKeys(), k.poKeys(), k.paneKeys(), k.globalKeys()}
}

// show starts showing the PO with the given number; the caller loads it.
func (d *detailPane) show(number string) {
	if number == d.number {
		return
	}
	d.number, d.loaded, d.err, d.offset = number, false, nil, 0
	d.po = store.PO{}
}

// setPO puts a freshly read PO in the pane if it is the one shown and not
// older than the one there. The scroll position is kept so a receipt
// arriving does not jump the view.
func (d *detailPane) setPO(po store.PO) {
	if po.Number != d.number || d.loaded && po.Version < d.po.Version {
		return
	}
	d.po, d.loaded, d.err = po, true, nil
}

// Update scrolls the pane.
func (d *detailPane) Update(msg tea.KeyMsg) {
	k := d.c.keys
	maxOffset := max(0, len(d.content(""))-d.innerHeight())
	switch {
	case key.Matches(msg, k.Up):
		d.offset--
	case key.Matches(msg, k.Down):
		d.offset++
	case key.Matches(msg, k.Top):
		d.offset = 0
	case key.Matches(msg, k.Bottom):
		d.offset = maxOffset
	case key.Matches(msg, k.PageUp):
		d.offset -= d.innerHeight()
	case key.Matches(msg, k.PageDown):
		d.offset += d.innerHeight()
	}
	d.offset = clamp(d.offset, 0, maxOffset)
}

func (d *detailPane) title() string {
	if d.dialog != nil {
		return "2 " + d.dialog.title()
	}
	if d.number == "" {
		return "2 Detail"
	}
	return "2 " + d.number
}

// View renders the pane; spin is the spinner frame for a push in progress.
func (d *detailPane) View(focused bool, spin string) string {
	s := d.c.styles
	if d.dialog != nil {
		var body []string
		for _, line := range d.dialog.body(d.c) {
			body = append(body, strings.Split(ansi.Wordwrap(line, max(10, d.width-2), ""), "\n")...)
		}
		return s.box(d.title(), body, d.width, d.height, true)
	}
	lines := d.content(spin)
	start := clamp(d.offset, 0, max(0, len(lines)-d.innerHeight()))
	return s.box(d.title(), lines[start:], d.width, d.height, focused)
}

// content returns every line of the pane before scrolling.
func (d *detailPane) content(spin string) []string {
	s := d.c.styles
	switch {
	case d.number == "":
		return []string{s.Muted.Render("No PO selected.")}
	case d.err != nil:
		return []string{s.Error.Render(d.err.Error())}
	case !d.loaded:
		return []string{s.Muted.Render("Loading " + d.number + "…")}
	}

	po := d.po
	inner := d.width - 2
	lines := []string{d.headline(spin)}
	lines = append(lines, wrapBody(d.pushLine(spin), inner)...)
	lines = append(lines, d.fields()...)
	lines = append(lines, "")
	lines = append(lines, d.lineRows()...)
	lines = append(lines, "", s.Header.Render("History"))
	// Event texts wrap under their own column: a push failure ends with
	// what to do next.
	const eventColumn = 16 + 2 + 12 + 1
	for i := len(po.History) - 1; i >= 0; i-- {
		event := po.History[i]
		line := s.Muted.Render(d.c.clock(event.At)) + "  " + padRight(event.Actor, 12) + " " + eventText(event)
		lines = append(lines, wrapHanging(line, inner, eventColumn)...)
	}
	return lines
}

// headline is the PO number, status and lock state.
func (d *detailPane) headline(spin string) string {
	s := d.c.styles
	po := d.po
	line := s.Bold.Render(po.Number) + "  " + s.StatusStyle(po.Status).Render(po.Status.Label())
	if d.c.overdue(po.Status, po.ExpectedDate) {
		line += "  " + s.Overdue.Render("overdue")
	}
	if flags := po.Discrepancies(); flags > 0 {
		noun := "discrepancies"
		if flags == 1 {
			noun = "discrepancy"
		}
		line += "  " + s.Flag.Render(fmt.Sprintf("%s%d %s", flagMark, flags, noun))
	}
	return line
}

// pushLine shows the PO's state with the WMS: the push button on an
// Ordered PO that is not pushed, a spinner while the push runs, the lock
// once pushed.
func (d *detailPane) pushLine(spin string) []string {
	s := d.c.styles
	po := d.po
	label := wmsLabel(po)
	switch {
	case po.PushPending():
		line := s.Spinner.Render(spin) + " Pushing to " + label + "…"
		if po.WMS.LastError != "" {
			line += " " + s.Error.Render(fmt.Sprintf("attempt %d failed: %s; retrying", po.WMS.Attempts, po.WMS.LastError))
		}
		return []string{line}
	case po.Pushed():
		text := lockMark + " Locked: in " + label
		if po.WMS.RemoteID != "" {
			text += " as " + po.WMS.RemoteID
		}
		text += "; make changes there"
		return []string{s.Lock.Render(text)}
	}

	var lines []string
	if po.WMS != nil && po.WMS.State == store.PushFailed {
		lines = append(lines, s.Error.Render("Push to "+label+" failed: "+po.WMS.LastError+"; fix the PO and push again"))
	}
	if po.Status == store.StatusOrdered && d.c.sync != nil && !d.c.readOnly() {
		info := d.c.sync.Info()
		button := s.pushButton("Push to "+info.Label, info.Color)
		lines = append(lines, button+"  "+s.Muted.Render("press p"))
	}
	return lines
}

func wmsLabel(po store.PO) string {
	if po.WMS == nil {
		return "the WMS"
	}
	if po.WMS.Label != "" {
		return po.WMS.Label
	}
	return po.WMS.Connector
}

func (d *detailPane) fields() []string {
	s := d.c.styles
	po := d.po
	supplier := po.Supplier
	if supplier == "" {
		supplier = "(none)"
	}
	expected := po.ExpectedDate
	if expected == "" {
		expected = "—"
	}
	lines := []string{
		s.Label.Render("Supplier ") + supplier,
		s.Label.Render("Expected ") + expected + "   " +
			s.Label.Render("Value ") + store.FormatMoney(po.Value(), po.Currency) + " " + po.Currency,
	}
	if po.Notes != "" {
		lines = append(lines, s.Label.Render("Notes ")+strings.ReplaceAll(po.Notes, "\n", " "))
	}
	return lines
}

// Line table widths.
const (
	colSKU  = 14
	colQty  = 8
	colNote = 16
)

// lineRows renders the lines table: per line ordered, received, rejected,
// progress and what is off (over, short, rejected, unexpected SKU).
func (d *detailPane) lineRows() []string {
	s := d.c.styles
	po := d.po
	inner := d.width - 2
	if len(po.Lines) == 0 {
		return []string{s.Header.Render("Lines"), s.Muted.Render("No lines yet; press e to add some.")}
	}
	// The notes column widens for long notes, taking room from the
	// description first.
	notes := make([]string, len(po.Lines))
	noteWidth := colNote
	for i, line := range po.Lines {
		notes[i] = lineNote(po, line)
		noteWidth = max(noteWidth, lipgloss.Width(notes[i]))
	}
	bar := 8
	description := inner - colSKU - 3*colQty - bar - noteWidth - 6
	if description < 12 {
		description = 0
	}

	header := padRight("SKU", colSKU) + " "
	if description > 0 {
		header += padRight("Description", description) + " "
	}
	header += fitLeft("Ordered", colQty) + " " + fitLeft("Received", colQty) + " " + fitLeft("Rejected", colQty) + " " + padRight("", bar)
	rows := []string{s.Header.Render("Lines · " + quantity(po.TotalReceived(), po.TotalOrdered()) + " received"), s.Header.Render(header)}

	for i, line := range po.Lines {
		row := padRight(line.SKU, colSKU) + " "
		if description > 0 {
			row += padRight(line.Description, description) + " "
		}
		row += fitLeft(itoa(line.Ordered), colQty) + " " + fitLeft(itoa(line.Received), colQty) + " " +
			fitLeft(itoa(line.Rejected), colQty) + " " + s.bar(line.Received, line.Ordered, bar)
		note := notes[i]
		switch {
		case note == "":
			rows = append(rows, row)
		case lipgloss.Width(row)+1+lipgloss.Width(note) <= inner:
			rows = append(rows, row+" "+s.Flag.Render(note))
		default:
			// Too narrow for the note beside the numbers: it goes below,
			// under the description.
			rows = append(rows, row)
			rows = append(rows, wrapIndented(s.Flag, note, colSKU+1, inner)...)
		}
	}
	return rows
}

// lineNote names what is off on a line. Short means units still open once
// goods have arrived on the PO: Partially received, Received or Closed,
// whether the receipts came from the WMS or were recorded by hand.
func lineNote(po store.PO, line store.Line) string {
	var notes []string
	switch {
	case line.Unexpected:
		notes = append(notes, "unexpected SKU")
	case line.Over() > 0:
		notes = append(notes, fmt.Sprintf("%d over", line.Over()))
	case line.Open() > 0 && (po.Status == store.StatusPartiallyReceived ||
		po.Status == store.StatusReceived || po.Status == store.StatusClosed):
		notes = append(notes, fmt.Sprintf("%d short", line.Open()))
	}
	if line.Rejected > 0 {
		notes = append(notes, fmt.Sprintf("%d rejected", line.Rejected))
	}
	return strings.Join(notes, ", ")
}

// eventText is one history entry in words.
func eventText(event store.Event) string {
	label := func(status string) string { return store.Status(status).Label() }
	switch event.Event {
	case store.EventCreated:
		return "created"
	case store.EventStatus:
		return "status " + label(event.From) + " → " + label(event.To)
	case store.EventEdited:
		return "edited: " + event.Detail
	case store.EventNotes:
		return "notes changed"
	case store.EventPushRequested:
		return "push to " + event.To + " requested"
	case store.EventPushFailed:
		return "push to " + event.To + " failed: " + event.Detail
	case store.EventChangedInWMS:
		return "changed in WMS: " + event.Detail
	case store.EventReceipt, store.EventRejected, store.EventOverReceipt, store.EventUnexpectedSKU,
		store.EventPushed, store.EventPushRetry, store.EventImported:
		if event.Detail != "" {
			return event.Detail
		}
	}
	if event.Detail != "" {
		return event.Event + ": " + event.Detail
	}
	return event.Event
}
