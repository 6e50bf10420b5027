package sshserver

import (
	"context"
	"fmt"
	"net"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
)

// stateKey is the ssh.Context key of a session's *sessionState.
type stateKey struct{}

// sessionState is the per-session data the middlewares share.
type sessionState struct {
	identity Identity
	// ctx ends when the client disconnects or Shutdown's grace is over.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	program *tea.Program
}

func stateOf(sess ssh.Session) *sessionState {
	state, _ := sess.Context().Value(stateKey{}).(*sessionState)
	return state
}

// setProgram records the session's board program for Shutdown.
func (st *sessionState) setProgram(program *tea.Program) {
	st.mu.Lock()
	st.program = program
	st.mu.Unlock()
}

// stop requests the board, if any, to quit. Quit waits for the program's
// event loop, which a stalled client can hold up, so it runs in its own
// goroutine, which ends when the program ends at the latest. Commands keep
// running until the grace period ends and ctx is cancelled.
func (st *sessionState) stop() {
	st.mu.Lock()
	program := st.program
	st.mu.Unlock()
	if program != nil {
		go program.Quit()
	}
}

// exit sends the exit status and closes the session. A second call (the
// ssh package calls Exit(0) after every handler) is harmless.
func exit(sess ssh.Session, code int) {
	_ = sess.Exit(code)
}

// recoverMiddleware ends a session whose handler panics, logs the panic and
// keeps the server and other sessions running.
func (s *Server) recoverMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer func() {
			if r := recover(); r != nil {
				s.logger.Error("session panicked; closing it", "remote", sess.RemoteAddr(), "panic", r, "stack", string(debug.Stack()))
				fmt.Fprint(sess.Stderr(), "poboard: internal error; this session was closed and the error is in the server log\n")
				exit(sess, 1)
			}
		}()
		next(sess)
	}
}

// identityMiddleware resolves the role from the key the session
// authenticated with. ssh.Session.PublicKey returns that key, taken from
// the connection's permissions after authentication, not from a key the
// client merely offered. Keys are looked up again here, so a key removed
// from both files since the handshake is rejected.
func (s *Server) identityMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		identity, ok := s.keys.Lookup(sess.PublicKey())
		if !ok {
			s.logger.Warn("session rejected: key no longer authorized", "remote", sess.RemoteAddr())
			fmt.Fprint(sess.Stderr(), "poboard: your SSH key is not in the buyers or warehouse keys file; ask the board's administrator to add it\n")
			exit(sess, 1)
			return
		}
		ctx, cancel := context.WithCancel(sess.Context())
		stopAfter := context.AfterFunc(s.base, cancel)
		defer func() {
			stopAfter()
			cancel()
		}()
		sess.Context().SetValue(stateKey{}, &sessionState{identity: identity, ctx: ctx, cancel: cancel})
		next(sess)
	}
}

// trackMiddleware registers the session for Shutdown and logs its start
// and end. Sessions that arrive after Shutdown began are rejected.
func (s *Server) trackMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		state := stateOf(sess)
		live := &liveSession{stop: state.stop}
		if !s.register(live) {
			fmt.Fprint(sess.Stderr(), "poboard: the server is shutting down; try again in a moment\n")
			exit(sess, 1)
			return
		}
		defer s.unregister(live)

		_, _, hasPty := sess.Pty()
		start := time.Now()
		logger := s.logger.With("actor", state.identity.Name, "role", state.identity.Role, "remote", sess.RemoteAddr())
		logger.Info("session started", "pty", hasPty, "command", sess.RawCommand())
		next(sess)
		logger.Info("session ended", "duration", time.Since(start).Round(time.Millisecond))
	}
}

// sshCommands are the commands a session may run. The others read or
// write files, which over SSH would mean files on the server, or run the
// sync engine that `poboard serve` already runs.
var sshCommands = map[string]bool{"po": true, "forecast": true, "backup": true, "import": true, "version": true}

const sshUsage = `Commands over SSH:
  po list [--status S] [--json]
  po show NUMBER [--json]
  po create|edit|status|push|receive ...   (buyers only)
  forecast [--json] [--supplier NAME]
  import orders|products|inventory - < FILE   import a Shopify export from your side (buyers only)
  import map NAME SKU                      (buyers only)
  backup - > FILE                          copy the database to FILE on your side
  version
Connect without a command, with a terminal, to open the board.
`

// commandMiddleware runs the command given on the ssh command line with the
// caller's role. Sessions without a command go on to the board.
func (s *Server) commandMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		args := sess.Command()
		// `ssh HOST poboard po list` reads naturally too.
		if len(args) > 0 && args[0] == "poboard" {
			args = args[1:]
		}
		if len(args) == 0 {
			next(sess)
			return
		}

		state := stateOf(sess)
		switch {
		case args[0] == "help" || args[0] == "--help" || args[0] == "-h":
			fmt.Fprint(sess, sshUsage)
			exit(sess, 0)
			return
		case !sshCommands[args[0]] || s.cfg.RunCommand == nil:
			fmt.Fprintf(sess.Stderr(), "poboard: %q is not available over SSH; run it on the server\n%s", args[0], sshUsage)
			exit(sess, 2)
			return
		}

		start := time.Now()
		code := s.cfg.RunCommand(state.ctx, state.identity.Actor(), args, sess, sess, sess.Stderr())
		s.logger.Info("command finished", "actor", state.identity.Name, "role", state.identity.Role,
			"command", strings.Join(args, " "), "exit", code, "duration", time.Since(start).Round(time.Millisecond))
		exit(sess, code)
	}
}

// boardMiddleware runs the board for a session with a terminal.
func (s *Server) boardMiddleware(ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if _, _, ok := sess.Pty(); !ok {
			port := "23234"
			if addr, ok := sess.LocalAddr().(*net.TCPAddr); ok {
				port = fmt.Sprint(addr.Port)
			}
			fmt.Fprintf(sess.Stderr(), "poboard: the board needs a terminal; connect with `ssh -t -p %s HOST`, or run a command such as `ssh -p %s HOST po list`\n", port, port)
			exit(sess, 1)
			return
		}
		exit(sess, s.runBoard(sess, stateOf(sess)))
	}
}
