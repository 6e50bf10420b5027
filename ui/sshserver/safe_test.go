package sshserver

import (
	"reflect"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/log"
)

func newTestLogger(buffer *syncBuffer) *log.Logger {
	return log.NewWithOptions(buffer, log.Options{Level: log.DebugLevel})
}

// cmdModel returns cmd from Init and ignores everything else.
type cmdModel struct{ cmd tea.Cmd }

func (m cmdModel) Init() tea.Cmd                       { return m.cmd }
func (m cmdModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (m cmdModel) View() string                        { return "" }

// recorder collects the panics safeModel reports.
type recorder struct {
	mu     sync.Mutex
	panics []*PanicError
}

func (r *recorder) fail(err *PanicError) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.panics = append(r.panics, err)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.panics)
}

func TestSafeModelRecoversCmdInsideBatch(t *testing.T) {
	var rec recorder
	boom := func() tea.Msg { panic("boom") }
	fine := func() tea.Msg { return "fine" }
	model := newSafeModel(cmdModel{cmd: tea.Batch(fine, boom)}, rec.fail)

	batch, ok := model.Init()().(tea.BatchMsg)
	if !ok {
		t.Fatal("Init's Cmd did not return a tea.BatchMsg")
	}
	var results []tea.Msg
	for _, cmd := range batch {
		results = append(results, cmd())
	}

	if results[0] != "fine" {
		t.Errorf("first Cmd returned %v; want it unchanged", results[0])
	}
	if _, ok := results[1].(panicMsg); !ok {
		t.Errorf("panicking Cmd returned %T; want panicMsg", results[1])
	}
	if rec.count() != 1 {
		t.Errorf("recorded %d panics; want 1", rec.count())
	}
}

func TestSafeModelRecoversCmdInsideSequence(t *testing.T) {
	var rec recorder
	boom := func() tea.Msg { panic("boom") }
	fine := func() tea.Msg { return "fine" }
	model := newSafeModel(cmdModel{cmd: tea.Sequence(fine, boom)}, rec.fail)

	// Sequence's message type is unexported, so cmdsOf reads it by
	// reflection as safeModel does.
	cmds := cmdsOf(t, model.Init()())
	if got := cmds[1](); got == nil {
		t.Fatal("panicking Cmd returned nil")
	} else if _, ok := got.(panicMsg); !ok {
		t.Errorf("panicking Cmd in a Sequence returned %T; want panicMsg", got)
	}
	if rec.count() != 1 {
		t.Errorf("recorded %d panics; want 1", rec.count())
	}
}

func TestSafeModelPanicMsgQuits(t *testing.T) {
	var rec recorder
	model := newSafeModel(cmdModel{}, rec.fail)
	_, cmd := model.Update(panicMsg{})
	if cmd == nil {
		t.Fatal("Update returned no Cmd for a panicMsg")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("Update did not quit after a panic in a Cmd")
	}
	if view := model.View(); view != "" {
		t.Errorf("View after a panic = %q; want empty", view)
	}
}

// cmdsOf returns the Cmds inside a Batch or Sequence message.
func cmdsOf(t *testing.T, msg tea.Msg) []tea.Cmd {
	t.Helper()
	value := reflect.ValueOf(msg)
	if value.Kind() != reflect.Slice || value.Type().Elem() != cmdType {
		t.Fatalf("message %T is not a list of Cmds", msg)
	}
	cmds := make([]tea.Cmd, value.Len())
	for i := range cmds {
		cmds[i], _ = value.Index(i).Interface().(tea.Cmd)
	}
	return cmds
}
