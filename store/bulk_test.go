package store

import (
	"fmt"
	"testing"
)

func TestCreatePOsInBatches(t *testing.T) {
	st := openTest(t)
	inputs := make([]NewPO, bulkBatch+5)
	for i := range inputs {
		inputs[i] = NewPO{Supplier: fmt.Sprintf("Supplier %d", i%7), Lines: []LineInput{{SKU: fmt.Sprintf("SKU-%d", i), Ordered: 1 + i%9}}}
	}
	numbers, err := st.CreatePOs(buyer, inputs)
	if err != nil {
		t.Fatal(err)
	}
	if len(numbers) != len(inputs) || numbers[0] != "PO-000001" || numbers[len(numbers)-1] != FormatNumber(uint64(len(inputs))) {
		t.Fatalf("numbers = %d, first %s", len(numbers), numbers[0])
	}
	count, _ := st.CountPOs()
	if count != len(inputs) {
		t.Fatalf("count = %d", count)
	}
	po, err := st.GetPO(numbers[bulkBatch+1])
	if err != nil || po.Lines[0].SKU != fmt.Sprintf("SKU-%d", bulkBatch+1) {
		t.Fatalf("po = %+v, %v", po, err)
	}
}

func TestCreatePOsValidatesFirst(t *testing.T) {
	st := openTest(t)
	_, err := st.CreatePOs(buyer, []NewPO{{Supplier: "A"}, {Supplier: "B", ExpectedDate: "soon"}})
	requireErrorAs[*ValidationError](t, err)
	if count, _ := st.CountPOs(); count != 0 {
		t.Fatalf("stored %d POs from an invalid batch", count)
	}
}

func BenchmarkCreatePO(b *testing.B) {
	st, err := Open(b.TempDir()+"/bench.db", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	lines := make([]LineInput, 20)
	for i := range lines {
		lines[i] = LineInput{SKU: fmt.Sprintf("SKU-%02d", i), Ordered: 10, UnitCost: 199}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := st.CreatePO(buyer, NewPO{Supplier: "Acme", Lines: lines}); err != nil {
			b.Fatal(err)
		}
	}
}
