package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
	"poboard/wms"
)

// flatView returns the view without borders and white space, so that text
// wrapped over several lines, even within a word, reads as one run.
func flatView(m *Model) string {
	view := strings.NewReplacer("│", " ", "╭", " ", "╮", " ", "╰", " ", "╯", " ").Replace(m.View())
	return strings.Join(strings.Fields(view), "")
}

// flat returns text without white space, to compare with flatView.
func flat(text string) string {
	return strings.Join(strings.Fields(text), "")
}

// longReason is a push failure as a WMS may word it, longer than a line.
const longReason = "Extensiv rejected the receiver: facility 3 has no location for TEE-BLK-M; add a location in Extensiv, then push again"

func TestLongTextWrapsNotTruncated(t *testing.T) {
	tests := []struct {
		name string
		// lastError runs a sync engine whose state reports longReason as
		// its last error.
		lastError bool
		// setup brings the board to the screen under test.
		setup func(t *testing.T, st *store.Store, m *Model)
		want  string
	}{
		{
			name: "push failure in detail",
			setup: func(t *testing.T, st *store.Store, m *Model) {
				if _, err := st.RequestPush(buyer, "PO-000001", 0, "extensiv", "Extensiv"); err != nil {
					t.Fatal(err)
				}
				if _, err := st.FailPush("PO-000001", longReason); err != nil {
					t.Fatal(err)
				}
				send(m, changesMsg{{Number: "PO-000001"}})
				press(m, "2")
			},
			want: "Push to Extensiv failed: " + longReason + "; fix the PO and push again",
		},
		{
			name: "push failure in history",
			setup: func(t *testing.T, st *store.Store, m *Model) {
				if _, err := st.RequestPush(buyer, "PO-000001", 0, "extensiv", "Extensiv"); err != nil {
					t.Fatal(err)
				}
				if _, err := st.FailPush("PO-000001", longReason); err != nil {
					t.Fatal(err)
				}
				send(m, changesMsg{{Number: "PO-000001"}})
				press(m, "2")
			},
			want: "sync push to Extensiv failed: " + longReason,
		},
		{
			name:      "last sync error",
			lastError: true,
			setup: func(t *testing.T, st *store.Store, m *Model) {
				press(m, "3")
			},
			want: "last sync error: " + longReason,
		},
		{
			name: "connector hint",
			setup: func(t *testing.T, st *store.Store, m *Model) {
				press(m, "w")
			},
			want: `to use it, set [wms] connector = "extensiv" in config.toml and base_url, customer_id, facility_id, user_login, POBOARD_EXTENSIV_CLIENT_ID, POBOARD_EXTENSIV_CLIENT_SECRET`,
		},
		{
			name:      "integrations last error",
			lastError: true,
			setup: func(t *testing.T, st *store.Store, m *Model) {
				press(m, "w")
			},
			want: "last error: " + longReason,
		},
		{
			name: "receipt label",
			setup: func(t *testing.T, st *store.Store, m *Model) {
				press(m, "R")
			},
			want: "TEE-BLK-M (100 open)",
		},
		{
			name: "receipt intro",
			setup: func(t *testing.T, st *store.Store, m *Model) {
				press(m, "R")
			},
			want: "Receipt for PO-000001 from Acme: units that arrived now, accepted and rejected.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openTestStore(t)
			createPO(t, st, "Acme", store.StatusOrdered)
			m := newTestModel(t, st, nil, buyer)
			if tt.lastError {
				engine, _ := startEngine(t, st)
				m = newTestModel(t, st, engine, buyer)
				m.c.sync = lastErrorSync{Syncer: engine, lastError: longReason}
				m.status.refresh()
			}
			send(m, tea.WindowSizeMsg{Width: 80, Height: 40})
			tt.setup(t, st, m)
			if view := flatView(m); !strings.Contains(view, flat(tt.want)) {
				t.Errorf("view lacks %q:\n%s", tt.want, m.View())
			}
		})
	}
}

// lastErrorSync is a running engine whose state reports lastError. A
// real engine's last error lasts only until its next good poll, which
// with the test simulator comes within 20 ms.
type lastErrorSync struct {
	Syncer
	lastError string
}

func (s lastErrorSync) Status() wms.Status {
	status := s.Syncer.Status()
	status.LastError = s.lastError
	return status
}

