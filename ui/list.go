package ui

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// Marks in the list's first column, explained in the help view.
const (
	lockMark    = "⊠"
	pendingMark = "⇡"
	flagMark    = "⚑"
	overdueMark = "!"
)

// receivingStatuses are the statuses the warehouse's receiving view lists.
var receivingStatuses = []store.Status{store.StatusOrdered, store.StatusPartiallyReceived}

// listPane is the PO list: one row per PO from the stored summaries, a
// filter, and the selection, which is kept by PO number so that reloads and
// filters never move it to another PO.
type listPane struct {
	c *common

	rows    []listRow
	index   map[string]int
	visible []int
	cursor  int
	offset  int
	// selected is the number of the selected PO, "" when the list is empty.
	selected string
	// chosen is the PO the user last moved to. A filter that hides it moves
	// the selection to a visible row; once it shows again, so does the
	// selection.
	chosen string

	filter    textInput
	filtering bool

	// receiving limits the list to POs awaiting goods, by expected date:
	// the warehouse lead's first screen.
	receiving bool
	loaded    bool
	// lastQuery is the lower-case query that visible was computed for.
	lastQuery string
	// partial is true while the list shows only the newest POs and the
	// rest are still being read.
	partial bool

	width, height int
}

func newListPane(c *common) listPane {
	input := newTextInput(c.styles)
	input.Prompt = "/ "
	input.Placeholder = "PO number, supplier or SKU"
	input.CharLimit = 64
	return listPane{c: c, filter: input, index: map[string]int{}, receiving: c.readOnly()}
}

// SetSize sets the pane's outer size in cells.
func (l *listPane) SetSize(width, height int) {
	l.width, l.height = width, height
	l.filter.Width = max(1, width-6)
	l.scroll()
}

// ShortHelp returns the keys shown in the footer while the list has focus.
func (l listPane) ShortHelp() []key.Binding {
	k := l.c.keys
	if l.filtering {
		return []key.Binding{k.Open, k.Back}
	}
	if l.c.readOnly() {
		view := withHelp(k.ListView, "v", "all POs")
		if !l.receiving {
			view = withHelp(k.ListView, "v", "receiving")
		}
		return []key.Binding{k.Up, k.Down, k.Open, k.Filter, view, k.Sync, k.Help, k.Quit}
	}
	return []key.Binding{k.Up, k.Down, k.Open, k.Filter, k.New, k.Edit, k.Status, k.Push, k.Help, k.Quit}
}

// FullHelp returns every key that works while the list has focus.
func (l listPane) FullHelp() [][]key.Binding {
	k := l.c.keys
	return [][]key.Binding{k.moveKeys(), append(k.poKeys(), k.Filter, k.ListView), k.paneKeys(), k.globalKeys()}
}

// listRow is one PO's row: its summary without the SKU list, and the
// lower-case text the filter searches.
type listRow struct {
	store.Summary
	// search is the PO number, supplier and SKUs, lower-case and separated
	// by newlines, which no field contains.
	search string
}

// newListRow builds a row. The SKUs move into the search text: one string
// per PO instead of twenty keeps 100,000 rows smaller and faster to search.
// The text is built in one allocation because the full list builds 100,000
// of them.
func newListRow(summary store.Summary) listRow {
	size := len(summary.Number) + 1 + len(summary.Supplier)
	for _, sku := range summary.SKUs {
		size += 1 + len(sku)
	}
	var b strings.Builder
	b.Grow(size)
	writeLower(&b, summary.Number)
	b.WriteByte('\n')
	writeLower(&b, summary.Supplier)
	for _, sku := range summary.SKUs {
		b.WriteByte('\n')
		writeLower(&b, sku)
	}
	summary.SKUs = nil
	return listRow{Summary: summary, search: b.String()}
}

