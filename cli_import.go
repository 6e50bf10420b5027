package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"poboard/forecast/shopify"
	"poboard/store"
)

func init() {
	extraCommands["import"] = runImport
}

const importUsage = `poboard import orders FILE... [--store NAME]   Shopify "Export orders" CSV
poboard import products FILE                  Shopify products export CSV
poboard import inventory FILE [--date DATE]   Shopify inventory export CSV
poboard import map NAME SKU                   count order lines named NAME as SKU`

// runImport reads Shopify exports into the demand history: orders,
// the product catalogue, inventory snapshots, and name-to-SKU mappings.
func runImport(ctx context.Context, app *App, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return fail(stderr, usagef("missing import kind; usage:\n%s", importUsage))
	}
	if asksForHelp(args) {
		app.Actor.Role = store.RoleBuyer
	}
	if app.Actor.Role == store.RoleWarehouse {
		return report(stderr, app, &store.ForbiddenError{Actor: app.Actor.Name, Role: app.Actor.Role})
	}
	var err error
	switch args[0] {
	case "orders", "products", "inventory":
		spooled, cleanup, err := spoolStdin(app, args)
		if err != nil {
			return report(stderr, app, err)
		}
		defer cleanup()
		// Messages name the file; the copy of standard input is called
		// "stdin" there, not by its temporary path.
		for i, arg := range spooled {
			if arg != args[i] {
				stdout = pathRenamer{out: stdout, path: arg}
				stderr = pathRenamer{out: stderr, path: arg}
			}
		}
		args = spooled
	}
	switch args[0] {
	case "orders":
		err = importOrdersCommand(ctx, app, args[1:], stdout, stderr)
	case "products":
		err = importProductsCommand(app, args[1:], stdout, stderr)
	case "inventory":
		err = importInventoryCommand(app, args[1:], stdout, stderr)
	case "map":
		err = importMapCommand(app, args[1:], stdout, stderr)
	case "--help", "-help", "-h", "help":
		fmt.Fprintf(stdout, "Usage:\n%s\n\nRun \"poboard import KIND --help\" for a kind's options.\n", importUsage)
		return 0
	default:
		err = usagef("unknown import kind %q; use orders, products, inventory or map", args[0])
	}
	return report(stderr, app, err)
}

// spoolStdin replaces a FILE argument of "-" with a temporary copy of
// standard input, named stdin.csv, because an orders import may read its
// file twice. Over SSH the files are on the client's side, so "-" is the
// only FILE a remote import may name. cleanup removes the copy.
func spoolStdin(app *App, args []string) ([]string, func(), error) {
	cleanup := func() {}
	out := append([]string(nil), args...)
	for i, arg := range out[1:] {
		switch {
		case arg == "-":
			if app.Stdin == nil {
				return nil, cleanup, usagef("no standard input to read the %s export from", args[0])
			}
			dir, err := os.MkdirTemp("", "poboard-import-")
			if err != nil {
				return nil, cleanup, fmt.Errorf("cannot make a temporary folder for standard input: %w", err)
			}
			cleanup = func() { os.RemoveAll(dir) }
			path := filepath.Join(dir, "stdin.csv")
			file, err := os.Create(path)
			if err != nil {
				return nil, cleanup, fmt.Errorf("cannot copy standard input: %w", err)
			}
			_, err = io.Copy(file, app.Stdin)
			if closeErr := file.Close(); err == nil {
				err = closeErr
			}
			if err != nil {
				return nil, cleanup, fmt.Errorf("cannot copy standard input: %w", err)
			}
			out[i+1] = path
		case app.Remote && !strings.HasPrefix(arg, "-"):
			return nil, cleanup, usagef("over SSH the export is read from your side: ssh -p PORT HOST import %s - < %s", args[0], arg)
		}
	}
	return out, cleanup, nil
}

// pathRenamer writes to out with every occurrence of path replaced by
// "stdin". Each fmt call writes whole messages, so a path is never split
// across two writes.
type pathRenamer struct {
	out  io.Writer
	path string
}

