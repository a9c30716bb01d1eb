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

// InsertEventFanOut stores an outbound event and, in the same statement,
// creates a pending delivery of it for each active endpoint subscribed to
// its type, or for onlyEndpoint alone when that is set and active. It
// returns the deliveries' ids. Disabled endpoints get no delivery: recover
// later finds the events they missed.
func (tx *Tx) InsertEventFanOut(ctx context.Context, ev *EventRow, onlyEndpoint int64) ([]int64, error) {
	var claimID, seq any
	if ev.ClaimID != 0 {
		claimID, seq = ev.ClaimID, ev.Seq
	}
	rows, err := tx.conn(ctx).QueryContext(ctx, `WITH ev AS (
			INSERT INTO events (id, type, claim_id, seq, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
		)
		INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, created_at, updated_at)
		SELECT w.id, ev.id, 'pending', 1, $6, $6 FROM webhook_endpoints w, ev
		WHERE w.active AND CASE WHEN $7::bigint <> 0 THEN w.id = $7 ELSE w.events && ARRAY[$2, '*']::text[] END
		RETURNING id`, ev.ID, ev.Type, claimID, seq, ev.Payload, ev.At, onlyEndpoint)
	if err != nil {
		return nil, fmt.Errorf("store: insert event %s: %w", ev.Type, err)
	}
	defer rows.Close()
	var deliveries []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: insert event %s: %w", ev.Type, err)
		}
		deliveries = append(deliveries, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: insert event %s: %w", ev.Type, err)
	}
	return deliveries, nil
}

// Notify queues a Postgres notification on channel, sent to listeners
// only once the transaction has committed (notices.go), never when it
// rolls back.
func (tx *Tx) Notify(ctx context.Context, channel, payload string) error {
	tx.notices = append(tx.notices, notice{channel, payload})
	return nil
}
