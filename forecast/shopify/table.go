// Package shopify reads the CSV files that the Shopify admin exports:
// orders, products and inventory. Each reader streams its file row by row,
// so memory stays flat whatever the file size, and finds columns by header
// name, so older and newer layouts both work.
package shopify

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// RowError reports a value that cannot be read, with the line of the file
// where its row starts (1 is the header).
type RowError struct {
	Line   int
	Column string
	Value  string
	Reason string
}

func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d: invalid %s %q: %s", e.Line, e.Column, e.Value, e.Reason)
}

// countingReader counts the bytes read through it, for progress reports.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// table is a CSV file with a header row. It strips a UTF-8 byte order mark,
// guesses the delimiter from the header (comma, semicolon or tab) and looks
// columns up by normalized header name.
type table struct {
	counter *countingReader
	csv     *csv.Reader
	header  []string
	columns map[string]int
	// decimalComma is set for semicolon-delimited files, where "12,50"
	// means twelve and a half.
	decimalComma bool
	row          []string
	line         int
	rows         int
}

// sniffLimit bounds how much of the file is read to find the header line.
const sniffLimit = 64 << 10

func newTable(r io.Reader) (*table, error) {
	counter := &countingReader{r: r}
	buffered := bufio.NewReaderSize(counter, sniffLimit)

	if bom, _ := buffered.Peek(3); bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		buffered.Discard(3)
	}
	head, _ := buffered.Peek(sniffLimit)
	if len(head) == 0 {
		return nil, &RowError{Line: 1, Reason: "the file is empty; export it again from the Shopify admin"}
	}
	delimiter := sniffDelimiter(head)

	reader := csv.NewReader(buffered)
	reader.Comma = delimiter
	// Shopify writes product names such as `12" board` unquoted; lazy
	// quotes keep such a quote as text instead of failing the row.
	reader.LazyQuotes = true
	reader.FieldsPerRecord = -1
	reader.ReuseRecord = true

	header, err := reader.Read()
	if err != nil {
		return nil, &RowError{Line: 1, Reason: "cannot read the header row: " + err.Error()}
	}
	t := &table{
		counter:      counter,
		csv:          reader,
		header:       append([]string(nil), header...),
		columns:      make(map[string]int, len(header)),
		decimalComma: delimiter == ';',
		line:         1,
	}
	for i, name := range t.header {
		key := normalizeHeader(name)
		if _, dup := t.columns[key]; !dup {
			t.columns[key] = i
		}
	}
	return t, nil
}

// sniffDelimiter counts candidate delimiters outside quotes on the first
// line and returns the most frequent one, comma on a tie.
func sniffDelimiter(head []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, b := range head {
		if b == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if b == '\n' {
			break
		}
		if b == ',' || b == ';' || b == '\t' {
			counts[b]++
		}
	}
	best := byte(',')
	for _, candidate := range []byte{';', '\t'} {
		if counts[candidate] > counts[best] {
			best = candidate
		}
	}
	return rune(best)
}

// normalizeHeader lower-cases a header and drops everything but letters and
// digits, so "Lineitem sku", "Line item SKU" and "lineitem_sku" match.
func normalizeHeader(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// column returns the index of the first header among names that the file
// has, or -1.
func (t *table) column(names ...string) int {
	for _, name := range names {
		if i, ok := t.columns[normalizeHeader(name)]; ok {
			return i
		}
	}
	return -1
}

// require is column for a header the file must have.
func (t *table) require(what string, names ...string) (int, error) {
	if i := t.column(names...); i >= 0 {
		return i, nil
	}
	return -1, &RowError{Line: 1, Reason: fmt.Sprintf("missing column %q (header has: %s); export the file again from the Shopify admin",
		what, strings.Join(t.header, ", "))}
}

// next reads the following row. Rows shorter than the header are allowed
// (trailing columns left out); longer rows are an error. Blank lines are
// skipped by encoding/csv.
func (t *table) next() error {
	row, err := t.csv.Read()
	if err == io.EOF {
		return io.EOF
	}
	line, _ := t.csv.FieldPos(0)
	if err != nil {
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			return &RowError{Line: parseErr.StartLine, Reason: parseErr.Err.Error()}
		}
		return err
	}
	t.line = line
	t.rows++
	if len(row) > len(t.header) {
		return &RowError{Line: line, Reason: fmt.Sprintf("row has %d fields but the header has %d; check the delimiter and quotes on this line", len(row), len(t.header))}
	}
	t.row = row
	return nil
}

// get returns the trimmed field at column i of the current row, "" when the
// file has no such column or the row is short.
func (t *table) get(i int) string {
	if i < 0 || i >= len(t.row) {
		return ""
	}
	return strings.TrimSpace(t.row[i])
}

// bytesRead returns the bytes consumed from the underlying reader so far,
// including read-ahead buffering.
func (t *table) bytesRead() int64 { return t.counter.n }

// parseUnits reads a whole number of units. A zero fraction ("2.0", or
// "2,0" in a semicolon file) is accepted because spreadsheets write them.
func parseUnits(text string, decimalComma bool) (int, bool) {
	if decimalComma {
		text = strings.Replace(text, ",", ".", 1)
	}
	whole, frac, hasFrac := strings.Cut(text, ".")
	if hasFrac && strings.Trim(frac, "0") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(whole)
	if err != nil {
		return 0, false
	}
	return n, true
}

// normalizeDecimal turns a decimal comma into a point ("12,50" to "12.50")
// in semicolon files and drops thousands separators it can recognise.
func normalizeDecimal(text string, decimalComma bool) string {
	if decimalComma {
		text = strings.ReplaceAll(text, ".", "")
		return strings.Replace(text, ",", ".", 1)
	}
	return strings.ReplaceAll(text, ",", "")
}
