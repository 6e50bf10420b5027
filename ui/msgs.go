package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// summariesMsg carries the list rows of every PO, read at start and on
// resync, or of the POs awaiting goods when receiving is set.
type summariesMsg struct {
	summaries []store.Summary
	receiving bool
	err       error
}

// previewMsg carries the list rows of the newest POs, read one by one so
// the first frame does not wait for every summary.
type previewMsg struct {
	summaries []store.Summary
	err       error
}

// poMsg carries one PO re-read after a change or a selection. Its number
// tags it, so only the row and the detail that show this PO change.
type poMsg struct {
	number string
	po     store.PO
	err    error
}

// formPOMsg carries a PO re-read for the form that origin names, after
// its save failed because someone else changed the PO.
type formPOMsg struct {
	number string
	po     store.PO
	err    error
	origin origin
}

// changesMsg carries the changes the hub announced since the last one.
type changesMsg []store.Change

// actionMsg is the result of a write the user asked for: a create, edit,
// status change, push request or receipt. done is the notice on success.
type actionMsg struct {
	number string
	po     store.PO
	err    error
	done   string
	origin origin
}

// origin is the form or dialog that started a write, so the result
// reaches the one that waits for it.
type origin int

const (
	originForm origin = iota
	originReceipt
	originStatus
	originPush
)

// testMsg is the result of "test connection" in the integrations view.
type testMsg struct {
	connector string
	err       error
}

// importMsg is the result of "import existing POs".
type importMsg struct {
	connector string
	count     int
	err       error
}

// demoMsg is the result of loading demo data.
type demoMsg struct {
	count int
	err   error
}

// statusTickMsg redraws the status pane so "last sync 5 min ago" stays true
// between syncs.
type statusTickMsg struct{}

// statusTickEvery is how often the status pane redraws on its own.
const statusTickEvery = 30 * time.Second

func statusTickCmd() tea.Cmd {
	return tea.Tick(statusTickEvery, func(time.Time) tea.Msg { return statusTickMsg{} })
}

// loadSummariesCmd reads the list rows of every PO, or with receiving of
// the POs awaiting goods only.
func loadSummariesCmd(c *common, receiving bool) tea.Cmd {
	var statuses []store.Status
	if receiving {
		statuses = receivingStatuses
	}
	return func() tea.Msg {
		summaries, err := c.store.ListSummaries(statuses...)
		return summariesMsg{summaries: summaries, receiving: receiving, err: err}
	}
}

// previewSize is how many of the newest POs the first frame shows; more
// rows than any terminal has lines.
const previewSize = 200

// loadPreviewCmd reads the newest POs by number, newest first. PO numbers
// come from a sequence and the store has no way to delete a PO, so the
// newest have the numbers at and below the count. A missing number is
// skipped.
func loadPreviewCmd(c *common) tea.Cmd {
	return func() tea.Msg {
		count, err := c.store.CountPOs()
		if err != nil {
			return previewMsg{err: err}
		}
		summaries := make([]store.Summary, 0, min(count, previewSize))
		for id := count; id >= 1 && len(summaries) < previewSize && count-id < 2*previewSize; id-- {
			po, err := c.store.GetPO(store.FormatNumber(uint64(id)))
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return previewMsg{err: err}
			}
			summaries = append(summaries, store.Summarize(po))
		}
		return previewMsg{summaries: summaries}
	}
}

// loadPOCmd re-reads one PO.
func loadPOCmd(c *common, number string) tea.Cmd {
	return func() tea.Msg {
		po, err := c.store.GetPO(number)
		return poMsg{number: number, po: po, err: err}
	}
}

// loadFormPOCmd re-reads one PO for the form that origin names.
func loadFormPOCmd(c *common, number string, from origin) tea.Cmd {
	return func() tea.Msg {
		po, err := c.store.GetPO(number)
		return formPOMsg{number: number, po: po, err: err, origin: from}
	}
}

// waitChangesCmd blocks until the hub announces changes and returns them.
// It returns nil once the session ends or the subscription closes, so the
// goroutine running it never outlives the session; Update re-arms it after
// each changesMsg.
func waitChangesCmd(ctx context.Context, sub *store.Subscription) tea.Cmd {
	return func() tea.Msg {
		changes := sub.Next(ctx)
		if changes == nil {
			return nil
		}
		return changesMsg(changes)
	}
}

// actionCmd runs a write and turns its result into an actionMsg. A panic in
// the write becomes an error in the status pane instead of ending the
// session.
func actionCmd(c *common, number, done string, write func() (store.PO, error), from origin) tea.Cmd {
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				c.logger.Error("write panicked", "po", number, "panic", r)
				msg = actionMsg{number: number, origin: from, err: fmt.Errorf("internal error while changing %s: %v; see the log file", number, r)}
			}
		}()
		po, err := write()
		if err != nil {
			c.logger.Warn("write rejected", "po", number, "err", err)
		}
		if po.Number != "" {
			number = po.Number
		}
		return actionMsg{number: number, po: po, err: err, done: done, origin: from}
	}
}

// connectorTimeout bounds "test connection" and "import existing POs".
const connectorTimeout = 60 * time.Second

// testCmd checks the active connector's credentials and reachability.
func testCmd(c *common) tea.Cmd {
	name := c.sync.Info().Name
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(c.ctx, connectorTimeout)
		defer cancel()
		err := c.sync.Test(ctx)
		if err != nil {
			c.logger.Warn("connection test failed", "connector", name, "err", err)
		}
		return testMsg{connector: name, err: err}
	}
}

// importCmd imports the POs that already exist in the WMS.
func importCmd(c *common) tea.Cmd {
	name := c.sync.Info().Name
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(c.ctx, connectorTimeout)
		defer cancel()
		count, err := c.sync.ImportExisting(ctx)
		if err != nil {
			c.logger.Warn("import of existing POs failed", "connector", name, "err", err)
		}
		return importMsg{connector: name, count: count, err: err}
	}
}
