package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// appendFillPercent is the page fill for buckets keyed by growing ids.
const appendFillPercent = 0.9

// SchemaVersion is the database layout this build reads and writes.
const SchemaVersion = 2

// Bucket names. Keys of pos, summaries and the status index are 8-byte
// big-endian PO ids, so cursors walk them in creation order.
var (
	bucketMeta      = []byte("meta")
	bucketPOs       = []byte("pos")
	bucketSummaries = []byte("summaries")
	bucketNumbers   = []byte("numbers")
	bucketStatus    = []byte("status_index")
	bucketLinks     = []byte("wms_links")
	bucketOutbox    = []byte("outbox")
	bucketState     = []byte("state")

	keySchemaVersion = []byte("schema_version")
)

// Options tunes Open. The zero value is fine.
type Options struct {
	// Timeout bounds the wait for another process's file lock; 1s when zero.
	Timeout time.Duration
	// Now replaces time.Now, for tests.
	Now func() time.Time
	// HubBuffer is how many distinct POs a subscriber may have pending
	// before it receives one resync instead; 256 when zero.
	HubBuffer int
}

// Store is an open poboard database. Its methods are safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
	now  func() time.Time
	hub  *Hub
}

// Open opens or creates the database at path and migrates it to
// SchemaVersion. A file held by another process yields *LockedDBError
// within Options.Timeout. A file that is not a poboard database, is corrupt
// or was written by a newer poboard yields an error naming the file.
func Open(path string, opts Options) (st *Store, err error) {
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}

	// bbolt reports some corrupt files by panicking inside Open.
	defer func() {
		if r := recover(); r != nil {
			st = nil
			err = fmt.Errorf("database %s is corrupt and cannot be opened (%v); restore it from a backup made with `poboard backup`", path, r)
		}
	}()

	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      opts.Timeout,
		FreelistType: bolt.FreelistMapType,
	})
	if err != nil {
		return nil, openError(path, err)
	}

	st = &Store{db: db, path: path, now: opts.Now, hub: NewHub(opts.HubBuffer)}
	if err := st.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	return st, nil
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return &LockedDBError{Path: path, ServeAddr: readServeMarker(path)}
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return fmt.Errorf("%s is not a poboard database or is corrupt (%v); pass another file with --db, or restore a backup", path, err)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("cannot open database %s: permission denied; check the file's owner and mode", path)
	}
	return fmt.Errorf("cannot open database %s: %w", path, err)
}

// migrations[i] upgrades a database from schema version i to i+1.
var migrations = []func(tx *bolt.Tx) error{
	func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketPOs, bucketSummaries, bucketNumbers, bucketStatus, bucketLinks, bucketOutbox, bucketState} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	},
	// Version 2 stores summaries in the binary form of summary.go.
	func(tx *bolt.Tx) error {
		bucket := tx.Bucket(bucketSummaries)
		recoded := map[string][]byte{}
		err := bucket.ForEach(func(key, raw []byte) error {
			var summary Summary
			if err := json.Unmarshal(raw, &summary); err != nil {
				return fmt.Errorf("summary of %s is unreadable: %w", FormatNumber(binary.BigEndian.Uint64(key)), err)
			}
			recoded[string(key)] = encodeSummary(summary)
			return nil
		})
		if err != nil {
			return err
		}
		for key, raw := range recoded {
			if err := bucket.Put([]byte(key), raw); err != nil {
				return err
			}
		}
		return nil
	},
}

// migrate applies pending migrations in one transaction, so a crash leaves
// the old schema or the new one, never a mix.
func (s *Store) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}

		version := 0
		if raw := meta.Get(keySchemaVersion); raw != nil {
			if len(raw) != 4 {
				return fmt.Errorf("database %s has an unreadable schema version; it was not written by poboard", s.path)
			}
			version = int(binary.BigEndian.Uint32(raw))
		} else if isForeign(tx) {
			return fmt.Errorf("database %s is a bbolt file but not a poboard database; pass another file with --db", s.path)
		}

		if version > SchemaVersion {
			return fmt.Errorf("database %s has schema version %d, newer than this poboard (version %d); upgrade poboard, or open a backup made by this version", s.path, version, SchemaVersion)
		}
		for ; version < SchemaVersion; version++ {
			if err := migrations[version](tx); err != nil {
				return fmt.Errorf("migrating database %s to schema version %d: %w", s.path, version+1, err)
			}
		}

		var raw [4]byte
		binary.BigEndian.PutUint32(raw[:], SchemaVersion)
		return meta.Put(keySchemaVersion, raw[:])
	})
}

// isForeign reports whether the file has buckets other than poboard's
// own (it holds a database of some other program).
func isForeign(tx *bolt.Tx) bool {
	foreign := false
	_ = tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if string(name) != string(bucketMeta) {
			foreign = true
		}
		return nil
	})
	return foreign
}

