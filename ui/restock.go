package ui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"poboard/forecast"
	"poboard/store"
)

// restockView is the restock pane: suggestions grouped by supplier, a
// selection of SKUs to order, and beside the selected SKU its recent
// demand and projected stock. It reloads whenever a PO changes, because
// Ordered and Partially received POs count as in transit.
type restockView struct {
	c *common

	plan     forecast.Plan
	unmapped []store.UnmappedName
	// arrivals is each SKU's next open PO, the first to bring units.
	arrivals map[string]arrival
	// pending is each SKU's lines on Draft and Approved POs.
	pending map[string][]pendingLine
	loaded  bool
	err     error
	// loading is true while a plan is being built. stale requests another
	// build once it ends, because a PO changed meanwhile.
	loading bool
	stale   bool
	// creating is true while the drafts are being written.
	creating bool

	rows []restockRow
	// cursor indexes rows and is always on a SKU row when there is one;
	// cursorSKU keeps it on the same SKU across reloads.
	cursor    int
	cursorSKU string
	offset    int
	selected  map[string]bool
	// detailRows is the height of the part below the table in the last
	// frame, which sets how many rows the table scrolls by.
	detailRows int

	// filter narrows the table to the SKUs whose SKU, description or
	// supplier contains its text; filtering is true while it takes keys.
	filter    textInput
	filtering bool

	// prompt reads the path of the orders file to import; nil when closed.
	prompt *textInput
	// confirm is the open question before drafts that would duplicate
	// Draft or Approved POs; nil when none is open.
	confirm *draftsConfirm
	// note is the last result or error shown at the foot of the view.
	note notice

	width, height int
}

// restockRow is one line of the table: a supplier's header when
// suggestion is rowGroupHeader, the line below it about SKUs with no unit
// cost when rowNoCost, else one SKU.
type restockRow struct {
	group      int
	suggestion int
}

// Values of restockRow.suggestion for the rows that are no SKU.
const (
	rowGroupHeader = -1
	rowNoCost      = -2
)

// arrival is the next open PO bringing units of a SKU.
type arrival struct {
	po    string
	date  time.Time
	units int
}

// planMsg carries a freshly built restock plan.
type planMsg struct {
	plan     forecast.Plan
	unmapped []store.UnmappedName
	arrivals map[string]arrival
	pending  map[string][]pendingLine
	err      error
}

// draftsMsg is the result of creating draft POs from the selection.
type draftsMsg struct {
	drafts []store.PO
	err    error
}

func newRestockView(c *common) *restockView {
	filter := newTextInput(c.styles)
	filter.Prompt = "/ "
	filter.Placeholder = "SKU, description or supplier"
	filter.CharLimit = 64
	return &restockView{c: c, selected: map[string]bool{}, filter: filter}
}

// loadPlanCmd builds the restock plan as of the board's clock, with the
// next open PO of each SKU for the stock chart's marker and the SKUs'
// lines on Draft and Approved POs.
func loadPlanCmd(c *common) tea.Cmd {
	defaults, today := c.forecast, c.now()
	return func() tea.Msg {
		plan, unmapped, err := c.store.RestockPlan(store.PlanOptions{Defaults: defaults, Today: today})
		if err != nil {
			c.logger.Error("building the restock plan failed", "err", err)
			return planMsg{err: err}
		}
		open, err := c.store.ListPOs(store.StatusOrdered, store.StatusPartiallyReceived)
		if err != nil {
			return planMsg{err: err}
		}
		pending, err := pendingLines(c.store, plan)
		if err != nil {
			c.logger.Error("reading draft and approved POs failed", "err", err)
			return planMsg{err: err}
		}
		return planMsg{plan: plan, unmapped: unmapped, arrivals: nextArrivals(plan, open), pending: pending}
	}
}

// nextArrivals finds, for every SKU of the plan, the open PO expected
// first. A PO without an expected date is expected one lead time after it
// was created, the date the plan itself assumes.
func nextArrivals(plan forecast.Plan, open []store.PO) map[string]arrival {
	leadTimes := map[string]int{}
	for _, group := range plan.Groups {
		for _, s := range group.Suggestions {
			leadTimes[s.SKU] = s.LeadTimeDays
		}
	}
	next := map[string]arrival{}
	for _, po := range open {
		for _, line := range po.Lines {
			lead, planned := leadTimes[line.SKU]
			if !planned || line.Open() <= 0 {
				continue
			}
			date := po.CreatedAt.UTC().Truncate(24*time.Hour).AddDate(0, 0, lead)
			if expected, err := time.Parse(time.DateOnly, po.ExpectedDate); err == nil {
				date = expected
			}
			if known, ok := next[line.SKU]; !ok || date.Before(known.date) {
				next[line.SKU] = arrival{po: po.Number, date: date, units: line.Open()}
			}
		}
	}
	return next
}

