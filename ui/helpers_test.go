package ui

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"poboard/store"
	"poboard/wms"
	"poboard/wms/simulator"
)

// testNow is the fixed clock of the store and the board in tests, so that
// history times and "overdue" marks do not depend on the day tests run.
var testNow = time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC)

var (
	buyer     = store.Actor{Name: "alice", Role: store.RoleBuyer}
	warehouse = store.Actor{Name: "wes", Role: store.RoleWarehouse}
)

// asciiRenderer renders without colours, for goldens and text checks.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return r
}

func openTestStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "poboard.db"), store.Options{
		Now: func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// simClock is the simulated warehouse's clock, which tests move forward to
// make receipts come due one at a time.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *simClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// receiptEvery is the simulated warehouse's wait before each receipt, on
// its own clock.
const receiptEvery = time.Hour

// startEngine runs a real sync engine with a simulated warehouse that
// fills a pushed PO in two whole receipts: the first once its clock has
// moved on by receiptEvery, the second after another receiptEvery. The
// engine polls every 20 ms and stops before the store closes.
func startEngine(t *testing.T, st *store.Store) (*wms.Engine, *simClock) {
	t.Helper()
	clock := &simClock{now: testNow}
	sim := simulator.New(st, simulator.Config{
		FirstReceiptAfter: simulator.Duration{Duration: receiptEvery},
		ReceiptEvery:      simulator.Duration{Duration: receiptEvery},
		Receipts:          2,
		PollInterval:      simulator.Duration{Duration: 20 * time.Millisecond},
		Now:               clock.Now,
	})
	engine := wms.NewEngine(wms.EngineOptions{Store: st, Connector: sim, MinBackoff: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		engine.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return engine, clock
}

// newTestModel builds a board at 100×30 whose change subscription is
// closed, so tests deliver changes themselves and no Cmd blocks.
func newTestModel(t *testing.T, st *store.Store, engine *wms.Engine, actor store.Actor) *Model {
	t.Helper()
	m := New(Deps{
		Store: st, Engine: engine, Actor: actor, Renderer: asciiRenderer(),
		Context: t.Context(), Now: func() time.Time { return testNow },
	})
	m.Close()
	send(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	send(m, loadSummariesCmd(m.c, m.list.receiving)())
	return m
}

// send delivers msg to m and then every message its Cmds return, until
// none is left. Spinner and status ticks are dropped: they only redraw.
func send(m *Model, msg tea.Msg) {
	queue := []tea.Msg{msg}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		_, cmd := m.Update(next)
		queue = append(queue, run(cmd)...)
	}
}

func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil, spinner.TickMsg, statusTickMsg, tea.QuitMsg:
		return nil
	case tea.BatchMsg:
		var msgs []tea.Msg
		for _, inner := range msg {
			msgs = append(msgs, run(inner)...)
		}
		return msgs
	default:
		return []tea.Msg{msg}
	}
}

// press sends keys as typed: each name is a key ("enter", "tab",
// "ctrl+n") or, if not one, literal text.
func press(m *Model, keys ...string) {
	for _, name := range keys {
		send(m, keyMsg(name))
	}
}

// typeText sends text one rune at a time.
func typeText(m *Model, text string) {
	for _, r := range text {
		send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

var namedKeys = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
	"up": tea.KeyUp, "down": tea.KeyDown, "ctrl+n": tea.KeyCtrlN, "ctrl+d": tea.KeyCtrlD, "ctrl+r": tea.KeyCtrlR,
	"ctrl+c": tea.KeyCtrlC, "backspace": tea.KeyBackspace, "pgdown": tea.KeyPgDown,
}

func keyMsg(name string) tea.KeyMsg {
	if kind, ok := namedKeys[name]; ok {
		return tea.KeyMsg{Type: kind}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}

// createPO stores a PO and moves it to status by the buyer's path.
func createPO(t *testing.T, st *store.Store, supplier string, status store.Status, lines ...store.LineInput) store.PO {
	t.Helper()
	if len(lines) == 0 {
		lines = []store.LineInput{{SKU: "TEE-BLK-M", Description: "Tee black M", Ordered: 100, UnitCost: 425}}
	}
	po, err := st.CreatePO(buyer, store.NewPO{Supplier: supplier, Currency: "EUR", ExpectedDate: "2026-12-20", Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range demoPath[status] {
		if po, err = st.SetStatus(buyer, po.Number, 0, step); err != nil {
			t.Fatal(err)
		}
	}
	return po
}

// waitUntil polls cond for up to 10 s; the sync engine works in the
// background.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// plainView returns the view with trailing spaces cut from each line.
func plainView(m *Model) string {
	lines := strings.Split(m.View(), "\n")
	for i, line := range lines {
		lines[i] = strings.TrimRight(line, " ")
	}
	return strings.Join(lines, "\n")
}
