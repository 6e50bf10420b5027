package ui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"poboard/store"
)

// formRow is one row of a form: a label and one or more inputs. Line rows
// are PO lines or receipt lines, which ctrl+d removes.
type formRow struct {
	label string
	cells []textInput
	line  bool
	// widths are the cell widths in cells; nil gives one wide cell, and a
	// 0 takes the room the other cells leave.
	widths []int
}

// formGrid is the field navigation the PO form and the receipt form share:
// a flat focus order over every cell of every row, then the Save button.
type formGrid struct {
	c      *common
	rows   []formRow
	focus  int
	saving bool
	offset int

	// err is the last error, shown below row errRow, or below the Save
	// button when errRow is -1. Set it with fail.
	err    string
	errRow int
	// stale is set when the save failed because someone else changed the
	// PO since the form opened; the form then offers to reload the PO.
	stale bool
	// note is information shown below the Save button, such as after a
	// reload; the next key clears it.
	note string
	// fieldOf returns the row and cell of the field a store validation
	// error names, ok false when the error names no field of the form.
	fieldOf func(*store.ValidationError) (row, cell int, ok bool)
}

// fieldError is an invalid value in one cell of a form, found before the
// form reaches the store.
type fieldError struct {
	row, cell int
	err       error
}

func (e *fieldError) Error() string { return e.err.Error() }

func (e *fieldError) Unwrap() error { return e.err }

// fail shows err in the form and ends saving. An error that names a field
// shows below that field's row, and the row takes the focus so the user
// can fix it at once. A stale version makes the form offer to reload the PO.
func (g *formGrid) fail(err error) tea.Cmd {
	g.saving, g.stale, g.note = false, false, ""
	g.err, g.errRow = err.Error(), -1

	var field *fieldError
	var invalid *store.ValidationError
	var stale *store.StaleError
	switch {
	case errors.As(err, &field):
		g.errRow = field.row
		return g.setFocus(g.index(field.row, field.cell))
	case errors.As(err, &invalid) && g.fieldOf != nil:
		if row, cell, ok := g.fieldOf(invalid); ok {
			g.errRow = row
			return g.setFocus(g.index(row, cell))
		}
	case errors.As(err, &stale):
		g.stale = true
	}
	return nil
}

func (c *common) newInput(placeholder, value string, limit int) textInput {
	input := newTextInput(c.styles)
	input.Prompt = ""
	input.Placeholder = placeholder
	input.CharLimit = limit
	input.SetValue(value)
	return input
}

// cellCount returns the number of focusable cells, without the Save button.
func (g *formGrid) cellCount() int {
	count := 0
	for _, row := range g.rows {
		count += len(row.cells)
	}
	return count
}

// position returns the row and cell of a flat focus index; row -1 is the
// Save button.
func (g *formGrid) position(index int) (row, cell int) {
	for r, formRow := range g.rows {
		if index < len(formRow.cells) {
			return r, index
		}
		index -= len(formRow.cells)
	}
	return -1, 0
}

// index returns the flat focus index of a row's cell.
func (g *formGrid) index(row, cell int) int {
	index := 0
	for r := 0; r < row; r++ {
		index += len(g.rows[r].cells)
	}
	return index + cell
}

// setFocus moves the focus, blurring the old cell and focusing the new.
func (g *formGrid) setFocus(index int) tea.Cmd {
	index = clamp(index, 0, g.cellCount())
	if r, c := g.position(g.focus); r >= 0 {
		g.rows[r].cells[c].Blur()
	}
	g.focus = index
	if r, c := g.position(index); r >= 0 {
		return g.rows[r].cells[c].Focus()
	}
	return nil
}

// onSave reports whether the Save button has focus.
func (g *formGrid) onSave() bool {
	row, _ := g.position(g.focus)
	return row < 0
}