// reload builds the plan again, or marks it stale when a build is running.
func (v *restockView) reload() tea.Cmd {
	if v.loading {
		v.stale = true
		return nil
	}
	v.loading = true
	return loadPlanCmd(v.c)
}

// setPlan shows a new plan and keeps the cursor and the selection on the
// same SKUs. Selected SKUs that left the plan are dropped.
func (v *restockView) setPlan(msg planMsg) tea.Cmd {
	v.loading = false
	if msg.err != nil {
		v.err = msg.err
	} else {
		v.plan, v.unmapped, v.arrivals, v.pending, v.loaded, v.err = msg.plan, msg.unmapped, msg.arrivals, msg.pending, true, nil
		v.buildRows()
	}
	if v.stale {
		v.stale = false
		return v.reload()
	}
	return nil
}

// buildRows lays out the table: each supplier's header, then its SKUs
// that the filter shows. A supplier none of whose SKUs shows is left out.
func (v *restockView) buildRows() {
	v.rows = v.rows[:0]
	query := v.query()
	known := map[string]bool{}
	for g, group := range v.plan.Groups {
		shown := false
		for i, s := range group.Suggestions {
			known[s.SKU] = true
			if !matchesRestock(query, s) {
				continue
			}
			if !shown {
				v.rows = append(v.rows, restockRow{group: g, suggestion: rowGroupHeader})
				if noCostCount(group) > 0 {
					v.rows = append(v.rows, restockRow{group: g, suggestion: rowNoCost})
				}
				shown = true
			}
			v.rows = append(v.rows, restockRow{group: g, suggestion: i})
		}
	}
	for sku := range v.selected {
		if !known[sku] {
			delete(v.selected, sku)
		}
	}

	v.cursor = -1
	for i, row := range v.rows {
		if row.suggestion >= 0 && (v.cursor < 0 || v.suggestionAt(i).SKU == v.cursorSKU) {
			v.cursor = i
			if v.suggestionAt(i).SKU == v.cursorSKU {
				break
			}
		}
	}
	// While a filter hides the SKU the user moved to, cursorSKU keeps it,
	// so that the cursor returns to it once the filter clears.
	if v.cursor >= 0 && (query == "" || v.cursorSKU == "") {
		v.cursorSKU = v.suggestionAt(v.cursor).SKU
	}
	v.scroll()
}

// query returns the filter's text in lower case.
func (v *restockView) query() string {
	return strings.ToLower(strings.TrimSpace(v.filter.Value()))
}

// matchesRestock reports whether a suggestion's SKU, description or
// supplier contains query, which is in lower case.
func matchesRestock(query string, s forecast.Suggestion) bool {
	if query == "" {
		return true
	}
	for _, field := range []string{s.SKU, s.Description, s.Supplier} {
		if strings.Contains(strings.ToLower(field), query) {
			return true
		}
	}
	return false
}

// shownCount returns how many SKUs the filter shows.
func (v *restockView) shownCount() int {
	count := 0
	for _, row := range v.rows {
		if row.suggestion >= 0 {
			count++
		}
	}
	return count
}

// suggestionAt returns the suggestion of a SKU row.
func (v *restockView) suggestionAt(i int) forecast.Suggestion {
	row := v.rows[i]
	return v.plan.Groups[row.group].Suggestions[row.suggestion]
}

// current returns the suggestion under the cursor; ok is false when the
// plan has none.
func (v *restockView) current() (forecast.Suggestion, bool) {
	if v.cursor < 0 || v.cursor >= len(v.rows) {
		return forecast.Suggestion{}, false
	}
	return v.suggestionAt(v.cursor), true
}

// skuCount returns how many SKUs the plan has and how many need an order.
func (v *restockView) skuCount() (all, needed int) {
	for _, group := range v.plan.Groups {
		for _, s := range group.Suggestions {
			all++
			if s.Needed() {
				needed++
			}
		}
	}
	return all, needed
}

// move puts the cursor delta SKU rows away, skipping supplier headers.
func (v *restockView) move(delta int) {
	if v.cursor < 0 {
		return
	}
	var skuRows []int
	at := 0
	for i, row := range v.rows {
		if row.suggestion >= 0 {
			if i == v.cursor {
				at = len(skuRows)
			}
			skuRows = append(skuRows, i)
		}
	}
	v.cursor = skuRows[clamp(at+delta, 0, len(skuRows)-1)]
	v.cursorSKU = v.suggestionAt(v.cursor).SKU
	v.scroll()
}

// tableHeight returns the rows of the table that fit above the detail,
// below the header and the filter line when it shows.
func (v *restockView) tableHeight() int {
	height := v.height - 2 - 1 - v.detailHeight()
	if v.filterShown() {
		height--
	}
	return max(1, height)
}

