// Package retention prunes the tables that grow with every change and
// every delivery (events, webhook deliveries and their attempts) in a
// periodic job, by the ages the operator sets. Nothing is pruned unless
// configured.
package retention

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/store"
)

// Config is how long each kind of row is kept; zero keeps it forever.
type Config struct {
	Events     time.Duration
	Deliveries time.Duration
	Attempts   time.Duration
	// Every is how often the job runs; DefaultEvery when zero.
	Every time.Duration
}

// DefaultEvery is how often the pruning job runs.
const DefaultEvery = time.Hour

// Queue is the queue the pruning job runs on.
const Queue = "maintenance"

// batch is how many rows of a table one transaction removes.
const batch = 5000

// Enabled reports whether any table has a retention.
func (c Config) Enabled() bool { return c.Events > 0 || c.Deliveries > 0 || c.Attempts > 0 }

// Cutoffs are the instants before which rows go, at now.
func (c Config) Cutoffs(now time.Time) store.PruneCutoffs {
	var out store.PruneCutoffs
	if c.Events > 0 {
		out.Events = now.Add(-c.Events)
	}
	if c.Deliveries > 0 {
		out.Deliveries = now.Add(-c.Deliveries)
	}
	if c.Attempts > 0 {
		out.Attempts = now.Add(-c.Attempts)
	}
	return out
}

// ParseAge reads a retention such as 90d, 36h or 0 (keep forever).
func ParseAge(raw string) (time.Duration, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "0" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(raw, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 36500 {
			return 0, fmt.Errorf("%q is not a number of days such as 90d", raw)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d < time.Hour {
		return 0, fmt.Errorf("%q is not an age such as 90d or 720h (at least 1h), or 0 to keep forever", raw)
	}
	return d, nil
}

// Pruner removes what has outlived its retention.
type Pruner struct {
	store *store.Store
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
}

// New returns a pruner over st; now is the clock (time.Now when nil).
func New(st *store.Store, cfg Config, log *slog.Logger, now func() time.Time) *Pruner {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	return &Pruner{store: st, cfg: cfg, log: log, now: now}
}

// Prune removes every row older than its retention, in batches of one
// transaction each, and says how many went.
func (p *Pruner) Prune(ctx context.Context) (store.Pruned, error) {
	return PruneBefore(ctx, p.store, p.cfg.Cutoffs(p.now()))
}

// PruneBefore removes every row older than its cutoff, batch by batch.
func PruneBefore(ctx context.Context, st *store.Store, c store.PruneCutoffs) (store.Pruned, error) {
	var total store.Pruned
	for {
		var got store.Pruned
		err := st.WithTx(ctx, func(tx *store.Tx) error {
			var err error
			got, err = tx.Prune(ctx, c, batch)
			return err
		})
		if err != nil {
			return total, err
		}
		total.Events += got.Events
		total.Deliveries += got.Deliveries
		total.Attempts += got.Attempts
		if got.Events < batch && got.Deliveries < batch && got.Attempts < batch {
			return total, nil
		}
	}
}

// Register adds the pruning job to j when any retention is set: a periodic
// job River's leader inserts, so one process prunes for the cluster.
func (p *Pruner) Register(j *jobs.Client) error {
	if !p.cfg.Enabled() {
		return nil
	}
	if err := river.AddWorkerSafely(j.Workers(), &worker{p: p}); err != nil {
		return fmt.Errorf("retention: register the worker: %w", err)
	}
	j.AddQueue(Queue, 1)
	every := p.cfg.Every
	if every <= 0 {
		every = DefaultEvery
	}
	j.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return Args{}, nil },
		&river.PeriodicJobOpts{ID: "retention_prune", RunOnStart: true}))
	return nil
}

// Args is the pruning job.
type Args struct{}

// Kind names the job in river_job.
func (Args) Kind() string { return "retention_prune" }

// InsertOpts puts the job on the maintenance queue, one at a time: a run
// queued or running makes another pointless.
func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       Queue,
		MaxAttempts: 3,
		UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled,
		}},
	}
}

type worker struct {
	river.WorkerDefaults[Args]
	p *Pruner
}

func (w *worker) Work(ctx context.Context, _ *river.Job[Args]) error {
	n, err := w.p.Prune(ctx)
	if err != nil {
		return err
	}
	if n.Total() > 0 {
		w.p.log.InfoContext(ctx, "pruned old rows", slog.Int64("events", n.Events),
			slog.Int64("deliveries", n.Deliveries), slog.Int64("attempts", n.Attempts))
	}
	return nil
}
