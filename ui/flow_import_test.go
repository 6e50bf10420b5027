//go:build unix

package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"poboard/store"
)

// TestFlowImportKeepsBoardUsable imports orders from a named pipe that
// the test fills in two parts, so the import is still running while the
// user leaves the restock view and moves in the PO list.
func TestFlowImportKeepsBoardUsable(t *testing.T) {
	st := openTestStore(t)
	createPO(t, st, "Acme Textiles", store.StatusDraft)
	createPO(t, st, "Nordic Wool Co", store.StatusDraft)
	fifo := filepath.Join(t.TempDir(), "orders.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}

	tm := startBoard(t, st, nil, buyer, 80, 24)
	waitText(t, tm, "Nordic Wool Co")
	sendKeys(tm, "f")
	waitText(t, tm, "No demand history yet")
	sendKeys(tm, "i")
	waitText(t, tm, "Orders file:")
	tm.Type(fifo)
	sendKeys(tm, "enter")

	// Opening the pipe for writing waits until the import opens it.
	opened := make(chan *os.File, 1)
	go func() {
		pipe, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
		}
		opened <- pipe
	}()
	var pipe *os.File
	select {
	case pipe = <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("the import never opened the orders file")
	}
	defer pipe.Close()

	// 12 SKUs × 120 days, about 95 kB: the reader looks for the header
	// in the first 64 kB, so the first part is larger than that.
	var csv strings.Builder
	csv.WriteString(ordersHeader)
	for i := range 12 {
		rows := strings.SplitAfter(demandCSV(fmt.Sprintf("TEE-%02d", i), "Acme Textiles", 2, 120), "\n")
		csv.WriteString(strings.Join(rows[1:], ""))
	}
	lines := strings.SplitAfter(csv.String(), "\n")
	if _, err := pipe.WriteString(strings.Join(lines[:1200], "")); err != nil {
		t.Fatal(err)
	}
	waitText(t, tm, "reading orders.csv", " rows")

	sendKeys(tm, "esc")
	waitText(t, tm, "1 PO list", "reading orders.csv")
	sendKeys(tm, "j")
	waitText(t, tm, "Supplier Acme Textiles")

	if _, err := pipe.WriteString(strings.Join(lines[1200:], "")); err != nil {
		t.Fatal(err)
	}
	pipe.Close()
	waitText(t, tm, "orders (1440 new")
	if orders, _, _ := st.CountOrders(); orders != 1440 {
		t.Errorf("store has %d orders, want 1440", orders)
	}
	progress := finalModel(t, tm).c.importJob.snapshot()
	if progress.rows != 1440 || progress.bytes != int64(csv.Len()) {
		t.Errorf("progress counted %d rows and %d bytes, want 1440 and %d", progress.rows, progress.bytes, csv.Len())
	}
}
