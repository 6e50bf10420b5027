package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/forecast/shopify"
	"poboard/store"
)

// importStoreName is the Shopify store name that orders imported on the
// board are filed under, the same default as `poboard import orders`.
const importStoreName = "default"

// importBufferLimit is how many bytes of orders an import on the board
// buffers before it writes. Below it a file is read once and a bad row
// leaves the database untouched. Above it the file is checked in full
// first and then read again and written in parts of this size. It is a
// variable so tests can take the second path.
var importBufferLimit = 64 << 20

// ordersImport is an import of one Shopify orders export that runs in the
// background while the board stays usable. View reads its progress under
// mu, which the import holds only to store counters, so the import does
// not wait for the screen.
type ordersImport struct {
	path    string
	started time.Time

	mu       sync.Mutex
	phase    string
	size     int64
	bytes    int64
	rows     int
	finished bool
}

// importProgress is a snapshot of an import's progress.
type importProgress struct {
	path    string
	phase   string
	size    int64
	bytes   int64
	rows    int
	elapsed time.Duration
}

// ordersImportedMsg is the result of an import on the board.
type ordersImportedMsg struct {
	path     string
	result   store.OrderImportResult
	stats    shopify.OrderStats
	unmapped int
	err      error
}

func newOrdersImport(path string) *ordersImport {
	return &ordersImport{path: path, started: time.Now(), phase: "opening"}
}

// snapshot returns the progress so far.
func (job *ordersImport) snapshot() importProgress {
	job.mu.Lock()
	defer job.mu.Unlock()
	return importProgress{path: job.path, phase: job.phase, size: job.size, bytes: job.bytes, rows: job.rows, elapsed: time.Since(job.started)}
}

// running reports whether the import has not finished yet.
func (job *ordersImport) running() bool {
	if job == nil {
		return false
	}
	job.mu.Lock()
	defer job.mu.Unlock()
	return !job.finished
}

func (job *ordersImport) report(phase string, stats shopify.OrderStats) {
	job.mu.Lock()
	defer job.mu.Unlock()
	job.phase, job.bytes, job.rows = phase, stats.Bytes, stats.Rows
}

// importOrdersCmd runs job and returns its result. A panic becomes an
// error in the status pane instead of ending the session.
func importOrdersCmd(c *common, job *ordersImport) tea.Cmd {
	return func() (msg tea.Msg) {
		defer func() {
			job.mu.Lock()
			job.finished = true
			job.mu.Unlock()
		}()
		defer func() {
			if r := recover(); r != nil {
				c.logger.Error("orders import panicked", "file", job.path, "panic", r)
				msg = ordersImportedMsg{path: job.path, err: fmt.Errorf("internal error while importing %s: %v; see the log file", job.path, r)}
			}
		}()

		c.logger.Info("orders import started", "file", job.path)
		result, stats, err := job.run(c.ctx, c.store)
		if err != nil {
			c.logger.Warn("orders import failed", "file", job.path, "err", err)
			return ordersImportedMsg{path: job.path, stats: stats, err: err}
		}
		c.logger.Info("imported orders", "file", job.path, "orders", result.Orders, "new", result.New, "updated", result.Updated)
		msg = ordersImportedMsg{path: job.path, result: result, stats: stats}
		if unmapped, err := c.store.UnmappedNames(); err == nil {
			msg = ordersImportedMsg{path: job.path, result: result, stats: stats, unmapped: len(unmapped)}
		}
		return msg
	}
}

// run imports the file. The orders are buffered and written at the end,
// so a bad row writes nothing. A file above importBufferLimit is checked
// in full first and then read again and written in parts.
func (job *ordersImport) run(ctx context.Context, st *store.Store) (store.OrderImportResult, shopify.OrderStats, error) {
	imp := st.NewOrderImport()
	buffered := true
	stats, err := job.scan(ctx, "reading", func(order shopify.Order) error {
		demand := store.DemandOrderFrom(importStoreName, order)
		if !buffered {
			return demand.Validate()
		}
		if err := imp.Add(demand); err != nil {
			return err
		}
		if imp.Size() > importBufferLimit {
			buffered = false
			imp.Discard()
		}
		return nil
	})
	if err != nil {
		imp.Discard()
		return store.OrderImportResult{}, stats, err
	}

	if !buffered {
		imp = st.NewOrderImport()
		_, err := job.scan(ctx, "writing", func(order shopify.Order) error {
			if err := imp.Add(store.DemandOrderFrom(importStoreName, order)); err != nil {
				return err
			}
			if imp.Size() > importBufferLimit {
				return imp.Flush()
			}
			return nil
		})
		if err != nil {
			return store.OrderImportResult{}, stats, err
		}
	}
	job.report("writing", stats)
	result, err := imp.Finish()
	if err != nil {
		return result, stats, fmt.Errorf("writing the orders of %s failed: %w", job.path, err)
	}
	return result, stats, nil
}

