package sshserver

import (
	"fmt"
	"reflect"
	"runtime/debug"

	tea "github.com/charmbracelet/bubbletea"
)

// panicMsg carries a panic caught in a Cmd back to the event loop, where
// safeModel ends the session.
type panicMsg struct{ err error }

// PanicError is a panic caught in a session's model or in one of its Cmds.
type PanicError struct {
	Where string
	Value any
	Stack string
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic in %s: %v", e.Where, e.Value)
}

// safeModel runs a board model so that a panic in Init, Update, View or
// any Cmd ends only its own session. Programs run WithoutCatchPanics
// because Bubble Tea's own handler prints to the process's stdout. So every
// Cmd the model returns is wrapped here before Bubble Tea starts it in a
// goroutine of its own, where an unrecovered panic would end the server.
type safeModel struct {
	inner tea.Model
	// fail records the first panic and stops the program. It is safe to
	// call from any goroutine and more than once.
	fail func(*PanicError)
	// failed is set once a panic was caught; View then shows nothing more
	// from the inner model, which may be in a broken state.
	failed bool
}

func newSafeModel(inner tea.Model, fail func(*PanicError)) *safeModel {
	return &safeModel{inner: inner, fail: fail}
}

func (m *safeModel) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			m.caught("Init", r)
			cmd = tea.Quit
		}
	}()
	return m.wrap(m.inner.Init())
}

func (m *safeModel) Update(msg tea.Msg) (_ tea.Model, cmd tea.Cmd) {
	if _, ok := msg.(panicMsg); ok {
		m.failed = true
		return m, tea.Quit
	}
	if m.failed {
		return m, nil
	}
	defer func() {
		if r := recover(); r != nil {
			m.caught("Update", r)
			cmd = tea.Quit
		}
	}()
	next, cmd := m.inner.Update(msg)
	m.inner = next
	return m, m.wrap(cmd)
}

func (m *safeModel) View() (view string) {
	if m.failed {
		return ""
	}
	defer func() {
		if r := recover(); r != nil {
			m.caught("View", r)
			view = ""
		}
	}()
	return m.inner.View()
}

// caught records a panic from the event loop's goroutine.
func (m *safeModel) caught(where string, r any) {
	m.failed = true
	m.fail(&PanicError{Where: where, Value: r, Stack: string(debug.Stack())})
}

// wrap returns cmd with a recover around it. The messages Batch and
// Sequence return hold further Cmds that Bubble Tea runs in goroutines of
// their own, so those are wrapped too.
func (m *safeModel) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	fail := m.fail
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				err := &PanicError{Where: "Cmd", Value: r, Stack: string(debug.Stack())}
				fail(err)
				msg = panicMsg{err: err}
			}
		}()
		return m.wrapCmdList(cmd())
	}
}

// cmdType is the element type of tea.BatchMsg and of Sequence's
// unexported message type.
var cmdType = reflect.TypeOf(tea.Cmd(nil))

// wrapCmdList wraps the Cmds inside msg when msg is a list of Cmds
// (tea.BatchMsg, or the unexported type tea.Sequence returns), keeping
// its type so Bubble Tea still recognises it. Other messages pass as they
// are.
func (m *safeModel) wrapCmdList(msg tea.Msg) tea.Msg {
	if msg == nil {
		return nil
	}
	value := reflect.ValueOf(msg)
	if value.Kind() != reflect.Slice || value.Type().Elem() != cmdType {
		return msg
	}
	wrapped := reflect.MakeSlice(value.Type(), value.Len(), value.Len())
	for i := range value.Len() {
		inner, _ := value.Index(i).Interface().(tea.Cmd)
		wrapped.Index(i).Set(reflect.ValueOf(m.wrap(inner)))
	}
	return wrapped.Interface()
}
