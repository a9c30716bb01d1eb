// Package jobs is factdesk's one job system: a single River client per
// process that works every queue, the registry the other packages add their
// workers and periodic jobs to, and the path that inserts jobs inside a
// change's GORM transaction.
//
// Packages never import each other to share the client. They register into
// it during wiring, before Start:
//
//	j, _ := jobs.New(jobs.Config{DatabaseURL: url})
//	river.AddWorker(j.Workers(), &myWorker{})
//	j.AddQueue("mine", 10)
//	j.AddPeriodic(river.NewPeriodicJob(...))
//	j.Start(ctx)
//
// Because the one client knows every job kind, it can lead River's
// maintenance (rescuing stuck jobs, running periodic jobs) for all queues
// without discarding jobs it would not recognise.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/factdesk/factdesk/store"
)

// Defaults for Config's zero fields.
const (
	DefaultMaxConns          = 24
	DefaultFetchCooldown     = 2 * time.Millisecond
	DefaultFetchPollInterval = 100 * time.Millisecond
	DefaultJobTimeout        = time.Minute
	DefaultStopGrace         = 1500 * time.Millisecond
	DefaultRescueInterval    = 2 * time.Second
)

// Config tunes the client. Zero fields take the defaults above.
type Config struct {
	// DatabaseURL opens the client's own pgx pool, used for LISTEN/NOTIFY,
	// fetching and completing jobs, and by workers that want a fast path
	// (Pool). It is separate from the store's pool, so a burst of jobs never
	// makes API requests wait for a connection.
	DatabaseURL string
	// MaxConns caps that pool: River holds one connection for LISTEN and
	// fetches and completes jobs in batches; the rest serve the workers.
	MaxConns int
	// FetchCooldown is the least time between two fetches of a queue;
	// FetchPollInterval is how often it polls when no LISTEN/NOTIFY wake-up
	// arrives (scheduled jobs and retries rely on the poll).
	FetchCooldown     time.Duration
	FetchPollInterval time.Duration
	// JobTimeout is the longest any registered worker runs a job (a worker
	// may set a shorter Timeout; AllowJobTimeout raises it). Jobs left
	// running after a crash are rescued a minute after it, not after
	// River's default hour.
	JobTimeout time.Duration
	// StopGrace is how long Stop lets jobs in flight finish before it
	// cancels them. Every job here is safe to run again (a cancelled
	// delivery attempt is not counted, a cancelled source check records
	// nothing), so a short grace keeps a deploy quick instead of waiting
	// for a slow news site or receiver.
	StopGrace time.Duration
	// RescueInterval is how often the client looks for jobs of the kinds
	// registered with RescueAfter that a killed process left running.
	RescueInterval time.Duration
	// Log receives River's messages; River's routine chatter is demoted
	// from info to debug.
	Log *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.FetchCooldown <= 0 {
		c.FetchCooldown = DefaultFetchCooldown
	}
	if c.FetchPollInterval <= 0 {
		c.FetchPollInterval = DefaultFetchPollInterval
	}
	c.FetchPollInterval = max(c.FetchPollInterval, c.FetchCooldown)
	if c.JobTimeout <= 0 {
		c.JobTimeout = DefaultJobTimeout
	}
	if c.StopGrace <= 0 {
		c.StopGrace = DefaultStopGrace
	}
	if c.RescueInterval <= 0 {
		c.RescueInterval = DefaultRescueInterval
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c
}

// Client is the process's River worker client and its registry.
type Client struct {
	cfg      Config
	workers  *river.Workers
	queues   map[string]river.QueueConfig
	periodic []*river.PeriodicJob
	rescue   map[string]time.Duration

	// mu guards the registry and the client's lifecycle. The pool is apart
	// from it: jobs still running while Stop holds mu use the pool.
	mu      sync.Mutex
	started bool
	river   *river.Client[pgx.Tx]
	pool    atomic.Pointer[pgxpool.Pool]
	// stopRescue ends the rescue loop; rescueDone closes when it has.
	stopRescue context.CancelFunc
	rescueDone chan struct{}
}

// New returns a client with an empty registry. It opens no connection
// until Start.
func New(cfg Config) (*Client, error) {
	if cfg.DatabaseURL == "" {
		return nil, errors.New("jobs: a database URL is required")
	}
	if _, err := pgxpool.ParseConfig(cfg.DatabaseURL); err != nil {
		return nil, fmt.Errorf("jobs: parse database URL: %w", err)
	}
	return &Client{cfg: cfg.withDefaults(), workers: river.NewWorkers(), queues: map[string]river.QueueConfig{}, rescue: map[string]time.Duration{}}, nil
}

// Workers is the bundle packages add their workers to (river.AddWorker)
// before Start.
func (c *Client) Workers() *river.Workers { return c.workers }

// AddQueue has this process work queue with up to maxWorkers jobs at once.
// Adding a queue twice keeps the larger limit.
func (c *Client) AddQueue(queue string, maxWorkers int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if q, ok := c.queues[queue]; !ok || q.MaxWorkers < maxWorkers {
		c.queues[queue] = river.QueueConfig{MaxWorkers: max(maxWorkers, 1)}
	}
}

// AllowJobTimeout declares that a registered worker may run a job for d:
// the client's JobTimeout, and with it the time after which a job left
// running is taken for stuck, grows to cover it.
func (c *Client) AllowJobTimeout(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cfg.JobTimeout = max(c.cfg.JobTimeout, d)
}

// RescueAfter has the client run a job of kind again at once (or discard
// it, when it has no attempts left) once it has been marked running for
// after, which must exceed the kind's timeout: such a job was left by a
// process that died. River's own rescuer does the same, but with one
// threshold above the longest job of any kind and only every 30 s; this
// one is per kind and looks every RescueInterval, from every process (the
// update is idempotent), so a short job is back within seconds of its
// threshold.
func (c *Client) RescueAfter(kind string, after time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rescue[kind] = after
}

// AddPeriodic registers a job River inserts on a schedule. Only the elected
// leader among all processes inserts it, so it runs once per period for
// the whole cluster, not once per process.
func (c *Client) AddPeriodic(job *river.PeriodicJob) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.periodic = append(c.periodic, job)
}

