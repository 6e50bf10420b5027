package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
)

// Size of the benchmark database: 100,000 POs of 20 lines each.
const (
	benchPOs   = 100_000
	benchLines = 20
)

// benchStore opens the benchmark database, building it on first use. The
// file is cached under os.TempDir keyed by size, because writing 100,000
// POs one transaction at a time takes minutes. A build that stops midway
// leaves only a ".partial" file, which the next run starts over.
func benchStore(b *testing.B, pos, lines int) *store.Store {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("poboard-bench-%dx%d.db", pos, lines))
	if _, err := os.Stat(path); err != nil {
		b.Logf("building %s (%d POs × %d lines); later runs reuse it", path, pos, lines)
		start := time.Now()
		if err := buildBenchDB(path+".partial", pos, lines); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(path+".partial", path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built in %v", time.Since(start).Round(time.Second))
	}
	st, err := store.Open(path, store.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// buildBenchDB writes pos POs through the store's API: 40 suppliers, SKUs
// drawn from a catalogue of 5,000, and one PO in ten moved to Ordered with
// part of its goods received, so the list shows every kind of row.
func buildBenchDB(path string, pos, lines int) error {
	_ = os.Remove(path)
	st, err := store.Open(path, store.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		return err
	}
	defer st.Close()

	input := make([]store.LineInput, lines)
	for i := range pos {
		for j := range input {
			sku := (i*7 + j*13) % 5000
			input[j] = store.LineInput{
				SKU: "SKU-" + strconv.Itoa(10000+sku), Description: "Catalogue item " + strconv.Itoa(sku),
				Ordered: 10 + (i+j)%200, UnitCost: int64(100 + sku%900),
			}
		}
		po, err := st.CreatePO(buyer, store.NewPO{
			Supplier: "Supplier " + strconv.Itoa(i%40), Currency: "EUR",
			ExpectedDate: testNow.AddDate(0, 0, i%90-30).Format(time.DateOnly), Lines: input,
		})
		if err != nil {
			return err
		}
		if i%10 != 0 {
			continue
		}
		for _, status := range []store.Status{store.StatusApproved, store.StatusOrdered} {
			if po, err = st.SetStatus(buyer, po.Number, po.Version, status); err != nil {
				return err
			}
		}
		if i%20 == 0 {
			receipt := []store.ReceiptLine{{SKU: po.Lines[0].SKU, Qty: po.Lines[0].Ordered / 2}}
			if _, err = st.RecordReceipt(buyer, po.Number, po.Version, receipt); err != nil {
				return err
			}
		}
	}
	return nil
}

// firstFrame builds a board, runs the newest-POs read that Init starts
// and the read of the selected PO, and renders the first frame.
func firstFrame(st *store.Store, width, height int) (*Model, string) {
	m := New(Deps{Store: st, Actor: buyer, Renderer: asciiRenderer(), Now: func() time.Time { return testNow }})
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	_, cmd := m.Update(loadPreviewCmd(m.c)())
	for _, msg := range run(cmd) {
		m.Update(msg)
	}
	return m, m.View()
}

// loadedBoard is firstFrame followed by the full list, as a board is once
// its background read has finished.
func loadedBoard(st *store.Store, width, height int) *Model {
	m, _ := firstFrame(st, width, height)
	_, cmd := m.Update(loadSummariesCmd(m.c, m.list.receiving)())
	for _, msg := range run(cmd) {
		m.Update(msg)
	}
	return m
}

// BenchmarkFirstFrame times New, the read of the newest POs and the first
// View on the 100,000-PO database.
func BenchmarkFirstFrame(b *testing.B) {
	st := benchStore(b, benchPOs, benchLines)
	b.ResetTimer()
	for b.Loop() {
		m, view := firstFrame(st, 120, 40)
		if !strings.Contains(view, "PO-100000") {
			b.Fatalf("first frame lacks the newest PO:\n%s", view)
		}
		m.Close()
	}
}

// BenchmarkFullList times the background read of all 100,000 summaries
// into the list, and reports the memory the loaded board holds.
func BenchmarkFullList(b *testing.B) {
	st := benchStore(b, benchPOs, benchLines)
	var m *Model
	b.ResetTimer()
	for b.Loop() {
		m = loadedBoard(st, 120, 40)
		if len(m.list.rows) != benchPOs {
			b.Fatalf("list has %d rows, want %d", len(m.list.rows), benchPOs)
		}
		m.Close()
	}
	b.StopTimer()
	reportMemory(b, m)
}

// BenchmarkView times one View of the loaded board, as on every key.
func BenchmarkView(b *testing.B) {
	st := benchStore(b, benchPOs, benchLines)
	m := loadedBoard(st, 120, 40)
	defer m.Close()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkMoveAndView times a cursor move in the list with its View,
// without the PO read that the move starts.
func BenchmarkMoveAndView(b *testing.B) {
	st := benchStore(b, benchPOs, benchLines)
	m := loadedBoard(st, 120, 40)
	defer m.Close()
	down := keyMsg("j")
	b.ResetTimer()
	for b.Loop() {
		m.Update(down)
		_ = m.View()
	}
}

// BenchmarkFilterKeystroke times one key typed into the filter: matching
// number, supplier and 20 SKUs of each of 100,000 POs, then View.
func BenchmarkFilterKeystroke(b *testing.B) {
	st := benchStore(b, benchPOs, benchLines)
	m := loadedBoard(st, 120, 40)
	defer m.Close()
	press(m, "/")
	typeText(m, "SKU-1444")
	b.ResetTimer()
	for b.Loop() {
		m.Update(keyMsg("9"))
		m.Update(keyMsg("backspace"))
		_ = m.View()
	}
}

// reportMemory reports, in MB, the Go heap in use with m alive and the
// process's resident set: anonymous memory (heap, stacks, runtime) and
// file pages of the memory-mapped database. Memory the runtime has freed
// is returned to the OS first, so the figures are what the board keeps.
func reportMemory(b *testing.B, m *Model) {
	runtime.GC()
	debug.FreeOSMemory()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	b.ReportMetric(float64(stats.HeapInuse)/(1<<20), "heap-MB")
	for field, unit := range map[string]string{"RssAnon:": "rss-anon-MB", "RssFile:": "rss-file-MB"} {
		if mb, ok := procStatusMB(field); ok {
			b.ReportMetric(mb, unit)
		}
	}
	runtime.KeepAlive(m)
}

// procStatusMB reads a kB field of /proc/self/status in MB; ok is false
// off Linux.
func procStatusMB(field string) (float64, bool) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == field {
			kb, err := strconv.ParseFloat(fields[1], 64)
			return kb / 1024, err == nil
		}
	}
	return 0, false
}
