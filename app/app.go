// Package app is factdesk's composition root: it builds every long-lived
// part (store, engine, services, workers, HTTP handlers) from a Config. The
// factdesk command and the end-to-end tests wire the desk the same way
// through here, so a test exercises exactly what production runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/handlers"
	"github.com/factdesk/factdesk/migrations"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// Config is everything the desk is configured with. Load reads it from the
// environment; tests build it directly.
type Config struct {
	DatabaseURL   string
	Addr          string
	AdminEmail    string
	AdminPassword string
}

// App is a wired desk.
type App struct {
	Config Config
	Store  *store.Store
	Engine *workflow.Engine
	Auth   *auth.Service
	Server *handlers.Server
	Log    *slog.Logger

	handler http.Handler
	// starters run background workers; stoppers end them, in reverse order.
	starters []func(ctx context.Context) error
	stoppers []func(ctx context.Context) error
}

// Open creates the database when missing, connects, applies migrations, and
// wires the desk. Close releases it.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if log == nil {
		log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if err := store.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{})
	if err != nil {
		return nil, err
	}
	if _, err := migrations.Up(ctx, st.SQL()); err != nil {
		st.Close()
		return nil, fmt.Errorf("cannot migrate the database: %w", err)
	}
	a, err := New(ctx, cfg, st, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// New wires the desk over an open, migrated store.
func New(ctx context.Context, cfg Config, st *store.Store, log *slog.Logger) (*App, error) {
	a := &App{Config: cfg, Store: st, Log: log}
	a.Engine = workflow.NewEngine(st)
	a.Auth = auth.NewService(st)
	a.Server = handlers.NewServer(handlers.Deps{Store: st, Engine: a.Engine, Auth: a.Auth, Log: log})
	gin.SetMode(gin.ReleaseMode)
	a.handler = a.Server.Router()
	return a, nil
}

// OnStart registers a background worker: start runs in Start, stop in Stop
// (in reverse order of registration). Wiring in New calls it.
func (a *App) OnStart(start, stop func(ctx context.Context) error) {
	a.starters = append(a.starters, start)
	a.stoppers = append(a.stoppers, stop)
}

// Handler is the HTTP handler serving the API and the dashboard.
func (a *App) Handler() http.Handler { return a.handler }

// Start runs the background workers until Stop.
func (a *App) Start(ctx context.Context) error {
	for _, start := range a.starters {
		if err := start(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Stop ends the background workers, letting in-flight work finish until ctx
// is done.
func (a *App) Stop(ctx context.Context) error {
	var errs []error
	for i := len(a.stoppers) - 1; i >= 0; i-- {
		errs = append(errs, a.stoppers[i](ctx))
	}
	return errors.Join(errs...)
}

// Close stops nothing; it releases the database pool after Stop.
func (a *App) Close() error { return a.Store.Close() }
