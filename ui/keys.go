package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds every binding of the board. Only keys that every terminal
// sends are bound: no ctrl+digit, ctrl+enter or ctrl+m, and no ctrl+s,
// which some terminals take for flow control.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	Top      key.Binding
	Bottom   key.Binding
	PageUp   key.Binding
	PageDown key.Binding

	NextPane    key.Binding
	PrevPane    key.Binding
	FocusList   key.Binding
	FocusDetail key.Binding
	FocusStatus key.Binding

	Open         key.Binding
	Filter       key.Binding
	New          key.Binding
	Edit         key.Binding
	Status       key.Binding
	Push         key.Binding
	Receipt      key.Binding
	Restock      key.Binding
	Sync         key.Binding
	Integrations key.Binding
	Demo         key.Binding
	ListView     key.Binding
	Help         key.Binding
	Quit         key.Binding

	// Dialogs, forms and the integrations view.
	Confirm    key.Binding
	Cancel     key.Binding
	Back       key.Binding
	NextField  key.Binding
	PrevField  key.Binding
	Submit     key.Binding
	AddLine    key.Binding
	RemoveLine key.Binding
	// Reload loads the current PO into a form whose save failed because
	// someone else changed the PO.
	Reload key.Binding
	Test   key.Binding
	Import key.Binding

	// The restock view.
	Select       key.Binding
	SelectAll    key.Binding
	CreateDrafts key.Binding
	Settings     key.Binding
	ImportOrders key.Binding
}

// DefaultKeyMap returns the bindings of the board.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),

		NextPane:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane:    key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		FocusList:   key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "PO list")),
		FocusDetail: key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "detail")),
		FocusStatus: key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "status")),

		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open PO")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		New:          key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new PO")),
		Edit:         key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Status:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "status")),
		Push:         key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "push to WMS")),
		Receipt:      key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "manual receipt")),
		Restock:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "restock")),
		Sync:         key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "sync now")),
		Integrations: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "integrations")),
		Demo:         key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "load demo data")),
		ListView:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "receiving / all POs")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:         key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		Confirm:    key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/enter", "confirm")),
		Cancel:     key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "cancel")),
		Back:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		NextField:  key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		PrevField:  key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		Submit:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field / save")),
		AddLine:    key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "add line")),
		RemoveLine: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "remove line")),
		Reload:     key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reload PO")),
		Test:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "test connection")),
		Import:     key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import existing POs")),

		Select:       key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "select")),
		SelectAll:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "select all to order")),
		CreateDrafts: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "create drafts")),
		Settings:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "settings")),
		ImportOrders: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import orders")),
	}
}

// moveKeys are the movement bindings every pane shares.
func (k KeyMap) moveKeys() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}
}

// paneKeys are the focus bindings every pane shares.
func (k KeyMap) paneKeys() []key.Binding {
	return []key.Binding{k.NextPane, k.PrevPane, k.FocusList, k.FocusDetail, k.FocusStatus}
}

// globalKeys work from any pane of the board.
func (k KeyMap) globalKeys() []key.Binding {
	return []key.Binding{k.Sync, k.Integrations, k.Restock, k.Help, k.Quit}
}

// poKeys act on the selected PO.
func (k KeyMap) poKeys() []key.Binding {
	return []key.Binding{k.Open, k.New, k.Edit, k.Status, k.Push, k.Receipt}
}
