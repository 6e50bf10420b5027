package sshserver

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"poboard/store"
)

// testBoard is a small board model for server tests, so they do not depend
// on package ui. Like the real board it reads the store in Cmds, listens to
// the change hub with a re-armed Cmd, and writes with the session's actor.
//
// Keys: a approves the first draft PO, x panics in a Cmd, X panics in
// Update, V panics in View, q quits.
type testBoard struct {
	st       *store.Store
	session  Session
	sub      *store.Subscription
	title    lipgloss.Style
	width    int
	height   int
	pos      []store.Summary
	notice   string
	panicked bool
	// padding adds that many full-width lines that change with every
	// change from the hub, so each redraw writes the whole screen.
	padding int
	changes int
}

type summariesLoaded struct {
	rows []store.Summary
	err  error
}

type changesArrived []store.Change

type actionDone struct{ err error }

func newTestBoard(st *store.Store, session Session) *testBoard {
	return &testBoard{
		st:      st,
		session: session,
		sub:     st.Hub().Subscribe(),
		title:   session.Renderer.NewStyle().Bold(true),
		width:   session.Width,
		height:  session.Height,
	}
}

func (b *testBoard) Close() { b.sub.Close() }

func (b *testBoard) Init() tea.Cmd {
	return tea.Batch(b.load(), b.wait())
}

func (b *testBoard) load() tea.Cmd {
	return func() tea.Msg {
		rows, err := b.st.ListSummaries()
		return summariesLoaded{rows: rows, err: err}
	}
}

func (b *testBoard) wait() tea.Cmd {
	ctx, sub := b.session.Context, b.sub
	return func() tea.Msg {
		changes := sub.Next(ctx)
		if changes == nil {
			return nil
		}
		return changesArrived(changes)
	}
}

func (b *testBoard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		b.width, b.height = msg.Width, msg.Height
	case summariesLoaded:
		if msg.err != nil {
			b.notice = msg.err.Error()
		}
		b.pos = msg.rows
	case changesArrived:
		b.changes++
		return b, tea.Batch(b.load(), b.wait())
	case actionDone:
		if msg.err != nil {
			b.notice = "error: " + msg.err.Error()
		} else {
			b.notice = "saved"
		}
	case tea.KeyMsg:
		switch msg.String() {
		case "a":
			return b, b.approveFirstDraft()
		case "x":
			return b, tea.Batch(b.load(), func() tea.Msg { panic("test panic in a Cmd") })
		case "X":
			panic("test panic in Update")
		case "V":
			b.panicked = true
		case "q":
			return b, tea.Quit
		}
	}
	return b, nil
}

func (b *testBoard) approveFirstDraft() tea.Cmd {
	actor := b.session.Actor
	return func() tea.Msg {
		for _, row := range b.pos {
			if row.Status == store.StatusDraft {
				_, err := b.st.SetStatus(actor, row.Number, 0, store.StatusApproved)
				return actionDone{err: err}
			}
		}
		return actionDone{err: fmt.Errorf("no draft PO")}
	}
}

func (b *testBoard) View() string {
	if b.panicked {
		panic("test panic in View")
	}
	var out strings.Builder
	out.WriteString(b.title.Render(fmt.Sprintf("board of %s (%s) size %dx%d", b.session.Actor.Name, b.session.Actor.Role, b.width, b.height)))
	out.WriteString("\n")
	for _, row := range b.pos {
		fmt.Fprintf(&out, "%s %s %d/%d\n", row.Number, row.Status, row.Received, row.Ordered)
	}
	out.WriteString(b.notice)
	for i := range b.padding {
		line := fmt.Sprintf("change %d line %d ", b.changes, i)
		out.WriteString("\n" + line + strings.Repeat("=", max(0, b.width-len(line)-1)))
	}
	return out.String()
}
