package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

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
	if _, err := client.InsertManyTx(ctx, sqlTx, params); err != nil {
		return fmt.Errorf("events: enqueue %d delivery job(s): %w", len(jobs), err)
	}
	return nil
}