// addRow inserts a line row after the last line row and focuses it.
func (g *formGrid) addRow(row formRow) tea.Cmd {
	at := len(g.rows)
	for at > 0 && !g.rows[at-1].line && g.hasLines() {
		at--
	}
	if !g.hasLines() {
		at = len(g.rows)
	}
	g.rows = append(g.rows[:at], append([]formRow{row}, g.rows[at:]...)...)
	g.focus = 0
	for r := range g.rows {
		for c := range g.rows[r].cells {
			g.rows[r].cells[c].Blur()
		}
	}
	return g.setFocus(g.index(at, 0))
}

func (g *formGrid) hasLines() bool {
	for _, row := range g.rows {
		if row.line {
			return true
		}
	}
	return false
}

// removeFocusedRow drops the line row that has focus.
func (g *formGrid) removeFocusedRow() {
	row, _ := g.position(g.focus)
	if row < 0 || !g.rows[row].line {
		g.err, g.errRow = "ctrl+d removes a line: move to the line first", row
		return
	}
	g.rows = append(g.rows[:row], g.rows[row+1:]...)
	g.focus = clamp(g.focus, 0, g.cellCount())
	if r, c := g.position(g.focus); r >= 0 {
		g.rows[r].cells[c].Focus()
	}
}

// update handles navigation and typing. It returns submit when the user
// pressed enter on Save, cancel on esc.
func (g *formGrid) update(msg tea.KeyMsg, canAdd bool, newRow func() formRow) (cmd tea.Cmd, submit, cancel bool) {
	k := g.c.keys
	if g.saving {
		return nil, false, false
	}
	// A stale version stays on screen until the reload, since saving
	// again fails the same way.
	if !g.stale {
		g.err = ""
	}
	g.note = ""
	row, cell := g.position(g.focus)
	switch {
	case msg.Type == tea.KeyEsc:
		return nil, false, true
	case key.Matches(msg, k.AddLine) && canAdd:
		return g.addRow(newRow()), false, false
	case key.Matches(msg, k.RemoveLine):
		g.removeFocusedRow()
		return nil, false, false
	case msg.Type == tea.KeyEnter && g.onSave():
		return nil, true, false
	case msg.Type == tea.KeyEnter, msg.Type == tea.KeyTab:
		return g.setFocus(g.focus + 1), false, false
	case msg.Type == tea.KeyShiftTab:
		return g.setFocus(g.focus - 1), false, false
	case msg.Type == tea.KeyDown:
		if row >= 0 && row+1 < len(g.rows) {
			return g.setFocus(g.index(row+1, min(cell, len(g.rows[row+1].cells)-1))), false, false
		}
		return g.setFocus(g.cellCount()), false, false
	case msg.Type == tea.KeyUp:
		if row < 0 {
			last := len(g.rows) - 1
			return g.setFocus(g.index(last, 0)), false, false
		}
		if row > 0 {
			return g.setFocus(g.index(row-1, min(cell, len(g.rows[row-1].cells)-1))), false, false
		}
		return nil, false, false
	}
	if row >= 0 {
		g.rows[row].cells[cell], cmd = g.rows[row].cells[cell].Update(msg)
	}
	return cmd, false, false
}

// value returns the trimmed text of a row's cell.
func (r formRow) value(cell int) string {
	return strings.TrimSpace(r.cells[cell].Value())
}