// scan reads every order of the file and passes it to fn, reporting
// progress after each order. Errors name the file and, for a bad row, its
// line and value.
func (job *ordersImport) scan(ctx context.Context, phase string, fn func(shopify.Order) error) (shopify.OrderStats, error) {
	file, err := os.Open(job.path)
	if err != nil {
		return shopify.OrderStats{}, fmt.Errorf("cannot open orders file: %w; check the path, which is on the machine running poboard", err)
	}
	defer file.Close()
	if info, err := file.Stat(); err == nil {
		job.mu.Lock()
		job.size = info.Size()
		job.mu.Unlock()
	}

	reader, err := shopify.NewOrderReader(file)
	if err != nil {
		return shopify.OrderStats{}, fmt.Errorf("%s: %w", job.path, err)
	}
	for {
		if ctx.Err() != nil {
			return reader.Stats(), fmt.Errorf("import of %s stopped because the session ended; nothing from it was imported, so run it again", job.path)
		}
		order, err := reader.Next()
		if errors.Is(err, io.EOF) {
			stats := reader.Stats()
			job.report(phase, stats)
			return stats, nil
		}
		if err != nil {
			return reader.Stats(), fmt.Errorf("%s: %w; fix the row and import the file again (nothing from it was imported)", job.path, err)
		}
		if err := fn(order); err != nil {
			return reader.Stats(), fmt.Errorf("%s: line %d: %w; fix the row and import the file again", job.path, order.FirstLine, err)
		}
		job.report(phase, reader.Stats())
	}
}

// expandPath turns a leading "~/" into the home directory and cleans the
// path, so a typed path reads as it would in a shell.
func expandPath(path string) string {
	path = strings.TrimSpace(path)
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	if path == "" {
		return ""
	}
	return filepath.Clean(path)
}

// progressText describes an import's progress in one line: bytes read of
// the file's size, rows, rate and time left. The rate and time left need
// at least a tenth of a second of history.
func progressText(p importProgress) string {
	parts := []string{p.phase + " " + filepath.Base(p.path)}
	if p.size > 0 {
		parts = append(parts, fmt.Sprintf("%s of %s", formatBytes(p.bytes), formatBytes(p.size)))
	} else {
		parts = append(parts, formatBytes(p.bytes))
	}
	parts = append(parts, fmt.Sprintf("%s rows", groupDigits(p.rows)))
	if seconds := p.elapsed.Seconds(); seconds >= 0.1 {
		parts = append(parts, fmt.Sprintf("%s rows/s", groupDigits(int(float64(p.rows)/seconds))))
		if p.bytes > 0 && p.size > p.bytes {
			left := time.Duration(seconds * float64(p.size-p.bytes) / float64(p.bytes) * float64(time.Second))
			parts = append(parts, left.Round(time.Second).String()+" left")
		}
	}
	return strings.Join(parts, " · ")
}

// progressBar draws the share of the file read so far in width cells.
func (s *Styles) progressBar(p importProgress, width int) string {
	if p.size <= 0 {
		return s.bar(0, 1, width)
	}
	return s.bar(int(min(p.bytes, p.size)*1000/p.size), 1000, width) + fmt.Sprintf(" %3d%%", min(p.bytes, p.size)*100/p.size)
}

// formatBytes writes a byte count in B, kB, MB or GB (powers of 1024).
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// groupDigits writes n with commas between groups of three digits.
func groupDigits(n int) string {
	text := itoa(n)
	sign := ""
	if strings.HasPrefix(text, "-") {
		sign, text = "-", text[1:]
	}
	for i := len(text) - 3; i > 0; i -= 3 {
		text = text[:i] + "," + text[i:]
	}
	return sign + text
}