// writeLower writes text in lower case, byte by byte while it is ASCII.
func writeLower(b *strings.Builder, text string) {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= utf8.RuneSelf {
			b.WriteString(strings.ToLower(text[i:]))
			return
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
}

// setRows replaces every row, as after the first load or a resync.
func (l *listPane) setRows(summaries []store.Summary) {
	rows := make([]listRow, 0, len(summaries))
	for _, summary := range summaries {
		if l.keeps(summary) {
			rows = append(rows, newListRow(summary))
		}
	}
	l.rows = rows
	l.loaded = true
	l.sortRows()
	l.applyFilter()
}

// keeps reports whether the list shows summary at all, filter aside.
func (l *listPane) keeps(summary store.Summary) bool {
	if !l.receiving {
		return true
	}
	for _, status := range receivingStatuses {
		if summary.Status == status {
			return true
		}
	}
	return false
}

// sortRows orders rows newest first, or by expected date in the receiving
// view (undated POs last), and rebuilds the number index.
func (l *listPane) sortRows() {
	if l.receiving {
		sort.SliceStable(l.rows, func(i, j int) bool {
			a, b := l.rows[i], l.rows[j]
			if (a.ExpectedDate == "") != (b.ExpectedDate == "") {
				return b.ExpectedDate == ""
			}
			if a.ExpectedDate != b.ExpectedDate {
				return a.ExpectedDate < b.ExpectedDate
			}
			return a.ID < b.ID
		})
	} else if !sort.SliceIsSorted(l.rows, func(i, j int) bool { return l.rows[i].ID > l.rows[j].ID }) {
		// The store lists oldest first, so a reversal usually suffices.
		if sort.SliceIsSorted(l.rows, func(i, j int) bool { return l.rows[i].ID < l.rows[j].ID }) {
			slices.Reverse(l.rows)
		} else {
			sort.Slice(l.rows, func(i, j int) bool { return l.rows[i].ID > l.rows[j].ID })
		}
	}
	l.index = make(map[string]int, len(l.rows))
	for i, row := range l.rows {
		l.index[row.Number] = i
	}
}

// upsert replaces the row of one PO, adds it when new, or drops it when the
// list no longer shows it. An older version than the row's changes
// nothing. Other rows and the selection stay as they are.
func (l *listPane) upsert(summary store.Summary) {
	i, known := l.index[summary.Number]
	if known && l.rows[i].Version > summary.Version {
		// A result read before a later change arrived after it.
		return
	}
	switch {
	case known && !l.keeps(summary):
		l.rows = append(l.rows[:i], l.rows[i+1:]...)
		l.sortRows()
	case known && l.rows[i].ExpectedDate == summary.ExpectedDate:
		// Same place in either order: replace in place, no re-sort.
		l.rows[i] = newListRow(summary)
	case known:
		l.rows[i] = newListRow(summary)
		l.sortRows()
	case l.keeps(summary):
		l.rows = append(l.rows, newListRow(summary))
		l.sortRows()
	default:
		return
	}
	l.filterAll()
}

// version returns the version of the PO's row, ok false when the list
// has no row for it.
func (l *listPane) version(number string) (version uint64, ok bool) {
	i, ok := l.index[number]
	if !ok {
		return 0, false
	}
	return l.rows[i].Version, true
}

// remove drops the row of a PO that no longer exists.
func (l *listPane) remove(number string) {
	i, known := l.index[number]
	if !known {
		return
	}
	l.rows = append(l.rows[:i], l.rows[i+1:]...)
	l.sortRows()
	l.filterAll()
}

// chooseFirst selects the top row, as after loading demo data.
func (l *listPane) chooseFirst() {
	if len(l.visible) > 0 {
		l.choose(l.rows[l.visible[0]].Number)
	}
}

// choose selects the PO with the given number, as after creating it.
func (l *listPane) choose(number string) {
	l.chosen, l.selected = number, number
	l.applyFilter()
}

// query returns the filter text, trimmed.
func (l *listPane) query() string {
	return strings.TrimSpace(l.filter.Value())
}

// applyFilter recomputes the visible rows and puts the cursor back on the
// selected PO when it is still visible, or on the nearest row otherwise.
// A text query that extends the last one searches only the rows it
// matched. A PO number query does not narrow that way: "po-10" matches
// PO-000010, which "po-1" did not.
func (l *listPane) applyFilter() {
	query := newFilterQuery(l.query())
	last := newFilterQuery(l.lastQuery)
	if query.text == "" || last.text == "" || !strings.HasPrefix(query.text, last.text) ||
		query.number != "" || last.number != "" {
		l.filterAll()
		return
	}
	kept := l.visible[:0]
	for _, i := range l.visible {
		if query.matches(l.rows[i].search) {
			kept = append(kept, i)
		}
	}
	l.visible = kept
	l.lastQuery = query.text
	l.restoreSelection()
}

// filterAll matches every row against the query, as after rows changed.
func (l *listPane) filterAll() {
	query := newFilterQuery(l.query())
	l.visible = l.visible[:0]
	for i := range l.rows {
		if query.matches(l.rows[i].search) {
			l.visible = append(l.visible, i)
		}
	}
	l.lastQuery = query.text
	l.restoreSelection()
}

// filterQuery is the filter's query in lower case and, when the query
// reads as a PO number ("po-5", "42"), that number written in full.
type filterQuery struct {
	text   string
	number string
}

func newFilterQuery(query string) filterQuery {
	text := strings.ToLower(strings.TrimSpace(query))
	q := filterQuery{text: text}
	if number := store.NormalizeNumber(text); number != strings.ToUpper(text) {
		q.number = strings.ToLower(number)
	}
	return q
}

// matches reports whether a row's search text contains the query, or
// starts with the PO number the query names.
func (q filterQuery) matches(search string) bool {
	if q.text == "" || strings.Contains(search, q.text) {
		return true
	}
	return q.number != "" && strings.HasPrefix(search, q.number+"\n")
}

// restoreSelection puts the cursor on the chosen PO, else the selected one,
// else the nearest visible row.
func (l *listPane) restoreSelection() {
	found := false
	for _, want := range []string{l.chosen, l.selected} {
		if found || want == "" {
			continue
		}
		for pos, i := range l.visible {
			if l.rows[i].Number == want {
				l.cursor, found = pos, true
				l.selected = want
				break
			}
		}
	}
	if !found {
		l.cursor = clamp(l.cursor, 0, len(l.visible)-1)
		l.selected = ""
		if len(l.visible) > 0 {
			l.selected = l.rows[l.visible[l.cursor]].Number
		}
	}
	l.scroll()
}

// rowsHeight returns how many PO rows fit below the header and filter lines.
func (l *listPane) rowsHeight() int {
	height := l.height - 3
	if l.filtering || l.query() != "" {
		height--
	}
	return max(1, height)
}

// move puts the cursor delta rows away and keeps it on screen.
func (l *listPane) move(delta int) {
	if len(l.visible) == 0 {
		return
	}
	l.cursor = clamp(l.cursor+delta, 0, len(l.visible)-1)
	l.selected = l.rows[l.visible[l.cursor]].Number
	l.chosen = l.selected
	l.scroll()
}

func (l *listPane) scroll() {
	rows := l.rowsHeight()
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+rows {
		l.offset = l.cursor - rows + 1
	}
	l.offset = clamp(l.offset, 0, max(0, len(l.visible)-rows))
}

// Update handles keys while the list has focus. It reports whether the
// selection moved, so the caller loads the newly selected PO.
func (l *listPane) Update(msg tea.KeyMsg) (moved bool, cmd tea.Cmd) {
	before := l.selected
	k := l.c.keys

	if l.filtering {
		switch msg.Type {
		case tea.KeyEsc:
			l.filter.SetValue("")
			l.filter.Blur()
			l.filtering = false
			l.applyFilter()
		case tea.KeyEnter:
			l.filter.Blur()
			l.filtering = false
		case tea.KeyUp, tea.KeyDown:
			l.move(map[tea.KeyType]int{tea.KeyUp: -1, tea.KeyDown: 1}[msg.Type])
		default:
			l.filter, cmd = l.filter.Update(msg)
			l.applyFilter()
		}
		return l.selected != before, cmd
	}

	switch {
	case key.Matches(msg, k.Up):
		l.move(-1)
	case key.Matches(msg, k.Down):
		l.move(1)
	case key.Matches(msg, k.Top):
		l.move(-len(l.visible))
	case key.Matches(msg, k.Bottom):
		l.move(len(l.visible))
	case key.Matches(msg, k.PageUp):
		l.move(-l.rowsHeight())
	case key.Matches(msg, k.PageDown):
		l.move(l.rowsHeight())
	case key.Matches(msg, k.Filter):
		l.filtering = true
		cmd = l.filter.Focus()
		l.scroll()
	case msg.Type == tea.KeyEsc && l.query() != "":
		l.filter.SetValue("")
		l.applyFilter()
	}
	return l.selected != before, cmd
}

// title returns the pane's title with the count of shown POs.
func (l *listPane) title() string {
	name := "1 PO list"
	if l.receiving {
		name = "1 Receiving"
	}
	suffix := ""
	if l.partial {
		suffix = " so far, loading the rest…"
	}
	if l.query() != "" {
		return name + " · " + itoa(len(l.visible)) + " of " + countPOs(len(l.rows)) + suffix
	}
	return name + " · " + countPOs(len(l.rows)) + suffix
}

// View renders the pane at its size.
func (l *listPane) View(focused bool) string {
	s := l.c.styles
	inner := l.width - 2
	var body []string

	if l.filtering || l.query() != "" {
		body = append(body, l.filter.View())
	}

	if !l.loaded {
		body = append(body, s.Muted.Render("Loading POs…"))
		return s.box(l.title(), body, l.width, l.height, focused)
	}
	if len(l.rows) == 0 {
		body = append(body, l.emptyText()...)
		return s.box(l.title(), body, l.width, l.height, focused)
	}

	cols := l.columns(inner)
	body = append(body, s.Header.Render(fit(cols.header(), inner)))
	if len(l.visible) == 0 {
		body = append(body, s.Muted.Render("No PO matches "+quote(l.query())+"; press esc to clear the filter."))
	}
	end := min(len(l.visible), l.offset+l.rowsHeight())
	for pos := l.offset; pos < end; pos++ {
		row := l.rows[l.visible[pos]].Summary
		line := cols.row(l.c, row)
		if pos == l.cursor {
			line = s.Selected.Render(fit(plainRow(l.c, cols, row), inner))
		}
		body = append(body, line)
	}
	return s.box(l.title(), body, l.width, l.height, focused)
}

// countPOs returns "1 PO" or "N POs".
func countPOs(n int) string {
	if n == 1 {
		return "1 PO"
	}
	return itoa(n) + " POs"
}

func (l *listPane) emptyText() []string {
	s := l.c.styles
	if l.receiving {
		return []string{s.Muted.Render("No POs are awaiting receipt: none is Ordered or Partially received.")}
	}
	return []string{
		s.Bold.Render("No POs yet."),
		"Press " + s.Help.ShortKey.Render("n") + " to create a PO,",
		"or " + s.Help.ShortKey.Render("D") + " to load demo data: suppliers and POs in every status.",
	}
}

// switchView swaps between the receiving view and the full list. The rows
// are cleared until the caller's reload arrives, so the title never shows
// the other view's count. The selection stays when the PO is in both.
func (l *listPane) switchView() {
	l.receiving = !l.receiving
	l.rows, l.visible, l.loaded, l.partial = nil, l.visible[:0], false, false
	l.index = map[string]int{}
	l.scroll()
}
