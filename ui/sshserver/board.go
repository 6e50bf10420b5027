package sshserver

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"
)

// Terminal size used when a client reports 0 columns or rows.
const (
	fallbackWidth  = 80
	fallbackHeight = 24
)

// runBoard runs one board program on the session's terminal and returns
// the exit status for the client.
func (s *Server) runBoard(sess ssh.Session, state *sessionState) int {
	pty, windows, _ := sess.Pty()
	logger := s.logger.With("actor", state.identity.Name, "role", state.identity.Role)
	width, height := clampSize(pty.Window.Width, pty.Window.Height)

	model, err := s.cfg.NewModel(Session{
		Actor:    state.identity.Actor(),
		Renderer: makeRenderer(sess),
		Context:  state.ctx,
		Width:    width,
		Height:   height,
		Logger:   logger,
	})
	if err != nil {
		logger.Error("cannot open the board", "err", err)
		fmt.Fprintf(sess.Stderr(), "poboard: cannot open the board: %v\n", err)
		return 1
	}
	if closer, ok := model.(interface{ Close() }); ok {
		defer closer.Close()
	}

	var (
		program *tea.Program
		failure atomic.Pointer[PanicError]
	)
	fail := func(err *PanicError) {
		if !failure.CompareAndSwap(nil, err) {
			return
		}
		logger.Error("board panicked; closing the session", "where", err.Where, "panic", fmt.Sprint(err.Value), "stack", err.Stack)
		// Quit waits for the event loop, which may be the caller.
		go program.Quit()
	}
	// The session's input and output are the SSH channel itself, with the
	// pseudo-terminal emulated by the ssh package: see the NOTE in New
	// about why no real PTY is allocated.
	program = tea.NewProgram(newSafeModel(model, fail),
		tea.WithInput(sess),
		tea.WithOutput(sess),
		tea.WithContext(state.ctx),
		tea.WithAltScreen(),
		// Signals go to the server process; Shutdown ends sessions.
		tea.WithoutSignalHandler(),
		// safeModel recovers panics; Bubble Tea's handler would print
		// them to the server's stdout.
		tea.WithoutCatchPanics(),
	)
	state.setProgram(program)

	go s.forwardWindows(state, program, windows)

	_, runErr := program.Run()
	state.cancel()

	switch {
	case failure.Load() != nil:
		fmt.Fprint(sess.Stderr(), "poboard: the board stopped after an internal error, which is in the server log; reconnect to continue\n")
		return 1
	case s.shuttingDown():
		fmt.Fprint(sess.Stderr(), "poboard: the server is shutting down; reconnect when it is back\n")
		return 0
	case runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled):
		logger.Error("board stopped with an error", "err", runErr)
		fmt.Fprintf(sess.Stderr(), "poboard: the board stopped: %v\n", runErr)
		return 1
	}
	return 0
}

// forwardWindows sends the terminal size, then every resize, to the
// program. Send blocks while the program is busy or its client stalls;
// that only ever delays this session. It returns when the session ends.
func (s *Server) forwardWindows(state *sessionState, program *tea.Program, windows <-chan ssh.Window) {
	defer func() {
		if r := recover(); r != nil {
			s.logger.Error("resize forwarding panicked", "actor", state.identity.Name, "panic", r)
			state.cancel()
		}
	}()
	for {
		select {
		case <-state.ctx.Done():
			return
		case window, ok := <-windows:
			if !ok {
				return
			}
			width, height := clampSize(window.Width, window.Height)
			program.Send(tea.WindowSizeMsg{Width: width, Height: height})
		}
	}
}

// clampSize replaces a 0 or negative size, which some clients report,
// with 80×24.
func clampSize(width, height int) (int, int) {
	if width <= 0 {
		width = fallbackWidth
	}
	if height <= 0 {
		height = fallbackHeight
	}
	return width, height
}

// makeRenderer returns a renderer for the session's terminal: its colour
// profile comes from the client's TERM (and COLORTERM when the client
// sends it), never from the server's own terminal. Without a terminal, or
// with TERM unset or dumb, it draws without colour.
//
// NOTE: this matches bm.MakeRenderer from wish/bubbletea v1.4.7 except for
// its OSC 11 background-colour query. That query reads the reply from the
// session's input, and with the emulated PTY used here it never returned
// in tests, so every board stayed blank. A dark background is assumed
// unless the client sends COLORFGBG.
func makeRenderer(sess ssh.Session) *lipgloss.Renderer {
	pty, _, ok := sess.Pty()
	if !ok || pty.Term == "" || pty.Term == "dumb" {
		return lipgloss.NewRenderer(sess, termenv.WithProfile(termenv.Ascii))
	}
	return lipgloss.NewRenderer(sess,
		termenv.WithEnvironment(sessionEnviron(sess.Environ())),
		// The session is not an *os.File; WithUnsafe makes termenv treat
		// it as the terminal it stands for.
		termenv.WithUnsafe(),
		termenv.WithColorCache(true),
	)
}

// sessionEnviron is the client's environment (TERM and what the client
// chose to send) as termenv reads it.
type sessionEnviron []string

func (e sessionEnviron) Environ() []string { return e }

func (e sessionEnviron) Getenv(key string) string {
	value := ""
	for _, entry := range e {
		if rest, ok := strings.CutPrefix(entry, key+"="); ok {
			value = rest
		}
	}
	return value
}
