package store

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOpenLockedFileGivesUp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "poboard.db")
	first, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if err := first.WriteServeMarker("127.0.0.1:2222"); err != nil {
		t.Fatal(err)
	}

	_, err = Open(path, Options{Timeout: 100 * time.Millisecond})
	locked := requireErrorAs[*LockedDBError](t, err)
	if !strings.Contains(locked.Error(), path) || !strings.Contains(locked.Error(), "ssh -p 2222 localhost") {
		t.Fatalf("message %q lacks the file or the ssh command", locked.Error())
	}

	first.RemoveServeMarker()
	_, err = Open(path, Options{Timeout: 50 * time.Millisecond})
	locked = requireErrorAs[*LockedDBError](t, err)
	if !strings.Contains(locked.Error(), "another poboard") {
		t.Fatalf("message %q", locked.Error())
	}
}

func TestOpenRejectsForeignFiles(t *testing.T) {
	dir := t.TempDir()

	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte(strings.Repeat("not a database\n", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(text, Options{}); err == nil || !strings.Contains(err.Error(), text) {
		t.Fatalf("text file: err = %v", err)
	}

	other := filepath.Join(dir, "other.db")
	db, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("widgets"))
		return err
	})
	db.Close()
	if _, err := Open(other, Options{}); err == nil || !strings.Contains(err.Error(), "not a poboard database") {
		t.Fatalf("foreign bbolt file: err = %v", err)
	}
}

func TestOpenRejectsNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "poboard.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.db.Update(func(tx *bolt.Tx) error {
		var raw [4]byte
		binary.BigEndian.PutUint32(raw[:], SchemaVersion+1)
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, raw[:])
	})
	st.Close()

	_, err = Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer than this poboard") || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "poboard.db")
	st, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	po := createPO(t, st)
	st.Close()

	st, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.GetPO(po.Number)
	if err != nil || got.Supplier != po.Supplier || len(got.Lines) != 2 {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestBackupOpensAsDatabase(t *testing.T) {
	st := openTest(t)
	po := orderedPO(t, st)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(backup); err != nil {
		t.Fatal(err)
	}
	copy, err := Open(backup, Options{})
	if err != nil {
		t.Fatalf("backup does not open: %v", err)
	}
	defer copy.Close()
	got, err := copy.GetPO(po.Number)
	if err != nil || got.Status != StatusOrdered {
		t.Fatalf("got %+v, %v", got, err)
	}
	summaries, err := copy.ListSummaries()
	if err != nil || len(summaries) != 1 {
		t.Fatalf("summaries = %v, %v", summaries, err)
	}
}

func TestListSummariesByStatus(t *testing.T) {
	st := openTest(t)
	createPO(t, st)
	ordered := orderedPO(t, st)
	all, err := st.ListSummaries()
	if err != nil || len(all) != 2 {
		t.Fatalf("all = %v, %v", all, err)
	}
	only, err := st.ListSummaries(StatusOrdered)
	if err != nil || len(only) != 1 || only[0].Number != ordered.Number {
		t.Fatalf("ordered = %+v, %v", only, err)
	}
	if only[0].Ordered != 150 || only[0].Value != 100*425+50*410 || len(only[0].SKUs) != 2 {
		t.Fatalf("summary = %+v", only[0])
	}
	drafts, _ := st.ListSummaries(StatusDraft)
	if len(drafts) != 1 {
		t.Fatalf("status index not updated on transition: drafts = %+v", drafts)
	}
}

func TestChangesPublishedAfterCommit(t *testing.T) {
	st := openTest(t)
	sub := st.Hub().Subscribe()
	defer sub.Close()

	po := createPO(t, st)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	changes := sub.Next(ctx)
	if len(changes) != 1 || changes[0].Number != po.Number {
		t.Fatalf("changes = %+v", changes)
	}

	// A rejected write commits nothing and so publishes nothing.
	if _, err := st.SetStatus(buyer, po.Number, 0, StatusReceived); err == nil {
		t.Fatal("invalid transition accepted")
	}
	select {
	case <-sub.Ready():
		t.Fatalf("rejected write published %+v", sub.Drain())
	case <-time.After(50 * time.Millisecond):
	}
}
