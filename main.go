// Command poboard is a keyboard-driven purchase-order board. Buyers raise
// POs, push them to their WMS or 3PL, and watch receipts arrive. Warehouse
// leads follow receiving over SSH. README.md lists the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/adrg/xdg"
	"github.com/charmbracelet/log"

	"poboard/store"
	"poboard/wms"
	_ "poboard/wms/extensiv"
	_ "poboard/wms/simulator"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// App is the state every subcommand works with: the open store, the
// configuration, the sync engine and who is acting.
type App struct {
	Store   *store.Store
	Config  Config
	Engine  *wms.Engine
	Actor   store.Actor
	Logger  *log.Logger
	logFile io.Closer
	// Stdin is the command's standard input, read by `import ... -`.
	Stdin io.Reader
	// Remote is true for commands run over SSH by `poboard serve`: their
	// files are on the client's side, so they may only stream to stdout.
	Remote bool
	// Paths of the files in use, for messages.
	DBPath     string
	ConfigPath string
	LogPath    string
}

// globalFlags are the flags before the subcommand.
type globalFlags struct {
	db     string
	config string
	log    string
}

// usageError marks a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const mainUsage = `poboard — purchase-order board for e-commerce buyers and warehouse leads

Usage:
  poboard [--db FILE] [--config FILE] [--log FILE]      open the board
  poboard serve [--listen ADDR]                         serve the board over SSH
  poboard po list|show|create|edit|status|push|receive  manage POs from scripts
  poboard sync [--once] [--import-existing]             sync with the WMS
  poboard import orders|products|inventory FILE...      import Shopify exports
  poboard import map NAME SKU                           count lines named NAME as SKU
  poboard forecast [--json] [--supplier NAME]           restock suggestions
  poboard backup FILE | -                               consistent copy of the database
                                                        (while serve runs: ssh -p PORT HOST backup - > FILE)
  poboard version                                       print the version

Run "poboard COMMAND --help" for a command's options.

