package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"poboard/wms"
)

// integrationsView lists the connectors, the active one's state, and runs
// "test connection" and "import existing POs" on the active one.
type integrationsView struct {
	c *common

	connectors []wms.Info
	// running names the job in progress ("test" or "import"), "" when idle.
	running string
	result  notice
}

func newIntegrationsView(c *common) *integrationsView {
	return &integrationsView{c: c, connectors: wms.Registered()}
}

func (v *integrationsView) keys() []key.Binding {
	k := v.c.keys
	if v.c.sync == nil || v.c.readOnly() {
		return []key.Binding{k.Back}
	}
	return []key.Binding{k.Test, k.Import, k.Back}
}

// update handles a key; it returns done when the view closes.
func (v *integrationsView) update(msg tea.KeyMsg) (cmd tea.Cmd, done bool) {
	k := v.c.keys
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Integrations):
		return nil, true
	case v.running != "":
		return nil, false
	case v.c.sync == nil && (key.Matches(msg, k.Test) || key.Matches(msg, k.Import)):
		v.result = notice{text: "sync is off in this process, so there is no connector to test", kind: noticeError}
	case v.c.readOnly() && key.Matches(msg, k.Import):
		v.result = notice{text: "importing POs changes the database; ask a buyer to run it", kind: noticeError}
	case key.Matches(msg, k.Test):
		v.running = "test"
		v.result = notice{}
		return testCmd(v.c), false
	case key.Matches(msg, k.Import):
		v.running = "import"
		v.result = notice{}
		return importCmd(v.c), false
	}
	return nil, false
}

// finishTest shows the result of "test connection".
func (v *integrationsView) finishTest(msg testMsg) {
	v.running = ""
	if msg.err != nil {
		v.result = notice{text: "connection test of " + msg.connector + " failed: " + msg.err.Error(), kind: noticeError}
		return
	}
	v.result = notice{text: "connection to " + msg.connector + " works", kind: noticeSuccess}
}

// finishImport shows the result of "import existing POs".
func (v *integrationsView) finishImport(msg importMsg) {
	v.running = ""
	if msg.err != nil {
		v.result = notice{text: "import from " + msg.connector + " failed: " + msg.err.Error(), kind: noticeError}
		return
	}
	v.result = notice{text: fmt.Sprintf("imported %d POs from %s as Approved; move one to Ordered to count it as in transit", msg.count, msg.connector), kind: noticeSuccess}
}

func (v *integrationsView) view(width, height int, spin string) string {
	s := v.c.styles
	var body []string

	active := ""
	var state wms.Status
	if v.c.sync != nil {
		active = v.c.sync.Info().Name
		state = v.c.sync.Status()
	}

	body = append(body, s.Bold.Render("Connectors"), "")
	for _, info := range v.connectors {
		mark := "  "
		name := info.Label + s.Muted.Render(" ("+info.Name+")")
		if info.Name == active {
			mark = s.Success.Render("● ")
			name = s.Bold.Render(info.Label) + s.Muted.Render(" ("+info.Name+", active)")
		}
		body = append(body, mark+name)
		if info.Name == active {
			body = append(body, v.activeLines(state, width-2)...)
			continue
		}
		hint := "to use it, set [wms] connector = \"" + info.Name + "\" in config.toml"
		if len(info.Keys) > 0 {
			hint += " and " + strings.Join(info.Keys, ", ")
		}
		body = append(body, "    "+s.Muted.Render(hint))
	}
	if v.c.sync == nil {
		body = append(body, "", s.Error.Render("Sync is off in this process: the board runs without a WMS connector."))
	}

	body = append(body, "")
	switch {
	case v.running == "test":
		body = append(body, s.Spinner.Render(spin)+" testing the connection…")
	case v.running == "import":
		body = append(body, s.Spinner.Render(spin)+" importing existing POs…")
	case v.result.kind == noticeError:
		body = append(body, wrapIndented(s.Error, v.result.text, 0, width-2)...)
	case v.result.text != "":
		body = append(body, wrapIndented(s.Success, v.result.text, 0, width-2)...)
	}
	return s.box("Integrations", wrapBody(body, width-2), width, height, true)
}

// activeLines describe the active connector's state in lines of width
// cells or fewer.
func (v *integrationsView) activeLines(state wms.Status, width int) []string {
	s := v.c.styles
	var lines []string
	if state.Configured {
		lines = append(lines, "    configured: "+s.Success.Render("yes"))
	} else {
		lines = append(lines, "    configured: "+s.Error.Render("no; set "+strings.Join(state.Missing, ", ")))
	}
	running := "stopped"
	if state.Running {
		running = "running"
	}
	lines = append(lines, "    sync: "+running+", last sync "+v.c.since(state.LastSync))
	if state.LastError != "" {
		lines = append(lines, wrapIndented(s.Error, "last error: "+state.LastError, 4, width)...)
	}
	for _, warning := range state.Warnings {
		lines = append(lines, wrapIndented(s.Warning, "warning: "+warning, 4, width)...)
	}
	imported := "not yet; press i to import the POs that already exist in the WMS"
	if state.Imported {
		imported = "done"
	}
	lines = append(lines, "    initial import: "+imported)
	if len(state.InFlight) > 0 {
		lines = append(lines, "    pushes in flight: "+strings.Join(state.InFlight, ", "))
	}
	return lines
}
