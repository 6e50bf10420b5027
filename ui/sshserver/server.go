// Package sshserver serves the poboard board over SSH. Buyers and warehouse
// leads connect with their own SSH keys, and the key a client authenticated
// with decides the role. A session with a terminal gets its own board
// program. A session that names a command, such as `po list --json`, runs it
// with the caller's role and returns its exit status.
package sshserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	gossh "golang.org/x/crypto/ssh"

	"poboard/store"
)

// DefaultShutdownGrace is how long sessions get to quit on their own at
// shutdown before the server closes them.
const DefaultShutdownGrace = 2 * time.Second

// Session carries the actor, renderer, lifetime and size of one SSH session
// to the board model.
type Session struct {
	// Actor is the authenticated key's name and role.
	Actor store.Actor
	// Renderer is bound to this session's terminal: every style the model
	// draws must come from it, never from lipgloss's global renderer.
	Renderer *lipgloss.Renderer
	// Context ends when the client disconnects or the server shuts down.
	Context context.Context
	// Width and Height are the terminal size when the session opened.
	// Resizes arrive as tea.WindowSizeMsg.
	Width, Height int
	// Logger writes to the server's log file with the actor attached.
	Logger *log.Logger
}

// ModelFunc builds the board model for one session with a terminal.
type ModelFunc func(Session) (tea.Model, error)

// CommandFunc runs one command line (for example `po list --json`) for a
// session without a terminal and returns its exit status.
type CommandFunc func(ctx context.Context, actor store.Actor, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// Config configures a Server.
type Config struct {
	// HostKeyPath is the server's private key; an ed25519 key is created
	// there with mode 0600 when the file does not exist.
	HostKeyPath string
	// BuyersKeys and WarehouseKeys are authorized_keys files. Either may be
	// missing; a key listed in both is a buyer.
	BuyersKeys    string
	WarehouseKeys string
	// NewModel builds a board for each session with a terminal.
	NewModel ModelFunc
	// RunCommand runs commands given on the ssh command line; nil rejects
	// them.
	RunCommand CommandFunc
	// Logger receives every log line; nil discards them. Nothing is ever
	// written to the server's terminal.
	Logger *log.Logger
	// ShutdownGrace is how long Shutdown lets sessions quit before closing
	// them; DefaultShutdownGrace when zero.
	ShutdownGrace time.Duration
}

// Server is the SSH server. Create it with New, run it with Serve and stop
// it with Shutdown.
type Server struct {
	cfg    Config
	keys   *KeyFiles
	ssh    *ssh.Server
	logger *log.Logger

	// HostKeyCreated is true when New generated the host key.
	HostKeyCreated bool
	// HostKeyFingerprint is the SHA256 fingerprint clients see on first
	// connection.
	HostKeyFingerprint string
	// MissingKeyFiles lists the authorized_keys files that do not exist yet.
	MissingKeyFiles []string

	// base is the parent of every session's context; Shutdown cancels it
	// to stop sessions that did not quit within the grace period.
	base       context.Context
	cancelBase context.CancelFunc

	// mu guards closing and live. Code holding it never sends to a program
	// or writes to a client, so a stalled client cannot block other sessions
	// or Shutdown; TestStalledClientDoesNotBlockOthers checks this.
	mu      sync.Mutex
	closing bool
	live    map[*liveSession]struct{}
	// handlers counts session handlers still running. Add is only called
	// under mu while closing is false, so it never races with Wait.
	handlers sync.WaitGroup
}

// liveSession is a running session that Shutdown must stop.
type liveSession struct {
	// stop requests the end of the session (a board quits) and must not
	// block.
	stop func()
}

// New checks the authorized_keys files, loads or creates the host key and
// builds the server. A line in either file that cannot be used is an error
// naming the file and line; missing files are listed in MissingKeyFiles.
func New(cfg Config) (*Server, error) {
	if cfg.NewModel == nil {
		return nil, errors.New("sshserver: Config.NewModel is required")
	}
	if cfg.HostKeyPath == "" || cfg.BuyersKeys == "" || cfg.WarehouseKeys == "" {
		return nil, errors.New("sshserver: Config needs HostKeyPath, BuyersKeys and WarehouseKeys")
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	logger := cfg.Logger
	if logger == nil {
		logger = log.New(io.Discard)
	}
	logger = logger.WithPrefix("ssh")

	keys := &KeyFiles{Buyers: cfg.BuyersKeys, Warehouse: cfg.WarehouseKeys, logger: logger}
	missing, err := keys.Check()
	if err != nil {
		return nil, err
	}
	signer, created, err := loadHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}

	base, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg: cfg, keys: keys, logger: logger,
		HostKeyCreated:     created,
		HostKeyFingerprint: gossh.FingerprintSHA256(signer.PublicKey()),
		MissingKeyFiles:    missing,
		base:               base, cancelBase: cancel,
		live: make(map[*liveSession]struct{}),
	}

	// Middlewares run last to first: recover, identity, track, command, board.
	//
	// NOTE: the server emulates PTYs (the ssh package's default) instead of
	// allocating real ones with ssh.AllocatePty. With a real PTY the ssh
	// package starts its own reader of the window-change channel to resize
	// the PTY, so forwardWindows would receive only some resizes, and the
	// server process never gets the SIGWINCH Bubble Tea would need. The
	// cost: tea.Exec, which needs a real terminal, is unavailable.
	s.ssh, err = wish.NewServer(
		wish.WithVersion("poboard"),
		wish.WithPublicKeyAuth(s.authorize),
		withHostSigner(signer),
		wish.WithMiddleware(s.boardMiddleware, s.commandMiddleware, s.trackMiddleware, s.identityMiddleware, s.recoverMiddleware),
	)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("configuring the SSH server: %w", err)
	}
	// IdleTimeout stays unset: a lead watching a quiet board sends and
	// receives nothing for long stretches and must not be dropped. Clients
	// that vanish are found by TCP keep-alive, which net.Listen enables on
	// accepted connections.
	s.ssh.ConnectionFailedCallback = func(conn net.Conn, err error) {
		s.logger.Debug("connection failed", "remote", conn.RemoteAddr(), "err", err)
	}
	return s, nil
}

