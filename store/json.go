package store

import "time"

// JSONLine is a PO line as `po show --json` writes it.
type JSONLine struct {
	SKU         string `json:"sku"`
	Description string `json:"description"`
	Ordered     int    `json:"ordered"`
	Received    int    `json:"received"`
	Rejected    int    `json:"rejected"`
	UnitCost    string `json:"unit_cost"`
	Unexpected  bool   `json:"unexpected,omitempty"`
	Over        int    `json:"over,omitempty"`
}

// JSONLink is a PO's WMS link as `po show --json` writes it.
type JSONLink struct {
	Connector  string     `json:"connector"`
	RemoteID   string     `json:"remote_id"`
	State      PushState  `json:"state"`
	PushedAt   *time.Time `json:"pushed_at"`
	LastSyncAt *time.Time `json:"last_sync_at"`
	LastError  string     `json:"last_error,omitempty"`
}

// JSONPO is the stable JSON form of a PO: `po show --json` writes one,
// `po list --json` an array of them without history. Money is a decimal
// string in the PO's currency.
type JSONPO struct {
	Number       string     `json:"number"`
	Status       Status     `json:"status"`
	Supplier     string     `json:"supplier"`
	Currency     string     `json:"currency"`
	ExpectedDate string     `json:"expected_date"`
	Version      uint64     `json:"version"`
	Locked       bool       `json:"locked"`
	Notes        string     `json:"notes"`
	Total        string     `json:"total"`
	Lines        []JSONLine `json:"lines"`
	WMS          *JSONLink  `json:"wms"`
	History      []Event    `json:"history,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// ToJSON returns the JSON form of po, with history when withHistory is set.
func ToJSON(po PO, withHistory bool) JSONPO {
	out := JSONPO{
		Number: po.Number, Status: po.Status, Supplier: po.Supplier, Currency: po.Currency,
		ExpectedDate: po.ExpectedDate, Version: po.Version, Locked: po.Locked(), Notes: po.Notes,
		Total: FormatMoney(po.Value(), po.Currency), Lines: make([]JSONLine, len(po.Lines)),
		CreatedAt: po.CreatedAt, UpdatedAt: po.UpdatedAt,
	}
	for i, line := range po.Lines {
		out.Lines[i] = JSONLine{SKU: line.SKU, Description: line.Description, Ordered: line.Ordered,
			Received: line.Received, Rejected: line.Rejected, UnitCost: FormatMoney(line.UnitCost, po.Currency),
			Unexpected: line.Unexpected, Over: line.Over()}
	}
	if po.WMS != nil {
		out.WMS = &JSONLink{Connector: po.WMS.Connector, RemoteID: po.WMS.RemoteID, State: po.WMS.State,
			PushedAt: timeOrNil(po.WMS.PushedAt), LastSyncAt: timeOrNil(po.WMS.LastSyncAt), LastError: po.WMS.LastError}
	}
	if withHistory {
		out.History = po.History
		if out.History == nil {
			out.History = []Event{}
		}
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
