package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/adrg/xdg"
	tea "github.com/charmbracelet/bubbletea"

	"poboard/store"
	"poboard/ui"
	"poboard/ui/sshserver"
)

// shutdownTimeout bounds how long serve waits for SSH sessions to end, and
// then for the sync engine to stop, after SIGINT or SIGTERM.
const shutdownTimeout = 5 * time.Second

const serveUsage = "poboard serve [--listen ADDR]"

// runServe serves the board over SSH until ctx is cancelled (SIGINT or
// SIGTERM), running the one sync engine that all sessions share.
func runServe(ctx context.Context, app *App, args []string, stdout, stderr io.Writer) int {
	flags := newFlagSet("serve", serveUsage, stdout, stderr)
	listen := flags.String("listen", "", "`ADDR` (host:port) to listen on; default [ssh] listen, which defaults to 127.0.0.1:23234")
	positional, err := parseFlags(flags, args, stdout)
	if err != nil {
		return report(stderr, app, err)
	}
	if len(positional) > 0 {
		return report(stderr, app, usagef("serve takes no arguments, got %q; usage: %s", positional[0], serveUsage))
	}
	addr := *listen
	if addr == "" {
		addr = app.Config.SSH.Listen
	}
	return report(stderr, app, serve(ctx, app, addr, stdout, stderr))
}

// serve runs the SSH server on addr until ctx ends, then shuts it down in
// order: sessions first, then the sync engine; run closes the database.
func serve(ctx context.Context, app *App, addr string, stdout, stderr io.Writer) error {
	files, err := sshFiles(app.Config.SSH)
	if err != nil {
		return err
	}
	srv, err := sshserver.New(sshserver.Config{
		HostKeyPath:   files.hostKey,
		BuyersKeys:    files.buyers,
		WarehouseKeys: files.warehouse,
		NewModel:      sessionBoard(app),
		RunCommand:    sessionCommand(app),
		Logger:        app.Logger,
	})
	if err != nil {
		return err
	}

	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w; choose another address with --listen or [ssh] listen", addr, err)
	}
	bound := listener.Addr().String()
	if err := app.Store.WriteServeMarker(bound); err != nil {
		app.Logger.Warn("writing the serve address beside the database failed; a second poboard will not name the port", "err", err)
	}
	defer app.Store.RemoveServeMarker()

	engineCtx, stopEngine := context.WithCancel(context.Background())
	defer stopEngine()
	engineDone := make(chan struct{})
	go func() {
		defer close(engineDone)
		if err := app.Engine.Run(engineCtx); err != nil {
			app.Logger.Error("sync engine failed", "err", err)
		}
	}()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(listener) }()

	if srv.HostKeyCreated {
		app.Logger.Info("created SSH host key", "path", files.hostKey, "fingerprint", srv.HostKeyFingerprint)
	}
	for _, missing := range srv.MissingKeyFiles {
		fmt.Fprintf(stderr, "poboard: %s does not exist yet; add people's public keys to it, one line from their ~/.ssh/id_ed25519.pub each\n", missing)
		app.Logger.Warn("authorized keys file missing", "path", missing)
	}
	host, port := connectHostPort(bound)
	fmt.Fprintf(stdout, "poboard serve: listening on %s; connect with: ssh -p %s %s\n", bound, port, host)

	var serveErr error
	select {
	case <-ctx.Done():
		app.Logger.Info("stop requested", "reason", context.Cause(ctx))
	case serveErr = <-served:
		app.Logger.Error("SSH server stopped", "err", serveErr)
	}

	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		app.Logger.Error("SSH shutdown incomplete", "err", err)
	}
	// Run returns once its workers finish the push or poll under way, and
	// each store write is one transaction, so none is left half done.
	stopEngine()
	select {
	case <-engineDone:
	case <-time.After(shutdownTimeout):
		app.Logger.Error("sync engine did not stop in time", "timeout", shutdownTimeout)
	}
	app.Logger.Info("serve stopped")

	if serveErr != nil {
		return fmt.Errorf("SSH server on %s stopped: %w", bound, serveErr)
	}
	return nil
}

// sshKeyFiles are the paths serve uses.
type sshKeyFiles struct {
	hostKey, buyers, warehouse string
}

// sshFiles returns the configured paths, or the XDG defaults.
func sshFiles(cfg SSHConfig) (sshKeyFiles, error) {
	files := sshKeyFiles{hostKey: cfg.HostKey, buyers: cfg.BuyersKeys, warehouse: cfg.WarehouseKeys}
	var err error
	if files.hostKey == "" {
		if files.hostKey, err = xdg.DataFile("poboard/ssh_host_ed25519"); err != nil {
			return files, fmt.Errorf("cannot create the data folder for the SSH host key: %w", err)
		}
	}
	if files.buyers == "" {
		if files.buyers, err = xdg.ConfigFile("poboard/buyers_keys"); err != nil {
			return files, fmt.Errorf("cannot create the config folder for buyers_keys: %w", err)
		}
	}
	if files.warehouse == "" {
		if files.warehouse, err = xdg.ConfigFile("poboard/warehouse_keys"); err != nil {
			return files, fmt.Errorf("cannot create the config folder for warehouse_keys: %w", err)
		}
	}
	return files, nil
}

// sessionBoard builds the board for each SSH session with a terminal.
func sessionBoard(app *App) sshserver.ModelFunc {
	return func(session sshserver.Session) (tea.Model, error) {
		return ui.New(ui.Deps{
			Store:    app.Store,
			Engine:   app.Engine,
			Actor:    session.Actor,
			Renderer: session.Renderer,
			Logger:   session.Logger,
			Context:  session.Context,
			Forecast: app.forecastDefaults(),
		}), nil
	}
}

// sessionCommand runs a command from an SSH session with the caller's
// actor, on a shallow copy of app so sessions never share an Actor.
func sessionCommand(app *App) sshserver.CommandFunc {
	return func(ctx context.Context, actor store.Actor, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
		session := *app
		session.Actor = actor
		session.Remote = true
		return runCommand(ctx, &session, args, stdin, stdout, stderr)
	}
}

// connectHostPort returns what to pass to `ssh -p PORT HOST` for a
// listening address: loopback and unspecified hosts become localhost.
func connectHostPort(addr string) (host, port string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, "22"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && (ip.IsLoopback() || ip.IsUnspecified())) {
		host = "localhost"
	}
	return host, port
}
