package store

import (
	"encoding/binary"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestSummaryRoundTrip(t *testing.T) {
	summary := Summary{ID: 42, Number: "PO-000042", Status: StatusPartiallyReceived, Supplier: "Acme Textiles ünïcode",
		Currency: "EUR", ExpectedDate: "2026-12-20", Ordered: 150, Received: 40, Lines: 2, Locked: true,
		PushState: PushDone, Connector: "extensiv", Flags: 1, Value: -12345, Version: 7,
		UpdatedAt: time.Date(2026, 12, 4, 10, 0, 0, 123, time.UTC), SKUs: []string{"TEE-BLK-M", "TEE-WHT-L"}}
	got, err := decodeSummary(encodeSummary(summary))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, summary) {
		t.Fatalf("got %+v\nwant %+v", got, summary)
	}

	empty, err := decodeSummary(encodeSummary(Summary{Number: "PO-000001"}))
	if err != nil || len(empty.SKUs) != 0 || empty.Number != "PO-000001" {
		t.Fatalf("empty = %+v, %v", empty, err)
	}
}

func TestSummaryTruncatedRejected(t *testing.T) {
	raw := encodeSummary(Summary{Number: "PO-000001", SKUs: []string{"A"}})
	for cut := 0; cut < len(raw); cut++ {
		if _, err := decodeSummary(raw[:cut]); err == nil {
			t.Fatalf("decoding %d of %d bytes succeeded", cut, len(raw))
		}
	}
}

func TestMigrationRecodesJSONSummaries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "poboard.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	po := createPO(t, st)

	// Turn the file back into schema version 1, which kept JSON summaries.
	err = st.db.Update(func(tx *bolt.Tx) error {
		raw, _ := json.Marshal(Summarize(po))
		if err := tx.Bucket(bucketSummaries).Put(idKey(po.ID), raw); err != nil {
			return err
		}
		var version [4]byte
		binary.BigEndian.PutUint32(version[:], 1)
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, version[:])
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("migration failed: %v", err)
	}
	defer st.Close()
	summaries, err := st.ListSummaries()
	if err != nil || len(summaries) != 1 || summaries[0].Number != po.Number || summaries[0].Ordered != 150 {
		t.Fatalf("summaries = %+v, %v", summaries, err)
	}
}

func BenchmarkDecodeSummary(b *testing.B) {
	skus := make([]string, 20)
	for i := range skus {
		skus[i] = "SKU-" + string(rune('A'+i)) + "-0001"
	}
	raw := encodeSummary(Summary{ID: 1, Number: "PO-000001", Status: StatusOrdered, Supplier: "Acme Textiles",
		Currency: "EUR", ExpectedDate: "2026-12-20", Ordered: 500, Lines: 20, SKUs: skus})
	for b.Loop() {
		if _, err := decodeSummary(raw); err != nil {
			b.Fatal(err)
		}
	}
}
