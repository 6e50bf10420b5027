package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adrg/xdg"

	"poboard/store"
)

// cli runs poboard commands against one database in a temporary home.
type cli struct {
	t   *testing.T
	dir string
	db  string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"} {
		t.Setenv(name, filepath.Join(dir, strings.ToLower(name)))
	}
	xdg.Reload()
	return &cli{t: t, dir: dir, db: filepath.Join(dir, "poboard.db")}
}

// run returns the exit status, stdout and stderr of one command.
func (c *cli) run(args ...string) (int, string, string) {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	full := append([]string{"--db", c.db}, args...)
	code := run(context.Background(), full, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// ok runs a command that must succeed and returns its stdout.
func (c *cli) ok(args ...string) string {
	c.t.Helper()
	code, stdout, stderr := c.run(args...)
	if code != 0 {
		c.t.Fatalf("poboard %s: exit %d, stderr %q", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

func TestCLICreateOrderPushShow(t *testing.T) {
	c := newCLI(t)
	number := strings.TrimSpace(c.ok("po", "create", "--supplier", "Acme Textiles", "--line", "TEE-BLK-M:100:4.25",
		"--line", "TEE-WHT-L:50", "--expected", "2026-12-20", "--currency", "EUR"))
	if number != "PO-000001" {
		t.Fatalf("create printed %q", number)
	}
	c.ok("po", "status", number, "approved")
	c.ok("po", "status", number, "ordered")
	out := c.ok("po", "push", number, "--wait")
	if !strings.Contains(out, "accepted by Simulated warehouse") {
		t.Fatalf("push printed %q", out)
	}

	var shown map[string]any
	if err := json.Unmarshal([]byte(c.ok("po", "show", number, "--json")), &shown); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"number", "status", "supplier", "currency", "expected_date", "version", "locked", "lines", "wms", "history"} {
		if _, ok := shown[key]; !ok {
			t.Errorf("po show --json lacks %q", key)
		}
	}
	if shown["locked"] != true || shown["status"] != "ordered" || shown["currency"] != "EUR" {
		t.Fatalf("shown = %v", shown)
	}
	line := shown["lines"].([]any)[0].(map[string]any)
	if line["unit_cost"] != "4.25" || line["ordered"] != float64(100) {
		t.Fatalf("line = %v", line)
	}
	link := shown["wms"].(map[string]any)
	if link["connector"] != "simulator" || link["remote_id"] != "SIM-000001" || link["pushed_at"] == nil {
		t.Fatalf("wms = %v", link)
	}

	var listed []map[string]any
	if err := json.Unmarshal([]byte(c.ok("po", "list", "--json", "--status", "ordered")), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0]["number"] != number {
		t.Fatalf("list = %v", listed)
	}
	if _, has := listed[0]["history"]; has {
		t.Fatal("po list --json includes history")
	}
}

func TestCLILockedEditNamesWMS(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:1")
	c.ok("po", "status", "1", "approved")
	c.ok("po", "status", "1", "ordered")
	c.ok("po", "push", "1", "--wait")
	code, _, stderr := c.run("po", "edit", "PO-000001", "--supplier", "Other")
	if code != 1 {
		t.Fatalf("exit = %d", code)
	}
	if !strings.HasPrefix(stderr, "poboard: ") || !strings.Contains(stderr, "make this change in Simulated warehouse") {
		t.Fatalf("stderr = %q", stderr)
	}
}

func TestCLIErrorsAndExitCodes(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:1")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"po", "show", "PO-000404"}, 1, "PO-000404 not found"},
		{[]string{"po", "create", "--line", "A:1"}, 2, "missing --supplier"},
		{[]string{"po", "create", "--supplier", "X", "--line", "A:two"}, 2, `invalid quantity "two"`},
		{[]string{"po", "create", "--supplier", "X", "--line", "A:1:4.255", "--currency", "EUR"}, 2, "EUR has 2 decimal places"},
		{[]string{"po", "status", "1"}, 2, "expected a PO number and a status"},
		{[]string{"po", "frobnicate"}, 2, "unknown po command"},
		{[]string{"po", "list", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"nonsense"}, 2, "unknown command"},
	}
	for _, tc := range cases {
		code, _, stderr := c.run(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("poboard %s: exit %d stderr %q, want exit %d with %q", strings.Join(tc.args, " "), code, stderr, tc.code, tc.want)
		}
	}
}

func TestCLIHelpExitsZero(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{{"--help"}, {"po", "--help"}, {"po", "create", "--help"}, {"sync", "--help"}, {"backup", "--help"}} {
		code, stdout, _ := c.run(args...)
		if code != 0 || !strings.Contains(stdout, "Usage") {
			t.Errorf("poboard %s: exit %d stdout %q", strings.Join(args, " "), code, stdout)
		}
	}
}

func TestCLIManualReceipt(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:10", "--line", "B:5")
	c.ok("po", "status", "1", "approved")
	c.ok("po", "status", "1", "ordered")
	out := c.ok("po", "receive", "1", "A:10", "B:4:1")
	if !strings.Contains(out, "Partially received") {
		t.Fatalf("receive printed %q", out)
	}
	var shown store.JSONPO
	if err := json.Unmarshal([]byte(c.ok("po", "show", "1", "--json")), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Lines[1].Received != 4 || shown.Lines[1].Rejected != 1 {
		t.Fatalf("line B = %+v", shown.Lines[1])
	}
}

func TestCLIEditAndBackup(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:10:1.00", "--currency", "EUR")
	c.ok("po", "edit", "1", "--line", "A:12", "--line", "B:3:2.50", "--expected", "2027-01-15")
	var shown store.JSONPO
	json.Unmarshal([]byte(c.ok("po", "show", "1", "--json")), &shown)
	if len(shown.Lines) != 2 || shown.Lines[0].Ordered != 12 || shown.Lines[0].UnitCost != "1.00" || shown.ExpectedDate != "2027-01-15" {
		t.Fatalf("after edit: %+v", shown)
	}
	c.ok("po", "edit", "1", "--remove-line", "A")

	backup := filepath.Join(c.dir, "copy.db")
	c.ok("backup", backup)
	st, err := store.Open(backup, store.Options{})
	if err != nil {
		t.Fatalf("backup does not open: %v", err)
	}
	defer st.Close()
	po, err := st.GetPO("1")
	if err != nil || len(po.Lines) != 1 || po.Lines[0].SKU != "B" {
		t.Fatalf("backup PO = %+v, %v", po, err)
	}
	if code, _, stderr := c.run("backup", backup); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Fatalf("second backup: exit %d %q", code, stderr)
	}
}

func TestCLILockedDatabase(t *testing.T) {
	c := newCLI(t)
	st, err := store.Open(c.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, _, stderr := c.run("po", "list")
	if code != 1 || !strings.Contains(stderr, c.db) || !strings.Contains(stderr, "ssh -p") {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
}

func TestCLIConfigErrors(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:1")
	config := filepath.Join(c.dir, "config.toml")
	cases := map[string]string{
		"[wms]\nconector = \"simulator\"\n":     "unknown keys: wms.conector",
		"[wms]\nconnector = \"acme-wms\"\n":     `unknown connector "acme-wms"`,
		"[wms]\npoll_interval = \"often\"\n":    `invalid duration "often"`,
		"[wms\nconnector = \"simulator\"\n":     "config file",
		"[wms.simulator]\nreceipts = \"x\"\n":   "[wms.simulator]",
		"[wms.simulator]\nreceipts = -1\n":      "receipts is -1",
		"[wms.simulator]\nover_percent = 120\n": "over_percent is 120",
		"[forecast]\nlead_time_days = -3\n":     "lead_time_days is -3",
		"[log]\nlevel = \"verbose\"\n":          "config file",
	}
	for text, want := range cases {
		os.WriteFile(config, []byte(text), 0o600)
		code, _, stderr := c.run("--config", config, "po", "list")
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("config %q: exit %d stderr %q, want %q", text, code, stderr, want)
		}
	}
	if code, _, stderr := c.run("--config", filepath.Join(c.dir, "missing.toml"), "po", "list"); code != 1 || !strings.Contains(stderr, "not found") {
		t.Errorf("missing config: exit %d %q", code, stderr)
	}
}

func TestCLISyncOnceAppliesReceipts(t *testing.T) {
	c := newCLI(t)
	config := filepath.Join(c.dir, "config.toml")
	os.WriteFile(config, []byte("[wms.simulator]\nfirst_receipt_after = \"1ms\"\nreceipt_every = \"1ms\"\n"), 0o600)
	c.ok("--config", config, "po", "create", "--supplier", "Acme", "--line", "A:100")
	c.ok("--config", config, "po", "status", "1", "approved")
	c.ok("--config", config, "po", "status", "1", "ordered")
	c.ok("--config", config, "po", "push", "1")
	out := c.ok("--config", config, "sync", "--once")
	if !strings.Contains(out, "0 pushes still queued") {
		t.Fatalf("sync printed %q", out)
	}
	c.ok("--config", config, "sync", "--once")
	var shown store.JSONPO
	json.Unmarshal([]byte(c.ok("--config", config, "po", "show", "1", "--json")), &shown)
	if shown.Lines[0].Received == 0 || shown.WMS == nil || shown.WMS.LastSyncAt == nil {
		t.Fatalf("after sync: %+v", shown)
	}
}

func TestCLIBackupToStdout(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:1")
	streamed := c.ok("backup", "-")
	path := filepath.Join(c.dir, "streamed.db")
	if err := os.WriteFile(path, []byte(streamed), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("streamed backup does not open: %v", err)
	}
	defer st.Close()
	if _, err := st.GetPO("1"); err != nil {
		t.Fatalf("streamed backup lacks PO-000001: %v", err)
	}
}

func TestCLIReadOnlyCommandNeedsDatabase(t *testing.T) {
	c := newCLI(t)
	code, _, stderr := c.run("po", "show", "1")
	if code != 1 || !strings.Contains(stderr, "does not exist; check --db") {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	if fileExists(c.db) {
		t.Fatal("a read-only command created the database")
	}
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:1")
	if !fileExists(c.db) {
		t.Fatal("po create did not create the database")
	}
}

func TestCLIListEmptyStatus(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:1")
	if out := c.ok("po", "list", "--status", "ordered"); !strings.Contains(out, "No POs are Ordered") {
		t.Fatalf("list printed %q", out)
	}
}

func TestCLIHelpWhileDatabaseHeld(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:1")
	st, err := store.Open(c.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, args := range [][]string{{"po", "--help"}, {"po", "show", "--help"}, {"serve", "--help"}, {"backup", "--help"},
		{"sync", "--help"}, {"import", "orders", "--help"}, {"forecast", "--help"}} {
		code, stdout, stderr := c.run(args...)
		if code != 0 || !strings.Contains(stdout, "Usage") {
			t.Errorf("poboard %s with the database held: exit %d stdout %q stderr %q", strings.Join(args, " "), code, stdout, stderr)
		}
	}
}

func TestCLIShowMarksShortLines(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:10", "--line", "B:5")
	c.ok("po", "status", "1", "approved")
	c.ok("po", "status", "1", "ordered")
	c.ok("po", "receive", "1", "A:7:1")
	out := c.ok("po", "show", "1")
	if !strings.Contains(out, "1 rejected, 3 short") || !strings.Contains(out, "5 short") {
		t.Fatalf("po show does not mark short lines:\n%s", out)
	}
}

func TestCLIBackupWhileServingHints(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:1")
	st, err := store.Open(c.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.WriteServeMarker("127.0.0.1:2345"); err != nil {
		t.Fatal(err)
	}
	defer st.RemoveServeMarker()
	code, _, stderr := c.run("backup", filepath.Join(c.dir, "copy.db"))
	if code != 1 || !strings.Contains(stderr, "ssh -p 2345 localhost backup - > FILE") {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
}

// runInput is run with input on standard input.
func (c *cli) runInput(input string, args ...string) (int, string, string) {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	full := append([]string{"--db", c.db}, args...)
	code := run(context.Background(), full, strings.NewReader(input), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}
