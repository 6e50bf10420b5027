// Package forecast turns daily unit demand into restock suggestions. It
// classifies each SKU's demand, backtests a small set of forecasting
// methods per SKU and keeps the best. Then it sizes an order-up-to
// suggestion from lead time, days of cover, safety stock, MOQ and case
// pack. It is pure Go, so callers load history and settings and pass them in.
package forecast

import (
	"fmt"
	"time"
)

// Series is one SKU's unit demand per calendar day, Units[0] on Start.
type Series struct {
	// Start is the first day at midnight UTC; dates carry no time zone
	// because each one is already the store's local date.
	Start time.Time
	Units []float64
	// Stockout marks days that had zero on hand in an inventory snapshot and
	// no sales. Their zero is missing demand, not zero demand, so methods
	// skip them. Nil means no day is known to be out of stock.
	Stockout []bool
}

// Day is the demand of one date, as the store returns it.
type Day struct {
	// Date is YYYY-MM-DD.
	Date  string
	Units int
}

// Len returns the number of days in the series.
func (s Series) Len() int { return len(s.Units) }

// End returns the last day of the series.
func (s Series) End() time.Time { return s.Start.AddDate(0, 0, len(s.Units)-1) }

// InStock reports whether day t counts as observed demand.
func (s Series) InStock(t int) bool { return s.Stockout == nil || !s.Stockout[t] }

// ParseDate reads YYYY-MM-DD as midnight UTC.
func ParseDate(text string) (time.Time, error) {
	day, err := time.Parse(time.DateOnly, text)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid date %q: write it as YYYY-MM-DD", text)
	}
	return day, nil
}

// DaysBetween returns the whole days from a to b, both calendar dates.
func DaysBetween(a, b time.Time) int {
	return int(b.Sub(a).Hours()/24 + 0.5)
}

// NewSeries lays days out on a calendar that starts at the first day with
// demand and ends on end, so leading days before a product's first sale do
// not count as zero demand. Days after end are ignored. stockouts lists the
// YYYY-MM-DD dates with zero on hand in a snapshot; a stockout date with
// sales is not a stockout day. A SKU with no demand on or before end
// returns an empty series ending on end.
func NewSeries(days []Day, stockouts []string, end time.Time) (Series, error) {
	first := end.AddDate(0, 0, 1)
	parsed := make([]time.Time, len(days))
	for i, day := range days {
		date, err := ParseDate(day.Date)
		if err != nil {
			return Series{}, err
		}
		parsed[i] = date
		if day.Units > 0 && date.Before(first) {
			first = date
		}
	}

	series := Series{Start: first, Units: make([]float64, DaysBetween(first, end)+1)}
	if first.After(end) {
		series.Units = nil
		return series, nil
	}
	for i, day := range days {
		t := DaysBetween(first, parsed[i])
		if t >= 0 && t < len(series.Units) {
			series.Units[t] += float64(day.Units)
		}
	}

	for _, text := range stockouts {
		date, err := ParseDate(text)
		if err != nil {
			return Series{}, err
		}
		t := DaysBetween(first, date)
		if t < 0 || t >= len(series.Units) || series.Units[t] > 0 {
			continue
		}
		if series.Stockout == nil {
			series.Stockout = make([]bool, len(series.Units))
		}
		series.Stockout[t] = true
	}
	return series, nil
}

// Tail returns the last n days of demand, padded with leading zeros when
// the series is shorter; for sparklines.
func (s Series) Tail(n int) []float64 {
	out := make([]float64, n)
	offset := n - len(s.Units)
	for i := range out {
		if j := i - offset; j >= 0 {
			out[i] = s.Units[j]
		}
	}
	return out
}
