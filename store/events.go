package store

import (
	"context"
	"fmt"
	"time"
)

// EventRow is an outbound event as stored: its envelope, ready to send.
type EventRow struct {
	ID   string
	Type string
	// ClaimID and Seq tie a claim event to its history entry; zero for
	// other events.
	ClaimID int64
	Seq     int
	Payload string
	At      time.Time
}

// InsertEvent stores an outbound event.
func (tx *Tx) InsertEvent(ctx context.Context, ev *EventRow) error {
	var claimID, seq any
	if ev.ClaimID != 0 {
		claimID, seq = ev.ClaimID, ev.Seq
	}
	err := tx.db.WithContext(ctx).Exec(`INSERT INTO events (id, type, claim_id, seq, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		ev.ID, ev.Type, claimID, seq, ev.Payload, ev.At).Error
	if err != nil {
		return fmt.Errorf("store: insert event %s: %w", ev.Type, err)
	}
	return nil
}

// FanOutEvent creates a pending delivery of an event for each active
// endpoint subscribed to its type, or for onlyEndpoint alone when that is
// set and active, and returns the deliveries' ids. Disabled endpoints get
// no delivery: recover later finds the events they missed.
func (tx *Tx) FanOutEvent(ctx context.Context, ev *EventRow, onlyEndpoint int64) ([]int64, error) {
	db := tx.db.WithContext(ctx)
	var deliveries []int64
	var err error
	if onlyEndpoint != 0 {
		err = db.Raw(`INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, created_at, updated_at)
			SELECT id, ?, 'pending', 1, ?, ? FROM webhook_endpoints WHERE id = ? AND active
			RETURNING id`, ev.ID, ev.At, ev.At, onlyEndpoint).Scan(&deliveries).Error
	} else {
		err = db.Raw(`INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, created_at, updated_at)
			SELECT id, ?, 'pending', 1, ?, ? FROM webhook_endpoints WHERE active AND events && ARRAY[?, '*']::text[]
			RETURNING id`, ev.ID, ev.At, ev.At, ev.Type).Scan(&deliveries).Error
	}
	if err != nil {
		return nil, fmt.Errorf("store: fan out %s: %w", ev.Type, err)
	}
	return deliveries, nil
}

// Notify queues a Postgres notification on channel; it is delivered to
// listeners only when the transaction commits.
func (tx *Tx) Notify(ctx context.Context, channel, payload string) error {
	if err := tx.db.WithContext(ctx).Exec("SELECT pg_notify(?, ?)", channel, payload).Error; err != nil {
		return fmt.Errorf("store: notify %s: %w", channel, err)
	}
	return nil
}
