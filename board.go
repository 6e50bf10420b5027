package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"poboard/ui"
)

// runBoard opens the terminal board on the local terminal and runs the
// sync engine beside it until the board quits.
func runBoard(ctx context.Context, app *App) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		app.Engine.Run(ctx)
	}()
	app.Logger.Info("board opened", "db", app.DBPath, "actor", app.Actor.Name, "connector", app.Engine.Info().Name)

	model := ui.New(ui.Deps{
		Store: app.Store, Engine: app.Engine, Actor: app.Actor,
		Renderer: lipgloss.DefaultRenderer(), Logger: app.Logger.With("actor", app.Actor.Name), Context: ctx,
		Forecast: app.forecastDefaults(),
	})
	program := tea.NewProgram(model, tea.WithAltScreen(), tea.WithContext(ctx))
	_, err := program.Run()

	// Stop the engine at a safe point before the database closes.
	cancel()
	wg.Wait()
	app.Logger.Info("board closed", "actor", app.Actor.Name)
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return fmt.Errorf("the board stopped: %w", err)
	}
	return nil
}
