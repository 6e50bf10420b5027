package sshserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"poboard/store"
)

func TestUnknownKeyRefused(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	env.authorize(store.RoleBuyer, newKey(t), "ana")

	client, err := env.dial(gossh.PublicKeys(newKey(t)))
	if err == nil {
		client.Close()
		t.Fatal("a key in neither file was accepted")
	}
	if !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("dial error = %v; want an authentication failure", err)
	}
}

func TestPasswordAuthNotOffered(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	client, err := env.dial(gossh.Password("secret"))
	if err == nil {
		client.Close()
		t.Fatal("password authentication was accepted")
	}
	if !strings.Contains(err.Error(), "no supported methods remain") {
		t.Errorf("dial error = %v; want password authentication not to be offered", err)
	}
}

func TestBuyerEditShowsInLeadSession(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	buyerKey, leadKey := newKey(t), newKey(t)
	env.authorize(store.RoleBuyer, buyerKey, "ana@buyers")
	env.authorize(store.RoleWarehouse, leadKey, "lee@dock")
	number := env.createPO("Acme Textiles", 10)

	lead := env.openTerminal(env.connect(leadKey), 100, 30)
	leadMark := lead.waitFor(0, "board of lee@dock (warehouse)")
	leadMark = lead.waitFor(leadMark, number+" draft 0/10")

	buyer := env.openTerminal(env.connect(buyerKey), 100, 30)
	buyerMark := buyer.waitFor(0, "board of ana@buyers (buyer)")
	buyerMark = buyer.waitFor(buyerMark, number+" draft")
	buyer.press("a")
	buyer.waitFor(buyerMark, "saved")

	lead.waitFor(leadMark, number+" approved 0/10")

	po, err := env.st.GetPO(number)
	if err != nil {
		t.Fatal(err)
	}
	last := po.History[len(po.History)-1]
	if last.Actor != "ana@buyers" {
		t.Errorf("history actor = %q; want the buyer's key name", last.Actor)
	}
}

func TestReceiptShowsInEverySession(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	leadKey := newKey(t)
	env.authorize(store.RoleWarehouse, leadKey, "lee")
	number := env.createPO("Acme Textiles", 10)
	buyer := store.Actor{Name: "ana", Role: store.RoleBuyer}
	for _, status := range []store.Status{store.StatusApproved, store.StatusOrdered} {
		if _, err := env.st.SetStatus(buyer, number, 0, status); err != nil {
			t.Fatal(err)
		}
	}

	var terms []*terminal
	var marks []int
	for range 3 {
		term := env.openTerminal(env.connect(leadKey), 90, 25)
		terms = append(terms, term)
		marks = append(marks, term.waitFor(0, number+" ordered 0/10"))
	}
	if _, err := env.st.RecordReceipt(buyer, number, 0, []store.ReceiptLine{{SKU: "TEE-BLK-M", Qty: 4}}); err != nil {
		t.Fatal(err)
	}
	for i, term := range terms {
		term.waitFor(marks[i], number+" partially_received 4/10")
	}
}

func TestLeadEditRefused(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	leadKey := newKey(t)
	env.authorize(store.RoleWarehouse, leadKey, "lee@dock")
	number := env.createPO("Acme Textiles", 10)

	lead := env.openTerminal(env.connect(leadKey), 120, 30)
	mark := lead.waitFor(0, number+" draft")
	lead.press("a")
	lead.waitFor(mark, "read-only warehouse role")

	po, err := env.st.GetPO(number)
	if err != nil {
		t.Fatal(err)
	}
	if po.Status != store.StatusDraft {
		t.Errorf("status after a lead's edit = %s; want draft", po.Status)
	}
}

