package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/factdesk/factdesk/models"
)

// DeliveryPool runs the two statements of every successful webhook
// attempt on the job queue's own pgx pool rather than the store's shared
// database/sql pool: a burst of deliveries then never makes API requests
// wait for a connection, and pgx's native protocol saves a little per
// call. They stay here, with every other query; only the pool differs.
type DeliveryPool struct{ pool *pgxpool.Pool }

// OnPool returns the delivery statements over pool.
func OnPool(pool *pgxpool.Pool) DeliveryPool { return DeliveryPool{pool: pool} }

// DeliveryTarget is everything one delivery attempt needs, read in one
// query.
type DeliveryTarget struct {
	DeliveryID      int64
	Status          string
	EndpointID      int64
	EventID         string
	EventType       string
	Payload         string
	URL             string
	Format          models.WebhookFormat
	Active          bool
	SecretSealed    []byte
	OldSecretSealed []byte
	OldExpiresAt    *time.Time
	// Attempted: this attempt number is in the log already.
	Attempted bool
}

// DeliveryTarget loads what attempt number attempt of a delivery needs. It
// returns nil without an error when the delivery is gone: its endpoint was
// deleted, and its deliveries with it.
func (p DeliveryPool) DeliveryTarget(ctx context.Context, deliveryID int64, attempt int) (*DeliveryTarget, error) {
	var t DeliveryTarget
	var format string
	err := p.pool.QueryRow(ctx, `
		SELECT d.id, d.status, d.endpoint_id, e.id, e.type, e.payload,
		       w.url, w.format, w.active, w.secret_sealed, w.old_secret_sealed, w.old_secret_expires_at,
		       EXISTS (SELECT 1 FROM webhook_attempts a WHERE a.delivery_id = d.id AND a.attempt = $1)
		FROM webhook_deliveries d
		JOIN events e ON e.id = d.event_id
		JOIN webhook_endpoints w ON w.id = d.endpoint_id
		WHERE d.id = $2`, attempt, deliveryID).Scan(
		&t.DeliveryID, &t.Status, &t.EndpointID, &t.EventID, &t.EventType, &t.Payload,
		&t.URL, &format, &t.Active, &t.SecretSealed, &t.OldSecretSealed, &t.OldExpiresAt, &t.Attempted)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: load delivery %d: %w", deliveryID, err)
	}
	t.Format = models.WebhookFormat(format)
	return &t, nil
}

// RecordDeliverySuccess is the common case, written as one statement (one
// round trip, atomic on its own): log the attempt and, only if that row is
// new, mark the delivery succeeded and clear the endpoint's failure record.
// The endpoint update is conditional, so the success path takes no lock on
// the endpoint row that every other attempt would queue behind. An Attempt
// of 0 (a retry) takes the delivery's next attempt number in the same
// statement. a's StatusCode must be set.
func (p DeliveryPool) RecordDeliverySuccess(ctx context.Context, a *AttemptLog, now time.Time) error {
	q := `
		WITH logged AS (
			INSERT INTO webhook_attempts (delivery_id, endpoint_id, event_id, event_type, attempt, trigger, succeeded,
				started_at, duration_ms, status_code, response_body)
			VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8, $9, $10)
			ON CONFLICT (delivery_id, attempt) DO NOTHING
			RETURNING 1
		), delivered AS (
			UPDATE webhook_deliveries SET status = 'succeeded', next_retry_at = NULL, updated_at = $11
			WHERE id = $1 AND EXISTS (SELECT 1 FROM logged)
		)
		UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL
		WHERE id = $2 AND (consecutive_failures <> 0 OR failing_since IS NOT NULL) AND EXISTS (SELECT 1 FROM logged)`
	if a.Attempt == 0 {
		q = `
		WITH delivered AS (
			UPDATE webhook_deliveries SET status = 'succeeded', next_retry_at = NULL, updated_at = $11, attempts = attempts + 1
			WHERE id = $1 AND $5::int = 0
			RETURNING attempts
		), logged AS (
			INSERT INTO webhook_attempts (delivery_id, endpoint_id, event_id, event_type, attempt, trigger, succeeded,
				started_at, duration_ms, status_code, response_body)
			SELECT $1, $2, $3, $4, attempts, $6, true, $7, $8, $9, $10 FROM delivered
			RETURNING 1
		)
		UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL
		WHERE id = $2 AND (consecutive_failures <> 0 OR failing_since IS NOT NULL) AND EXISTS (SELECT 1 FROM logged)`
	}
	_, err := p.pool.Exec(ctx, q,
		a.DeliveryID, a.EndpointID, a.EventID, a.EventType, a.Attempt, string(a.Trigger),
		a.StartedAt, a.Duration.Milliseconds(), *a.StatusCode, a.ResponseBody, now)
	if err != nil {
		return fmt.Errorf("store: log successful attempt %d of delivery %d: %w", a.Attempt, a.DeliveryID, err)
	}
	return nil
}