// Close closes the database file.
func (s *Store) Close() error {
	return s.db.Close()
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Hub returns the change hub that announces every committed change.
func (s *Store) Hub() *Hub { return s.hub }

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.now() }

// Backup writes a consistent copy of the database to path while the store
// stays in use. The copy opens as a normal poboard database.
func (s *Store) Backup(path string) error {
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.CopyFile(path, 0o600)
	})
	if err != nil {
		return fmt.Errorf("backup to %s failed: %w", path, err)
	}
	return nil
}

// serveMarker is the file beside the database where `poboard serve` writes
// its SSH address, so a second process can tell the user where to connect.
func serveMarker(dbPath string) string { return dbPath + ".serve" }

// WriteServeMarker records that `poboard serve` listens on addr.
func (s *Store) WriteServeMarker(addr string) error {
	return os.WriteFile(serveMarker(s.path), []byte(addr+"\n"), 0o600)
}

// RemoveServeMarker removes the marker written by WriteServeMarker.
func (s *Store) RemoveServeMarker() {
	_ = os.Remove(serveMarker(s.path))
}

func readServeMarker(dbPath string) string {
	raw, err := os.ReadFile(serveMarker(dbPath))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(raw))
}

func idKey(id uint64) []byte {
	var key [8]byte
	binary.BigEndian.PutUint64(key[:], id)
	return key[:]
}

func statusKey(status Status, id uint64) []byte {
	return append([]byte(string(status)+"/"), idKey(id)...)
}

func linkKey(connector, remoteID string) []byte {
	return []byte(connector + "\x00" + remoteID)
}

// FormatNumber returns the PO number for a sequence id: PO-000042.
func FormatNumber(id uint64) string {
	return fmt.Sprintf("PO-%06d", id)
}

// getPO reads the PO with the given number inside tx.
func getPO(tx *bolt.Tx, number string) (PO, error) {
	number = NormalizeNumber(number)
	idRaw := tx.Bucket(bucketNumbers).Get([]byte(number))
	if idRaw == nil {
		return PO{}, &NotFoundError{Number: number}
	}
	return getPOByID(tx, binary.BigEndian.Uint64(idRaw))
}

func getPOByID(tx *bolt.Tx, id uint64) (PO, error) {
	raw := tx.Bucket(bucketPOs).Get(idKey(id))
	if raw == nil {
		return PO{}, &NotFoundError{Number: FormatNumber(id)}
	}
	var po PO
	if err := json.Unmarshal(raw, &po); err != nil {
		return PO{}, fmt.Errorf("PO %s is unreadable in the database: %w", FormatNumber(id), err)
	}
	po.ID = id
	return po, nil
}

// putPO writes po with its summary and indexes, and schedules a change
// notice for after the commit.
func (s *Store) putPO(tx *bolt.Tx, po PO, previous Status) error {
	raw, err := json.Marshal(po)
	if err != nil {
		return err
	}
	key := idKey(po.ID)
	pos, summaries := tx.Bucket(bucketPOs), tx.Bucket(bucketSummaries)
	// Ids only grow, so new POs append to the last page. Filling pages to
	// 90% instead of bbolt's 50% makes the file, and the pages the board
	// touches when it lists every summary, close to half the size.
	pos.FillPercent, summaries.FillPercent = appendFillPercent, appendFillPercent
	if err := pos.Put(key, raw); err != nil {
		return err
	}

	if err := summaries.Put(key, encodeSummary(Summarize(po))); err != nil {
		return err
	}
	if err := tx.Bucket(bucketNumbers).Put([]byte(po.Number), key); err != nil {
		return err
	}

	index := tx.Bucket(bucketStatus)
	if previous != "" && previous != po.Status {
		if err := index.Delete(statusKey(previous, po.ID)); err != nil {
			return err
		}
	}
	if err := index.Put(statusKey(po.Status, po.ID), nil); err != nil {
		return err
	}

	if po.WMS != nil && po.WMS.RemoteID != "" {
		if err := tx.Bucket(bucketLinks).Put(linkKey(po.WMS.Connector, po.WMS.RemoteID), key); err != nil {
			return err
		}
	}

	number := po.Number
	tx.OnCommit(func() { s.hub.Publish(Change{Number: number}) })
	return nil
}

// NormalizeNumber accepts "PO-000042", "po-42" or "42" and returns PO-000042.
// Anything else is returned trimmed and upper-cased, to be reported as not found.
func NormalizeNumber(text string) string {
	text = strings.ToUpper(strings.TrimSpace(text))
	digits := strings.TrimPrefix(text, "PO-")
	if allDigits(digits) && len(digits) <= 12 {
		var id uint64
		fmt.Sscanf(digits, "%d", &id)
		if id > 0 {
			return FormatNumber(id)
		}
	}
	return text
}

// BackupTo writes a consistent copy of the database to w while the store
// stays in use, for backups streamed over SSH.
func (s *Store) BackupTo(w io.Writer) error {
	return s.db.View(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(w)
		return err
	})
}
