package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"poboard/store"
)

// lineFlags collects repeated --line SKU:QTY[:UNIT_COST] values.
type lineFlags []string

func (l *lineFlags) String() string     { return strings.Join(*l, " ") }
func (l *lineFlags) Set(v string) error { *l = append(*l, v); return nil }

// stringsFlag collects a repeated string flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, " ") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// newFlagSet returns a flag set for a subcommand. Its usage text goes to
// stdout for --help and to stderr after a flag error (see parseFlags).
func newFlagSet(name, usage string, stdout, stderr io.Writer) *commandFlags {
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	// The flag package calls Usage itself on every error; parseFlags
	// prints the usage instead, to the right stream.
	flags.Usage = func() {}
	return &commandFlags{FlagSet: flags, usage: usage}
}

// commandFlags is a subcommand's flag set with its one-line usage.
type commandFlags struct {
	*flag.FlagSet
	usage string
}

func printUsage(flags *commandFlags, out io.Writer) {
	fmt.Fprintf(out, "Usage: %s\n", flags.usage)
	hasFlags := false
	flags.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(out, "\nOptions:")
		flags.SetOutput(out)
		flags.PrintDefaults()
	}
}

// parseFlags parses args allowing flags after positional arguments, as in
// `poboard po show PO-000001 --json`, and returns the positionals.
func parseFlags(flags *commandFlags, args []string, stdout io.Writer) ([]string, error) {
	var positional []string
	for {
		if err := flags.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printUsage(flags, stdout)
				return nil, flag.ErrHelp
			}
			printUsage(flags, flags.Output())
			return nil, errFlagParse
		}
		args = flags.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func runPO(ctx context.Context, app *App, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(stdout, poUsage)
		if len(args) == 0 {
			return usagef("missing po command: list, show, create, edit, status, push or receive")
		}
		return nil
	}
	rest := args[1:]
	switch args[0] {
	case "list":
		return poList(app, rest, stdout, stderr)
	case "show":
		return poShow(app, rest, stdout, stderr)
	case "create":
		return poCreate(app, rest, stdout, stderr)
	case "edit":
		return poEdit(app, rest, stdout, stderr)
	case "status":
		return poStatus(app, rest, stdout, stderr)
	case "push":
		return poPush(ctx, app, rest, stdout, stderr)
	case "receive":
		return poReceive(app, rest, stdout, stderr)
	}
	return usagef("unknown po command %q; use list, show, create, edit, status, push or receive", args[0])
}

const poUsage = `Usage: poboard po COMMAND

Commands:
  list [--status S] [--json]                      list POs
  show NUMBER [--json]                            show one PO with lines and history
  create --supplier NAME --line SKU:QTY[:UNIT_COST] ... [--expected YYYY-MM-DD] [--currency CODE] [--notes TEXT]
  edit NUMBER [--supplier NAME] [--expected YYYY-MM-DD] [--line SKU:QTY[:UNIT_COST] ...] [--remove-line SKU] [--notes TEXT]
  status NUMBER STATUS                            move a PO (draft, approved, ordered, cancelled, closed)
  push NUMBER [--wait]                            push an Ordered PO to the WMS
  receive NUMBER SKU:QTY[:REJECTED] ...           record a manual receipt (POs that are not pushed)
`

