package sources

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// QueueName is the River queue source checks run on. It is separate from
// the webhook queue so a slow news site never delays a delivery.
const QueueName = "sources"

// CheckArgs is the job that checks one evidence item.
type CheckArgs struct {
	EvidenceID int64 `json:"evidence_id"`
}

// Kind names the job in river_job.
func (CheckArgs) Kind() string { return "source_check" }

// InsertOpts puts checks on their own queue. A queued or running check of an
// item makes another one pointless, so those are deduplicated; a finished
// one is not counted, or the item could not be checked again for a day.
func (CheckArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueueName,
		MaxAttempts: 3,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled,
		}},
	}
}

type checkWorker struct {
	river.WorkerDefaults[CheckArgs]
	svc *Service
}

// Work checks the page. Fetch failures are results, recorded on the
// evidence; only a database failure fails the job and gets it retried.
func (w *checkWorker) Work(ctx context.Context, job *river.Job[CheckArgs]) error {
	_, err := w.svc.Check(ctx, job.Args.EvidenceID)
	if models.IsCode(err, models.ENotFound) {
		// The evidence is gone from the database; retrying cannot help.
		return river.JobCancel(err)
	}
	return err
}

// Timeout leaves the fetch its own timeout plus time to record. It must
// stay below the leading client's RescueStuckJobsAfter (the webhook
// client's is its timeout plus 90s): that leader does not know this job
// kind and would discard a check it took for stuck.
func (w *checkWorker) Timeout(*river.Job[CheckArgs]) time.Duration { return time.Minute }

// AddWorkers registers the source workers on a River worker bundle, for a
// process that runs one River client for everything.
func (s *Service) AddWorkers(w *river.Workers) error {
	return river.AddWorkerSafely(w, &checkWorker{svc: s})
}

// RunnerOptions tune the Runner.
type RunnerOptions struct {
	// Workers is how many checks run at once; zero means 4.
	Workers int
	// PollInterval is how often the queue is polled for new checks; zero
	// means one second. The database/sql driver cannot LISTEN, so this is
	// the delay before a queued check starts.
	PollInterval time.Duration
	Log          *slog.Logger
}

// Runner is the River client that works the sources queue, and the watcher
// loop that queues rechecks. It takes no part in leader election: the
// webhook client leads, and a second leader with a partial worker set
// would discard other clients' stuck jobs (see River's FetchOnlyKnownKinds
// note). Rechecks are queued by a ticker rather than a River periodic job
// for the same reason: periodic jobs only run on the leader.
type Runner struct {
	svc    *Service
	client *river.Client[*sql.Tx]
	tick   time.Duration
	log    *slog.Logger

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewRunner builds the runner over db and attaches it to svc as its queue.
func NewRunner(db *sql.DB, svc *Service, opts RunnerOptions) (*Runner, error) {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	workers := river.NewWorkers()
	if err := svc.AddWorkers(workers); err != nil {
		return nil, fmt.Errorf("sources: register workers: %w", err)
	}
	client, err := river.NewClient(riverdatabasesql.New(db), &river.Config{
		Queues:                 map[string]river.QueueConfig{QueueName: {MaxWorkers: opts.Workers}},
		Workers:                workers,
		FetchPollInterval:      opts.PollInterval,
		FetchCooldown:          min(opts.PollInterval, 100*time.Millisecond),
		PollOnly:               true,
		LeaderElectionDisabled: true,
		Logger:                 opts.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("sources: river client: %w", err)
	}
	r := &Runner{svc: svc, client: client, tick: sweepEvery(svc.interval), log: opts.Log}
	svc.UseQueue(r)
	return r, nil
}

// sweepEvery is how often the watcher looks for evidence due a recheck. A
// quarter of the interval keeps an item from waiting much past its due
// time; five minutes caps it so a daily interval still means "about daily",
// and the floor keeps a test's tiny interval from spinning.
func sweepEvery(interval time.Duration) time.Duration {
	return min(max(interval/4, 20*time.Millisecond), 5*time.Minute)
}

// EnqueueChecks queues one check per id in tx.
func (r *Runner) EnqueueChecks(ctx context.Context, tx *store.Tx, ids []int64) error {
	sqlTx := tx.SQLTx()
	if sqlTx == nil {
		return errors.New("sources: enqueue checks: transaction has no database/sql handle")
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: CheckArgs{EvidenceID: id}}
	}
	if _, err := r.client.InsertManyTx(ctx, sqlTx, params); err != nil {
		return fmt.Errorf("sources: enqueue checks: %w", err)
	}
	return nil
}

// Start runs the queue workers and the watcher until Stop.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("sources: start river: %w", err)
	}
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.mu.Lock()
	r.cancel, r.done = cancel, make(chan struct{})
	r.mu.Unlock()
	go r.watch(loopCtx, r.done)
	return nil
}

func (r *Runner) watch(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(r.tick)
	defer t.Stop()
	for {
		if n, err := r.svc.Sweep(ctx, 500); err != nil && ctx.Err() == nil {
			r.log.ErrorContext(ctx, "source recheck sweep failed", slog.Any("error", err))
		} else if n > 0 {
			r.log.DebugContext(ctx, "queued source rechecks", slog.Int("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// stopGrace is how long Stop lets running checks finish before cancelling
// them.
const stopGrace = time.Second

// Stop ends the watcher, gives running checks stopGrace to finish, and
// cancels the rest. A check is safe to repeat, so waiting longer for a slow
// site would only delay a deploy; a cancelled check records nothing and
// its job is retried.
func (r *Runner) Stop(ctx context.Context) error {
	r.mu.Lock()
	cancel, done := r.cancel, r.done
	r.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	graceCtx, stop := context.WithTimeout(ctx, stopGrace)
	defer stop()
	if err := r.client.Stop(graceCtx); err == nil || ctx.Err() != nil {
		return err
	}
	return r.client.StopAndCancel(ctx)
}
