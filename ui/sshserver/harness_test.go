package sshserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/log"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"poboard/store"
)

// testEnv is a running server on 127.0.0.1:0 with a real store and
// authorized_keys files in a temporary folder.
type testEnv struct {
	t       testing.TB
	dir     string
	st      *store.Store
	srv     *Server
	addr    string
	hostKey gossh.PublicKey
	logs    *syncBuffer
	served  chan error
}

// testEnvOptions changes what startEnv builds.
type testEnvOptions struct {
	newModel   ModelFunc
	runCommand CommandFunc
	grace      time.Duration
}

func startEnv(t testing.TB, opts testEnvOptions) *testEnv {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "poboard.db"), store.Options{})
	if err != nil {
		t.Fatalf("opening store: %v", err)
	}
	t.Cleanup(func() { st.Close() })

	env := &testEnv{t: t, dir: dir, st: st, logs: &syncBuffer{}, served: make(chan error, 1)}
	if opts.newModel == nil {
		opts.newModel = func(session Session) (tea.Model, error) {
			return newTestBoard(st, session), nil
		}
	}
	srv, err := New(Config{
		HostKeyPath:   filepath.Join(dir, "ssh_host_ed25519"),
		BuyersKeys:    filepath.Join(dir, "buyers_keys"),
		WarehouseKeys: filepath.Join(dir, "warehouse_keys"),
		NewModel:      opts.newModel,
		RunCommand:    opts.runCommand,
		Logger:        log.NewWithOptions(env.logs, log.Options{Level: log.DebugLevel}),
		ShutdownGrace: opts.grace,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	env.srv = srv
	env.hostKey = readHostPublicKey(t, filepath.Join(dir, "ssh_host_ed25519"))

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	env.addr = listener.Addr().String()
	go func() { env.served <- srv.Serve(listener) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown at cleanup: %v", err)
		}
	})
	return env
}

func readHostPublicKey(t testing.TB, path string) gossh.PublicKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading host key: %v", err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		t.Fatalf("parsing host key: %v", err)
	}
	return signer.PublicKey()
}

// newKey returns a fresh ed25519 client key.
func newKey(t testing.TB) gossh.Signer {
	t.Helper()
	_, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(private)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

// authorize appends key to the buyers or warehouse file under name.
func (e *testEnv) authorize(role store.Role, key gossh.Signer, name string) {
	e.t.Helper()
	path := e.srv.cfg.BuyersKeys
	if role == store.RoleWarehouse {
		path = e.srv.cfg.WarehouseKeys
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key.PublicKey()))) + " " + name + "\n"
	appendFile(e.t, path, line)
}

func appendFile(t testing.TB, path, text string) {
	t.Helper()
	file, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := file.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := file.Close(); err != nil {
		t.Fatal(err)
	}
}

// dial connects with the given auth methods and checks the host key.
func (e *testEnv) dial(auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", e.addr, &gossh.ClientConfig{
		User:            "tester",
		Auth:            auth,
		HostKeyCallback: gossh.FixedHostKey(e.hostKey),
		Timeout:         5 * time.Second,
	})
}

// connect dials with key and fails the test on error.
func (e *testEnv) connect(key gossh.Signer) *gossh.Client {
	e.t.Helper()
	client, err := e.dial(gossh.PublicKeys(key))
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	e.t.Cleanup(func() { client.Close() })
	return client
}

// createPO stores a draft PO as a buyer and returns its number.
func (e *testEnv) createPO(supplier string, qty int) string {
	e.t.Helper()
	po, err := e.st.CreatePO(store.Actor{Name: "setup", Role: store.RoleBuyer}, store.NewPO{
		Supplier: supplier,
		Lines:    []store.LineInput{{SKU: "TEE-BLK-M", Ordered: qty, UnitCost: 425}},
	})
	if err != nil {
		e.t.Fatalf("CreatePO: %v", err)
	}
	return po.Number
}

// terminal is a client session with a PTY and a shell.
type terminal struct {
	t       testing.TB
	session *gossh.Session
	stdin   io.WriteCloser
	out     *syncBuffer
	stderr  *syncBuffer
	done    chan error
}

func (e *testEnv) openTerminal(client *gossh.Client, width, height int) *terminal {
	e.t.Helper()
	session, err := client.NewSession()
	if err != nil {
		e.t.Fatalf("new session: %v", err)
	}
	term := &terminal{t: e.t, session: session, out: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	session.Stdout = term.out
	session.Stderr = term.stderr
	if term.stdin, err = session.StdinPipe(); err != nil {
		e.t.Fatal(err)
	}
	if err := session.RequestPty("xterm-256color", height, width, gossh.TerminalModes{}); err != nil {
		e.t.Fatalf("pty request: %v", err)
	}
	if err := session.Shell(); err != nil {
		e.t.Fatalf("shell: %v", err)
	}
	go func() { term.done <- session.Wait() }()
	e.t.Cleanup(func() { session.Close() })
	return term
}

// press sends keys as a terminal would.
func (term *terminal) press(keys string) {
	term.t.Helper()
	if _, err := io.WriteString(term.stdin, keys); err != nil {
		term.t.Fatalf("sending %q: %v", keys, err)
	}
}

// waitFor waits until the screen output, without escape sequences, has
// contained text after mark, and returns the new mark.
func (term *terminal) waitFor(mark int, text string) int {
	term.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if at := term.out.indexFrom(mark, text); at >= 0 {
			return at + len(text)
		}
		time.Sleep(10 * time.Millisecond)
	}
	term.t.Fatalf("screen never showed %q; output after mark:\n%s", text, term.out.plainFrom(mark))
	return mark
}

// wait waits for the session to end and returns its exit status.
func (term *terminal) wait() int {
	term.t.Helper()
	select {
	case err := <-term.done:
		return exitStatus(term.t, err)
	case <-time.After(10 * time.Second):
		term.t.Fatalf("session did not end; screen:\n%s", term.out.plainFrom(0))
		return -1
	}
}

func exitStatus(t testing.TB, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var exitErr *gossh.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitStatus()
	}
	t.Fatalf("session ended without an exit status: %v", err)
	return -1
}

// syncBuffer is a bytes.Buffer safe for one writer and many readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// plainFrom returns the output after byte offset mark of the plain text,
// with escape sequences removed.
func (b *syncBuffer) plainFrom(mark int) string {
	plain := ansi.Strip(b.String())
	if mark > len(plain) {
		return ""
	}
	return plain[mark:]
}

// indexFrom returns the offset of text in the plain output at or after
// mark, or -1.
func (b *syncBuffer) indexFrom(mark int, text string) int {
	rest := b.plainFrom(mark)
	if i := strings.Index(rest, text); i >= 0 {
		return mark + i
	}
	return -1
}

// runRemote runs command in a session without a PTY and returns stdout,
// stderr and the exit status.
func runRemote(t *testing.T, client *gossh.Client, command string) (string, string, int) {
	t.Helper()
	session, err := client.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer session.Close()
	var stdout, stderr bytes.Buffer
	session.Stdout, session.Stderr = &stdout, &stderr
	err = session.Run(command)
	return stdout.String(), stderr.String(), exitStatus(t, err)
}

// offeredOnlySigner offers a public key whose private key the client does
// not hold. The server receives the key in a public key query, but signing
// fails, so the client moves on to its next key.
type offeredOnlySigner struct {
	offered gossh.PublicKey
}

func (o offeredOnlySigner) PublicKey() gossh.PublicKey { return o.offered }

func (o offeredOnlySigner) Sign(io.Reader, []byte) (*gossh.Signature, error) {
	return nil, errors.New("private key not available")
}