func poList(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("po list", "poboard po list [--status S] [--json]", stdout, stderr)
	statusText := flags.String("status", "", "only POs with this `STATUS` (draft, approved, ordered, partially_received, received, closed, cancelled)")
	asJSON := flags.Bool("json", false, "write a JSON array")
	positional, err := parseFlags(flags, args, stdout)
	if err != nil {
		return err
	}
	if len(positional) > 0 {
		return usagef("po list takes no arguments, got %q", positional[0])
	}

	var statuses []store.Status
	if *statusText != "" {
		status, err := store.ParseStatus(*statusText)
		if err != nil {
			return usagef("%s", err)
		}
		statuses = append(statuses, status)
	}
	pos, err := app.Store.ListPOs(statuses...)
	if err != nil {
		return err
	}

	if *asJSON {
		out := make([]store.JSONPO, len(pos))
		for i, po := range pos {
			out[i] = store.ToJSON(po, false)
		}
		return writeJSON(stdout, out)
	}
	if len(pos) == 0 && len(statuses) > 0 {
		fmt.Fprintf(stdout, "No POs are %s.\n", statuses[0].Label())
		return nil
	}
	if len(pos) == 0 {
		fmt.Fprintln(stdout, "No POs. Create one with: poboard po create --supplier NAME --line SKU:QTY")
		return nil
	}
	table := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(table, "NUMBER\tSTATUS\tSUPPLIER\tEXPECTED\tRECEIVED\tTOTAL\tWMS")
	for _, po := range pos {
		fmt.Fprintf(table, "%s\t%s\t%s\t%s\t%d/%d\t%s %s\t%s\n", po.Number, po.Status.Label(), po.Supplier,
			orDash(po.ExpectedDate), po.TotalReceived(), po.TotalOrdered(),
			store.FormatMoney(po.Value(), po.Currency), po.Currency, wmsText(po))
	}
	return table.Flush()
}

func orDash(text string) string {
	if text == "" {
		return "-"
	}
	return text
}

func wmsText(po store.PO) string {
	if po.WMS == nil {
		return "-"
	}
	label := po.WMS.Label
	if label == "" {
		label = po.WMS.Connector
	}
	switch po.WMS.State {
	case store.PushRequested:
		return "pushing to " + label
	case store.PushFailed:
		return "push failed"
	case store.PushImported:
		return "locked, imported from " + label
	}
	return "locked, " + label + " " + po.WMS.RemoteID
}

func writeJSON(out io.Writer, value any) error {
	encoder := json.NewEncoder(out)
	encoder.SetIndent("", "  ")
	return encoder.Encode(value)
}

// parseOne parses flags and the one positional argument a command takes.
func parseOne(flags *commandFlags, args []string, stdout io.Writer, what string) (string, error) {
	positional, err := parseFlags(flags, args, stdout)
	if err != nil {
		return "", err
	}
	return onePositional(positional, what)
}

func onePositional(positional []string, what string) (string, error) {
	if len(positional) != 1 {
		return "", usagef("expected one %s, got %d arguments", what, len(positional))
	}
	return positional[0], nil
}

func poShow(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("po show", "poboard po show NUMBER [--json]", stdout, stderr)
	asJSON := flags.Bool("json", false, "write one JSON object")
	number, err := parseOne(flags, args, stdout, "PO number")
	if err != nil {
		return err
	}
	po, err := app.Store.GetPO(number)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, store.ToJSON(po, true))
	}
	writePO(stdout, po)
	return nil
}

// writePO prints a PO for people: header, lines, history.
func writePO(out io.Writer, po store.PO) {
	fmt.Fprintf(out, "%s  %s\n", po.Number, po.Status.Label())
	fmt.Fprintf(out, "Supplier:  %s\n", orDash(po.Supplier))
	fmt.Fprintf(out, "Expected:  %s\n", orDash(po.ExpectedDate))
	fmt.Fprintf(out, "Total:     %s %s\n", store.FormatMoney(po.Value(), po.Currency), po.Currency)
	fmt.Fprintf(out, "WMS:       %s\n", wmsText(po))
	if po.WMS != nil && po.WMS.LastError != "" {
		fmt.Fprintf(out, "Last error: %s\n", po.WMS.LastError)
	}
	if po.Notes != "" {
		fmt.Fprintf(out, "Notes:     %s\n", po.Notes)
	}
	fmt.Fprintln(out)

	table := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(table, "SKU\tDESCRIPTION\tORDERED\tRECEIVED\tREJECTED\tUNIT COST\tFLAGS")
	for _, line := range po.Lines {
		var flags []string
		if line.Unexpected {
			flags = append(flags, "unexpected")
		}
		if over := line.Over(); over > 0 && !line.Unexpected {
			flags = append(flags, fmt.Sprintf("over %d", over))
		}
		if line.Rejected > 0 {
			flags = append(flags, fmt.Sprintf("%d rejected", line.Rejected))
		}
		if receiving := po.Status == store.StatusPartiallyReceived || po.Status == store.StatusReceived || po.Status == store.StatusClosed; receiving && line.Open() > 0 {
			flags = append(flags, fmt.Sprintf("%d short", line.Open()))
		}
		fmt.Fprintf(table, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", line.SKU, orDash(line.Description), line.Ordered,
			line.Received, line.Rejected, store.FormatMoney(line.UnitCost, po.Currency), strings.Join(flags, ", "))
	}
	table.Flush()

	fmt.Fprintln(out, "\nHistory:")
	history := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, event := range po.History {
		fmt.Fprintf(history, "  %s\t%s\t%s\n", event.At.Local().Format("2006-01-02 15:04"), event.Actor, eventText(event))
	}
	history.Flush()
}

