package main

import (
	"context"
	"errors"
)

// runBoard opens the terminal board on the local terminal.
func runBoard(ctx context.Context, app *App) error {
	return errors.New("the board is not available in this build yet")
}
