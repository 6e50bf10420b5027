package store

import (
	"slices"
	"strings"
	"testing"
)

func TestLifecycleTransitions(t *testing.T) {
	// The path from draft to each starting status, and every target.
	paths := map[Status][]Status{
		StatusDraft:     nil,
		StatusApproved:  {StatusApproved},
		StatusOrdered:   {StatusApproved, StatusOrdered},
		StatusCancelled: {StatusCancelled},
	}
	allowed := map[Status][]Status{
		StatusDraft:     {StatusApproved, StatusCancelled},
		StatusApproved:  {StatusDraft, StatusOrdered, StatusCancelled},
		StatusOrdered:   {StatusApproved, StatusCancelled},
		StatusCancelled: {},
	}
	for from, path := range paths {
		for _, to := range Statuses {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				st := openTest(t)
				po := createPO(t, st)
				if len(path) > 0 {
					moveTo(t, st, po.Number, path...)
				}
				got, err := st.SetStatus(buyer, po.Number, 0, to)
				want := slices.Contains(allowed[from], to)
				if want && err != nil {
					t.Fatalf("SetStatus(%s→%s) = %v, want allowed", from, to, err)
				}
				if !want && err == nil {
					t.Fatalf("SetStatus(%s→%s) allowed, want rejected", from, to)
				}
				if want && got.Status != to {
					t.Fatalf("status = %s, want %s", got.Status, to)
				}
				if !want {
					requireErrorAs[*TransitionError](t, err)
				}
			})
		}
	}
}

