package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// forecastAsOf is the first forecast day of these tests; the generated
// orders end the day before.
const forecastAsOf = "2025-06-01"

// newForecastCLI returns a CLI whose configuration sets lead time 10,
// cover 20 and safety 5 days, with 120 days of 2 TEE a day from Acme and
// 20 TEE on hand, so the suggestion is 2 × 30 + 10 − 20 = 50.
func newForecastCLI(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t)
	configDir := filepath.Join(c.dir, "xdg_config_home", "poboard")
	if err := os.MkdirAll(configDir, 0o700); err != nil {
		t.Fatal(err)
	}
	config := "[forecast]\nlead_time_days = 10\ncover_days = 20\nsafety_days = 5\n"
	if err := os.WriteFile(filepath.Join(configDir, "config.toml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("import", "orders", c.writeFile("tee.csv", steadyOrders("TEE", "Acme", 2, 120, forecastAsOf)), "--quiet")
	c.ok("import", "inventory", c.writeFile("stock.csv", "SKU,Location,On hand\nTEE,Main,20\n"), "--date", "2025-05-31")
	return c
}

// suggestionFor returns the suggestion of sku, failing when there is none.
func suggestionFor(t *testing.T, suggestions []map[string]any, sku string) map[string]any {
	t.Helper()
	for _, s := range suggestions {
		if s["sku"] == sku {
			return s
		}
	}
	t.Fatalf("no suggestion for %s in %v", sku, suggestions)
	return nil
}

func TestForecastJSONFields(t *testing.T) {
	c := newForecastCLI(t)
	tee := suggestionFor(t, c.forecastJSON("--as-of", forecastAsOf), "TEE")

	// The fields every consumer may rely on, with their JSON types.
	numbers := []string{"daily_demand", "on_hand", "in_transit", "lead_time_days", "cover_days", "safety_stock", "reorder_point", "suggested_qty"}
	texts := []string{"sku", "description", "supplier", "method", "order_by"}
	for _, key := range numbers {
		if _, ok := tee[key].(float64); !ok {
			t.Errorf("%s = %#v, want a number", key, tee[key])
		}
	}
	for _, key := range texts {
		if _, ok := tee[key].(string); !ok {
			t.Errorf("%s = %#v, want a string", key, tee[key])
		}
	}

	want := map[string]any{
		"sku": "TEE", "description": "TEE item", "supplier": "Acme", "method": "ses",
		"daily_demand": 2.0, "on_hand": 20.0, "in_transit": 0.0, "lead_time_days": 10.0, "cover_days": 20.0,
		"safety_stock": 10.0, "reorder_point": 30.0, "suggested_qty": 50.0,
		// 20 on hand is below the reorder point of 30: order today.
		"order_by": forecastAsOf,
	}
	for key, value := range want {
		if tee[key] != value {
			t.Errorf("%s = %#v, want %#v", key, tee[key], value)
		}
	}

	// The plan's backtest accuracy rides on every suggestion.
	for _, key := range []string{"plan_wape", "plan_bias"} {
		if _, ok := tee[key]; !ok {
			t.Errorf("%s missing from forecast --json", key)
		}
	}
	if wape, ok := tee["plan_wape"].(float64); ok && (wape < 0 || wape > 10) {
		t.Errorf("plan_wape = %v, want a ratio near 0", wape)
	}
}

func TestForecastInTransitThroughCLI(t *testing.T) {
	c := newForecastCLI(t)
	if got := suggestionFor(t, c.forecastJSON("--as-of", forecastAsOf), "TEE")["suggested_qty"]; got != 50.0 {
		t.Fatalf("suggested before any PO = %v, want 50", got)
	}

	number := strings.TrimSpace(c.ok("po", "create", "--supplier", "Acme", "--line", "TEE:50:3.00", "--expected", "2025-06-08"))
	for _, status := range []string{"draft", "approved"} {
		if status != "draft" {
			c.ok("po", "status", number, status)
		}
		tee := suggestionFor(t, c.forecastJSON("--as-of", forecastAsOf), "TEE")
		if tee["in_transit"] != 0.0 || tee["suggested_qty"] != 50.0 {
			t.Errorf("with %s %s: in transit %v, suggested %v; want 0 and 50", number, status, tee["in_transit"], tee["suggested_qty"])
		}
		want := status + " " + number + " has 50"
		if warnings := fmt.Sprint(tee["warnings"]); !strings.Contains(warnings, want) {
			t.Errorf("with %s %s: warnings %s; want them to name %q", number, status, warnings, want)
		}
	}

	c.ok("po", "status", number, "ordered")
	tee := suggestionFor(t, c.forecastJSON("--all", "--as-of", forecastAsOf), "TEE")
	if tee["in_transit"] != 50.0 || tee["suggested_qty"] != 0.0 {
		t.Errorf("with %s ordered: in transit %v, suggested %v; want 50 and 0", number, tee["in_transit"], tee["suggested_qty"])
	}
	if shown := c.forecastJSON("--as-of", forecastAsOf); len(shown) != 0 {
		t.Errorf("suggestions without --all = %v, want none once the PO is ordered", shown)
	}
	if out := c.ok("forecast", "--as-of", forecastAsOf); !strings.Contains(out, "Nothing to order. Run with --all to see every SKU.") {
		t.Errorf("forecast printed:\n%s", out)
	}

	// Receiving part of the PO moves units from in transit to received.
	c.ok("po", "receive", number, "TEE:20")
	tee = suggestionFor(t, c.forecastJSON("--all", "--as-of", forecastAsOf), "TEE")
	if tee["in_transit"] != 30.0 {
		t.Errorf("in transit after receiving 20 = %v, want 30", tee["in_transit"])
	}
}

func TestForecastCreateDrafts(t *testing.T) {
	c := newForecastCLI(t)
	code, _, stderr := c.run("forecast", "--as-of", forecastAsOf, "--create-drafts")
	if code != 0 || !strings.Contains(stderr, "created draft PO-000001 for Acme with 1 lines") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	show := c.ok("po", "show", "PO-000001")
	if !strings.Contains(show, "TEE") || !strings.Contains(show, "50") {
		t.Errorf("po show printed:\n%s", show)
	}
	// A draft is not in transit, so the suggestion stays.
	if got := suggestionFor(t, c.forecastJSON("--as-of", forecastAsOf), "TEE")["suggested_qty"]; got != 50.0 {
		t.Errorf("suggested with a draft PO = %v, want 50", got)
	}
}

func TestForecastSupplierFilter(t *testing.T) {
	c := newForecastCLI(t)
	c.ok("import", "orders", c.writeFile("cap.csv", steadyOrders("CAP", "Bolt", 1, 120, forecastAsOf)), "--quiet")

	all := c.forecastJSON("--as-of", forecastAsOf)
	if len(all) != 2 {
		t.Fatalf("suggestions = %d, want TEE and CAP", len(all))
	}
	bolt := c.forecastJSON("--as-of", forecastAsOf, "--supplier", "Bolt")
	if len(bolt) != 1 || bolt[0]["sku"] != "CAP" || bolt[0]["supplier"] != "Bolt" {
		t.Errorf("--supplier Bolt = %v, want CAP alone", bolt)
	}
	if none := c.forecastJSON("--as-of", forecastAsOf, "--supplier", "Nobody"); len(none) != 0 {
		t.Errorf("--supplier Nobody = %v, want an empty array", none)
	}

	text := c.ok("forecast", "--as-of", forecastAsOf)
	if !strings.Contains(text, "Acme — 1 SKUs") || !strings.Contains(text, "Bolt — 1 SKUs") {
		t.Errorf("forecast text lacks a supplier header:\n%s", text)
	}
}

func TestForecastWithoutDemand(t *testing.T) {
	c := newCLI(t)
	if got := c.ok("forecast", "--json"); strings.TrimSpace(got) != "[]" {
		t.Errorf("forecast --json on an empty database = %q, want []", got)
	}
	out := c.ok("forecast", "--all")
	if strings.Contains(out, "Run with --all") {
		t.Errorf("forecast --all suggests --all:\n%s", out)
	}
	if !strings.Contains(out, "poboard import orders") {
		t.Errorf("forecast --all without demand does not say how to add it:\n%s", out)
	}
}

func TestForecastUsageErrors(t *testing.T) {
	c := newCLI(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"forecast", "--as-of", "June 1"}, `invalid --as-of "June 1"`},
		{[]string{"forecast", "extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range cases {
		code, _, stderr := c.run(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("poboard %s: exit %d stderr %q, want exit 2 with %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
}

func TestForecastAllUnknownSupplier(t *testing.T) {
	c := newForecastCLI(t)
	out := c.ok("forecast", "--all", "--supplier", "Nobody", "--as-of", forecastAsOf)
	if !strings.Contains(out, `No SKU of supplier "Nobody" has demand`) {
		t.Errorf("forecast --all --supplier Nobody printed:\n%s", out)
	}
}
