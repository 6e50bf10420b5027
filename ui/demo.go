package ui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// demoPO is one PO of the demo data and the status it is driven to.
type demoPO struct {
	supplier string
	currency string
	// expectedDays is the expected date relative to today.
	expectedDays int
	lines        []store.LineInput
	status       store.Status
	// receipt is recorded by hand, on a PO that is not pushed.
	receipt []store.ReceiptLine
	// push sends the PO to the WMS, whose receipts then arrive by sync.
	push bool
}

// demoPOs are four suppliers' POs covering every status, an overdue PO,
// over, short and rejected units, an unexpected SKU, and pushed POs.
var demoPOs = []demoPO{
	{supplier: "Nordic Wool Co", currency: "EUR", expectedDays: 45, status: store.StatusDraft, lines: []store.LineInput{
		{SKU: "SCARF-GRY", Description: "Wool scarf grey", Ordered: 120, UnitCost: 1150},
		{SKU: "BEANIE-NVY", Description: "Beanie navy", Ordered: 200, UnitCost: 640},
	}},
	{supplier: "Blue Harbor Packaging", currency: "USD", expectedDays: 21, status: store.StatusApproved, lines: []store.LineInput{
		{SKU: "BOX-M", Description: "Mailer box M", Ordered: 2000, UnitCost: 38},
		{SKU: "BOX-L", Description: "Mailer box L", Ordered: 1500, UnitCost: 52},
	}},
	{supplier: "Acme Textiles", currency: "EUR", expectedDays: -3, status: store.StatusOrdered, lines: []store.LineInput{
		{SKU: "TEE-BLK-M", Description: "Tee black M", Ordered: 300, UnitCost: 425},
		{SKU: "TEE-BLK-L", Description: "Tee black L", Ordered: 250, UnitCost: 425},
	}},
	{supplier: "Acme Textiles", currency: "EUR", expectedDays: 10, status: store.StatusOrdered, push: true, lines: []store.LineInput{
		{SKU: "TEE-WHT-S", Description: "Tee white S", Ordered: 150, UnitCost: 410},
		{SKU: "TEE-WHT-M", Description: "Tee white M", Ordered: 220, UnitCost: 410},
		{SKU: "TEE-WHT-L", Description: "Tee white L", Ordered: 180, UnitCost: 410},
	}},
	{supplier: "Kyoto Ceramics", currency: "JPY", expectedDays: 14, status: store.StatusOrdered, push: true, lines: []store.LineInput{
		{SKU: "MUG-IND", Description: "Mug indigo", Ordered: 96, UnitCost: 820},
		{SKU: "BOWL-IND", Description: "Bowl indigo", Ordered: 48, UnitCost: 1400},
	}},
	{supplier: "Blue Harbor Packaging", currency: "USD", expectedDays: -1, status: store.StatusPartiallyReceived, lines: []store.LineInput{
		{SKU: "TAPE-BRN", Description: "Packing tape", Ordered: 400, UnitCost: 95},
		{SKU: "BOX-S", Description: "Mailer box S", Ordered: 1000, UnitCost: 29},
	}, receipt: []store.ReceiptLine{{SKU: "TAPE-BRN", Qty: 400}, {SKU: "BOX-S", Qty: 600, Rejected: 25}, {SKU: "LABEL-4X6", Qty: 500}}},
	{supplier: "Kyoto Ceramics", currency: "JPY", expectedDays: -12, status: store.StatusReceived, lines: []store.LineInput{
		{SKU: "PLATE-WHT", Description: "Plate white", Ordered: 60, UnitCost: 990},
	}, receipt: []store.ReceiptLine{{SKU: "PLATE-WHT", Qty: 64}}},
	{supplier: "Nordic Wool Co", currency: "EUR", expectedDays: -40, status: store.StatusClosed, lines: []store.LineInput{
		{SKU: "SOCK-GRY", Description: "Wool socks grey", Ordered: 500, UnitCost: 310},
	}, receipt: []store.ReceiptLine{{SKU: "SOCK-GRY", Qty: 480}}},
	{supplier: "Acme Textiles", currency: "EUR", expectedDays: 30, status: store.StatusCancelled, lines: []store.LineInput{
		{SKU: "HOODIE-BLK", Description: "Hoodie black", Ordered: 80, UnitCost: 1890},
	}},
}

// demoPath lists the buyer's status moves that lead from Draft to a status.
var demoPath = map[store.Status][]store.Status{
	store.StatusDraft:             nil,
	store.StatusApproved:          {store.StatusApproved},
	store.StatusOrdered:           {store.StatusApproved, store.StatusOrdered},
	store.StatusPartiallyReceived: {store.StatusApproved, store.StatusOrdered},
	store.StatusReceived:          {store.StatusApproved, store.StatusOrdered},
	store.StatusClosed:            {store.StatusApproved, store.StatusOrdered},
	store.StatusCancelled:         {store.StatusCancelled},
}

// LoadDemo writes the demo POs through the store's API, as a buyer would,
// and pushes some of them with engine (skipped when engine is nil) so that
// receipts arrive from the WMS. It returns how many POs it created.
func LoadDemo(st *store.Store, engine Syncer, actor store.Actor, today time.Time) (int, error) {
	created := 0
	for _, demo := range demoPOs {
		po, err := st.CreatePO(actor, store.NewPO{
			Supplier: demo.supplier, Currency: demo.currency, Lines: demo.lines,
			ExpectedDate: today.AddDate(0, 0, demo.expectedDays).Format(time.DateOnly),
		})
		if err != nil {
			return created, fmt.Errorf("creating a demo PO for %s: %w", demo.supplier, err)
		}
		created++

		for _, status := range demoPath[demo.status] {
			if po, err = st.SetStatus(actor, po.Number, po.Version, status); err != nil {
				return created, fmt.Errorf("moving demo PO %s to %s: %w", po.Number, status.Label(), err)
			}
		}
		if len(demo.receipt) > 0 {
			if po, err = st.RecordReceipt(actor, po.Number, po.Version, demo.receipt); err != nil {
				return created, fmt.Errorf("recording a receipt on demo PO %s: %w", po.Number, err)
			}
		}
		if demo.status == store.StatusClosed {
			if po, err = st.SetStatus(actor, po.Number, po.Version, store.StatusClosed); err != nil {
				return created, fmt.Errorf("closing demo PO %s: %w", po.Number, err)
			}
		}
		if demo.push && engine != nil {
			if _, err = engine.RequestPush(actor, po.Number, po.Version); err != nil {
				return created, fmt.Errorf("pushing demo PO %s: %w", po.Number, err)
			}
		}
	}
	return created, nil
}

// loadDemo loads the demo data into an empty database.
func (m *Model) loadDemo() tea.Cmd {
	switch {
	case !m.checkWriter():
		return nil
	case m.demoLoading:
		return nil
	case !m.list.loaded:
		m.status.setNotice("the PO list is still loading; press D again in a moment", noticeInfo)
		return nil
	case len(m.list.rows) > 0:
		m.status.setNotice("demo data loads only into an empty database; start poboard with --db on a new file to try it", noticeError)
		return nil
	}
	m.demoLoading = true
	c := m.c
	load := func() tea.Msg {
		count, err := LoadDemo(c.store, c.sync, c.actor, c.now())
		if err != nil {
			c.logger.Error("loading demo data failed", "created", count, "err", err)
		}
		return demoMsg{count: count, err: err}
	}
	return tea.Batch(load, m.spinIfNeeded())
}
