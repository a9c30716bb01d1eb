package store

import (
	"context"
	"time"
)

// PruneCutoffs are the instants before which rows may go; a zero cutoff
// keeps that table's rows forever.
type PruneCutoffs struct {
	Events     time.Time
	Deliveries time.Time
	Attempts   time.Time
}

// Pruned counts the rows one Prune removed.
type Pruned struct {
	Events     int64
	Deliveries int64
	Attempts   int64
}

// Total is the number of rows removed.
func (p Pruned) Total() int64 { return p.Events + p.Deliveries + p.Attempts }

// Prune removes up to limit rows of each table older than its cutoff, so
// one call holds its locks briefly; call it again while it removes limit
// rows of some table. A pending delivery is never removed, nor are its
// attempts (the delivery worker numbers and deduplicates attempts by
// them), nor an event any delivery still refers to: an event goes only
// once its deliveries have gone.
func (tx *Tx) Prune(ctx context.Context, c PruneCutoffs, limit int) (Pruned, error) {
	var p Pruned
	db := tx.db.WithContext(ctx)
	if !c.Attempts.IsZero() {
		res := db.Exec(`
			DELETE FROM webhook_attempts WHERE id IN (
				SELECT a.id FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
				WHERE a.started_at < ? AND d.status <> 'pending'
				ORDER BY a.id LIMIT ?)`, c.Attempts, limit)
		if res.Error != nil {
			return p, res.Error
		}
		p.Attempts = res.RowsAffected
	}
	if !c.Deliveries.IsZero() {
		res := db.Exec(`
			DELETE FROM webhook_deliveries WHERE id IN (
				SELECT id FROM webhook_deliveries
				WHERE updated_at < ? AND status <> 'pending'
				ORDER BY id LIMIT ?)`, c.Deliveries, limit)
		if res.Error != nil {
			return p, res.Error
		}
		p.Deliveries = res.RowsAffected
	}
	if !c.Events.IsZero() {
		res := db.Exec(`
			DELETE FROM events WHERE id IN (
				SELECT e.id FROM events e
				WHERE e.created_at < ?
				  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
				ORDER BY e.created_at LIMIT ?)`, c.Events, limit)
		if res.Error != nil {
			return p, res.Error
		}
		p.Events = res.RowsAffected
	}
	return p, nil
}