// withHostSigner sets the host key. With a signer set, wish does not write
// a key of its own into the working folder.
func withHostSigner(signer gossh.Signer) ssh.Option {
	return func(srv *ssh.Server) error {
		srv.AddHostKey(signer)
		return nil
	}
}

// authorize accepts any key listed in either file and records nothing. A
// client may offer keys it cannot sign with (CVE-2024-45337), so the role is
// looked up later, in identityMiddleware, from the key the session actually
// authenticated with.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	_, ok := s.keys.Lookup(key)
	s.logger.Debug("public key checked", "accepted", ok, "fingerprint", gossh.FingerprintSHA256(key), "remote", ctx.RemoteAddr(), "user", ctx.User())
	if !ok {
		// Clients offer every key they have, so this is not an attack by
		// itself. The fingerprint shows an admin which key to add.
		s.logger.Info("public key offered that is in neither keys file", "fingerprint", gossh.FingerprintSHA256(key), "remote", ctx.RemoteAddr(), "user", ctx.User())
	}
	return ok
}

// Serve accepts connections on listener until Shutdown. It returns nil
// after Shutdown and the accept error otherwise.
func (s *Server) Serve(listener net.Listener) error {
	s.logger.Info("serving", "addr", listener.Addr().String(), "host_key", s.HostKeyFingerprint)
	err := s.ssh.Serve(listener)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Sessions returns how many sessions are running.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// Shutdown stops the server: it stops accepting connections, requests the
// end of every session (boards quit and tell the user the server is stopping),
// closes sessions still open after the grace period, then closes every
// connection. It returns once all session handlers have returned, or
// with ctx's error when ctx ends first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	sessions := make([]*liveSession, 0, len(s.live))
	for session := range s.live {
		sessions = append(sessions, session)
	}
	s.mu.Unlock()
	s.logger.Info("shutting down", "sessions", len(sessions))

	// Shutdown closes the listeners at once; its wait for connections is
	// replaced by the steps below, so its own context is already done.
	closed, cancelClosed := context.WithCancel(context.Background())
	cancelClosed()
	_ = s.ssh.Shutdown(closed)

	for _, session := range sessions {
		session.stop()
	}
	handlersDone := make(chan struct{})
	go func() {
		s.handlers.Wait()
		close(handlersDone)
	}()

	grace := time.NewTimer(s.cfg.ShutdownGrace)
	defer grace.Stop()
	select {
	case <-handlersDone:
	case <-grace.C:
		s.logger.Warn("closing sessions that did not quit in time", "grace", s.cfg.ShutdownGrace, "sessions", s.Sessions())
	case <-ctx.Done():
	}

	// Cancelling base kills the programs still running; closing the
	// server closes every connection, which unblocks writes to clients
	// that stopped reading.
	s.cancelBase()
	closeErr := s.ssh.Close()

	select {
	case <-handlersDone:
		s.logger.Info("stopped")
		return closeErr
	case <-ctx.Done():
		s.logger.Error("sessions still running at shutdown deadline", "sessions", s.Sessions(), "err", ctx.Err())
		return fmt.Errorf("SSH sessions did not end in time: %w", ctx.Err())
	}
}

// register records a session so Shutdown can stop it. It returns false
// once Shutdown has begun.
func (s *Server) register(session *liveSession) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.live[session] = struct{}{}
	s.handlers.Add(1)
	return true
}

func (s *Server) unregister(session *liveSession) {
	s.mu.Lock()
	delete(s.live, session)
	s.mu.Unlock()
	s.handlers.Done()
}

// shuttingDown reports whether Shutdown has begun.
func (s *Server) shuttingDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}
