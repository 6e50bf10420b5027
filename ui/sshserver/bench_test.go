package sshserver

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"poboard/store"
	"poboard/ui"
)

// benchSessions is how many warehouse leads watch the board at once.
const benchSessions = 50

// BenchmarkReceiptRedraw50Sessions measures, with the real board, the time
// from a receipt commit until each of 50 SSH sessions has drawn the new
// received quantity, and the memory each session adds. Clients run in the
// same process, so the memory figure includes their buffers as well. The
// sub-benchmarks differ in how many other ordered POs the leads' receiving
// view lists.
func BenchmarkReceiptRedraw50Sessions(b *testing.B) {
	for _, others := range []int{0, 500} {
		b.Run(fmt.Sprintf("ordered=%d", others+1), func(b *testing.B) {
			benchmarkReceiptRedraw(b, others)
		})
	}
}

func benchmarkReceiptRedraw(b *testing.B, others int) {
	var st *store.Store
	env := startEnv(b, testEnvOptions{newModel: func(session Session) (tea.Model, error) {
		return ui.New(ui.Deps{
			Store: st, Actor: session.Actor, Renderer: session.Renderer,
			Logger: session.Logger, Context: session.Context,
		}), nil
	}})
	st = env.st
	leadKey := newKey(b)
	env.authorize(store.RoleWarehouse, leadKey, "lead")

	buyer := store.Actor{Name: "buyer", Role: store.RoleBuyer}
	number := env.createPO("Acme Textiles", 1000)
	orderPO(b, st, number)
	inputs := make([]store.NewPO, others)
	for i := range inputs {
		inputs[i] = store.NewPO{Supplier: "Other Supplier", Lines: []store.LineInput{{SKU: fmt.Sprintf("SKU-%04d", i), Ordered: 10, UnitCost: 100}}}
	}
	numbers, err := st.CreatePOs(buyer, inputs)
	if err != nil {
		b.Fatal(err)
	}
	for _, other := range numbers {
		orderPO(b, st, other)
	}

	before, rssBefore := heapInUse(), residentSet(b)
	watchers := make([]*screenWatcher, benchSessions)
	var opened sync.WaitGroup
	for i := range watchers {
		watchers[i] = newScreenWatcher()
		watchers[i].expect(regexp.MustCompile(regexp.QuoteMeta(number)))
	}
	for i := range watchers {
		opened.Add(1)
		go func() {
			defer opened.Done()
			watchers[i].open(b, env, leadKey)
		}()
	}
	opened.Wait()
	for _, watcher := range watchers {
		watcher.wait(b, 30*time.Second)
	}
	perSession := float64(heapInUse()-before) / benchSessions
	rssPerSession := float64(residentSet(b)-rssBefore) / benchSessions

	if b.N > 990 {
		b.Fatalf("b.N = %d, but the PO has 1000 units; run with -benchtime 990x or less", b.N)
	}
	var samples, slowest, commits []time.Duration
	b.ResetTimer()
	for i := range b.N {
		received := i + 1
		pattern := regexp.MustCompile(fmt.Sprintf(`(^|[^0-9])%d/1000`, received))
		for _, watcher := range watchers {
			watcher.expect(pattern)
		}

		start := time.Now()
		if _, err := st.RecordReceipt(buyer, number, 0, []store.ReceiptLine{{SKU: "TEE-BLK-M", Qty: 1}}); err != nil {
			b.Fatal(err)
		}
		commits = append(commits, time.Since(start))
		var worst time.Duration
		for _, watcher := range watchers {
			took := watcher.wait(b, 10*time.Second).Sub(start)
			samples = append(samples, took)
			worst = max(worst, took)
		}
		slowest = append(slowest, worst)
	}
	b.StopTimer()

	b.ReportMetric(percentile(samples, 50), "p50-ms")
	b.ReportMetric(percentile(samples, 95), "p95-ms")
	b.ReportMetric(percentile(slowest, 95), "p95-all-sessions-ms")
	b.ReportMetric(percentile(commits, 50), "commit-p50-ms")
	b.ReportMetric(perSession/(1<<20), "MB/session")
	b.ReportMetric(rssPerSession/(1<<20), "rss-MB/session")
}