// view renders the rows in a box of width×height: the label column, then
// the cells, each padded to its width. A mark starts the focused row. An
// error shows below the row it names, or below the Save button.
func (g *formGrid) view(title string, intro []string, width, height int) string {
	s := g.c.styles
	inner := width - 2
	labelWidth := g.labelWidth(inner)
	body := wrapBody(intro, inner)

	focusRow, _ := g.position(g.focus)
	var rowLines []string
	// focusFirst and focusLast are the lines that must stay visible: the
	// focused row and the message below it.
	focusFirst, focusLast := 0, 0
	for r, row := range g.rows {
		marker := "  "
		if r == focusRow {
			marker = s.InputFocused.Render("▸ ")
			focusFirst = len(rowLines)
		}
		line := marker + s.Label.Render(padRight(row.label, labelWidth))
		widths := cellWidths(row, inner-labelWidth-2)
		for c := range row.cells {
			cellWidth := widths[c]
			input := row.cells[c]
			input.Width = max(1, cellWidth-3)
			open, close := s.Muted.Render("["), s.Muted.Render("]")
			if r == focusRow && input.Focused() {
				open, close = s.InputFocused.Render("["), s.InputFocused.Render("]")
			}
			line += open + fit(input.View(), cellWidth-2) + close + " "
		}
		rowLines = append(rowLines, line)
		if g.err != "" && g.errRow == r {
			rowLines = append(rowLines, wrapIndented(s.Error, g.err, 2+labelWidth, inner)...)
		}
		if r == focusRow {
			focusLast = len(rowLines) - 1
		}
	}

	save := "[ Save ]"
	if g.saving {
		save = "Saving…"
	}
	if g.onSave() {
		rowLines = append(rowLines, s.InputFocused.Render("▸ "+save))
		focusFirst = len(rowLines) - 1
	} else {
		rowLines = append(rowLines, "  "+s.Muted.Render(save))
	}
	if g.err != "" && g.errRow < 0 {
		rowLines = append(rowLines, wrapIndented(s.Error, g.err, 2, inner)...)
	}
	if g.stale {
		hint := "press " + g.c.keys.Reload.Help().Key + " to load the current PO into this form; it replaces what you typed here"
		rowLines = append(rowLines, wrapIndented(s.Info, hint, 2, inner)...)
	}
	if g.note != "" {
		rowLines = append(rowLines, wrapIndented(s.Info, g.note, 2, inner)...)
	}
	if g.onSave() {
		focusLast = len(rowLines) - 1
	}

	// Scroll so the focused row and its message stay visible below the
	// intro; the row itself wins when both do not fit.
	room := max(1, height-2-len(body))
	if focusLast >= g.offset+room {
		g.offset = focusLast - room + 1
	}
	if focusFirst < g.offset {
		g.offset = focusFirst
	}
	g.offset = clamp(g.offset, 0, max(0, len(rowLines)-room))
	end := min(len(rowLines), g.offset+room)
	body = append(body, rowLines[g.offset:end]...)
	return s.box(title, body, width, height, true)
}

// labelWidth returns the width of the label column: 16 cells, or wider
// for a long label such as "TEE-BLK-M (300 open)", as far as the widest
// row's cells leave room in inner cells.
func (g *formGrid) labelWidth(inner int) int {
	widest, cells := 0, 0
	for _, row := range g.rows {
		widest = max(widest, lipgloss.Width(row.label)+1)
		// A cell that takes the rest needs at least 12 cells to be usable.
		need := 0
		for _, width := range cellWidths(row, 0) {
			need += max(width, 12) + 1
		}
		cells = max(cells, need)
	}
	return clamp(widest, 16, max(16, inner-2-cells))
}

// cellWidths returns the width of each cell of row in room cells, with a
// space after each cell.
func cellWidths(row formRow, room int) []int {
	if len(row.widths) == 0 {
		return []int{max(4, room-2)}
	}
	widths := append([]int(nil), row.widths...)
	used := 0
	for _, width := range widths {
		used += width + 1
	}
	for i, width := range widths {
		if width == 0 {
			widths[i] = max(4, room-used-1)
		}
	}
	return widths
}

// keys are the keys the form shows in the footer: the reload key first
// while the form offers it, so a narrow footer keeps it.
func (g *formGrid) keys(lines bool) []key.Binding {
	keys := formKeys(g.c.keys, lines)
	if g.stale {
		keys = append([]key.Binding{g.c.keys.Reload}, keys...)
	}
	return keys
}

// formKeys are the keys the forms show in the footer.
func formKeys(k KeyMap, lines bool) []key.Binding {
	keys := []key.Binding{k.NextField, k.PrevField, k.Submit}
	if lines {
		keys = append(keys, k.AddLine, k.RemoveLine)
	}
	return append(keys, withHelp(k.Back, "esc", "cancel"))
}