func TestRoleFromAuthenticatedKeyOnly(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	buyerKey, leadKey := newKey(t), newKey(t)
	env.authorize(store.RoleBuyer, buyerKey, "ana")
	env.authorize(store.RoleWarehouse, leadKey, "lee")

	// The client first offers the buyer's public key, which the server
	// accepts in principle, but the client cannot sign with it. It then
	// authenticates with the lead's key, so the session must be the lead's.
	offered := offeredOnlySigner{offered: buyerKey.PublicKey()}
	methods := []gossh.AuthMethod{gossh.PublicKeys(offered), gossh.PublicKeys(leadKey)}
	client, err := gossh.Dial("tcp", env.addr, &gossh.ClientConfig{
		User:            "tester",
		HostKeyCallback: gossh.FixedHostKey(env.hostKey),
		Timeout:         5 * time.Second,
		AuthCallback: func(*gossh.ClientAuthContext) (gossh.AuthMethod, error) {
			if len(methods) == 0 {
				return nil, errors.New("no more keys")
			}
			next := methods[0]
			methods = methods[1:]
			return next, nil
		},
	})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer client.Close()
	if len(methods) != 0 {
		t.Fatalf("the client authenticated before trying the lead's key")
	}
	offeredLog := "accepted=true fingerprint=" + gossh.FingerprintSHA256(buyerKey.PublicKey())
	if !strings.Contains(env.logs.String(), offeredLog) {
		t.Fatalf("the server never accepted the offered buyer key, so the test proves nothing; log:\n%s", env.logs.String())
	}

	term := env.openTerminal(client, 100, 30)
	term.waitFor(0, "board of lee (warehouse)")
	if strings.Contains(term.out.plainFrom(0), "ana") {
		t.Error("session shows the offered buyer key's name")
	}
}

func TestKeyInBothFilesIsBuyer(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	key := newKey(t)
	env.authorize(store.RoleWarehouse, key, "sam")
	env.authorize(store.RoleBuyer, key, "sam")

	term := env.openTerminal(env.connect(key), 100, 30)
	term.waitFor(0, "board of sam (buyer)")
}

func TestKeyWithoutCommentNamedByFingerprint(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	key := newKey(t)
	appendFile(t, env.srv.cfg.WarehouseKeys, string(gossh.MarshalAuthorizedKey(key.PublicKey())))

	term := env.openTerminal(env.connect(key), 120, 30)
	term.waitFor(0, "board of "+gossh.FingerprintSHA256(key.PublicKey())+" (warehouse)")
}

func TestKeyFileEditsApplyWithoutRestart(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	key := newKey(t)

	if client, err := env.dial(gossh.PublicKeys(key)); err == nil {
		client.Close()
		t.Fatal("key accepted before it was added")
	}
	env.authorize(store.RoleWarehouse, key, "new-lead")
	term := env.openTerminal(env.connect(key), 100, 30)
	term.waitFor(0, "board of new-lead (warehouse)")
}

func TestResize(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	key := newKey(t)
	env.authorize(store.RoleBuyer, key, "ana")

	term := env.openTerminal(env.connect(key), 80, 24)
	mark := term.waitFor(0, "size 80x24")
	if err := term.session.WindowChange(40, 132); err != nil {
		t.Fatalf("window change: %v", err)
	}
	mark = term.waitFor(mark, "size 132x40")
	if err := term.session.WindowChange(0, 0); err != nil {
		t.Fatalf("window change: %v", err)
	}
	term.waitFor(mark, "size 80x24")
}

func TestNoPtyWithoutCommandExplains(t *testing.T) {
	env := startEnv(t, testEnvOptions{})
	key := newKey(t)
	env.authorize(store.RoleBuyer, key, "ana")
	client := env.connect(key)

	session, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	var stderr syncBuffer
	session.Stderr = &stderr
	if err := session.Shell(); err != nil {
		t.Fatal(err)
	}
	code := exitStatus(t, session.Wait())
	if code != 1 {
		t.Errorf("exit status = %d; want 1", code)
	}
	if !strings.Contains(stderr.String(), "needs a terminal") || !strings.Contains(stderr.String(), "ssh -t -p ") {
		t.Errorf("stderr = %q; want it to say the board needs a terminal and how to connect", stderr.String())
	}
}