// orderPO moves a draft PO to ordered.
func orderPO(b *testing.B, st *store.Store, number string) {
	buyer := store.Actor{Name: "buyer", Role: store.RoleBuyer}
	for _, status := range []store.Status{store.StatusApproved, store.StatusOrdered} {
		if _, err := st.SetStatus(buyer, number, 0, status); err != nil {
			b.Fatal(err)
		}
	}
}

// heapInUse returns the bytes of live heap and goroutine stacks after a
// garbage collection.
func heapInUse() uint64 {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return stats.HeapInuse + stats.StackInuse
}

// residentSet returns the process's resident set size in bytes, read from
// /proc/self/status (Linux only), or 0 elsewhere.
func residentSet(tb testing.TB) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kilobytes, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				tb.Fatalf("reading VmRSS from %q: %v", line, err)
			}
			return kilobytes * 1024
		}
	}
	return 0
}

// percentile returns the p-th percentile of durations in milliseconds.
func percentile(durations []time.Duration, p int) float64 {
	if len(durations) == 0 {
		return 0
	}
	sorted := slices.Clone(durations)
	slices.Sort(sorted)
	index := (len(sorted)*p + 99) / 100
	index = min(max(index-1, 0), len(sorted)-1)
	return float64(sorted[index].Microseconds()) / 1000
}

// screenWatcher reads one session's screen output and records when it
// first matches the expected pattern. It keeps only a bounded tail of the
// output, so watching costs the same however long the benchmark runs.
type screenWatcher struct {
	mu      sync.Mutex
	tail    []byte
	pattern *regexp.Regexp
	found   chan time.Time
}

func newScreenWatcher() *screenWatcher {
	return &screenWatcher{found: make(chan time.Time, 1)}
}

// open starts a PTY session as key and reads its output until it ends.
func (w *screenWatcher) open(tb testing.TB, env *testEnv, key gossh.Signer) {
	client, err := env.dial(gossh.PublicKeys(key))
	if err != nil {
		tb.Errorf("dial: %v", err)
		return
	}
	tb.Cleanup(func() { client.Close() })
	session, err := client.NewSession()
	if err != nil {
		tb.Errorf("new session: %v", err)
		return
	}
	stdout, err := session.StdoutPipe()
	if err != nil {
		tb.Errorf("stdout: %v", err)
		return
	}
	if err := session.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		tb.Errorf("pty: %v", err)
		return
	}
	if err := session.Shell(); err != nil {
		tb.Errorf("shell: %v", err)
		return
	}
	go w.read(stdout)
}

func (w *screenWatcher) read(stdout io.Reader) {
	buffer := make([]byte, 32*1024)
	for {
		n, err := stdout.Read(buffer)
		if n > 0 {
			w.add(buffer[:n], time.Now())
		}
		if err != nil {
			return
		}
	}
}

func (w *screenWatcher) add(chunk []byte, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.tail = append(w.tail, chunk...)
	if w.pattern != nil && w.pattern.MatchString(ansi.Strip(string(w.tail))) {
		w.pattern = nil
		w.tail = w.tail[:0]
		w.found <- at
		return
	}
	// A redraw of the changed rows is a few kilobytes, so the last 16 KiB
	// still hold every partly read escape sequence and row.
	if len(w.tail) > 64*1024 {
		w.tail = append(w.tail[:0], w.tail[len(w.tail)-16*1024:]...)
	}
}

// expect sets the pattern to wait for and clears the output kept so far.
func (w *screenWatcher) expect(pattern *regexp.Regexp) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pattern = pattern
	w.tail = w.tail[:0]
}

// wait returns the time the pattern matched.
func (w *screenWatcher) wait(tb testing.TB, timeout time.Duration) time.Time {
	select {
	case at := <-w.found:
		return at
	case <-time.After(timeout):
		tb.Fatalf("a session did not draw the expected text within %v", timeout)
		return time.Time{}
	}
}