// eventText describes a history event in words, "status Approved → Ordered".
func eventText(event store.Event) string {
	var text string
	switch event.Event {
	case store.EventStatus:
		text = "status " + store.Status(event.From).Label() + " → " + store.Status(event.To).Label()
	case store.EventPushRequested:
		text = "push to " + event.To + " requested"
	case store.EventPushed:
		text = "pushed to " + event.To
	case store.EventPushFailed:
		text = "push to " + event.To + " failed"
	default:
		text = strings.ReplaceAll(event.Event, "_", " ")
	}
	if event.Detail != "" {
		text += ": " + event.Detail
	}
	return text
}

// parseLine reads SKU:QTY[:UNIT_COST]. Without a cost, cost is -1 ("keep
// the current cost" when editing, 0 when creating).
func parseLine(text, currency string) (store.LineInput, error) {
	parts := strings.Split(text, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" {
		return store.LineInput{}, usagef("invalid --line %q; write it as SKU:QTY or SKU:QTY:UNIT_COST, for example TEE-BLK-M:100:4.25", text)
	}
	qty, err := strconv.Atoi(parts[1])
	if err != nil || qty < 0 {
		return store.LineInput{}, usagef("invalid quantity %q in --line %q; write a whole number of units, 0 or more", parts[1], text)
	}
	line := store.LineInput{SKU: parts[0], Ordered: qty, UnitCost: -1}
	if len(parts) == 3 {
		cost, err := store.ParseMoney(parts[2], currency)
		if err != nil {
			return store.LineInput{}, usagef("invalid unit cost in --line %q: %s", text, err)
		}
		line.UnitCost = cost
	}
	return line, nil
}

func poCreate(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("po create", "poboard po create --supplier NAME [--line SKU:QTY[:UNIT_COST] ...] [--expected YYYY-MM-DD] [--currency CODE]", stdout, stderr)
	supplier := flags.String("supplier", "", "supplier `NAME`")
	expected := flags.String("expected", "", "expected delivery `DATE` as YYYY-MM-DD")
	currency := flags.String("currency", store.DefaultCurrency, "ISO 4217 currency `CODE` of the unit costs")
	notes := flags.String("notes", "", "free-text notes, kept local and never pushed")
	var lines lineFlags
	flags.Var(&lines, "line", "a line as `SKU:QTY[:UNIT_COST]`; repeat for more lines")
	positional, err := parseFlags(flags, args, stdout)
	if err != nil {
		return err
	}
	if len(positional) > 0 {
		return usagef("po create takes no arguments, got %q; use --line SKU:QTY, and quote values with spaces (over SSH, quote the whole command: ssh HOST 'po create --supplier \"Acme Textiles\" ...')", positional[0])
	}
	if strings.TrimSpace(*supplier) == "" {
		return usagef("missing --supplier NAME")
	}

	input := store.NewPO{Supplier: *supplier, Currency: strings.ToUpper(*currency), ExpectedDate: *expected, Notes: *notes}
	for _, text := range lines {
		line, err := parseLine(text, input.Currency)
		if err != nil {
			return err
		}
		line.UnitCost = max(line.UnitCost, 0)
		input.Lines = append(input.Lines, line)
	}
	po, err := app.Store.CreatePO(app.Actor, input)
	if err != nil {
		return err
	}
	app.Logger.Info("PO created", "po", po.Number, "actor", app.Actor.Name)
	fmt.Fprintln(stdout, po.Number)
	return nil
}

