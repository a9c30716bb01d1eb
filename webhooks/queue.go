package webhooks

import (
	"context"
	"encoding/json"
	"time"

	"github.com/riverqueue/river"

	"github.com/factdesk/factdesk/events"
)

// manualRuns caps the runs of a manual attempt's job. The attempt is made
// once; River runs the job again only if it could not be made or recorded
// (the database was away), and the reserved attempt number keeps a rerun
// from sending twice.
const manualRuns = 3

// deliveryWorker runs a delivery's attempts: one per run of its job. A
// failed attempt returns an error and River retries the job at NextRetry;
// a Retry-After from the receiver snoozes it instead.
type deliveryWorker struct {
	river.WorkerDefaults[events.DeliverArgs]
	s *Service
}

func (w *deliveryWorker) Timeout(*river.Job[events.DeliverArgs]) time.Duration {
	return w.s.JobTimeout()
}

func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[events.DeliverArgs]) error {
	return w.s.attempt(ctx, job)
}

// NextRetry is the time the failed attempt's log entry announced, so the
// log and River agree. Should it be missing (the job failed before its
// attempt was recorded), the schedule decides afresh.
func (w *deliveryWorker) NextRetry(job *river.Job[events.DeliverArgs]) time.Time {
	now := time.Now()
	if at, ok := w.s.retryAt.LoadAndDelete(job.ID); ok {
		return maxTime(at.(time.Time), now)
	}
	next := min(tries(job)+1, len(w.s.cfg.RetrySchedule))
	return now.Add(w.s.delay(next, 0, false))
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// tries is the position in the retry schedule of the job's current run.
// River counts runs in Attempt but not snoozes (it undoes the count of a
// snoozed run and notes the snooze in the job's metadata); a Retry-After
// still used up a try of the schedule, so the snoozes are added back.
func tries(job *river.Job[events.DeliverArgs]) int {
	return max(job.Args.Try, 1) - 1 + job.Attempt + snoozes(job)
}

func snoozes(job *river.Job[events.DeliverArgs]) int {
	var m struct {
		Snoozes int `json:"snoozes"`
	}
	// Metadata River wrote is valid JSON; anything else counts as none.
	_ = json.Unmarshal(job.Metadata, &m)
	return m.Snoozes
}

// firstRun reports whether this is the job's first run, which logs under
// the attempt number reserved when the job was queued.
func firstRun(job *river.Job[events.DeliverArgs]) bool {
	return job.Attempt <= 1 && snoozes(job) == 0
}
