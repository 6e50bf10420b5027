// Command compare-r writes daily demand series and poboard's forecasts of
// their last 28 days, for bench/forecast_compare_r.R to score against R's
// forecast package on the same holdout.
//
//	go run ./forecast/cmd/compare-r -out DIR [-sales FILE]
//
// It writes three files to DIR:
//
//   - series.csv: dataset, series, profile, class, t, units. One row per
//     series and day, t from 1. The last 28 days of each series are the
//     holdout. profile is the generator's demand profile ("" for the sales
//     file), and class is poboard's demand class of the training days.
//   - poboard.csv: dataset, series, method, h, forecast. poboard's 28-day
//     forecast from the training days, h from 1.
//   - poboard_time.csv: dataset, series_count, seconds. The time
//     forecast.FitAll took on all training series of the dataset.
//
// The generated dataset comes from shopify.Generate, read back through the
// orders reader, so it has the same demand profiles as the import
// benchmarks. The sales file is a CSV with the columns ds (YYYY-MM-DD), y
// (units) and sku.
package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"poboard/forecast"
	"poboard/forecast/shopify"
)

// holdout is the number of days scored, the last days of each series.
const holdout = 28

// dataset is a named set of daily series.
type dataset struct {
	name     string
	ids      []string
	profiles []string
	series   []forecast.Series
}

func main() {
	out := flag.String("out", "", "`DIR` to write series.csv, poboard.csv and poboard_time.csv to (required)")
	sales := flag.String("sales", "", "daily sales `FILE` with columns ds, y and sku (optional)")
	skus := flag.Int("skus", 300, "SKUs in the generated dataset")
	days := flag.Int("days", 730, "days of generated history")
	lines := flag.Int("lines", 150000, "order lines in the generated dataset")
	seed := flag.Uint64("seed", 1, "generator seed")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "compare-r: missing -out DIR; run with -help for the options")
		os.Exit(2)
	}

	sets := []dataset{}
	generated, err := generatedDataset(*skus, *days, *lines, *seed)
	if err != nil {
		fail(err)
	}
	sets = append(sets, generated)
	if *sales != "" {
		fromFile, err := salesDataset(*sales)
		if err != nil {
			fail(err)
		}
		sets = append(sets, fromFile)
	}
	if err := writeAll(*out, sets); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "compare-r: %v\n", err)
	os.Exit(1)
}

// generatedDataset generates an orders export and sums its demand per SKU
// and day, leaving out cancelled orders, as the import does.
func generatedDataset(skus, days, lines int, seed uint64) (dataset, error) {
	end := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var export bytes.Buffer
	_, err := shopify.Generate(&export, shopify.GenerateConfig{Seed: seed, SKUs: skus, Days: days, End: end, Lines: lines})
	if err != nil {
		return dataset{}, err
	}
	reader, err := shopify.NewOrderReader(&export)
	if err != nil {
		return dataset{}, err
	}

	start := end.AddDate(0, 0, -days)
	units := map[string][]float64{}
	profiles := map[string]string{}
	for {
		order, err := reader.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return dataset{}, err
		}
		if order.Cancelled {
			continue
		}
		day, err := time.Parse(time.DateOnly, order.Date)
		if err != nil {
			return dataset{}, err
		}
		t := forecast.DaysBetween(start, day)
		for _, line := range order.Lines {
			if units[line.SKU] == nil {
				units[line.SKU] = make([]float64, days)
				// Generated names read "Generated PROFILE product N".
				profiles[line.SKU] = strings.Fields(line.Name)[1]
			}
			if t >= 0 && t < days {
				units[line.SKU][t] += float64(line.Quantity)
			}
		}
	}
	return newDataset("generated", units, profiles, start), nil
}

