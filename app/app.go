// Package app is factdesk's composition root: it builds every long-lived
// part (store, engine, services, workers, HTTP handlers) from a Config. The
// factdesk command and the end-to-end tests wire the desk the same way
// through here, so a test exercises exactly what production runs.
package app

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/handlers"
	"github.com/factdesk/factdesk/handlers/public"
	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/learn"
	"github.com/factdesk/factdesk/live"
	"github.com/factdesk/factdesk/metrics"
	"github.com/factdesk/factdesk/migrations"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/publish"
	"github.com/factdesk/factdesk/retention"
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
	// DBTracer, when set, sees every statement of the store's pool (not
	// the job queue's); the write benchmark counts statements with it.
	DBTracer pgx.QueryTracer
	// TokenCacheTTL is how long an API token's user is trusted without
	// asking the database (zero: auth.DefaultTokenCacheTTL, negative: no
	// cache); changes reach every process sooner through LISTEN/NOTIFY.
	TokenCacheTTL time.Duration
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
	// Captures (archive/). TSAURLs are the RFC 3161 timestamp authorities
	// each capture's digest is sent to (empty: captures are marked
	// untimestamped); TSARoots, when set, must anchor their tokens.
	// CaptureDir keeps the WARC bytes as files there instead of in the
	// database. Authorities are reached through safehttp with
	// FetchAllowCIDRs.
	TSAURLs    []string
	TSARoots   *x509.CertPool
	CaptureDir string
	// Publishing (publish/). PublicURL is the absolute base of public
	// pages (zero: http://Addr); the publisher is the ClaimReview author.
	PublicURL     string
	PublisherName string
	PublisherURL  string
	// Webhooks configures event delivery (webhooks/), including the key
	// that encrypts endpoint secrets (FACTDESK_SECRET_KEY).
	Webhooks webhooks.Config
	// PublicCache tunes the in-memory cache of public pages and feeds
	// (handlers/public): its size, the fallback TTL, Cache-Control.
	PublicCache public.CacheConfig
	// Operations (ops.go): metrics, CORS and retention.
	Ops OpsConfig
	// Audit says where the checkpoint signing key lives (outside the
	// database) and what the desk's log is called (docs/audit.md).
	Audit audit.Config
	// Notify configures notifications and their email (app/notify.go).
	Notify NotifyConfig
	// Learn sets the retraining of the check-worthiness model on the
	// desk's decisions and the recount of claim lexemes (learn/).
	Learn learn.Config
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
	// PublicCache serves public pages and feeds from memory; every
	// process empties it on store.PublicChannel.
	PublicCache *public.Cache
	// Webhooks manages endpoints and delivers events to them.
	Webhooks *webhooks.Service
	// Jobs is the process's one River client, working every queue.
	Jobs *jobs.Client
	// Metrics is the process's Prometheus registry.
	Metrics *metrics.Metrics
	// Pruner removes rows past their retention, in a periodic job.
	Pruner *retention.Pruner
	// Audit seals the history into the desk's log and signs checkpoints.
	Audit *audit.Service
	// Notifier writes notifications in each change's transaction; Notify
	// mails them (nil without SMTP); UnsubscribeKey signs email links.
	Notifier       *notify.Notifier
	Notify         *notify.Service
	UnsubscribeKey []byte

	handler     http.Handler
	router      *gin.Engine
	metricsAddr string
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
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxConns: cfg.DBMaxConns, Log: log, Tracer: cfg.DBTracer})
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
	a := &App{Config: cfg, Store: st, Log: log, Metrics: metrics.New()}
	a.Engine = workflow.NewEngine(st)
	if v, err := a.Engine.UseActiveModel(ctx); err != nil {
		return nil, err
	} else if v != "" {
		log.Info("check-worthiness model", "version", v)
	}
	a.Auth = auth.NewService(st)
	if cfg.TokenCacheTTL != 0 {
		a.Auth.CacheTokens(max(cfg.TokenCacheTTL, 0))
	}
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
		RecheckInterval: cfg.SourceRecheckInterval, Recorder: a.Engine, Log: log, Metrics: a.Metrics,
		FetchTimeout: cfg.FetchTimeout, Stamper: sources.NewStamper(cfg.TSAURLs, cfg.TSARoots, cfg.FetchAllowCIDRs),
		CaptureDir: cfg.CaptureDir,
	})
	if err := a.Sources.Register(a.Jobs, 0); err != nil {
		return nil, err
	}
	a.Engine.OnChange(a.Sources.Hook)
	publicURL := cfg.PublicURL
	if publicURL == "" {
		publicURL = "http://" + cfg.Addr
	}
	a.Site = publish.NewSite(st, publish.Config{PublicURL: publicURL, PublisherName: cfg.PublisherName, PublisherURL: cfg.PublisherURL,
		Captures: a.Sources})
	a.Engine.OnChange(a.Site.Hook)
	cfg.Webhooks.DashboardURL = cmp.Or(cfg.Webhooks.DashboardURL, publicURL)
	// Webhooks: every claim change emits its events, with their delivery
	// jobs, in the change's own transaction; the "webhooks" queue delivers
	// them in every process.
	a.Webhooks, err = webhooks.New(ctx, webhooks.Deps{Store: st, Jobs: a.Jobs, Config: cfg.Webhooks, Log: log, Metrics: a.Metrics})
	if err != nil {
		return nil, fmt.Errorf("cannot set up webhooks: %w", err)
	}
	a.Engine.OnEvents(workflow.EventWriter{
		Rows: func(ctx context.Context, tx *store.Tx, ch workflow.Change) ([]store.EventRow, error) {
			return events.ClaimEvents(ctx, tx, ch.Claim, ch.Entry, ch.Evidence, ch.Actor)
		},
		Queue: events.QueueDeliveries,
		Emit: func(ctx context.Context, tx *store.Tx, ch workflow.Change) error {
			return events.ClaimChanged(ctx, tx, ch.Claim, ch.Entry, ch.Evidence, ch.Actor)
		},
	})
	if err := a.wireOps(); err != nil {
		return nil, err
	}
	// The tamper-evident history: changes hash their entries; the seal
	// step puts committed entries in the desk-wide log. It runs here on
	// start (entries of older binaries, rows by hand), and before every
	// checkpoint, which the "audit" queue signs every period and after
	// every publication (a job inserted in its transaction, so it runs
	// once the publication committed).
	if a.Audit, err = audit.Open(st, cfg.Audit); err != nil {
		return nil, fmt.Errorf("cannot set up the audit log: %w", err)
	}
	if _, err := a.Audit.Seal(ctx); err != nil {
		return nil, fmt.Errorf("cannot seal the history: %w", err)
	}
	if err := a.Audit.Register(a.Jobs, cfg.Audit.CheckpointInterval); err != nil {
		return nil, err
	}
	a.Engine.OnChange(audit.PublicationHook(audit.InsertTx))
	a.OnStart(a.Jobs.Start, a.Jobs.Stop)
	// The dashboard: one LISTEN connection per process feeds live updates,
	// notified once every change's transaction committed; deactivating a user
	// (or changing their password) ends their dashboard sessions.
	a.Live = live.NewHub(cfg.DatabaseURL, log)
	a.Engine.OnChange(live.Notify)
	a.Engine.OnSeen(live.Seen)
	// Public pages are served from memory; whatever changes them
	// announces it on store.PublicChannel in its transaction, and every
	// process's cache empties on hearing it (or on the listener's
	// reconnection, when announcements may have been missed).
	a.PublicCache = public.NewCache(cfg.PublicCache)
	a.PublicCache.Observe = a.Metrics.ObserveHTTP
	a.Live.ListenFunc(store.PublicChannel, func(string) { a.PublicCache.Flush() })
	st.OnPublicChange(a.PublicCache.Flush)
	// API tokens are cached for a second; a change to a user or their
	// tokens, in any process, empties this process's entries for them.
	a.Live.ListenFunc(auth.TokensChannel, a.Auth.TokensChanged)
	a.OnStart(a.Live.Start, a.Live.Stop)
	// Notifications: written by their hook in the change's transaction,
	// mailed by the notify queue, announced to the badge over the hub.
	if err := a.wireNotify(ctx, publicURL); err != nil {
		return nil, err
	}
	a.Auth.OnDeactivate = append(a.Auth.OnDeactivate, func(ctx context.Context, tx *store.Tx, userID int64) error {
		return tx.DeleteUserSessions(ctx, userID)
	})
	gin.SetMode(gin.ReleaseMode)
	if a.router, err = handlers.NewRouter(handlers.Deps{Store: st, Engine: a.Engine, Auth: a.Auth, Log: log, Sources: a.Sources,
		Site: a.Site, Audit: a.Audit, Webhooks: a.Webhooks, Hub: a.Live, PublicCache: a.PublicCache, TrustForwardedProto: cfg.TrustForwardedProto,
		Jobs: a.Jobs, Metrics: a.Metrics, MetricsToken: a.mainMetricsToken(), CORSOrigins: cfg.Ops.CORSOrigins,
		UnsubscribeKey: a.UnsubscribeKey, MailEnabled: a.Notify != nil}); err != nil {
		return nil, fmt.Errorf("cannot load the dashboard: %w", err)
	}
	a.handler = a.PublicCache.Serve(handlers.AnswerHead(a.router))
	return a, nil
}

// OnStart registers a background worker: start runs in Start, stop in Stop
// (in reverse order of registration). Wiring in New calls it.
func (a *App) OnStart(start, stop func(ctx context.Context) error) {
	a.starters = append(a.starters, start)
	a.stoppers = append(a.stoppers, stop)
}

// Routes lists every route the handler serves (HEAD aside, which every
// GET route answers), for tests that walk the route tables.
func (a *App) Routes() gin.RoutesInfo { return a.router.Routes() }

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
