package store

import (
	"encoding/binary"
	"errors"
	"strings"
	"time"
)

// Summaries are stored in a compact binary form instead of JSON: the board
// decodes every summary when it opens, and at 100,000 POs JSON decoding
// took over a second. The layout is a format byte, then the fields of
// Summary in declaration order. Ids, counts and versions are unsigned
// varints, money and times (Unix nanoseconds) signed varints, booleans one
// byte, and strings a varint length and the bytes. The SKUs
// are one string joined with NUL, so decoding them costs one allocation.
const summaryFormat = 1

var errSummaryFormat = errors.New("summary record is truncated or of an unknown format")

// encodeSummary returns the binary form of summary.
func encodeSummary(summary Summary) []byte {
	buf := make([]byte, 0, 96+len(summary.Supplier)+16*len(summary.SKUs))
	buf = append(buf, summaryFormat)
	buf = binary.AppendUvarint(buf, summary.ID)
	for _, text := range []string{summary.Number, string(summary.Status), summary.Supplier, summary.Currency, summary.ExpectedDate} {
		buf = appendString(buf, text)
	}
	buf = binary.AppendVarint(buf, int64(summary.Ordered))
	buf = binary.AppendVarint(buf, int64(summary.Received))
	buf = binary.AppendVarint(buf, int64(summary.Lines))
	buf = append(buf, boolByte(summary.Locked))
	buf = appendString(buf, string(summary.PushState))
	buf = appendString(buf, summary.Connector)
	buf = binary.AppendVarint(buf, int64(summary.Flags))
	buf = binary.AppendVarint(buf, summary.Value)
	buf = binary.AppendUvarint(buf, summary.Version)
	buf = binary.AppendVarint(buf, summary.UpdatedAt.UnixNano())
	return appendString(buf, strings.Join(summary.SKUs, "\x00"))
}

// decodeSummary reads a summary written by encodeSummary.
func decodeSummary(raw []byte) (Summary, error) {
	r := summaryReader{buf: raw}
	if r.byte() != summaryFormat {
		return Summary{}, errSummaryFormat
	}

	var summary Summary
	summary.ID = r.uvarint()
	summary.Number = r.string()
	summary.Status = Status(r.string())
	summary.Supplier = r.string()
	summary.Currency = r.string()
	summary.ExpectedDate = r.string()
	summary.Ordered = int(r.varint())
	summary.Received = int(r.varint())
	summary.Lines = int(r.varint())
	summary.Locked = r.byte() == 1
	summary.PushState = PushState(r.string())
	summary.Connector = r.string()
	summary.Flags = int(r.varint())
	summary.Value = r.varint()
	summary.Version = r.uvarint()
	summary.UpdatedAt = time.Unix(0, r.varint()).UTC()

	if skus := r.string(); skus != "" {
		summary.SKUs = strings.Split(skus, "\x00")
	} else {
		summary.SKUs = []string{}
	}
	if r.failed {
		return Summary{}, errSummaryFormat
	}
	return summary, nil
}

func appendString(buf []byte, text string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(text)))
	return append(buf, text...)
}

func boolByte(value bool) byte {
	if value {
		return 1
	}
	return 0
}

// summaryReader reads fields in order and records the first failure, so
// decodeSummary checks once at the end.
type summaryReader struct {
	buf    []byte
	failed bool
}

func (r *summaryReader) byte() byte {
	if len(r.buf) == 0 {
		r.failed = true
		return 0
	}
	value := r.buf[0]
	r.buf = r.buf[1:]
	return value
}

func (r *summaryReader) uvarint() uint64 {
	value, n := binary.Uvarint(r.buf)
	if n <= 0 {
		r.failed = true
		return 0
	}
	r.buf = r.buf[n:]
	return value
}

func (r *summaryReader) varint() int64 {
	value, n := binary.Varint(r.buf)
	if n <= 0 {
		r.failed = true
		return 0
	}
	r.buf = r.buf[n:]
	return value
}

func (r *summaryReader) string() string {
	length := r.uvarint()
	if r.failed || length > uint64(len(r.buf)) {
		r.failed = true
		return ""
	}
	text := string(r.buf[:length])
	r.buf = r.buf[length:]
	return text
}
