package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lib/pq"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"

	"github.com/factdesk/factdesk/store"
)

// Queue is the River queue webhook deliveries run on. The webhooks package
// works it.
const Queue = "webhooks"

// DeliverArgs is the River job for one HTTP attempt of one delivery (an
// event to an endpoint). Each attempt is its own job, so River's locking
// guarantees that two servers never make the same attempt.
type DeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
	// Attempt is the delivery's attempt number, unique per delivery; the
	// attempt log is keyed on it.
	Attempt int `json:"attempt"`
	// Try is the position in the retry schedule for automatic attempts,
	// from 1; it is 0 for attempts an admin asked for.
	Try int `json:"try"`
}

// Kind names the job type in River.
func (DeliverArgs) Kind() string { return "webhook_delivery" }

// Manual reports whether an admin asked for this attempt.
func (a DeliverArgs) Manual() bool { return a.Try == 0 }

// Job is a delivery attempt to enqueue, at At or as soon as possible.
type Job struct {
	Args DeliverArgs
	At   time.Time
}

// inserter is an insert-only River client on the database/sql driver, so
// jobs go into the GORM transaction through Tx.SQLTx. It holds no
// connection of its own.
var inserter = sync.OnceValues(func() (*river.Client[*sql.Tx], error) {
	return river.NewClient(riverdatabasesql.New(nil), &river.Config{
		// The insert client sends a LISTEN/NOTIFY wake-up to the workers at
		// most once per FetchCooldown per queue; keep it short so a commit
		// reaches an idle worker without waiting for the poll interval.
		FetchCooldown:       time.Millisecond,
		FetchPollInterval:   time.Second,
		SkipUnknownJobCheck: true,
	})
})

// Enqueue inserts delivery jobs in tx.
func Enqueue(ctx context.Context, tx *store.Tx, jobs ...Job) error {
	if len(jobs) == 0 {
		return nil
	}
	client, err := inserter()
	if err != nil {
		return fmt.Errorf("events: river insert client: %w", err)
	}
	sqlTx := tx.SQLTx()
	if sqlTx == nil {
		return errors.New("events: enqueue needs a transaction backed by database/sql")
	}
	params := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		opts := &river.InsertOpts{Queue: Queue}
		if !j.At.IsZero() {
			opts.ScheduledAt = j.At
		}
		params[i] = river.InsertManyParams{Args: j.Args, InsertOpts: opts}
	}
	inserted, err := client.InsertManyTx(ctx, sqlTx, params)
	if err != nil {
		return fmt.Errorf("events: enqueue %d delivery job(s): %w", len(jobs), err)
	}
	return makeSoonJobsAvailable(ctx, tx, inserted)
}

// schedulerInterval is how often River's scheduler moves due `scheduled`
// jobs to `available` (its default; the client does not expose it).
const schedulerInterval = 5 * time.Second

// makeSoonJobsAvailable marks jobs due within one scheduler interval as
// available at once. River's fetch already skips available jobs whose
// scheduled_at is still ahead, so they run on time (a 1 s retry, a 2 s
// Retry-After) instead of waiting up to five seconds for the scheduler.
// River's own executor does the same for its short retries and snoozes.
func makeSoonJobsAvailable(ctx context.Context, tx *store.Tx, inserted []*rivertype.JobInsertResult) error {
	var soon []int64
	horizon := time.Now().Add(schedulerInterval)
	for _, r := range inserted {
		if r.Job.State == rivertype.JobStateScheduled && r.Job.ScheduledAt.Before(horizon) {
			soon = append(soon, r.Job.ID)
		}
	}
	if len(soon) == 0 {
		return nil
	}
	if err := tx.Exec(ctx, "UPDATE river_job SET state = 'available' WHERE id = ANY(?) AND state = 'scheduled'", pq.Int64Array(soon)); err != nil {
		return fmt.Errorf("events: make %d soon-due job(s) available: %w", len(soon), err)
	}
	return nil
}
