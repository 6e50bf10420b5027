package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"poboard/store"
)

// servedBoard is `poboard serve` running through run() on 127.0.0.1:0.
type servedBoard struct {
	t       *testing.T
	c       *cli
	addr    string
	hostKey gossh.PublicKey
	stop    context.CancelFunc
	// done closes when run returns; code is its exit status then.
	done   chan struct{}
	code   int
	stdout *lockedBuffer
	stderr *lockedBuffer
}

var listeningLine = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+); connect with: ssh -p \d+ localhost\n`)

func startServe(t *testing.T, c *cli) *servedBoard {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &servedBoard{t: t, c: c, stop: cancel, done: make(chan struct{}), stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	go func() {
		defer close(s.done)
		s.code = run(ctx, []string{"--db", c.db, "serve", "--listen", "127.0.0.1:0"}, strings.NewReader(""), s.stdout, s.stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop at cleanup")
		}
	})

	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if match := listeningLine.FindStringSubmatch(s.stdout.String()); match != nil {
			s.addr = match[1]
			break
		}
		select {
		case <-s.done:
			t.Fatalf("serve exited with %d before listening; stderr %q", s.code, s.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if s.addr == "" {
		t.Fatalf("serve never printed where it listens; stdout %q, stderr %q", s.stdout.String(), s.stderr.String())
	}
	hostKey, err := os.ReadFile(filepath.Join(os.Getenv("XDG_DATA_HOME"), "poboard", "ssh_host_ed25519"))
	if err != nil {
		t.Fatalf("host key not at its default path: %v", err)
	}
	signer, err := gossh.ParsePrivateKey(hostKey)
	if err != nil {
		t.Fatal(err)
	}
	s.hostKey = signer.PublicKey()
	return s
}

// addKey writes a new key to the buyers_keys or warehouse_keys file in the
// default config folder and returns it.
func addKey(t *testing.T, file, name string) gossh.Signer {
	t.Helper()
	_, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(private)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "poboard")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " " + name + "\n"
	f, err := os.OpenFile(filepath.Join(dir, file), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(line); err != nil {
		t.Fatal(err)
	}
	return signer
}

func (s *servedBoard) connect(key gossh.Signer) *gossh.Client {
	s.t.Helper()
	client, err := gossh.Dial("tcp", s.addr, &gossh.ClientConfig{
		User:            "tester",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.FixedHostKey(s.hostKey),
		Timeout:         5 * time.Second,
	})
	if err != nil {
		s.t.Fatalf("dial %s: %v", s.addr, err)
	}
	s.t.Cleanup(func() { client.Close() })
	return client
}

// sshRun runs command without a PTY and returns stdout, stderr and the
// exit status.
func sshRun(t *testing.T, client *gossh.Client, command string) (string, string, int) {
	t.Helper()
	session, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	var stdout, stderr bytes.Buffer
	session.Stdout, session.Stderr = &stdout, &stderr
	err = session.Run(command)
	code := 0
	var exitErr *gossh.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitStatus()
	case err != nil:
		t.Fatalf("ssh %s: %v", command, err)
	}
	return stdout.String(), stderr.String(), code
}

func TestServeCommandsUseCallerRole(t *testing.T) {
	c := newCLI(t)
	number := strings.TrimSpace(c.ok("po", "create", "--supplier", "Acme Textiles", "--line", "TEE-BLK-M:100:4.25"))
	buyerKey := addKey(t, "buyers_keys", "ana@buyers")
	leadKey := addKey(t, "warehouse_keys", "lee@dock")
	s := startServe(t, c)

	lead := s.connect(leadKey)
	stdout, stderr, code := sshRun(t, lead, "po list --json")
	if code != 0 {
		t.Fatalf("po list --json: exit %d, stderr %q", code, stderr)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(stdout), &list); err != nil {
		t.Fatalf("po list --json printed %q: %v", stdout, err)
	}
	if len(list) != 1 || list[0]["number"] != number {
		t.Errorf("po list --json = %v; want the one PO %s", list, number)
	}

	_, stderr, code = sshRun(t, lead, "po status "+number+" approved")
	if code != 1 {
		t.Errorf("lead's po status: exit %d; want 1", code)
	}
	if !strings.Contains(stderr, "lee@dock has the read-only warehouse role") {
		t.Errorf("lead's po status stderr = %q; want it to name the role", stderr)
	}

	buyer := s.connect(buyerKey)
	if _, stderr, code := sshRun(t, buyer, "po status "+number+" approved"); code != 0 {
		t.Fatalf("buyer's po status: exit %d, stderr %q", code, stderr)
	}
	stdout, _, _ = sshRun(t, lead, "po show "+number+" --json")
	var shown struct {
		Status  string `json:"status"`
		History []struct {
			Actor string `json:"actor"`
		} `json:"history"`
	}
	if err := json.Unmarshal([]byte(stdout), &shown); err != nil {
		t.Fatalf("po show --json printed %q: %v", stdout, err)
	}
	if shown.Status != "approved" {
		t.Errorf("status after the buyer's change = %q; want approved", shown.Status)
	}
	if last := shown.History[len(shown.History)-1].Actor; last != "ana@buyers" {
		t.Errorf("history actor = %q; want the buyer's key name", last)
	}

	// A second local poboard finds the database in use and names the port.
	code, _, stderr = c.run("po", "list")
	_, port, _ := strings.Cut(s.addr, ":")
	if code != 1 || !strings.Contains(stderr, "ssh -p "+port+" localhost") {
		t.Errorf("local po list while serving: exit %d, stderr %q; want exit 1 naming ssh -p %s", code, stderr, port)
	}
}

func TestServeBoardAndShutdown(t *testing.T) {
	c := newCLI(t)
	number := strings.TrimSpace(c.ok("po", "create", "--supplier", "Acme Textiles", "--line", "TEE-BLK-M:100:4.25"))
	c.ok("po", "status", number, "approved")
	buyerKey := addKey(t, "buyers_keys", "ana@buyers")
	leadKey := addKey(t, "warehouse_keys", "lee@dock")
	s := startServe(t, c)

	// A lead's first screen lists the POs awaiting receipt.
	term := openBoard(t, s.connect(leadKey), 120, 40)
	mark := term.waitFor(0, regexp.MustCompile(`No POs are awaiting receipt`))

	buyer := s.connect(buyerKey)
	if _, stderr, code := sshRun(t, buyer, "po status "+number+" ordered"); code != 0 {
		t.Fatalf("buyer's po status: exit %d, stderr %q", code, stderr)
	}
	mark = term.waitFor(mark, regexp.MustCompile(regexp.QuoteMeta(number)+`.*Acme Textiles.*Ordered`))
	if _, stderr, code := sshRun(t, buyer, "po receive "+number+" TEE-BLK-M:40"); code != 0 {
		t.Fatalf("buyer's po receive: exit %d, stderr %q", code, stderr)
	}
	term.waitFor(mark, regexp.MustCompile(regexp.QuoteMeta(number)+`.*Partially received.*40/100`))

	start := time.Now()
	s.stop()
	select {
	case <-s.done:
		if s.code != 0 {
			t.Errorf("serve exit status = %d; stderr %q", s.code, s.stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of the signal")
	}
	if took := time.Since(start); took > 7*time.Second {
		t.Errorf("shutdown took %v; want a few seconds", took)
	}
	select {
	case <-term.done:
	case <-time.After(5 * time.Second):
		t.Error("the board session stayed open after serve stopped")
	}
	if !strings.Contains(term.stderr.String(), "shutting down") {
		t.Errorf("board session stderr = %q; want the shutdown notice", term.stderr.String())
	}
	if lines := strings.Count(s.stdout.String(), "\n"); lines != 1 {
		t.Errorf("serve printed %d lines on stdout; want 1: %q", lines, s.stdout.String())
	}
	if _, err := os.Stat(c.db + ".serve"); !os.IsNotExist(err) {
		t.Errorf("serve marker still beside the database: %v", err)
	}
	info, err := os.Stat(filepath.Join(os.Getenv("XDG_DATA_HOME"), "poboard", "ssh_host_ed25519"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("host key mode = %v, err %v; want 0600", info.Mode().Perm(), err)
	}
	// The database was closed cleanly and is free again.
	if out := c.ok("po", "list", "--json"); !strings.Contains(out, `"partially_received"`) {
		t.Errorf("po list after serve stopped = %q; want the partially received PO", out)
	}
}

func TestServeSaysHowToAddKeys(t *testing.T) {
	c := newCLI(t)
	s := startServe(t, c)
	want := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "poboard", "buyers_keys") + " does not exist yet"
	if !strings.Contains(s.stderr.String(), want) {
		t.Errorf("stderr = %q; want %q", s.stderr.String(), want)
	}
}

func TestServeRejectsBadKeyLine(t *testing.T) {
	c := newCLI(t)
	addKey(t, "warehouse_keys", "lee")
	path := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "poboard", "warehouse_keys")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("ssh-ed25519 not-base64\n")
	f.Close()

	code, _, stderr := c.run("serve", "--listen", "127.0.0.1:0")
	if code != 1 {
		t.Errorf("exit status = %d; want 1", code)
	}
	if !strings.Contains(stderr, path+", line 2") {
		t.Errorf("stderr = %q; want it to name %s, line 2", stderr, path)
	}
}

func TestServeUsage(t *testing.T) {
	c := newCLI(t)
	code, stdout, _ := c.run("serve", "--help")
	if code != 0 || !strings.Contains(stdout, "--listen") {
		t.Errorf("serve --help: exit %d, stdout %q", code, stdout)
	}
	code, _, stderr := c.run("serve", "extra")
	if code != 2 || !strings.Contains(stderr, "serve takes no arguments") {
		t.Errorf("serve extra: exit %d, stderr %q; want a usage error", code, stderr)
	}
}

// boardTerminal is an SSH session with a PTY showing the board.
type boardTerminal struct {
	t      *testing.T
	stdin  io.Writer
	out    *lockedBuffer
	stderr *lockedBuffer
	done   chan error
}

func openBoard(t *testing.T, client *gossh.Client, width, height int) *boardTerminal {
	t.Helper()
	session, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { session.Close() })
	term := &boardTerminal{t: t, out: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	session.Stdout, session.Stderr = term.out, term.stderr
	if term.stdin, err = session.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := session.RequestPty("xterm-256color", height, width, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := session.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { term.done <- session.Wait() }()
	return term
}

// waitFor waits until a line of the screen output after mark, without
// escape sequences, matches pattern, and returns the offset after it.
func (b *boardTerminal) waitFor(mark int, pattern *regexp.Regexp) int {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var plain string
	for time.Now().Before(deadline) {
		plain = ansi.Strip(b.out.String())
		if mark <= len(plain) {
			if loc := pattern.FindStringIndex(plain[mark:]); loc != nil {
				return mark + loc[1]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.t.Fatalf("screen never matched %q; output after mark:\n%s", pattern, plain[min(mark, len(plain)):])
	return mark
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServeBuyerKeysShowInLeadBoard(t *testing.T) {
	c := newCLI(t)
	number := strings.TrimSpace(c.ok("po", "create", "--supplier", "Acme Textiles", "--line", "TEE-BLK-M:100:4.25"))
	c.ok("po", "status", number, "approved")
	buyerKey := addKey(t, "buyers_keys", "ana@buyers")
	leadKey := addKey(t, "warehouse_keys", "lee@dock")
	s := startServe(t, c)

	lead := openBoard(t, s.connect(leadKey), 120, 40)
	leadMark := lead.waitFor(0, regexp.MustCompile(`No POs are awaiting receipt`))

	// The buyer orders the selected PO from the status menu, which starts
	// on the forward move, Ordered.
	buyer := openBoard(t, s.connect(buyerKey), 120, 40)
	buyerMark := buyer.waitFor(0, regexp.MustCompile(`TEE-BLK-M`))
	buyer.press("s")
	buyerMark = buyer.waitFor(buyerMark, regexp.MustCompile(`Ordered`))
	buyer.press("\r")
	buyer.waitFor(buyerMark, regexp.MustCompile(`moved to Ordered`))

	leadMark = lead.waitFor(leadMark, regexp.MustCompile(regexp.QuoteMeta(number)+`.*Acme Textiles.*Ordered`))
	lead.press("n")
	lead.waitFor(leadMark, regexp.MustCompile(`lee@dock has the read-only warehouse role`))
}

// press sends keys as the client's terminal would.
func (b *boardTerminal) press(keys string) {
	b.t.Helper()
	if _, err := io.WriteString(b.stdin, keys); err != nil {
		b.t.Fatalf("sending %q: %v", keys, err)
	}
}

func TestServeBackupStreamsToClient(t *testing.T) {
	c := newCLI(t)
	number := strings.TrimSpace(c.ok("po", "create", "--supplier", "Acme Textiles", "--line", "TEE-BLK-M:100"))
	buyerKey := addKey(t, "buyers_keys", "ana@buyers")
	s := startServe(t, c)
	buyer := s.connect(buyerKey)

	stdout, stderr, code := sshRun(t, buyer, "backup -")
	if code != 0 {
		t.Fatalf("backup -: exit %d, stderr %q", code, stderr)
	}
	path := filepath.Join(c.dir, "over-ssh.db")
	if err := os.WriteFile(path, []byte(stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	copied, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("backup streamed over SSH does not open: %v", err)
	}
	defer copied.Close()
	if _, err := copied.GetPO(number); err != nil {
		t.Fatalf("backup lacks %s: %v", number, err)
	}

	_, stderr, code = sshRun(t, buyer, "backup /tmp/copy.db")
	if code != 2 || !strings.Contains(stderr, "backup - >") {
		t.Fatalf("backup to a server path: exit %d, stderr %q; want exit 2 with the streaming hint", code, stderr)
	}
	if fileExists("/tmp/copy.db") {
		t.Fatal("backup over SSH wrote a file on the server")
	}
}