func (r pathRenamer) Write(p []byte) (int, error) {
	if _, err := r.out.Write(bytes.ReplaceAll(p, []byte(r.path), []byte("stdin"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// progress reports a file's read position, row count, rate and time left
// on stderr. update prints at most one line a second.
type progress struct {
	out     io.Writer
	label   string
	size    int64
	started time.Time
	last    time.Time
}

func newProgress(out io.Writer, label string, size int64) *progress {
	now := time.Now()
	return &progress{out: out, label: label, size: size, started: now, last: now}
}

// update prints a line when a second has passed since the last one.
func (p *progress) update(bytes int64, rows int) {
	now := time.Now()
	if now.Sub(p.last) < time.Second {
		return
	}
	p.last = now
	elapsed := now.Sub(p.started).Seconds()
	line := fmt.Sprintf("%s: %s of %s, %d rows, %.0f rows/s", p.label, formatBytes(bytes), formatBytes(p.size), rows, float64(rows)/elapsed)
	if bytes > 0 && p.size > bytes {
		left := time.Duration(elapsed * float64(p.size-bytes) / float64(bytes) * float64(time.Second))
		line += fmt.Sprintf(", %s left", left.Round(time.Second))
	}
	fmt.Fprintln(p.out, line)
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// orderFileTotals counts what one orders file held.
type orderFileTotals struct {
	stats  shopify.OrderStats
	result store.OrderImportResult
}

// orderBufferLimit is how many bytes of orders an import buffers before it
// stops reading ahead. Below it (about 1.3 million line rows of the
// generated benchmark export, at some 38 MB per million) every file is
// read once. Above it the files are checked first, then read again and
// written in parts of this size. It is a variable so tests can take the
// second path.
var orderBufferLimit = 48 << 20

// scanOrders reads every order of path and passes it to fn. With fn nil it
// only checks the file.
func scanOrders(ctx context.Context, path, label string, stderr io.Writer, fn func(shopify.Order) error) (shopify.OrderStats, error) {
	file, err := os.Open(path)
	if err != nil {
		return shopify.OrderStats{}, fmt.Errorf("cannot open orders file: %w", err)
	}
	defer file.Close()
	size := int64(0)
	if info, err := file.Stat(); err == nil {
		size = info.Size()
	}

	reader, err := shopify.NewOrderReader(file)
	if err != nil {
		return shopify.OrderStats{}, fmt.Errorf("%s: %w", path, err)
	}
	// Parsing the CSV on a second goroutine overlaps it with grouping rows
	// into orders and buffering them, which takes about a fifth off the
	// import on two cores.
	reader.ReadAhead()
	defer reader.Close()

	meter := newProgress(stderr, label+" "+path, size)
	for count := 0; ; count++ {
		order, err := reader.Next()
		if err == io.EOF {
			return reader.Stats(), nil
		}
		if err != nil {
			return reader.Stats(), fmt.Errorf("%s: %w; fix the row and import the file again (nothing from it was imported)", path, err)
		}
		if fn != nil {
			if err := fn(order); err != nil {
				return reader.Stats(), err
			}
		}
		if count%1024 == 0 {
			if ctx.Err() != nil {
				return reader.Stats(), fmt.Errorf("import of %s interrupted; run it again, because orders already written are skipped", path)
			}
			stats := reader.Stats()
			meter.update(stats.Bytes, stats.Rows)
		}
	}
}

func importOrdersCommand(ctx context.Context, app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("import orders", "poboard import orders FILE... [--store NAME]", stdout, stderr)
	storeName := flags.String("store", "default", "store `NAME` the orders come from; order names such as #1001 repeat across stores, so give each store its own name")
	quiet := flags.Bool("quiet", false, "print no progress lines on stderr")
	files, err := parseFlags(flags, args, stdout)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("missing orders file; usage: poboard import orders FILE... [--store NAME]")
	}
	name := strings.TrimSpace(*storeName)
	if name == "" {
		return usagef("--store needs a name, such as the shop's myshopify subdomain")
	}
	progressOut := stderr
	if *quiet {
		progressOut = io.Discard
	}

	// Every file is read into its own buffer before any is written, so a
	// bad row in any file leaves the database untouched. Files too large
	// to buffer together are checked in full first and then read again.
	imports := make([]*store.OrderImport, len(files))
	totals := make([]orderFileTotals, len(files))
	buffered, size := true, 0
	for i, path := range files {
		imp := app.Store.NewOrderImport()
		imports[i] = imp
		label := "reading"
		if !buffered {
			label = "checking"
		}
		totals[i].stats, err = scanOrders(ctx, path, label, progressOut, func(order shopify.Order) error {
			demand := store.DemandOrderFrom(name, order)
			if !buffered {
				if err := demand.Validate(); err != nil {
					return fmt.Errorf("%s: line %d: %w", path, order.FirstLine, err)
				}
				return nil
			}
			if err := imp.Add(demand); err != nil {
				return fmt.Errorf("%s: line %d: %w", path, order.FirstLine, err)
			}
			if size+imp.Size() > orderBufferLimit {
				buffered = false
				for _, done := range imports[:i+1] {
					done.Discard()
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		size += imp.Size()
	}

	for i, path := range files {
		imp := imports[i]
		if !buffered {
			// Second pass: write the file in parts of orderBufferLimit.
			imp = app.Store.NewOrderImport()
			_, err := scanOrders(ctx, path, "importing", progressOut, func(order shopify.Order) error {
				if err := imp.Add(store.DemandOrderFrom(name, order)); err != nil {
					return fmt.Errorf("%s: line %d: %w", path, order.FirstLine, err)
				}
				if imp.Size() > orderBufferLimit {
					return imp.Flush()
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		result, err := imp.Finish()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		totals[i].result = result
		printOrderTotals(stdout, path, totals[i])
		if app.Logger != nil {
			app.Logger.Info("imported orders", "file", path, "store", name, "orders", result.Orders, "new", result.New, "updated", result.Updated)
		}
	}
	return printUnmapped(app, stdout)
}

func printOrderTotals(out io.Writer, path string, totals orderFileTotals) {
	s, r := totals.stats, totals.result
	fmt.Fprintf(out, "%s: %d orders (%d new, %d updated, %d unchanged, %d cancelled and left out of demand)\n",
		path, r.Orders, r.New, r.Updated, r.Unchanged, r.Cancelled)
	fmt.Fprintf(out, "  %d line rows: %d count as demand, %d do not require shipping (gift cards) and were left out, %d have no SKU\n",
		s.Rows, s.Lines, s.NonShippingLines, s.LinesWithoutSKU)
}

// unmappedShown bounds how many unmapped names the import prints.
const unmappedShown = 20

func printUnmapped(app *App, out io.Writer) error {
	unmapped, err := app.Store.UnmappedNames()
	if err != nil || len(unmapped) == 0 {
		return err
	}
	fmt.Fprintf(out, "%d product names on lines without a SKU match no SKU, so their demand is not forecast yet:\n", len(unmapped))
	for i, name := range unmapped {
		if i == unmappedShown {
			fmt.Fprintf(out, "  ... and %d more\n", len(unmapped)-unmappedShown)
			break
		}
		fmt.Fprintf(out, "  %6d units  %s\n", name.Units, name.Name)
	}
	fmt.Fprintln(out, "Map each with `poboard import map NAME SKU` (over SSH: `ssh -p PORT HOST import map NAME SKU`), or import a products export that lists them.")
	return nil
}

func importProductsCommand(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("import products", "poboard import products FILE", stdout, stderr)
	files, err := parseFlags(flags, args, stdout)
	if err != nil {
		return err
	}
	path, err := onePositional(files, "products file")
	if err != nil {
		return err
	}
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open products file: %w", err)
	}
	defer file.Close()

	reader, err := shopify.NewProductReader(file)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var products []store.Product
	for {
		product, err := reader.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w; nothing was imported", path, err)
		}
		if product.Cost != "" {
			if cost, err := strconv.ParseFloat(product.Cost, 64); err != nil || cost < 0 {
				return fmt.Errorf("%s: %w; nothing was imported", path,
					&shopify.RowError{Line: product.FileLine, Column: "Cost per item", Value: product.Cost, Reason: "want a decimal amount such as 4.25"})
			}
		}
		products = append(products, store.Product{SKU: product.SKU, Title: product.Title, Variant: product.Variant, Vendor: product.Vendor, Cost: product.Cost})
	}

	created, err := app.Store.ImportProducts(products)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	stats := reader.Stats()
	fmt.Fprintf(stdout, "%s: %d variants with a SKU (%d new, %d updated); %d variant rows without a SKU and %d image rows skipped\n",
		path, len(products), created, len(products)-created, stats.WithoutSKU, stats.ImageRows)
	return printUnmapped(app, stdout)
}

func importInventoryCommand(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("import inventory", "poboard import inventory FILE [--date YYYY-MM-DD]", stdout, stderr)
	date := flags.String("date", "", "`DATE` of the snapshot, YYYY-MM-DD (default today); a second import for the same date replaces the first")
	files, err := parseFlags(flags, args, stdout)
	if err != nil {
		return err
	}
	path, err := onePositional(files, "inventory file")
	if err != nil {
		return err
	}
	if *date == "" {
		*date = app.Store.Now().Format(time.DateOnly)
	}
	if _, err := time.Parse(time.DateOnly, *date); err != nil {
		return usagef("invalid --date %q; write it as YYYY-MM-DD", *date)
	}

	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open inventory file: %w", err)
	}
	defer file.Close()
	reader, err := shopify.NewInventoryReader(file)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var levels []store.StockLevel
	skus, locations := map[string]bool{}, map[string]bool{}
	for {
		stock, err := reader.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w; nothing was imported", path, err)
		}
		levels = append(levels, store.StockLevel{SKU: stock.SKU, Location: stock.Location, OnHand: stock.OnHand})
		skus[stock.SKU], locations[stock.Location] = true, true
	}

	if err := app.Store.ImportInventory(*date, levels); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	stats := reader.Stats()
	fmt.Fprintf(stdout, "%s: snapshot of %s with %d SKUs at %d locations; %d rows without a SKU and %d \"not stocked\" cells skipped\n",
		path, *date, len(skus), len(locations), stats.WithoutSKU, stats.NotStocked)
	return nil
}

func importMapCommand(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("import map", "poboard import map NAME SKU (an empty SKU removes the mapping)", stdout, stderr)
	positional, err := parseFlags(flags, args, stdout)
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		return usagef("want a product name and a SKU, as in: poboard import map \"The Minimal Snowboard\" SB-MIN")
	}

	unmapped, err := app.Store.UnmappedNames()
	if err != nil {
		return err
	}
	known := false
	for _, name := range unmapped {
		if name.Name == strings.TrimSpace(positional[0]) {
			known = true
		}
	}

	if err := app.Store.MapProductName(app.Actor, positional[0], positional[1]); err != nil {
		var validation *store.ValidationError
		if errors.As(err, &validation) {
			return usagef("%s", err)
		}
		return err
	}
	if positional[1] == "" {
		fmt.Fprintf(stdout, "%q no longer maps to a SKU\n", positional[0])
		return nil
	}
	fmt.Fprintf(stdout, "order lines named %q now count as %s\n", positional[0], positional[1])
	if !known {
		fmt.Fprintf(stderr, "note: no imported order line without a SKU is named %q yet; names match exactly, so check the spelling against the list `poboard import orders` prints\n", positional[0])
	}
	return nil
}