Global options:
`

// run is main without the process exit, so tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var global globalFlags
	flags := flag.NewFlagSet("poboard", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&global.db, "db", "", "database `FILE` (default $XDG_DATA_HOME/poboard/poboard.db)")
	flags.StringVar(&global.config, "config", "", "configuration `FILE` in TOML (default $XDG_CONFIG_HOME/poboard/config.toml)")
	flags.StringVar(&global.log, "log", "", "log `FILE` (default $XDG_STATE_HOME/poboard/poboard.log)")
	usage := func(out io.Writer) {
		fmt.Fprint(out, mainUsage)
		flags.SetOutput(out)
		flags.PrintDefaults()
	}
	flags.Usage = func() {}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		usage(stderr)
		return 2
	}
	rest := flags.Args()

	if len(rest) > 0 {
		switch rest[0] {
		case "version", "--version":
			fmt.Fprintf(stdout, "poboard %s\n", version)
			return 0
		case "help":
			usage(stdout)
			return 0
		}
	}

	// Help needs no database, so it works while another process holds it.
	if len(rest) > 0 && asksForHelp(rest) {
		app := &App{Actor: localActor(), Config: defaultConfig(), Logger: log.New(io.Discard)}
		if rest[0] == "serve" {
			return runServe(ctx, app, rest[1:], stdout, stderr)
		}
		return runCommand(ctx, app, rest, stdin, stdout, stderr)
	}

	app, err := openApp(global, readOnlyCommand(rest))
	if err != nil {
		var locked *store.LockedDBError
		if errors.As(err, &locked) && rest[0] == "backup" && locked.ServeAddr != "" {
			host, port := locked.Connect()
			err = fmt.Errorf("%w; for a backup while it runs: ssh -p %s %s backup - > FILE", err, port, host)
		}
		return fail(stderr, err)
	}
	defer app.close()

	if len(rest) == 0 {
		return report(stderr, app, runBoard(ctx, app))
	}
	switch rest[0] {
	case "serve":
		return runServe(ctx, app, rest[1:], stdout, stderr)
	default:
		return runCommand(ctx, app, rest, stdin, stdout, stderr)
	}
}

// runCommand runs one scripting subcommand (po, sync, import, forecast,
// backup) against an open app. `poboard serve` calls it for SSH sessions
// without a PTY, with the caller's role in app.Actor.
func runCommand(ctx context.Context, app *App, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return fail(stderr, usagef("missing command; run `poboard --help`"))
	}
	app.Stdin = stdin
	var err error
	switch args[0] {
	case "po":
		err = runPO(ctx, app, args[1:], stdout, stderr)
	case "sync":
		err = runSync(ctx, app, args[1:], stdout, stderr)
	case "backup":
		err = runBackup(app, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "poboard %s\n", version)
	default:
		if command, ok := extraCommands[args[0]]; ok {
			return command(ctx, app, args[1:], stdout, stderr)
		}
		err = usagef("unknown command %q; run `poboard --help` for the list", args[0])
	}
	return report(stderr, app, err)
}

// extraCommands holds subcommands that register themselves from their own
// files (import, forecast), with their own exit codes.
var extraCommands = map[string]func(ctx context.Context, app *App, args []string, stdout, stderr io.Writer) int{}

// report prints err as `poboard: MESSAGE` and returns the exit status:
// 0 without error, 2 for usage errors, 1 otherwise.
func report(stderr io.Writer, app *App, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if app != nil && app.Logger != nil {
		app.Logger.Error("command failed", "err", err)
	}
	return fail(stderr, err)
}

func fail(stderr io.Writer, err error) int {
	var usage *usageError
	if errors.As(err, &usage) {
		fmt.Fprintf(stderr, "poboard: %s\n", err)
		return 2
	}
	if errors.Is(err, errFlagParse) {
		return 2
	}
	fmt.Fprintf(stderr, "poboard: %s\n", err)
	return 1
}

// errFlagParse marks a flag error that the flag package already printed.
var errFlagParse = errors.New("invalid flags")

// asksForHelp reports whether args hold -h, -help or --help before a
// lone "--" ends the flags.
func asksForHelp(args []string) bool {
	for _, arg := range args {
		switch arg {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// readOnlyCommand reports whether args name a command that only reads the
// database, so a missing database file is a mistake (a wrong --db), not a
// first start.
func readOnlyCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "backup":
		return true
	case "po":
		return len(args) > 1 && (args[1] == "list" || args[1] == "show")
	}
	return false
}

// openApp loads the configuration, sets up logging and opens the store and
// the sync engine. With mustExist, a missing database file is an error
// instead of a new empty database.
func openApp(global globalFlags, mustExist bool) (*App, error) {
	app := &App{Actor: localActor()}

	configPath, configRequired := global.config, global.config != ""
	if configPath == "" {
		var err error
		if configPath, err = xdg.ConfigFile("poboard/config.toml"); err != nil {
			return nil, fmt.Errorf("cannot create the config folder: %w", err)
		}
	}
	cfg, err := loadConfig(configPath, configRequired)
	if err != nil {
		return nil, err
	}
	app.Config, app.ConfigPath = cfg, configPath

	logPath := global.log
	if logPath == "" {
		logPath = cfg.Log.File
	}
	if logPath == "" {
		if logPath, err = xdg.StateFile("poboard/poboard.log"); err != nil {
			return nil, fmt.Errorf("cannot create the log folder: %w", err)
		}
	}
	logger, logFile, err := openLogger(logPath, cfg.Log.Level)
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", configPath, err)
	}
	app.Logger, app.logFile, app.LogPath = logger, logFile, logPath

	dbPath := global.db
	if dbPath == "" {
		if dbPath, err = xdg.DataFile("poboard/poboard.db"); err != nil {
			return nil, fmt.Errorf("cannot create the data folder: %w", err)
		}
	} else if dir := filepath.Dir(dbPath); !fileExists(dir) {
		return nil, fmt.Errorf("folder %s for database %s does not exist; create it first", dir, dbPath)
	}
	if mustExist && !fileExists(dbPath) {
		logFile.Close()
		return nil, fmt.Errorf("database %s does not exist; check --db, or create a PO first with `poboard po create`", dbPath)
	}
	st, err := store.Open(dbPath, store.Options{})
	if err != nil {
		logFile.Close()
		return nil, err
	}
	app.Store, app.DBPath = st, dbPath

	connector, err := wms.New(cfg.WMS.Connector, wms.Settings{
		Decode: cfg.connectorTable(cfg.WMS.Connector),
		Getenv: os.Getenv,
		Store:  st,
	})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("config file %s: %w", configPath, err)
	}
	app.Engine = wms.NewEngine(wms.EngineOptions{
		Store: st, Connector: connector, Logger: logger,
		PollInterval: cfg.WMS.PollInterval.Duration, ImportDays: cfg.WMS.ImportExistingDays,
		AutoImport: true,
	})
	logger.Debug("opened", "db", dbPath, "config", configPath, "connector", connector.Name())
	return app, nil
}

func (a *App) close() {
	if a.Store != nil {
		if err := a.Store.Close(); err != nil {
			a.Logger.Error("closing the database failed", "db", a.DBPath, "err", err)
		}
	}
	if a.logFile != nil {
		a.logFile.Close()
	}
}

// openLogger returns a charmbracelet logger writing to path, never to the
// terminal, which the board owns.
func openLogger(path, level string) (*log.Logger, io.Closer, error) {
	parsed, err := log.ParseLevel(strings.ToLower(level))
	if err != nil {
		return nil, nil, fmt.Errorf("invalid [log] level %q; use debug, info, warn or error", level)
	}
	file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot open log file %s: %w; set another with --log", path, err)
	}
	logger := log.NewWithOptions(file, log.Options{ReportTimestamp: true, Level: parsed})
	// Libraries that log through the default logger write to the file too.
	log.SetDefault(logger)
	return logger, file, nil
}

// forecastDefaults returns the [forecast] table as the store's defaults.
func (a *App) forecastDefaults() store.ForecastDefaults {
	return store.ForecastDefaults{
		LeadTimeDays: a.Config.Forecast.LeadTimeDays,
		CoverDays:    a.Config.Forecast.CoverDays,
		SafetyDays:   a.Config.Forecast.SafetyDays,
	}
}

// localActor names the person at this terminal from the OS account.
func localActor() store.Actor {
	name := os.Getenv("USER")
	if current, err := user.Current(); err == nil && current.Username != "" {
		name = current.Username
	}
	if name == "" {
		name = "buyer"
	}
	return store.Actor{Name: name, Role: store.RoleBuyer}
}