func poEdit(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("po edit", "poboard po edit NUMBER [--supplier NAME] [--expected YYYY-MM-DD] [--line SKU:QTY[:UNIT_COST] ...] [--remove-line SKU]", stdout, stderr)
	supplier := flags.String("supplier", "", "new supplier `NAME`")
	expected := flags.String("expected", "", "new expected `DATE` as YYYY-MM-DD; \"none\" clears it")
	currency := flags.String("currency", "", "new currency `CODE`")
	notes := flags.String("notes", "", "replace the notes (allowed on locked POs)")
	var lines lineFlags
	var removals stringsFlag
	flags.Var(&lines, "line", "add or change a line, `SKU:QTY[:UNIT_COST]`; repeat for more")
	flags.Var(&removals, "remove-line", "remove the line with this `SKU`; repeat for more")
	number, err := parseOne(flags, args, stdout, "PO number")
	if err != nil {
		return err
	}
	current, err := app.Store.GetPO(number)
	if err != nil {
		return err
	}

	set := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var edit store.Edit
	if set["supplier"] {
		edit.Supplier = supplier
	}
	if set["expected"] {
		if *expected == "none" {
			*expected = ""
		}
		edit.ExpectedDate = expected
	}
	if set["currency"] {
		edit.Currency = currency
	}
	if set["notes"] {
		edit.Notes = notes
	}
	lineCurrency := current.Currency
	if set["currency"] {
		lineCurrency = strings.ToUpper(*currency)
	}
	for _, text := range lines {
		line, err := parseLine(text, lineCurrency)
		if err != nil {
			return err
		}
		edit.Lines = append(edit.Lines, line)
	}
	edit.RemoveSKUs = removals
	if len(set) == 0 {
		return usagef("nothing to change; give --supplier, --expected, --currency, --notes, --line or --remove-line")
	}

	po, err := app.Store.EditPO(app.Actor, current.Number, current.Version, edit)
	if err != nil {
		return err
	}
	app.Logger.Info("PO edited", "po", po.Number, "actor", app.Actor.Name)
	fmt.Fprintf(stdout, "%s updated (version %d)\n", po.Number, po.Version)
	return nil
}

func poStatus(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("po status", "poboard po status NUMBER STATUS", stdout, stderr)
	positional, err := parseFlags(flags, args, stdout)
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		return usagef("expected a PO number and a status, for example: poboard po status PO-000001 approved")
	}
	target, err := store.ParseStatus(positional[1])
	if err != nil {
		return usagef("%s", err)
	}
	po, err := app.Store.SetStatus(app.Actor, positional[0], 0, target)
	if err != nil {
		return err
	}
	app.Logger.Info("PO status changed", "po", po.Number, "status", po.Status, "actor", app.Actor.Name)
	fmt.Fprintf(stdout, "%s is now %s\n", po.Number, po.Status.Label())
	if po.Status == store.StatusOrdered {
		for _, line := range po.Lines {
			if line.UnitCost == 0 && line.Ordered > 0 {
				fmt.Fprintf(stderr, "note: line %s of %s has unit cost 0.00; set it with `poboard po edit %s --line %s:%d:COST` before you push\n", line.SKU, po.Number, po.Number, line.SKU, line.Ordered)
			}
		}
	}
	return nil
}

