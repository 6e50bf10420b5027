package sshserver

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"poboard/store"
)

func testConfig(dir string) Config {
	return Config{
		HostKeyPath:   filepath.Join(dir, "ssh_host_ed25519"),
		BuyersKeys:    filepath.Join(dir, "buyers_keys"),
		WarehouseKeys: filepath.Join(dir, "warehouse_keys"),
		NewModel:      func(Session) (tea.Model, error) { return nil, errors.New("not used") },
	}
}

func authorizedLine(t *testing.T, name string) string {
	t.Helper()
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(newKey(t).PublicKey()))) + " " + name + "\n"
}

func TestNewRejectsBadKeyLine(t *testing.T) {
	cases := []struct {
		name   string
		line   string
		reason string
	}{
		{"garbage", "not a key at all\n", "not a public key"},
		{"truncated key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 broken\n", "not a public key"},
		{"options", `from="10.0.0.0/8" ` + "%s", "key options"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := testConfig(dir)
			line := tc.line
			if strings.Contains(line, "%s") {
				line = strings.Replace(line, "%s", authorizedLine(t, "lee"), 1)
			}
			content := "# warehouse leads\n" + authorizedLine(t, "ana") + "\n" + line
			if err := os.WriteFile(cfg.WarehouseKeys, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}

			_, err := New(cfg)
			var keyErr *KeyFileError
			if !errors.As(err, &keyErr) {
				t.Fatalf("New error = %v; want a *KeyFileError", err)
			}
			if keyErr.Path != cfg.WarehouseKeys {
				t.Errorf("error path = %s; want %s", keyErr.Path, cfg.WarehouseKeys)
			}
			if keyErr.Line != 4 {
				t.Errorf("error line = %d; want 4", keyErr.Line)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("error = %q; want it to contain %q", err, tc.reason)
			}
		})
	}
}

func TestNewListsMissingKeyFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	if err := os.WriteFile(cfg.BuyersKeys, []byte(authorizedLine(t, "ana")), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if len(srv.MissingKeyFiles) != 1 || srv.MissingKeyFiles[0] != cfg.WarehouseKeys {
		t.Errorf("MissingKeyFiles = %v; want only the warehouse file", srv.MissingKeyFiles)
	}
}

func TestLookupSkipsLineBrokenAfterStart(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	good := newKey(t)
	goodLine := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(good.PublicKey()))) + " lee\n"
	if err := os.WriteFile(cfg.WarehouseKeys, []byte("broken line\n"+goodLine), 0o600); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	keys := &KeyFiles{Buyers: cfg.BuyersKeys, Warehouse: cfg.WarehouseKeys, logger: newTestLogger(logs)}

	for range 3 {
		identity, ok := keys.Lookup(good.PublicKey())
		if !ok {
			t.Fatal("a valid key was refused because another line is broken")
		}
		if identity.Name != "lee" || identity.Role != store.RoleWarehouse {
			t.Errorf("identity = %+v; want lee, warehouse", identity)
		}
	}
	if got := strings.Count(logs.String(), "skipping unusable authorized key"); got != 1 {
		t.Errorf("broken line logged %d times; want once:\n%s", got, logs.String())
	}
	if !strings.Contains(logs.String(), "line 1") {
		t.Errorf("log does not name the line:\n%s", logs.String())
	}
}

func TestHostKeyCreatedOnceWithMode0600(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	cfg.HostKeyPath = filepath.Join(dir, "data", "poboard", "ssh_host_ed25519")

	first, err := New(cfg)
	if err != nil {
		t.Fatalf("first New: %v", err)
	}
	if !first.HostKeyCreated {
		t.Error("HostKeyCreated = false on first start")
	}
	info, err := os.Stat(cfg.HostKeyPath)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("host key mode = %04o; want 0600", info.Mode().Perm())
	}

	second, err := New(cfg)
	if err != nil {
		t.Fatalf("second New: %v", err)
	}
	if second.HostKeyCreated {
		t.Error("HostKeyCreated = true although the key existed")
	}
	if second.HostKeyFingerprint != first.HostKeyFingerprint {
		t.Errorf("host key changed across restarts: %s then %s", first.HostKeyFingerprint, second.HostKeyFingerprint)
	}
}

func TestHostKeyReadableByOthersRejected(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	if _, err := New(cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(cfg.HostKeyPath, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(cfg)
	if err == nil {
		t.Fatal("a host key readable by other users was accepted")
	}
	if !strings.Contains(err.Error(), "chmod 600 "+cfg.HostKeyPath) {
		t.Errorf("error = %q; want it to say how to fix the mode", err)
	}
}

func TestHostKeyNotAKeyRejected(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	if err := os.WriteFile(cfg.HostKeyPath, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(cfg)
	if err == nil || !strings.Contains(err.Error(), cfg.HostKeyPath) {
		t.Fatalf("New error = %v; want one naming the host key file", err)
	}
}