// filterShown reports whether the filter line shows above the table.
func (v *restockView) filterShown() bool {
	return v.filtering || v.query() != ""
}

func (v *restockView) scroll() {
	rows := v.tableHeight()
	if v.cursor < 0 {
		v.offset = 0
		return
	}
	// Keep the supplier header of the top row in view when there is room.
	top := v.cursor
	for top > 0 && v.rows[top-1].suggestion < 0 {
		top--
	}
	if top < v.offset {
		v.offset = top
	}
	if v.cursor >= v.offset+rows {
		v.offset = v.cursor - rows + 1
	}
	v.offset = clamp(v.offset, 0, max(0, len(v.rows)-rows))
}

// SetSize sets the view's outer size in cells.
func (v *restockView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.scroll()
}

// toggle selects or unselects the SKU under the cursor.
func (v *restockView) toggle() {
	s, ok := v.current()
	if !ok {
		return
	}
	if v.selected[s.SKU] {
		delete(v.selected, s.SKU)
	} else {
		v.selected[s.SKU] = true
	}
}

// selectNeeded selects every SKU with a suggested quantity that the
// filter shows, or unselects them when all of them are selected already.
func (v *restockView) selectNeeded() {
	var needed []string
	all := true
	for i, row := range v.rows {
		if row.suggestion < 0 {
			continue
		}
		if s := v.suggestionAt(i); s.Needed() {
			needed = append(needed, s.SKU)
			all = all && v.selected[s.SKU]
		}
	}
	if all {
		for _, sku := range needed {
			delete(v.selected, sku)
		}
		return
	}
	for _, sku := range needed {
		v.selected[sku] = true
	}
}

// selection returns the selected suggestions in plan order.
func (v *restockView) selection() []forecast.Suggestion {
	var chosen []forecast.Suggestion
	for _, group := range v.plan.Groups {
		for _, s := range group.Suggestions {
			if v.selected[s.SKU] {
				chosen = append(chosen, s)
			}
		}
	}
	return chosen
}

// toOrder returns the selected SKUs that have a suggested quantity, or
// an error explaining why there is nothing to order.
func (v *restockView) toOrder() ([]forecast.Suggestion, error) {
	chosen := v.selection()
	if len(chosen) == 0 {
		return nil, fmt.Errorf("no SKU selected; press space on the SKUs to order, or a to select every SKU with a suggested quantity")
	}
	var zero []string
	ordered := chosen[:0:0]
	for _, s := range chosen {
		if s.Needed() {
			ordered = append(ordered, s)
		} else {
			zero = append(zero, s.SKU)
		}
	}
	if len(ordered) == 0 {
		return nil, fmt.Errorf("the selected SKUs (%s) have no suggested quantity, so there is nothing to order", strings.Join(zero, ", "))
	}
	return ordered, nil
}

// createDraftsCmd writes one draft PO per supplier of chosen.
func (v *restockView) createDraftsCmd(chosen []forecast.Suggestion) tea.Cmd {
	c := v.c
	v.creating = true
	return func() tea.Msg {
		drafts, err := c.store.CreateDraftsFromSuggestions(c.actor, chosen)
		if err != nil {
			c.logger.Warn("creating drafts from suggestions failed", "created", len(drafts), "err", err)
		}
		return draftsMsg{drafts: drafts, err: err}
	}
}

// update handles a key in the restock view and returns what the Model
// must do next. Writes and the import start from the Model, which owns
// them and shows their results.
func (v *restockView) update(msg tea.KeyMsg) (cmd tea.Cmd, action restockAction) {
	k := v.c.keys
	if v.prompt != nil {
		switch msg.Type {
		case tea.KeyEsc:
			v.prompt = nil
		case tea.KeyEnter:
			return nil, restockStartImport
		default:
			*v.prompt, cmd = v.prompt.Update(msg)
		}
		return cmd, restockNone
	}
	if v.confirm != nil {
		switch {
		case msg.String() == "y":
			return nil, restockConfirmDrafts
		case key.Matches(msg, k.Cancel):
			v.confirm = nil
			v.note = notice{text: "no draft created", kind: noticeInfo}
		}
		return nil, restockNone
	}
	if v.filtering {
		return v.updateFilter(msg), restockNone
	}

	switch {
	case msg.Type == tea.KeyEsc && v.query() != "":
		v.filter.SetValue("")
		v.buildRows()
	case key.Matches(msg, k.Back), key.Matches(msg, k.Restock):
		return nil, restockClose
	case key.Matches(msg, k.Filter):
		v.filtering = true
		v.scroll()
		return v.filter.Focus(), restockNone
	case v.c.readOnly() && key.Matches(msg, k.Select, k.SelectAll, k.CreateDrafts, k.Settings, k.ImportOrders):
		// Say at once that nothing here can change, before rows are
		// selected for nothing.
		return nil, restockReadOnly
	case key.Matches(msg, k.Up):
		v.move(-1)
	case key.Matches(msg, k.Down):
		v.move(1)
	case key.Matches(msg, k.Top):
		v.move(-len(v.rows))
	case key.Matches(msg, k.Bottom):
		v.move(len(v.rows))
	case key.Matches(msg, k.PageUp):
		v.move(-v.tableHeight())
	case key.Matches(msg, k.PageDown):
		v.move(v.tableHeight())
	case key.Matches(msg, k.Select):
		v.toggle()
		v.move(1)
	case key.Matches(msg, k.SelectAll):
		v.selectNeeded()
	case key.Matches(msg, k.CreateDrafts):
		return nil, restockCreateDrafts
	case key.Matches(msg, k.Settings):
		return nil, restockOpenSettings
	case key.Matches(msg, k.ImportOrders):
		return nil, restockOpenImport
	}
	return nil, restockNone
}

