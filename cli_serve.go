package main

import (
	"context"
	"errors"
	"io"
)

// runServe serves the board over SSH.
// TODO: replaced by the SSH server wiring.
func runServe(ctx context.Context, app *App, args []string, stdout, stderr io.Writer) int {
	return report(stderr, app, errors.New("serve is not available in this build yet"))
}
