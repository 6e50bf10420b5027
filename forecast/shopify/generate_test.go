package shopify

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

var generateEnd = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestGenerateReadsBack(t *testing.T) {
	var buf bytes.Buffer
	stats, err := Generate(&buf, GenerateConfig{Seed: 3, SKUs: 50, Days: 60, End: generateEnd, Lines: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Lines < 4500 || stats.Lines > 5600 {
		t.Errorf("lines = %d, want about 5000 plus gift cards", stats.Lines)
	}

	orders, read := readAllOrders(t, bytes.NewReader(buf.Bytes()))
	if len(orders) != stats.Orders {
		t.Errorf("orders read = %d, written %d", len(orders), stats.Orders)
	}
	if read.Rows != stats.Lines {
		t.Errorf("rows read = %d, written %d", read.Rows, stats.Lines)
	}
	if read.NonShippingLines != stats.GiftCards || read.CancelledOrders != stats.Cancelled {
		t.Errorf("read %d gift cards and %d cancelled, wrote %d and %d", read.NonShippingLines, read.CancelledOrders, stats.GiftCards, stats.Cancelled)
	}
	if first, last := orders[0].Date, orders[len(orders)-1].Date; first != "2025-11-02" || last != "2025-12-31" {
		t.Errorf("dates run %s to %s, want 2025-11-02 to 2025-12-31", first, last)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	config := GenerateConfig{Seed: 9, SKUs: 20, Days: 30, End: generateEnd, Lines: 1000}
	var a, b bytes.Buffer
	if _, err := Generate(&a, config); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(&b, config); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two runs with one seed differ")
	}
}

// benchmarkLines is the size of the import benchmarks' export.
const benchmarkLines = 1_000_000

// GenerateBenchmarkExport writes the benchmark export of lines line rows
// into dir and returns its path.
func GenerateBenchmarkExport(tb testing.TB, dir string, lines int) string {
	tb.Helper()
	path := filepath.Join(dir, "orders.csv")
	file, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer file.Close()
	if _, err := Generate(file, GenerateConfig{Seed: 1, SKUs: 2000, Days: 730, End: generateEnd, Lines: lines}); err != nil {
		tb.Fatal(err)
	}
	return path
}

// peakHeap samples the live heap every 10 ms until stop is called and
// returns the highest reading in bytes.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var stats runtime.MemStats
		for {
			runtime.ReadMemStats(&stats)
			if stats.HeapInuse > peak.Load() {
				peak.Store(stats.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}

func BenchmarkReadOrders1M(b *testing.B) {
	path := GenerateBenchmarkExport(b, b.TempDir(), benchmarkLines)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	b.ResetTimer()

	rows := 0
	stop := peakHeap()
	for range b.N {
		file, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		reader, err := NewOrderReader(file)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := reader.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		rows += reader.Stats().Rows
		file.Close()
	}
	peak := stop()
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