// echoCommand records what the server passes to RunCommand.
func echoCommand(ctx context.Context, actor store.Actor, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if args[0] == "po" && len(args) > 1 && args[1] == "fail" {
		fmt.Fprintln(stderr, "poboard: failed on purpose")
		return 1
	}
	input, _ := io.ReadAll(stdin)
	json.NewEncoder(stdout).Encode(map[string]any{
		"actor": actor.Name, "role": actor.Role, "args": args, "stdin": string(input),
	})
	return 0
}

func TestCommandRunsWithCallerRole(t *testing.T) {
	env := startEnv(t, testEnvOptions{runCommand: echoCommand})
	leadKey := newKey(t)
	env.authorize(store.RoleWarehouse, leadKey, "lee")
	client := env.connect(leadKey)

	stdout, stderr, code := runRemote(t, client, "po list --json --status 'partially_received'")
	if code != 0 {
		t.Fatalf("exit status = %d, stderr %q", code, stderr)
	}
	var got struct {
		Actor string   `json:"actor"`
		Role  string   `json:"role"`
		Args  []string `json:"args"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout %q is not JSON: %v", stdout, err)
	}
	if got.Actor != "lee" {
		t.Errorf("actor = %q; want lee", got.Actor)
	}
	if got.Role != string(store.RoleWarehouse) {
		t.Errorf("role = %q; want warehouse", got.Role)
	}
	if strings.Join(got.Args, "|") != "po|list|--json|--status|partially_received" {
		t.Errorf("args = %q; want the shell words of the command", got.Args)
	}

	_, stderr, code = runRemote(t, client, "poboard po fail")
	if code != 1 {
		t.Errorf("exit status of a failing command = %d; want 1", code)
	}
	if !strings.Contains(stderr, "failed on purpose") {
		t.Errorf("stderr = %q; want the command's error", stderr)
	}
}

func TestCommandsOutsideListRejected(t *testing.T) {
	env := startEnv(t, testEnvOptions{runCommand: echoCommand})
	key := newKey(t)
	env.authorize(store.RoleBuyer, key, "ana")
	client := env.connect(key)

	for _, command := range []string{"sync --once", "sh -c id"} {
		stdout, stderr, code := runRemote(t, client, command)
		if code != 2 {
			t.Errorf("%s: exit status = %d; want 2", command, code)
		}
		if stdout != "" {
			t.Errorf("%s: ran and wrote %q", command, stdout)
		}
		if !strings.Contains(stderr, "not available over SSH") {
			t.Errorf("%s: stderr = %q; want it to say the command is not available", command, stderr)
		}
	}
}

func TestPanicInOneSessionLeavesOthers(t *testing.T) {
	for _, key := range []string{"x", "X", "V"} {
		t.Run(key, func(t *testing.T) {
			env := startEnv(t, testEnvOptions{})
			buyerKey := newKey(t)
			env.authorize(store.RoleBuyer, buyerKey, "ana")
			number := env.createPO("Acme Textiles", 10)

			healthy := env.openTerminal(env.connect(buyerKey), 100, 30)
			healthyMark := healthy.waitFor(0, number+" draft")
			broken := env.openTerminal(env.connect(buyerKey), 100, 30)
			broken.waitFor(0, number+" draft")

			broken.press(key)
			if code := broken.wait(); code != 1 {
				t.Errorf("exit status of the session that panicked = %d; want 1", code)
			}
			if !strings.Contains(broken.stderr.String(), "internal error") {
				t.Errorf("stderr = %q; want it to mention the internal error", broken.stderr.String())
			}
			if !strings.Contains(env.logs.String(), "board panicked") {
				t.Errorf("log does not record the panic:\n%s", env.logs.String())
			}

			healthy.press("a")
			healthy.waitFor(healthyMark, number+" approved")
		})
	}
}

func TestShutdownWithOpenSessions(t *testing.T) {
	env := startEnv(t, testEnvOptions{runCommand: func(ctx context.Context, _ store.Actor, _ []string, _ io.Reader, stdout, _ io.Writer) int {
		fmt.Fprintln(stdout, "started")
		<-ctx.Done()
		return 1
	}})
	key := newKey(t)
	env.authorize(store.RoleBuyer, key, "ana")

	var terms []*terminal
	for range 3 {
		term := env.openTerminal(env.connect(key), 100, 30)
		term.waitFor(0, "board of ana")
		terms = append(terms, term)
	}
	// A command that only ends when its context does.
	client := env.connect(key)
	long, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var longOut syncBuffer
	long.Stdout = &longOut
	if err := long.Start("po watch"); err != nil {
		t.Fatal(err)
	}
	longDone := make(chan error, 1)
	go func() { longDone <- long.Wait() }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(longOut.String(), "started") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Shutdown took %v; want a few seconds at most", took)
	}
	select {
	case err := <-env.served:
		if err != nil {
			t.Errorf("Serve returned %v after Shutdown; want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("Serve did not return after Shutdown")
	}

	for i, term := range terms {
		if code := term.wait(); code != 0 {
			t.Errorf("session %d exit status = %d; want 0", i, code)
		}
		if !strings.Contains(term.stderr.String(), "shutting down") {
			t.Errorf("session %d stderr = %q; want the shutdown notice", i, term.stderr.String())
		}
	}
	select {
	case <-longDone:
	case <-time.After(5 * time.Second):
		t.Error("the long command's session did not end")
	}
	if env.srv.Sessions() != 0 {
		t.Errorf("%d sessions still registered", env.srv.Sessions())
	}
	if _, err := env.dial(gossh.PublicKeys(key)); err == nil {
		t.Error("a new connection was accepted after Shutdown")
	}
}

func TestStalledClientDoesNotBlockOthers(t *testing.T) {
	var st *store.Store
	env := startEnv(t, testEnvOptions{newModel: func(session Session) (tea.Model, error) {
		board := newTestBoard(st, session)
		if session.Actor.Name == "stalled" {
			board.padding = 150
		}
		return board, nil
	}})
	st = env.st
	stalledKey, healthyKey := newKey(t), newKey(t)
	env.authorize(store.RoleWarehouse, stalledKey, "stalled")
	env.authorize(store.RoleWarehouse, healthyKey, "healthy")
	number := env.createPO("Acme Textiles", 1000)
	buyer := store.Actor{Name: "ana", Role: store.RoleBuyer}
	for _, status := range []store.Status{store.StatusApproved, store.StatusOrdered} {
		if _, err := st.SetStatus(buyer, number, 0, status); err != nil {
			t.Fatal(err)
		}
	}

	// The stalled client never reads its output. Each of its redraws is
	// about 45 KB, so the SSH window (2 MB in x/crypto/ssh) fills after
	// about 45 receipts and the server's writes to it block.
	stalledSession, err := env.connect(stalledKey).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stalledSession.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if err := stalledSession.RequestPty("xterm-256color", 200, 300, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := stalledSession.Shell(); err != nil {
		t.Fatal(err)
	}

	healthy := env.openTerminal(env.connect(healthyKey), 100, 30)
	mark := healthy.waitFor(0, number+" ordered 0/1000")
	for i := 1; i <= 80; i++ {
		if _, err := st.RecordReceipt(buyer, number, 0, []store.ReceiptLine{{SKU: "TEE-BLK-M", Qty: 1}}); err != nil {
			t.Fatal(err)
		}
		// Let both renderers draw a frame between receipts.
		time.Sleep(20 * time.Millisecond)
	}
	healthy.waitFor(mark, number+" partially_received 80/1000")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with a stalled client: %v", err)
	}
	// The stalled board could not even process its quit message, which
	// shows its writes were blocked while the healthy session went on.
	if !strings.Contains(env.logs.String(), "closing sessions that did not quit in time") {
		t.Errorf("the stalled session quit within the grace period, so it never stalled; log:\n%s", env.logs.String())
	}
}
