// Package app is factdesk's composition root: it builds every long-lived
// part (store, engine, services, workers, HTTP handlers) from a Config. The
// factdesk command and the end-to-end tests wire the desk the same way
// through here, so a test exercises exactly what production runs.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/handlers"
	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/live"
	"github.com/factdesk/factdesk/migrations"
	"github.com/factdesk/factdesk/publish"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/webhooks"
	"github.com/factdesk/factdesk/workflow"
)

// Config is everything the desk is configured with. Load reads it from the
// environment; tests build it directly.
type Config struct {
	DatabaseURL   string
	Addr          string
	AdminEmail    string
	AdminPassword string
	// DBMaxConns caps each of the process's two database pools (the store
	// and the job client's); zero keeps their defaults. Tests run many desks
	// at once against one server and keep it small.
	DBMaxConns int
	// TrustForwardedProto believes X-Forwarded-Proto and X-Forwarded-For
	// from a reverse proxy: dashboard cookies become Secure behind TLS
	// termination and sign-in limits count the real client address.
	TrustForwardedProto bool

	// Source checks (sources/). FetchAllowCIDRs are internal ranges source
	// fetching may reach (empty: public addresses only); FetchTimeout
	// bounds one fetch; SourceRecheckInterval is how often evidence of
	// confirmed claims is fetched again. SourcePollInterval, when set and
	// shorter, lowers the job client's poll interval (Jobs.FetchPollInterval).
	FetchAllowCIDRs       []netip.Prefix
	FetchTimeout          time.Duration
	SourceRecheckInterval time.Duration
	SourcePollInterval    time.Duration
	// Publishing (publish/). PublicURL is the absolute base of public
	// pages (zero: http://Addr); the publisher is the ClaimReview author.
	PublicURL     string
	PublisherName string
	PublisherURL  string
	// Webhooks configures event delivery (webhooks/), including the key
	// that encrypts endpoint secrets (FACTDESK_SECRET_KEY).
	Webhooks webhooks.Config
	// Jobs tunes the job client (jobs/) that works the webhooks and
	// sources queues. New fills in DatabaseURL and Log; MaxConns defaults
	// to DBMaxConns.
	Jobs jobs.Config
}

// App is a wired desk.
type App struct {
	Config Config
	Store  *store.Store
	Engine *workflow.Engine
	Auth   *auth.Service
	// Sources checks cited pages; Site renders public fact checks.
	Sources *sources.Service
	Site    *publish.Site
	Live    *live.Hub
	Log     *slog.Logger
	// Webhooks manages endpoints and delivers events to them.
	Webhooks *webhooks.Service
	// Jobs is the process's one River client, working every queue.
	Jobs *jobs.Client

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
	created, err := store.EnsureDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxConns: cfg.DBMaxConns, Log: log})
	if err != nil {
		return nil, err
	}
	res, err := migrations.Up(ctx, st.SQL())
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("cannot migrate the database: %w", err)
	}
	logDatabase(log, cfg.DatabaseURL, created, res)
	a, err := New(ctx, cfg, st, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// logDatabase says at start-up which database the desk uses (without its
// password), whether it was created or migrated, and the schema version.
func logDatabase(log *slog.Logger, dsn string, created bool, res migrations.Result) {
	msg := "database is up to date"
	switch {
	case created:
		msg = "created the database and migrated it"
	case res.Applied > 0:
		msg = "migrated the database"
	}
	log.Info(msg, "database", store.Redact(dsn), "migrations_applied", res.Applied, "schema_version", res.Version)
}

// New wires the desk over an open, migrated store.
func New(ctx context.Context, cfg Config, st *store.Store, log *slog.Logger) (*App, error) {
	a := &App{Config: cfg, Store: st, Log: log}
	a.Engine = workflow.NewEngine(st)
	if v, err := a.Engine.UseActiveModel(ctx); err != nil {
		return nil, err
	} else if v != "" {
		log.Info("check-worthiness model", "version", v)
	}
	a.Auth = auth.NewService(st)
	// One job client works every queue; the packages below register their
	// workers and periodic jobs on it, and it starts after all of them.
	jcfg := cfg.Jobs
	jcfg.DatabaseURL, jcfg.Log = cfg.DatabaseURL, log
	if jcfg.MaxConns == 0 {
		jcfg.MaxConns = cfg.DBMaxConns
	}
	if cfg.SourcePollInterval > 0 {
		jcfg.FetchPollInterval = min(cmp.Or(jcfg.FetchPollInterval, jobs.DefaultFetchPollInterval), cfg.SourcePollInterval)
	}
	var err error
	if a.Jobs, err = jobs.New(jcfg); err != nil {
		return nil, err
	}
	// Source checks: the evidence hook rates the source and queues its
	// check in the transaction adding it; the "sources" queue works the
	// checks, and a periodic job queues the rechecks. Check results are
	// recorded through the engine, so an alert fires the same hooks as any
	// change. Publishing: the confirm hook writes the public record and any
	// correction in the
	// confirm transaction.
	a.Sources = sources.NewService(st, sources.Config{
		Client:          sources.NewClient(cfg.FetchAllowCIDRs, cfg.FetchTimeout),
		RecheckInterval: cfg.SourceRecheckInterval, Recorder: a.Engine, Log: log,
	})
	if err := a.Sources.Register(a.Jobs, 0); err != nil {
		return nil, err
	}
	a.Engine.OnChange(a.Sources.Hook)
	publicURL := cfg.PublicURL
	if publicURL == "" {
		publicURL = "http://" + cfg.Addr
	}
	a.Site = publish.NewSite(st, publish.Config{PublicURL: publicURL, PublisherName: cfg.PublisherName, PublisherURL: cfg.PublisherURL})
	a.Engine.OnChange(a.Site.Hook)
	// Webhooks: every claim change emits its events, with their delivery
	// jobs, in the change's own transaction; the "webhooks" queue delivers
	// them in every process.
	a.Webhooks, err = webhooks.New(ctx, webhooks.Deps{Store: st, Jobs: a.Jobs, Config: cfg.Webhooks, Log: log})
	if err != nil {
		return nil, fmt.Errorf("cannot set up webhooks: %w", err)
	}
	a.Engine.OnChange(func(ctx context.Context, tx *store.Tx, ch workflow.Change) error {
		return events.ClaimChanged(ctx, tx, ch.Claim, ch.Entry, ch.Evidence)
	})
	a.OnStart(a.Jobs.Start, a.Jobs.Stop)
	// The dashboard: one LISTEN connection per process feeds live updates,
	// notified from inside every change's transaction; deactivating a user
	// (or changing their password) ends their dashboard sessions.
	a.Live = live.NewHub(cfg.DatabaseURL, log)
	a.Engine.OnChange(live.Notify)
	a.OnStart(a.Live.Start, a.Live.Stop)
	a.Auth.OnDeactivate = append(a.Auth.OnDeactivate, func(ctx context.Context, tx *store.Tx, userID int64) error {
		return tx.DeleteUserSessions(ctx, userID)
	})
	gin.SetMode(gin.ReleaseMode)
	if a.handler, err = handlers.NewRouter(handlers.Deps{Store: st, Engine: a.Engine, Auth: a.Auth, Log: log, Sources: a.Sources,
		Site: a.Site, Webhooks: a.Webhooks, Hub: a.Live, TrustForwardedProto: cfg.TrustForwardedProto}); err != nil {
		return nil, fmt.Errorf("cannot load the dashboard: %w", err)
	}
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
