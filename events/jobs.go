package events

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/store"
)

// Queue is the River queue webhook deliveries run on. The webhooks package
// works it.
const Queue = "webhooks"

// MaxDeliveryAttempts is River's cap on the runs of one delivery job, and so
// the most entries a webhook retry schedule may have. The job is inserted
// here, where the schedule is not known; the delivery worker ends a
// delivery at the last entry of its own schedule, which is usually shorter.
const MaxDeliveryAttempts = 25

// DeliverArgs is the River job that delivers one event to one endpoint.
// Automatic retries are River's retries of the same job, so River's
// locking guarantees that two servers never make the same attempt.
type DeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
	// Attempt is the delivery's attempt number the job's first run logs
	// under, unique per delivery; the attempt log is keyed on it. Later
	// runs (retries) take the next free number when they are recorded.
	Attempt int `json:"attempt"`
	// Try is the position in the retry schedule of the job's first run,
	// from 1; it is 0 for attempts an admin asked for.
	Try int `json:"try"`
}

// Kind names the job type in River.
func (DeliverArgs) Kind() string { return "webhook_delivery" }

// InsertOpts puts deliveries on their queue.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: MaxDeliveryAttempts}
}

// Manual reports whether an admin asked for this attempt.
func (a DeliverArgs) Manual() bool { return a.Try == 0 }

// Job is a delivery to enqueue, at At or as soon as possible. MaxAttempts,
// when set, replaces MaxDeliveryAttempts.
type Job struct {
	Args        DeliverArgs
	At          time.Time
	MaxAttempts int
}

// Enqueue inserts delivery jobs in tx.
func Enqueue(ctx context.Context, tx *store.Tx, jobList ...Job) error {
	if len(jobList) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(jobList))
	for i, j := range jobList {
		opts := &river.InsertOpts{ScheduledAt: j.At, MaxAttempts: j.MaxAttempts}
		params[i] = river.InsertManyParams{Args: j.Args, InsertOpts: opts}
	}
	if _, err := jobs.InsertTx(ctx, tx, params...); err != nil {
		return fmt.Errorf("events: enqueue %d delivery job(s): %w", len(jobList), err)
	}
	return nil
}