// salesDataset reads a daily sales file: one row per SKU and day.
func salesDataset(path string) (dataset, error) {
	file, err := os.Open(path)
	if err != nil {
		return dataset{}, err
	}
	defer file.Close()
	reader := csv.NewReader(bufio.NewReader(file))
	header, err := reader.Read()
	if err != nil {
		return dataset{}, fmt.Errorf("%s: %w", path, err)
	}
	columns := map[string]int{}
	for i, name := range header {
		columns[name] = i
	}
	for _, name := range []string{"ds", "y", "sku"} {
		if _, ok := columns[name]; !ok {
			return dataset{}, fmt.Errorf("%s: missing column %q; the file needs ds, y and sku", path, name)
		}
	}

	type point struct {
		day   time.Time
		units float64
	}
	points := map[string][]point{}
	var first time.Time
	for line := 2; ; line++ {
		row, err := reader.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return dataset{}, fmt.Errorf("%s: %w", path, err)
		}
		day, err := time.Parse(time.DateOnly, row[columns["ds"]])
		if err != nil {
			return dataset{}, fmt.Errorf("%s: line %d: invalid ds %q; write it as YYYY-MM-DD", path, line, row[columns["ds"]])
		}
		units, err := strconv.ParseFloat(row[columns["y"]], 64)
		if err != nil {
			return dataset{}, fmt.Errorf("%s: line %d: invalid y %q", path, line, row[columns["y"]])
		}
		if first.IsZero() || day.Before(first) {
			first = day
		}
		sku := row[columns["sku"]]
		points[sku] = append(points[sku], point{day, units})
	}

	units := map[string][]float64{}
	for sku, list := range points {
		last := 0
		for _, p := range list {
			last = max(last, forecast.DaysBetween(first, p.day))
		}
		series := make([]float64, last+1)
		for _, p := range list {
			series[forecast.DaysBetween(first, p.day)] += p.units
		}
		units[sku] = series
	}
	return newDataset("daily_sku_sales", units, map[string]string{}, first), nil
}

func newDataset(name string, units map[string][]float64, profiles map[string]string, start time.Time) dataset {
	set := dataset{name: name}
	for id := range units {
		set.ids = append(set.ids, id)
	}
	sort.Strings(set.ids)
	for _, id := range set.ids {
		set.profiles = append(set.profiles, profiles[id])
		set.series = append(set.series, forecast.Series{Start: start, Units: units[id]})
	}
	return set
}

// writeAll fits poboard on each series without its holdout and writes the
// three files.
func writeAll(dir string, sets []dataset) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	seriesFile, err := newCSV(filepath.Join(dir, "series.csv"), "dataset", "series", "profile", "class", "t", "units")
	if err != nil {
		return err
	}
	forecastFile, err := newCSV(filepath.Join(dir, "poboard.csv"), "dataset", "series", "method", "h", "forecast")
	if err != nil {
		return err
	}
	timeFile, err := newCSV(filepath.Join(dir, "poboard_time.csv"), "dataset", "series_count", "seconds")
	if err != nil {
		return err
	}

	for _, set := range sets {
		training := make([]forecast.Series, len(set.series))
		horizons := make([]int, len(set.series))
		for i, s := range set.series {
			if len(s.Units) <= holdout {
				return fmt.Errorf("%s series %s has %d days; it needs more than the %d-day holdout", set.name, set.ids[i], len(s.Units), holdout)
			}
			training[i] = forecast.Series{Start: s.Start, Units: s.Units[:len(s.Units)-holdout]}
			horizons[i] = holdout
		}
		started := time.Now()
		results := forecast.FitAll(training, horizons)
		seconds := time.Since(started).Seconds()
		timeFile.write(set.name, strconv.Itoa(len(set.series)), strconv.FormatFloat(seconds, 'f', 4, 64))

		for i, s := range set.series {
			class, _, _ := forecast.Classify(training[i])
			for t, units := range s.Units {
				seriesFile.write(set.name, set.ids[i], set.profiles[i], string(class), strconv.Itoa(t+1), strconv.FormatFloat(units, 'f', -1, 64))
			}
			for h, value := range results[i].Forecast {
				forecastFile.write(set.name, set.ids[i], string(results[i].Method), strconv.Itoa(h+1), strconv.FormatFloat(value, 'f', 6, 64))
			}
		}
	}
	for _, file := range []*csvFile{seriesFile, forecastFile, timeFile} {
		if err := file.close(); err != nil {
			return err
		}
	}
	return nil
}

// csvFile is a CSV file being written; the first write error is kept and
// returned by close.
type csvFile struct {
	file   *os.File
	writer *csv.Writer
}

func newCSV(path string, header ...string) (*csvFile, error) {
	file, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	out := &csvFile{file: file, writer: csv.NewWriter(file)}
	out.write(header...)
	return out, nil
}

func (c *csvFile) write(fields ...string) { _ = c.writer.Write(fields) }

func (c *csvFile) close() error {
	c.writer.Flush()
	if err := c.writer.Error(); err != nil {
		c.file.Close()
		return err
	}
	return c.file.Close()
}