// updateFilter handles a key while the filter takes keys: enter keeps the
// filter, esc clears it, ↑ and ↓ move in the table.
func (v *restockView) updateFilter(msg tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	switch msg.Type {
	case tea.KeyEsc:
		v.filter.SetValue("")
		v.filter.Blur()
		v.filtering = false
		v.buildRows()
	case tea.KeyEnter:
		v.filter.Blur()
		v.filtering = false
		v.scroll()
	case tea.KeyUp:
		v.move(-1)
	case tea.KeyDown:
		v.move(1)
	default:
		v.filter, cmd = v.filter.Update(msg)
		v.buildRows()
	}
	return cmd
}

// restockAction is the step a key in the restock view requests of the Model.
type restockAction int

const (
	restockNone restockAction = iota
	restockClose
	restockCreateDrafts
	// restockConfirmDrafts creates the drafts the open question is about.
	restockConfirmDrafts
	restockOpenSettings
	restockOpenImport
	restockStartImport
	// restockReadOnly explains that a read-only actor cannot change
	// anything here.
	restockReadOnly
)

// keys returns the bindings the restock view shows in its footer.
func (v *restockView) keys() []key.Binding {
	k := v.c.keys
	if v.prompt != nil {
		return []key.Binding{withHelp(k.Open, "enter", "import"), withHelp(k.Back, "esc", "cancel")}
	}
	if v.confirm != nil {
		return []key.Binding{withHelp(k.Confirm, "y", "create drafts"), k.Cancel}
	}
	if v.filtering {
		return []key.Binding{withHelp(k.Open, "enter", "keep filter"), withHelp(k.Back, "esc", "clear filter")}
	}
	back := withHelp(k.Back, "esc", "back")
	if v.query() != "" {
		back = withHelp(k.Back, "esc", "clear filter")
	}
	if v.c.readOnly() {
		return []key.Binding{k.Up, k.Down, withHelp(k.Filter, "/", "filter"), back}
	}
	return []key.Binding{withHelp(k.Select, "space", "select and move down"), withHelp(k.SelectAll, "a", "select all to order"),
		withHelp(k.Filter, "/", "filter"), withHelp(k.CreateDrafts, "enter", "create drafts"),
		k.Settings, withHelp(k.ImportOrders, "i", "import orders"), back}
}

// openPrompt shows the file path prompt.
func (v *restockView) openPrompt() tea.Cmd {
	input := v.c.newInput("path of a Shopify \"Export orders\" CSV", "", 4096)
	input.Prompt = "Orders file: "
	v.prompt = &input
	return v.prompt.Focus()
}

// draftsNotice describes the drafts created, for the status pane.
func draftsNotice(drafts []store.PO) string {
	parts := make([]string, 0, len(drafts))
	for _, po := range drafts {
		parts = append(parts, fmt.Sprintf("%s for %s (%d %s)", po.Number, supplierName(po.Supplier), len(po.Lines), plural(len(po.Lines), "line", "lines")))
	}
	sort.Strings(parts)
	text := "created draft " + strings.Join(parts, ", ") + "; review them, then press s to approve"

	// Lines without a cost are written at 0.00, so the notice names them
	// before the PO goes out unpriced.
	var unpriced []string
	for _, po := range drafts {
		for _, line := range po.Lines {
			if line.UnitCost == 0 {
				unpriced = append(unpriced, line.SKU+" on "+po.Number)
			}
		}
	}
	if len(unpriced) > 0 {
		sort.Strings(unpriced)
		text += "; no unit cost, so 0.00: " + joinAnd(unpriced) + "; press e on the PO to set " + plural(len(unpriced), "it", "them")
	}
	return text
}

func supplierName(name string) string {
	if name == "" {
		return "(no supplier)"
	}
	return name
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
