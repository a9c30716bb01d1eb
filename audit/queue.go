package audit

import (
	"cmp"
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// CheckpointArgs is the job that signs a checkpoint. Insert it in the
// transaction of every publication (confirm, reopen, retraction of a
// published check): it runs once that commits, so the checkpoint covers
// the publication; a checkpoint signed inside the transaction could not
// see its entry. The periodic job inserts it too.
type CheckpointArgs struct{}

// Kind names the job in river_job.
func (CheckpointArgs) Kind() string { return "audit_checkpoint" }

// Queue is the job queue checkpoints run on; one worker is enough, as
// checkpoints take the log's lock one at a time anyway.
const Queue = "audit"

// InsertOpts puts the job on the audit queue. It is not unique: River's
// uniqueness always counts running jobs, so a publication committed while
// a checkpoint runs would be left out until the next period. A burst of
// publications queues a job each instead, which costs little: the single
// worker takes them one at a time, and each after the first finds the log
// as the previous one left it and returns that checkpoint unchanged.
func (CheckpointArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: 5}
}

type checkpointWorker struct {
	river.WorkerDefaults[CheckpointArgs]
	svc *Service
}

// Work signs a checkpoint of the log as it is now.
func (w *checkpointWorker) Work(ctx context.Context, _ *river.Job[CheckpointArgs]) error {
	_, err := w.svc.Checkpoint(ctx)
	return err
}

// Timeout bounds one checkpoint; it reads only the entries added since
// the previous one.
func (w *checkpointWorker) Timeout(*river.Job[CheckpointArgs]) time.Duration { return time.Minute }

// AddWorkers registers the checkpoint worker on a River worker bundle.
func (s *Service) AddWorkers(w *river.Workers) error {
	return river.AddWorkerSafely(w, &checkpointWorker{svc: s})
}

// PeriodicCheckpoint is the periodic job that signs a checkpoint every
// interval; an idle desk's checkpoint is reused, not re-signed. It does not
// run on start: the composition root seals on start, and the first
// publication or period signs.
func PeriodicCheckpoint(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return CheckpointArgs{}, nil }, nil)
}

// Register adds the checkpoint worker, its queue and the periodic
// checkpoint to the process's job client, before it starts.
func (s *Service) Register(j *jobs.Client, interval time.Duration) error {
	if err := s.AddWorkers(j.Workers()); err != nil {
		return err
	}
	j.AddQueue(Queue, 1)
	j.AddPeriodic(PeriodicCheckpoint(cmp.Or(interval, DefaultCheckpointInterval)))
	return nil
}

// InsertTx is the Enqueuer of the process's job client: it inserts the job
// in the change's transaction.
func InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs) error {
	_, err := jobs.InsertTx(ctx, tx, river.InsertManyParams{Args: args})
	return err
}

// Enqueuer inserts a job in the change's transaction (the jobs package's
// insert-in-tx).
type Enqueuer func(ctx context.Context, tx *store.Tx, args river.JobArgs) error

// PublicationHook is a workflow hook that asks for a checkpoint whenever a
// change alters what the public sees (a confirm, a reopen, a rejection):
// the job is inserted in the change's transaction and runs after it
// commits, so the checkpoint covers the change.
func PublicationHook(enqueue Enqueuer) workflow.Hook {
	return func(ctx context.Context, tx *store.Tx, ch workflow.Change) error {
		if ch.Entry == nil || !PublicEntry(ch.Entry) {
			return nil
		}
		return enqueue(ctx, tx, CheckpointArgs{})
	}
}
