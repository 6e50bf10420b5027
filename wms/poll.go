package wms

import (
	"context"
	"fmt"
	"time"
)

// stateNamespace returns the namespace where the engine keeps its cursor and import mark for
// one connector.
func stateNamespace(connector string) string { return "sync/" + connector }

const (
	keyCursor   = "cursor"
	keyImported = "imported"
)

func (e *Engine) imported() bool {
	raw, err := e.st.GetState(stateNamespace(e.conn.Name()), keyImported)
	return err == nil && raw != nil
}

// Poll fetches the WMS's changes since the stored cursor and applies them.
// Quantities are cumulative, so an update that arrives twice changes
// nothing. The cursor is stored only after every update is applied, so a
// crash mid-poll repeats the poll instead of losing receipts. With
// AutoImport, the first poll of a configured connector imports first.
func (e *Engine) Poll(ctx context.Context) error {
	e.pollMu.Lock()
	defer e.pollMu.Unlock()

	if e.opts.AutoImport && !e.imported() {
		if _, err := e.importExisting(ctx); err != nil {
			e.setStatus(func(s *Status) {
				s.LastError = err.Error()
				s.Polls++
			})
			return err
		}
	}

	err := e.poll(ctx)
	if err != nil {
		e.setStatus(func(s *Status) {
			s.LastError = err.Error()
			s.Polls++
		})
		return err
	}
	e.setStatus(func(s *Status) {
		s.LastSync = time.Now()
		s.LastError = ""
		s.Polls++
	})
	return nil
}

func (e *Engine) poll(ctx context.Context) error {
	name := e.conn.Name()
	cursorRaw, err := e.st.GetState(stateNamespace(name), keyCursor)
	if err != nil {
		return err
	}
	linked, err := e.st.LinkedPOs(name)
	if err != nil {
		return err
	}

	updates, next, err := e.conn.Changes(ctx, string(cursorRaw), linked)
	if err != nil {
		return fmt.Errorf("sync with %s failed: %w", e.conn.Label(), err)
	}

	applied := 0
	for _, update := range updates {
		update.Connector = name
		po, changed, err := e.st.ApplyRemote(update)
		if err != nil {
			return fmt.Errorf("applying %s update for %s failed: %w", e.conn.Label(), update.RemoteID, err)
		}
		if changed {
			applied++
			e.log.Info("applied WMS update", "po", po.Number, "connector", name, "remote_id", update.RemoteID, "status", po.Status)
		}
	}
	if err := e.st.PutState(stateNamespace(name), keyCursor, []byte(next)); err != nil {
		return err
	}
	e.log.Debug("poll finished", "connector", name, "updates", len(updates), "applied", applied)
	return nil
}

// ImportExisting brings the WMS's POs of the last ImportDays into the store
// as Approved, linked and locked. POs imported before are skipped, so it can
// run again safely. It returns how many POs it created.
func (e *Engine) ImportExisting(ctx context.Context) (int, error) {
	e.pollMu.Lock()
	defer e.pollMu.Unlock()
	return e.importExisting(ctx)
}

func (e *Engine) importExisting(ctx context.Context) (int, error) {
	name := e.conn.Name()
	since := time.Now().AddDate(0, 0, -e.opts.ImportDays)
	remotes, err := e.conn.ListRecent(ctx, since)
	if err != nil {
		return 0, fmt.Errorf("import of existing POs from %s failed: %w", e.conn.Label(), err)
	}

	created := 0
	for _, remote := range remotes {
		remote.Connector, remote.Label = name, e.conn.Label()
		po, isNew, err := e.st.ImportRemote(remote)
		if err != nil {
			return created, fmt.Errorf("importing %s %s failed: %w", e.conn.Label(), remote.RemoteID, err)
		}
		if isNew {
			created++
			e.log.Info("imported PO from WMS", "po", po.Number, "connector", name, "remote_id", remote.RemoteID)
		}
	}
	mark := []byte(time.Now().UTC().Format(time.RFC3339))
	if err := e.st.PutState(stateNamespace(name), keyImported, mark); err != nil {
		return created, err
	}
	e.setStatus(func(s *Status) { s.Imported = true })
	e.log.Info("initial import finished", "connector", name, "found", len(remotes), "created", created)
	return created, nil
}