// Pool is the client's pgx pool, for workers whose hot path queries
// directly. It is nil before Start.
func (c *Client) Pool() *pgxpool.Pool { return c.pool.Load() }

// Start opens the pool and works the registered queues until Stop. The
// client stops only through Stop: the caller's context may be the one a
// signal cancels, and cancelling it would abandon jobs in flight instead of
// letting them finish.
func (c *Client) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		return errors.New("jobs: already started")
	}
	if len(c.queues) == 0 {
		return errors.New("jobs: no queue registered")
	}
	pcfg, err := pgxpool.ParseConfig(c.cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("jobs: parse database URL: %w", err)
	}
	pcfg.MaxConns = int32(c.cfg.MaxConns)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("jobs: open pool: %w", err)
	}
	queues := make(map[string]river.QueueConfig, len(c.queues))
	for name, q := range c.queues {
		queues[name] = q
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            queues,
		Workers:           c.workers,
		PeriodicJobs:      c.periodic,
		FetchCooldown:     c.cfg.FetchCooldown,
		FetchPollInterval: c.cfg.FetchPollInterval,
		JobTimeout:        c.cfg.JobTimeout,
		// Just above the longest job: a killed server's in-flight jobs run
		// again within a minute or two of a restart.
		RescueStuckJobsAfter: c.cfg.JobTimeout + time.Minute,
		Logger:               slog.New(quiet{c.cfg.Log.Handler()}),
	})
	if err != nil {
		pool.Close()
		return fmt.Errorf("jobs: river client: %w", err)
	}
	// Workers may use the pool as soon as the client starts.
	c.pool.Store(pool)
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		pool.Close()
		return fmt.Errorf("jobs: start: %w", err)
	}
	c.river, c.started = client, true
	rescueCtx, stopRescue := context.WithCancel(context.WithoutCancel(ctx))
	c.stopRescue, c.rescueDone = stopRescue, make(chan struct{})
	go c.rescueLoop(rescueCtx, pool, maps.Clone(c.rescue), c.rescueDone)
	return nil
}

// rescueLoop runs the per-kind rescue at start and every RescueInterval.
func (c *Client) rescueLoop(ctx context.Context, pool *pgxpool.Pool, kinds map[string]time.Duration, done chan struct{}) {
	defer close(done)
	if len(kinds) == 0 {
		return
	}
	tick := time.NewTicker(c.cfg.RescueInterval)
	defer tick.Stop()
	for {
		for kind, after := range kinds {
			n, err := store.RescueStuckJobs(ctx, pool, kind, after)
			if err != nil && ctx.Err() == nil {
				c.cfg.Log.Warn("jobs: rescue stuck jobs", slog.String("kind", kind), slog.Any("error", err))
			}
			if n > 0 {
				c.cfg.Log.Info("jobs left running by a stopped process run again", slog.String("kind", kind), slog.Int64("count", n))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Stop stops fetching and lets jobs in flight finish for StopGrace (or
// until ctx is done, if sooner); then it cancels what is left, which River
// runs again on the next start. Stopping a client that is not running does
// nothing.
func (c *Client) Stop(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started {
		return nil
	}
	c.stopRescue()
	<-c.rescueDone
	graceCtx, cancelGrace := context.WithTimeout(ctx, c.cfg.StopGrace)
	defer cancelGrace()
	var err error
	if c.river.Stop(graceCtx) != nil {
		hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err = c.river.StopAndCancel(hard); err != nil {
			err = fmt.Errorf("jobs: stop: %w", err)
		}
		c.cfg.Log.Info("jobs still running at shutdown were cancelled; they run again on the next start",
			slog.Duration("grace", c.cfg.StopGrace))
	}
	// The pool stays assigned: a job that outlived even the hard stop then
	// fails on a closed pool instead of a nil one.
	c.pool.Load().Close()
	c.river, c.started = nil, false
	return err
}

// quiet passes River's log to the app's handler with info demoted to
// debug: River reports routine work ("Producer job counts", "Job errored;
// retrying") at info every few seconds, which buries the app's own lines.
// Warnings and errors keep their level.
type quiet struct{ slog.Handler }

func demote(l slog.Level) slog.Level {
	if l == slog.LevelInfo {
		return slog.LevelDebug
	}
	return l
}

func (q quiet) Enabled(ctx context.Context, l slog.Level) bool {
	return q.Handler.Enabled(ctx, demote(l))
}

func (q quiet) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demote(r.Level)
	return q.Handler.Handle(ctx, r)
}

func (q quiet) WithAttrs(attrs []slog.Attr) slog.Handler { return quiet{q.Handler.WithAttrs(attrs)} }
func (q quiet) WithGroup(name string) slog.Handler       { return quiet{q.Handler.WithGroup(name)} }
