// Command gen-orders writes a synthetic Shopify "Export orders" CSV for
// benchmarks and load tests. The same flags always give the same file.
//
//	go run ./forecast/cmd/gen-orders -lines 1000000 -o /tmp/orders.csv
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"poboard/forecast/shopify"
)

func main() {
	lines := flag.Int("lines", 100000, "target number of line rows")
	skus := flag.Int("skus", 2000, "number of SKUs (40% smooth, 30% intermittent, 15% seasonal, 15% trending)")
	days := flag.Int("days", 730, "days of history")
	// The default ends the history today, so its SKUs count as selling
	// now; benchmarks pass a fixed -end to stay repeatable.
	end := flag.String("end", time.Now().AddDate(0, 0, 1).Format(time.DateOnly), "`DATE` after the last day of history, YYYY-MM-DD; tomorrow unless set")
	seed := flag.Uint64("seed", 1, "random seed")
	offset := flag.String("offset", "-0400", "store UTC offset written in timestamps")
	output := flag.String("o", "", "output `FILE` (default stdout)")
	flag.Parse()

	endDate, err := time.Parse(time.DateOnly, *end)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen-orders: invalid -end %q; write it as YYYY-MM-DD\n", *end)
		os.Exit(2)
	}
	out := os.Stdout
	if *output != "" {
		file, err := os.Create(*output)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gen-orders: %v\n", err)
			os.Exit(1)
		}
		defer file.Close()
		out = file
	}

	stats, err := shopify.Generate(out, shopify.GenerateConfig{
		Seed: *seed, SKUs: *skus, Days: *days, End: endDate, Lines: *lines, Offset: *offset,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen-orders: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen-orders: %d orders, %d line rows (%d gift cards), %d cancelled, %d bytes\n",
		stats.Orders, stats.Lines, stats.GiftCards, stats.Cancelled, stats.Bytes)
}
