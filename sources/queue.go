package sources

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/factdesk/factdesk/jobs"
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

// CheckTimeout bounds one check: the fetch's own timeout (at most 45 s)
// plus time to record it.
const CheckTimeout = time.Minute

func (w *checkWorker) Timeout(*river.Job[CheckArgs]) time.Duration { return CheckTimeout }

// SweepArgs is the periodic job that queues the rechecks that are due.
type SweepArgs struct{}

// Kind names the job in river_job.
func (SweepArgs) Kind() string { return "source_sweep" }

// InsertOpts runs sweeps on the sources queue, one at a time: a sweep
// queued or running makes another pointless.
func (SweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueueName,
		MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled,
		}},
	}
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	svc *Service
}

// sweepLimit caps the checks one sweep queues; the next sweep takes the
// rest.
const sweepLimit = 500

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	n, err := w.svc.Sweep(ctx, sweepLimit)
	if n > 0 {
		w.svc.log.DebugContext(ctx, "queued source rechecks", slog.Int("count", n))
	}
	return err
}

// Register adds the source checks to the job client: the check and sweep
// workers, the sources queue (workers checks at once), and the periodic
// sweep; and it makes the client the queue new evidence and the sweep
// put checks on. Call it during wiring, before the client starts.
func (s *Service) Register(j *jobs.Client, workers int) error {
	if workers <= 0 {
		workers = 4
	}
	if err := river.AddWorkerSafely(j.Workers(), &checkWorker{svc: s}); err != nil {
		return fmt.Errorf("sources: register the check worker: %w", err)
	}
	if err := river.AddWorkerSafely(j.Workers(), &sweepWorker{svc: s}); err != nil {
		return fmt.Errorf("sources: register the sweep worker: %w", err)
	}
	j.AddQueue(QueueName, workers)
	j.AllowJobTimeout(CheckTimeout)
	j.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(sweepEvery(s.interval)),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{ID: "source_sweep", RunOnStart: true}))
	s.UseQueue(jobQueue{})
	return nil
}

// sweepEvery is how often the watcher looks for evidence due a recheck. A
// quarter of the interval keeps an item from waiting much past its due
// time; five minutes caps it so a daily interval still means "about daily",
// and the floor keeps a test's tiny interval from spinning.
func sweepEvery(interval time.Duration) time.Duration {
	return min(max(interval/4, 20*time.Millisecond), 5*time.Minute)
}

// jobQueue puts checks on the job system in the caller's transaction.
type jobQueue struct{}

// EnqueueChecks queues one check per id in tx.
func (jobQueue) EnqueueChecks(ctx context.Context, tx *store.Tx, ids []int64) error {
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: CheckArgs{EvidenceID: id}}
	}
	if _, err := jobs.InsertTx(ctx, tx, params...); err != nil {
		return fmt.Errorf("sources: enqueue checks: %w", err)
	}
	return nil
}
