package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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

// firstFrame builds a board, runs what Init would load (the PO list and
// the selected PO) and renders the first frame.
func firstFrame(st *store.Store, width, height int) (*Model, string) {
	m := New(Deps{Store: st, Actor: buyer, Renderer: asciiRenderer(), Now: func() time.Time { return testNow }})
	m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	_, cmd := m.Update(loadSummariesCmd(m.c)())
	for _, msg := range run(cmd) {
		m.Update(msg)
	}
	return m, m.View()
}

// BenchmarkFirstFrame times New, the first load and the first View on the
// 100,000-PO database, and reports the memory the loaded board holds.
func BenchmarkFirstFrame(b *testing.B) {
	st := benchStore(b, benchPOs, benchLines)
	var m *Model
	b.ResetTimer()
	for b.Loop() {
		var view string
		m, view = firstFrame(st, 120, 40)
		if !strings.Contains(view, "PO-100000") {
			b.Fatalf("first frame lacks the newest PO:\n%s", view)
		}
		m.Close()
	}
	b.StopTimer()
	reportMemory(b, m)
}

// BenchmarkView times one View of the loaded board, as on every key.
func BenchmarkView(b *testing.B) {
	st := benchStore(b, benchPOs, benchLines)
	m, _ := firstFrame(st, 120, 40)
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
	m, _ := firstFrame(st, 120, 40)
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
	m, _ := firstFrame(st, 120, 40)
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

// reportMemory reports the Go heap in use with m alive, and the process's
// resident set size, in MB.
func reportMemory(b *testing.B, m *Model) {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	b.ReportMetric(float64(stats.HeapInuse)/(1<<20), "heap-MB")
	if rss, ok := residentMB(); ok {
		b.ReportMetric(rss, "rss-MB")
	}
	runtime.KeepAlive(m)
}

// residentMB reads VmRSS from /proc/self/status; ok is false off Linux.
func residentMB() (float64, bool) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == "VmRSS:" {
			kb, err := strconv.ParseFloat(fields[1], 64)
			return kb / 1024, err == nil
		}
	}
	return 0, false
}