func TestDetailNoteUsesDescriptionRoom(t *testing.T) {
	st := openTestStore(t)
	po := createPO(t, st, "Acme", store.StatusOrdered,
		store.LineInput{SKU: "TEE-BLK-M", Description: "Tee black M", Ordered: 300})
	if _, err := st.RecordReceipt(buyer, po.Number, 0, []store.ReceiptLine{{SKU: "TEE-BLK-M", Qty: 100, Rejected: 5}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetStatus(buyer, po.Number, 0, store.StatusClosed); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{80, 100, 120} {
		m := newTestModel(t, st, nil, buyer)
		send(m, tea.WindowSizeMsg{Width: width, Height: 40})
		if view := plainView(m); !strings.Contains(view, "200 short, 5 rejected") {
			t.Errorf("%d columns: detail lacks the whole note:\n%s", width, m.View())
		}
		if width >= 100 && !strings.Contains(plainView(m), "Tee black M") {
			t.Errorf("%d columns: detail lost the description:\n%s", width, m.View())
		}
	}
}

// unmappedCSV writes an orders export of orders orders, one a day before
// testNow, each with one line of a product that has no SKU; names product
// names take turns.
func unmappedCSV(orders, names int) string {
	var b strings.Builder
	b.WriteString(ordersHeader)
	for d := orders; d >= 1; d-- {
		date := testNow.AddDate(0, 0, -d).Format(time.DateOnly)
		fmt.Fprintf(&b, "#U-%d,%s 10:00:00 +0000,1,Gift card %d,,Acme Textiles,\n", d, date, d%names)
	}
	return b.String()
}

func TestLongTextWrapsAtMinimumSize(t *testing.T) {
	tests := []struct {
		name   string
		width  int
		height int
		// setup brings the board to the screen under test and returns the
		// text that must show whole.
		setup func(t *testing.T, st *store.Store, m *Model) string
	}{
		{
			name: "import summary in status pane", width: 80, height: 24,
			setup: func(t *testing.T, st *store.Store, m *Model) string {
				path := writeFile(t, "orders.csv", unmappedCSV(19, 9))
				press(m, "f", "i")
				typeText(m, path)
				press(m, "enter", "esc")
				return "imported " + path + ": 19 orders (19 new, 0 updated, 0 unchanged, 0 cancelled and left out of demand); 9 product names match no SKU"
			},
		},
		{
			name: "import prompt hint", width: 80, height: 24,
			setup: func(t *testing.T, st *store.Store, m *Model) string {
				press(m, "f", "i")
				return `Orders are filed under the store name "default"; the path is on the machine running poboard.`
			},
		},
		{
			name: "bad row error", width: 80, height: 24,
			setup: func(t *testing.T, st *store.Store, m *Model) string {
				csv := ordersHeader + "#1,2026-12-01 10:00:00 +0000,two,Tee,TEE-BLK-M,Acme,\n"
				press(m, "f", "i")
				typeText(m, writeFile(t, "orders.csv", csv))
				press(m, "enter")
				return `line 2: invalid Lineitem quantity "two": want a whole number of units, 0 or more; fix the row and import the file again (nothing from it was imported)`
			},
		},
		{
			name: "restock warning", width: 80, height: 24,
			setup: func(t *testing.T, st *store.Store, m *Model) string {
				importDemand(t, st, demandCSV("MUG-IND", "Kyoto Ceramics", 1, 120))
				press(m, "f")
				return "! on hand unknown: no inventory snapshot lists this SKU, so it counts as 0; import one with `poboard import inventory FILE`"
			},
		},
		{
			name: "restock warning at 120 columns", width: 120, height: 40,
			setup: func(t *testing.T, st *store.Store, m *Model) string {
				importDemand(t, st, demandCSV("MUG-IND", "Kyoto Ceramics", 1, 120))
				press(m, "f")
				return "! on hand unknown: no inventory snapshot lists this SKU, so it counts as 0; import one with `poboard import inventory FILE`"
			},
		},
		{
			name: "unmapped names hint", width: 80, height: 24,
			setup: func(t *testing.T, st *store.Store, m *Model) string {
				importDemand(t, st, demandCSV("MUG-IND", "Kyoto Ceramics", 1, 120))
				importDemand(t, st, unmappedCSV(19, 9))
				press(m, "f")
				return "9 product names on order lines match no SKU, so their demand is left out; map each with `poboard import map NAME SKU`."
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openTestStore(t)
			m := newTestModel(t, st, nil, buyer)
			send(m, tea.WindowSizeMsg{Width: tt.width, Height: tt.height})
			want := tt.setup(t, st, m)
			if view := flatView(m); !strings.Contains(view, flat(want)) {
				t.Errorf("view lacks %q:\n%s", want, m.View())
			}
		})
	}
}
