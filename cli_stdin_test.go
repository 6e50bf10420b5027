package main

import (
	"os"
	"strings"
	"testing"

	"poboard/store"
)

func TestImportOrdersFromStdin(t *testing.T) {
	c := newCLI(t)
	export, err := os.ReadFile("testdata/shopify/orders_export_devstore.csv")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := c.runInput(string(export), "import", "orders", "-")
	if code != 0 {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "19 orders (19 new") {
		t.Fatalf("import printed %q", stdout)
	}
	if !strings.HasPrefix(stdout, "stdin: ") || strings.Contains(stdout, "poboard-import-") {
		t.Fatalf("import names the temporary copy instead of stdin: %q", stdout)
	}
	code, stdout, _ = c.runInput(string(export), "import", "orders", "-")
	if code != 0 || !strings.Contains(stdout, "19 unchanged") {
		t.Fatalf("second import: exit %d, printed %q", code, stdout)
	}
}

func TestImportInventoryFromStdin(t *testing.T) {
	c := newCLI(t)
	code, stdout, stderr := c.runInput("SKU,On hand\nCAP,3\n", "import", "inventory", "-", "--date", "2025-05-23")
	if code != 0 || !strings.Contains(stdout, "snapshot of 2025-05-23 with 1 SKUs") {
		t.Fatalf("exit %d stdout %q stderr %q", code, stdout, stderr)
	}
}

func TestImportMapNotesUnknownName(t *testing.T) {
	c := newCLI(t)
	c.ok("import", "orders", "testdata/shopify/orders_export_devstore.csv")
	code, _, stderr := c.run("import", "map", "The Minimal Snowboard", "SB-MIN")
	if code != 0 || strings.Contains(stderr, "note:") {
		t.Fatalf("known name: exit %d stderr %q", code, stderr)
	}
	code, _, stderr = c.run("import", "map", "Nonexistent thing", "X")
	if code != 0 || !strings.Contains(stderr, `no imported order line without a SKU is named "Nonexistent thing"`) {
		t.Fatalf("unknown name: exit %d stderr %q", code, stderr)
	}
}

func TestImportRejectedForWarehouseRole(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:1")
	app, err := openApp(globalFlags{db: c.db}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer app.close()
	app.Actor = store.Actor{Name: "lee", Role: store.RoleWarehouse}
	var stdout, stderr strings.Builder
	code := runCommand(t.Context(), app, []string{"import", "inventory", "-"}, strings.NewReader("SKU,On hand\nCAP,3\n"), &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "read-only warehouse role") {
		t.Fatalf("exit %d stderr %q", code, stderr.String())
	}
}

func TestImportOverSSHNeedsStdin(t *testing.T) {
	c := newCLI(t)
	c.ok("po", "create", "--supplier", "Acme", "--line", "A:1")
	app, err := openApp(globalFlags{db: c.db}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer app.close()
	app.Remote = true
	var stdout, stderr strings.Builder
	code := runCommand(t.Context(), app, []string{"import", "orders", "/etc/hosts"}, strings.NewReader(""), &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "import orders - < /etc/hosts") {
		t.Fatalf("exit %d stderr %q", code, stderr.String())
	}
}