func poPush(ctx context.Context, app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("po push", "poboard po push NUMBER [--wait]", stdout, stderr)
	wait := flags.Bool("wait", false, "push now in this process and exit once the WMS has accepted or rejected the PO")
	number, err := parseOne(flags, args, stdout, "PO number")
	if err != nil {
		return err
	}

	po, err := app.Store.GetPO(number)
	if err != nil {
		return err
	}
	label := app.Engine.Info().Label
	if !(*wait && po.PushPending()) {
		if po, err = app.Engine.RequestPush(app.Actor, po.Number, 0); err != nil {
			return err
		}
	}
	if !*wait {
		fmt.Fprintf(stdout, "%s queued for push to %s; the open board, `poboard serve` or `poboard sync` sends it\n", po.Number, label)
		return nil
	}

	if err := app.Engine.PushNow(ctx, po.Number); err != nil {
		return err
	}
	po, err = app.Store.GetPO(po.Number)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s accepted by %s as %s\n", po.Number, label, po.WMS.RemoteID)
	return nil
}

func poReceive(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("po receive", "poboard po receive NUMBER SKU:QTY[:REJECTED] ...", stdout, stderr)
	positional, err := parseFlags(flags, args, stdout)
	if err != nil {
		return err
	}
	if len(positional) < 2 {
		return usagef("expected a PO number and at least one SKU:QTY, for example: poboard po receive PO-000001 TEE-BLK-M:40")
	}
	var lines []store.ReceiptLine
	for _, text := range positional[1:] {
		parts := strings.Split(text, ":")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" {
			return usagef("invalid receipt %q; write it as SKU:QTY or SKU:QTY:REJECTED", text)
		}
		line := store.ReceiptLine{SKU: parts[0]}
		if line.Qty, err = strconv.Atoi(parts[1]); err != nil || line.Qty < 0 {
			return usagef("invalid quantity %q in %q; write a whole number of units, 0 or more", parts[1], text)
		}
		if len(parts) == 3 {
			if line.Rejected, err = strconv.Atoi(parts[2]); err != nil || line.Rejected < 0 {
				return usagef("invalid rejected quantity %q in %q; write a whole number of units, 0 or more", parts[2], text)
			}
		}
		lines = append(lines, line)
	}
	po, err := app.Store.RecordReceipt(app.Actor, positional[0], 0, lines)
	if err != nil {
		return err
	}
	app.Logger.Info("manual receipt recorded", "po", po.Number, "actor", app.Actor.Name)
	fmt.Fprintf(stdout, "%s is %s: %d/%d received\n", po.Number, po.Status.Label(), po.TotalReceived(), po.TotalOrdered())
	return nil
}

func runSync(ctx context.Context, app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("sync", "poboard sync [--once] [--import-existing]", stdout, stderr)
	once := flags.Bool("once", false, "run one round of pushes and receipt polling, then exit")
	importExisting := flags.Bool("import-existing", false, "first import the WMS's recent POs as Approved")
	positional, err := parseFlags(flags, args, stdout)
	if err != nil {
		return err
	}
	if len(positional) > 0 {
		return usagef("sync takes no arguments, got %q", positional[0])
	}
	engine := app.Engine
	label := engine.Info().Label

	if *once {
		if err := engine.SyncOnce(ctx, *importExisting); err != nil {
			return err
		}
		status := engine.Status()
		fmt.Fprintf(stdout, "synced with %s; %d pushes still queued\n", label, len(status.InFlight))
		return nil
	}
	if *importExisting {
		created, err := engine.ImportExisting(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported %d POs from %s as Approved\n", created, label)
	}
	fmt.Fprintf(stdout, "syncing with %s; log in %s; press ctrl+c to stop\n", label, app.LogPath)
	return engine.Run(ctx)
}

func runBackup(app *App, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("backup", "poboard backup FILE   (FILE - writes the copy to stdout)", stdout, stderr)
	path, err := parseOne(flags, args, stdout, "backup file")
	if err != nil {
		return err
	}
	if path == "-" {
		return app.Store.BackupTo(stdout)
	}
	if app.Remote {
		return usagef("over SSH the backup is written on your side: ssh -p PORT HOST backup - > %s", path)
	}
	if fileExists(path) {
		return fmt.Errorf("backup file %s already exists; choose a new name or delete it first", path)
	}
	if err := app.Store.Backup(path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database copied to %s\n", path)
	return nil
}