func TestReceivedPOCanOnlyClose(t *testing.T) {
	st := openTest(t)
	po := orderedPO(t, st)
	po, err := st.RecordReceipt(buyer, po.Number, 0, []ReceiptLine{{SKU: "TEE-BLK-M", Qty: 100}, {SKU: "TEE-WHT-L", Qty: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if po.Status != StatusReceived {
		t.Fatalf("status = %s, want received", po.Status)
	}
	if got := AllowedTransitions(po); !slices.Equal(got, []Status{StatusClosed}) {
		t.Fatalf("allowed = %v, want [closed]", got)
	}
	_, err = st.SetStatus(buyer, po.Number, 0, StatusOrdered)
	requireErrorAs[*TransitionError](t, err)
	po = moveTo(t, st, po.Number, StatusClosed)
	if len(AllowedTransitions(po)) != 0 {
		t.Fatalf("closed PO allows %v", AllowedTransitions(po))
	}
}

func TestPartiallyReceivedClosesShort(t *testing.T) {
	st := openTest(t)
	po := orderedPO(t, st)
	if _, err := st.RecordReceipt(buyer, po.Number, 0, []ReceiptLine{{SKU: "TEE-BLK-M", Qty: 10}}); err != nil {
		t.Fatal(err)
	}
	po = moveTo(t, st, po.Number, StatusClosed)
	if po.Status != StatusClosed {
		t.Fatalf("status = %s", po.Status)
	}
}

func TestReceivingStatusesNotSetByHand(t *testing.T) {
	st := openTest(t)
	po := orderedPO(t, st)
	_, err := st.SetStatus(buyer, po.Number, 0, StatusReceived)
	transition := requireErrorAs[*TransitionError](t, err)
	if !strings.Contains(transition.Error(), "record a receipt") {
		t.Fatalf("message %q does not point to receipts", transition.Error())
	}
}

func TestOrderedNeedsSupplierAndLines(t *testing.T) {
	cases := []struct {
		name  string
		input NewPO
		want  string
	}{
		{"no supplier", NewPO{Lines: []LineInput{{SKU: "A", Ordered: 1}}}, "no supplier"},
		{"no lines", NewPO{Supplier: "Acme"}, "no lines"},
		{"zero quantity", NewPO{Supplier: "Acme", Lines: []LineInput{{SKU: "A", Ordered: 0}}}, "quantity 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := openTest(t)
			po, err := st.CreatePO(buyer, tc.input)
			if err != nil {
				t.Fatal(err)
			}
			moveTo(t, st, po.Number, StatusApproved)
			_, err = st.SetStatus(buyer, po.Number, 0, StatusOrdered)
			transition := requireErrorAs[*TransitionError](t, err)
			if !strings.Contains(transition.Error(), tc.want) {
				t.Fatalf("message %q, want it to mention %q", transition.Error(), tc.want)
			}
		})
	}
}

func TestStatusHistoryRecordsActor(t *testing.T) {
	st := openTest(t)
	po := orderedPO(t, st)
	last := po.History[len(po.History)-1]
	if last.Event != EventStatus || last.From != "approved" || last.To != "ordered" || last.Actor != "ana" {
		t.Fatalf("last event = %+v", last)
	}
	if last.At.IsZero() {
		t.Fatal("event has no time")
	}
}

func TestWarehouseRoleCannotWrite(t *testing.T) {
	st := openTest(t)
	po := createPO(t, st)
	_, err := st.SetStatus(lead, po.Number, 0, StatusApproved)
	forbidden := requireErrorAs[*ForbiddenError](t, err)
	if !strings.Contains(forbidden.Error(), "warehouse") {
		t.Fatalf("message %q does not name the role", forbidden.Error())
	}
	_, err = st.CreatePO(lead, NewPO{Supplier: "X"})
	requireErrorAs[*ForbiddenError](t, err)
	notes := "hi"
	_, err = st.EditPO(lead, po.Number, 0, Edit{Notes: &notes})
	requireErrorAs[*ForbiddenError](t, err)
	_, err = st.RecordReceipt(lead, po.Number, 0, []ReceiptLine{{SKU: "TEE-BLK-M", Qty: 1}})
	requireErrorAs[*ForbiddenError](t, err)
	_, err = st.RequestPush(lead, po.Number, 0, "simulator", "Simulated warehouse")
	requireErrorAs[*ForbiddenError](t, err)
}

func TestStaleVersionRejected(t *testing.T) {
	st := openTest(t)
	po := createPO(t, st)
	supplier := "Bolt Knits"
	if _, err := st.EditPO(otherBuyer, po.Number, po.Version, Edit{Supplier: &supplier}); err != nil {
		t.Fatal(err)
	}
	_, err := st.SetStatus(buyer, po.Number, po.Version, StatusApproved)
	stale := requireErrorAs[*StaleError](t, err)
	if !strings.Contains(stale.Error(), "changed by ben") || !strings.Contains(stale.Error(), "reload") {
		t.Fatalf("message %q", stale.Error())
	}
}

func TestConcurrentWritersOneWins(t *testing.T) {
	st := openTest(t)
	po := createPO(t, st)
	results := make(chan error, 2)
	for _, actor := range []Actor{buyer, otherBuyer} {
		go func() {
			_, err := st.SetStatus(actor, po.Number, po.Version, StatusApproved)
			results <- err
		}()
	}
	var stale, ok int
	for range 2 {
		err := <-results
		switch {
		case err == nil:
			ok++
		default:
			requireErrorAs[*StaleError](t, err)
			stale++
		}
	}
	if ok != 1 || stale != 1 {
		t.Fatalf("ok=%d stale=%d, want one of each", ok, stale)
	}
}

func TestNotFound(t *testing.T) {
	st := openTest(t)
	_, err := st.GetPO("PO-000099")
	notFound := requireErrorAs[*NotFoundError](t, err)
	if notFound.Number != "PO-000099" {
		t.Fatalf("number = %q", notFound.Number)
	}
	_, err = st.SetStatus(buyer, "99", 0, StatusApproved)
	requireErrorAs[*NotFoundError](t, err)
}

func TestNormalizeNumber(t *testing.T) {
	for input, want := range map[string]string{"PO-000042": "PO-000042", "po-42": "PO-000042", "42": "PO-000042", " 7 ": "PO-000007", "X-1": "X-1"} {
		if got := NormalizeNumber(input); got != want {
			t.Errorf("NormalizeNumber(%q) = %q, want %q", input, got, want)
		}
	}
}

func TestCreateValidation(t *testing.T) {
	cases := []struct {
		name  string
		input NewPO
		field string
	}{
		{"bad currency", NewPO{Currency: "EURO"}, "currency"},
		{"bad date", NewPO{ExpectedDate: "20/12/2026"}, "expected date"},
		{"negative quantity", NewPO{Lines: []LineInput{{SKU: "A", Ordered: -1}}}, "quantity"},
		{"empty SKU", NewPO{Lines: []LineInput{{SKU: " ", Ordered: 1}}}, "SKU"},
		{"duplicate SKU", NewPO{Lines: []LineInput{{SKU: "A", Ordered: 1}, {SKU: "A", Ordered: 2}}}, "SKU"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := openTest(t)
			_, err := st.CreatePO(buyer, tc.input)
			validation := requireErrorAs[*ValidationError](t, err)
			if validation.Field != tc.field {
				t.Fatalf("field = %q, want %q", validation.Field, tc.field)
			}
		})
	}
}

func TestNumbersCountUp(t *testing.T) {
	st := openTest(t)
	first, second := createPO(t, st), createPO(t, st)
	if first.Number != "PO-000001" || second.Number != "PO-000002" {
		t.Fatalf("numbers = %s, %s", first.Number, second.Number)
	}
}

func TestEditLines(t *testing.T) {
	st := openTest(t)
	po := createPO(t, st)
	po, err := st.EditPO(buyer, po.Number, po.Version, Edit{
		Lines:      []LineInput{{SKU: "TEE-BLK-M", Ordered: 120, UnitCost: -1}, {SKU: "CAP-RED", Ordered: 10, UnitCost: 300}},
		RemoveSKUs: []string{"TEE-WHT-L"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(po.Lines) != 2 {
		t.Fatalf("lines = %+v", po.Lines)
	}
	if po.Lines[0].Ordered != 120 || po.Lines[0].UnitCost != 425 {
		t.Fatalf("first line = %+v, want 120 units at the old cost", po.Lines[0])
	}
	if po.Lines[1].SKU != "CAP-RED" || po.Lines[1].UnitCost != 300 {
		t.Fatalf("second line = %+v", po.Lines[1])
	}
	last := po.History[len(po.History)-1]
	if last.Event != EventEdited || !strings.Contains(last.Detail, "removed TEE-WHT-L") || !strings.Contains(last.Detail, "100 → 120") {
		t.Fatalf("history = %+v", last)
	}
}

func TestEditClosedPORejected(t *testing.T) {
	st := openTest(t)
	po := createPO(t, st)
	moveTo(t, st, po.Number, StatusCancelled)
	supplier := "Y"
	_, err := st.EditPO(buyer, po.Number, 0, Edit{Supplier: &supplier})
	requireErrorAs[*ValidationError](t, err)
}

func TestInTransitCountsOrderedOnly(t *testing.T) {
	st := openTest(t)
	createPO(t, st) // draft: never in transit
	approved := createPO(t, st)
	moveTo(t, st, approved.Number, StatusApproved)
	ordered := orderedPO(t, st)
	partial := orderedPO(t, st)
	if _, err := st.RecordReceipt(buyer, partial.Number, 0, []ReceiptLine{{SKU: "TEE-BLK-M", Qty: 30}, {SKU: "TEE-WHT-L", Qty: 70}}); err != nil {
		t.Fatal(err)
	}
	_ = ordered

	transit, err := st.InTransit()
	if err != nil {
		t.Fatal(err)
	}
	// ordered: 100 + 50; partial: 70 open on TEE-BLK-M, 0 on TEE-WHT-L (20 over, never negative).
	if transit["TEE-BLK-M"] != 170 {
		t.Errorf("TEE-BLK-M in transit = %d, want 170", transit["TEE-BLK-M"])
	}
	if transit["TEE-WHT-L"] != 50 {
		t.Errorf("TEE-WHT-L in transit = %d, want 50", transit["TEE-WHT-L"])
	}
}
