package ui

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"poboard/store"
	"poboard/wms"
)

// startBoard runs the board in a teatest program of width×height with
// colours off and the test clock.
func startBoard(t *testing.T, st *store.Store, engine *wms.Engine, actor store.Actor, width, height int) *teatest.TestModel {
	t.Helper()
	m := New(Deps{
		Store: st, Engine: engine, Actor: actor, Renderer: asciiRenderer(),
		Context: t.Context(), Now: func() time.Time { return testNow },
	})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(width, height))
	t.Cleanup(func() { _ = tm.Quit() })
	return tm
}

// waitText waits until the program has drawn every one of texts. Each
// call reads only what was drawn since the previous call, so texts drawn
// in one frame must be awaited in one call.
func waitText(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(out []byte) bool {
		for _, text := range texts {
			if !bytes.Contains(out, []byte(text)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func sendKeys(tm *teatest.TestModel, keys ...string) {
	for _, name := range keys {
		tm.Send(keyMsg(name))
	}
}

// finalView quits the program and returns its last view without trailing
// spaces.
func finalView(t *testing.T, tm *teatest.TestModel) []byte {
	t.Helper()
	return []byte(plainView(finalModel(t, tm)))
}

// finalModel quits the program and returns its model.
func finalModel(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
}

// TestFlowCreateToReceived walks a PO through its life on the board:
// create, approve, order, push to the simulated warehouse, two receipts,
// received.
func TestFlowCreateToReceived(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			st := openTestStore(t)
			engine, clock := startEngine(t, st)
			tm := startBoard(t, st, engine, buyer, size[0], size[1])
			waitText(t, tm, "No POs yet")

			sendKeys(tm, "n")
			waitText(t, tm, "New PO")
			tm.Type("Acme Textiles")
			sendKeys(tm, "tab")
			tm.Type("2026-12-20")
			sendKeys(tm, "tab", "backspace", "backspace", "backspace")
			tm.Type("EUR")
			sendKeys(tm, "tab", "tab")
			tm.Type("TEE-BLK-M")
			sendKeys(tm, "tab")
			tm.Type("Tee black M")
			sendKeys(tm, "tab")
			tm.Type("100")
			sendKeys(tm, "tab")
			tm.Type("4.25")
			sendKeys(tm, "tab", "enter")
			waitText(t, tm, "PO-000001 created")

			sendKeys(tm, "s", "enter")
			waitText(t, tm, "moved to Approved")
			sendKeys(tm, "s", "enter")
			waitText(t, tm, "moved to Ordered", "Push to Simulated warehouse")

			sendKeys(tm, "p")
			waitText(t, tm, "Once pushed")
			sendKeys(tm, "y")
			waitText(t, tm, "Locked: in Simulated warehouse")

			clock.Advance(receiptEvery)
			waitText(t, tm, "Partially received")
			clock.Advance(receiptEvery)
			waitText(t, tm, "100/100")

			po, err := st.GetPO("PO-000001")
			if err != nil {
				t.Fatal(err)
			}
			if po.Status != store.StatusReceived || !po.Pushed() {
				t.Errorf("PO-000001 is %s, pushed %v; want received and pushed", po.Status, po.Pushed())
			}
			golden.RequireEqual(t, finalView(t, tm))
		})
	}
}

// TestFlowLockedEdit opens the notes form when e is pressed on a pushed
// PO; the form names where the other fields change.
func TestFlowLockedEdit(t *testing.T) {
	st := openTestStore(t)
	engine, _ := startEngine(t, st)
	po := createPO(t, st, "Acme Textiles", store.StatusOrdered)
	if _, err := engine.RequestPush(buyer, po.Number, 0); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the push to be accepted", func() bool {
		po, _ := st.GetPO(po.Number)
		return po.Pushed()
	})

	tm := startBoard(t, st, engine, buyer, 80, 24)
	waitText(t, tm, "Locked: in Simulated warehouse")
	sendKeys(tm, "e")
	waitText(t, tm, "Notes of PO-000001")
	tm.Type("call the dock first")
	golden.RequireEqual(t, finalView(t, tm))
}

// TestFlowTooSmall shows the size hint below 80×24 and the board once the
// terminal grows.
func TestFlowTooSmall(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme Textiles", store.StatusDraft)
	tm := startBoard(t, st, nil, buyer, 60, 20)
	waitText(t, tm, "Terminal too small")
	tm.Send(tea.WindowSizeMsg{Width: 80, Height: 24})
	waitText(t, tm, "Acme Textiles")
	tm.Send(tea.WindowSizeMsg{Width: 79, Height: 24})
	waitText(t, tm, "79")
	golden.RequireEqual(t, finalView(t, tm))
}

// TestFlowFilterKeepsSelection filters by SKU while a receipt for another
// PO arrives: the filter, the selection and the detail stay.
func TestFlowFilterKeepsSelection(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme Textiles", store.StatusOrdered)
	createPO(t, st, "Blue Harbor Packaging", store.StatusOrdered, store.LineInput{SKU: "BOX-M", Description: "Mailer box M", Ordered: 2000, UnitCost: 38})
	createPO(t, st, "Nordic Wool Co", store.StatusDraft)

	tm := startBoard(t, st, nil, buyer, 80, 24)
	waitText(t, tm, "Nordic Wool Co")
	sendKeys(tm, "j")
	waitText(t, tm, "Supplier Blue Harbor Packaging")
	sendKeys(tm, "/")
	tm.Type("box")
	waitText(t, tm, "1 of 3")
	sendKeys(tm, "enter")

	if _, err := st.RecordReceipt(buyer, "PO-000001", 0, []store.ReceiptLine{{SKU: "TEE-BLK-M", Qty: 40}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordReceipt(buyer, "PO-000002", 0, []store.ReceiptLine{{SKU: "BOX-M", Qty: 500}}); err != nil {
		t.Fatal(err)
	}
	waitText(t, tm, "500/2000")
	golden.RequireEqual(t, finalView(t, tm))
}

// TestFlowRestock creates a draft from a suggestion, then watches the
// suggestion drop as soon as the draft is moved to Ordered elsewhere.
func TestFlowRestock(t *testing.T) {
	st := restockStore(t)
	tm := startBoard(t, st, nil, buyer, 80, 24)
	waitText(t, tm, "No POs yet")

	sendKeys(tm, "f")
	waitText(t, tm, "Restock · ", "TEE-BLK-M")
	sendKeys(tm, "a")
	waitText(t, tm, "2 selected")
	sendKeys(tm, "enter")
	waitText(t, tm, "created draft PO-000001")

	sendKeys(tm, "f")
	waitText(t, tm, "Why:")
	for _, status := range []store.Status{store.StatusApproved, store.StatusOrdered} {
		if _, err := st.SetStatus(buyer, "PO-000001", 0, status); err != nil {
			t.Fatal(err)
		}
	}
	// The plan and the chart's arrivals are read one after the other, so
	// a frame may show the arrival before the plan counts the PO as in
	// transit. The board re-reads after each change, so wait for the row
	// that counts the 50 units too.
	waitText(t, tm, "PO-000001 +50 on 2026-12-14", "TEE-BLK-M       2.00      20      50       0")
	golden.RequireEqual(t, finalView(t, tm))
}
