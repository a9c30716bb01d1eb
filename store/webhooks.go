package store

import (
	"context"
	"fmt"
	"time"

	"github.com/factdesk/factdesk/models"
)

// NextWebhookEndpointID takes an endpoint id ahead of the insert: the id is
// part of what seals the endpoint's secret.
func (tx *Tx) NextWebhookEndpointID(ctx context.Context) (int64, error) {
	var id int64
	if err := tx.db.WithContext(ctx).Raw("SELECT nextval('webhook_endpoints_id_seq')").Row().Scan(&id); err != nil {
		return 0, fmt.Errorf("store: next endpoint id: %w", err)
	}
	return id, nil
}

// CreateWebhookEndpoint inserts e with the id it already carries.
func (tx *Tx) CreateWebhookEndpoint(ctx context.Context, e *models.WebhookEndpoint) error {
	if err := tx.db.WithContext(ctx).Create(e).Error; err != nil {
		return fmt.Errorf("store: create endpoint: %w", err)
	}
	return nil
}

// LockWebhookURL returns the endpoints registered at url, after taking a
// transaction-scoped advisory lock on that URL: two registrations of one
// URL at once run one after the other, so the second sees the first.
func (tx *Tx) LockWebhookURL(ctx context.Context, url string) ([]models.WebhookEndpoint, error) {
	db := tx.db.WithContext(ctx)
	if err := db.Exec(`SELECT pg_advisory_xact_lock(hashtextextended('factdesk webhook url ' || ?, 0))`, url).Error; err != nil {
		return nil, fmt.Errorf("store: lock endpoint url: %w", err)
	}
	out := []models.WebhookEndpoint{}
	if err := db.Where("url = ?", url).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: endpoints at url: %w", err)
	}
	return out, nil
}

// WebhookEndpoints lists every endpoint, oldest first.
func (q queries) WebhookEndpoints(ctx context.Context) ([]models.WebhookEndpoint, error) {
	out := []models.WebhookEndpoint{}
	if err := q.db.WithContext(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list endpoints: %w", err)
	}
	return out, nil
}

// WebhookEndpoint loads one endpoint.
func (q queries) WebhookEndpoint(ctx context.Context, id int64) (*models.WebhookEndpoint, error) {
	return q.webhookEndpoint(ctx, id, "")
}

// LockWebhookEndpoint loads an endpoint and locks its row until the
// transaction ends.
func (tx *Tx) LockWebhookEndpoint(ctx context.Context, id int64) (*models.WebhookEndpoint, error) {
	return tx.webhookEndpoint(ctx, id, " FOR UPDATE")
}

func (q queries) webhookEndpoint(ctx context.Context, id int64, lock string) (*models.WebhookEndpoint, error) {
	var e models.WebhookEndpoint
	res := q.db.WithContext(ctx).Raw("SELECT * FROM webhook_endpoints WHERE id = ?"+lock, id).Scan(&e)
	if res.Error != nil {
		return nil, fmt.Errorf("store: endpoint %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, models.Errorf(models.ENotFound, "webhook %d not found", id)
	}
	return &e, nil
}

// SaveWebhookEndpoint writes the settings an admin edits and the state
// re-enabling resets: url, events, description, active, the disabling and
// the failure counters. The caller holds the row lock and started from the
// locked row, so fields it left alone are written back unchanged.
func (tx *Tx) SaveWebhookEndpoint(ctx context.Context, e *models.WebhookEndpoint) error {
	err := tx.db.WithContext(ctx).Model(&models.WebhookEndpoint{ID: e.ID}).
		Select("url", "events", "description", "active", "disabled_at", "disabled_reason", "consecutive_failures", "failing_since", "updated_at").
		Updates(e).Error
	if err != nil {
		return fmt.Errorf("store: update endpoint %d: %w", e.ID, err)
	}
	return nil
}

// DeleteWebhookEndpoint removes an endpoint; its deliveries and log go
// with it.
func (tx *Tx) DeleteWebhookEndpoint(ctx context.Context, id int64) error {
	res := tx.db.WithContext(ctx).Exec("DELETE FROM webhook_endpoints WHERE id = ?", id)
	if res.Error != nil {
		return fmt.Errorf("store: delete endpoint %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return models.Errorf(models.ENotFound, "webhook %d not found", id)
	}
	return nil
}

// RotateWebhookSecret makes sealed the endpoint's secret, keeping the one
// it replaces as the old secret until oldExpires.
func (tx *Tx) RotateWebhookSecret(ctx context.Context, id int64, sealed []byte, oldExpires, now time.Time) error {
	err := tx.db.WithContext(ctx).Exec(`UPDATE webhook_endpoints SET old_secret_sealed = secret_sealed, old_secret_expires_at = ?,
			secret_sealed = ?, updated_at = ? WHERE id = ?`, oldExpires, sealed, now, id).Error
	if err != nil {
		return fmt.Errorf("store: rotate secret of %d: %w", id, err)
	}
	return nil
}

// DisableWebhookEndpoint turns an active endpoint off and reports whether
// it did; false means it was off already.
func (tx *Tx) DisableWebhookEndpoint(ctx context.Context, id int64, reason string, now time.Time) (bool, error) {
	res := tx.db.WithContext(ctx).Exec(`UPDATE webhook_endpoints SET active = false, disabled_at = ?, disabled_reason = ?, updated_at = ?
		WHERE id = ? AND active`, now, reason, now, id)
	if res.Error != nil {
		return false, fmt.Errorf("store: disable endpoint %d: %w", id, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// NoteWebhookFailing marks an endpoint failing from startedAt unless it
// already was, and returns since when it has been failing.
func (tx *Tx) NoteWebhookFailing(ctx context.Context, id int64, startedAt time.Time) (time.Time, error) {
	var since time.Time
	err := tx.db.WithContext(ctx).Raw(`UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?) WHERE id = ? RETURNING failing_since`,
		startedAt, id).Row().Scan(&since)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: note failure of endpoint %d: %w", id, err)
	}
	return since, nil
}

// CountWebhookFailure adds one to an endpoint's run of events that failed
// every attempt and returns the new count.
func (tx *Tx) CountWebhookFailure(ctx context.Context, id int64) (int, error) {
	var failures int
	err := tx.db.WithContext(ctx).Raw(`UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = ? RETURNING consecutive_failures`,
		id).Row().Scan(&failures)
	if err != nil {
		return 0, fmt.Errorf("store: count failures of endpoint %d: %w", id, err)
	}
	return failures, nil
}

// WebhookAttemptFilter narrows an endpoint's delivery log. Zero fields do
// not filter.
type WebhookAttemptFilter struct {
	Succeeded *bool
	EventType string
	// BeforeID pages: only attempts with a smaller id.
	BeforeID int64
	Limit    int
}

// WebhookAttempts lists an endpoint's attempts, newest first.
func (q queries) WebhookAttempts(ctx context.Context, endpointID int64, f WebhookAttemptFilter) ([]models.WebhookAttempt, error) {
	db := q.db.WithContext(ctx).Table("webhook_attempts").Where("endpoint_id = ?", endpointID)
	if f.Succeeded != nil {
		db = db.Where("succeeded = ?", *f.Succeeded)
	}
	if f.EventType != "" {
		db = db.Where("event_type = ?", f.EventType)
	}
	if f.BeforeID > 0 {
		db = db.Where("id < ?", f.BeforeID)
	}
	var items []models.WebhookAttempt
	if err := db.Order("id DESC").Limit(f.Limit).Find(&items).Error; err != nil {
		return nil, fmt.Errorf("store: delivery log of %d: %w", endpointID, err)
	}
	return items, nil
}

// AttemptLog is one delivery attempt as written to the log.
type AttemptLog struct {
	DeliveryID   int64
	EndpointID   int64
	EventID      string
	EventType    string
	Attempt      int
	Trigger      models.WebhookTrigger
	Succeeded    bool
	StartedAt    time.Time
	Duration     time.Duration
	StatusCode   *int
	ErrorClass   *string
	Error        string
	ResponseBody string
	NextRetryAt  *time.Time
}

// LogWebhookAttempt writes an attempt to the log and reports whether it is
// new: false means this attempt was logged before (its job ran twice).
func (tx *Tx) LogWebhookAttempt(ctx context.Context, a *AttemptLog) (bool, error) {
	res := tx.db.WithContext(ctx).Exec(`INSERT INTO webhook_attempts (delivery_id, endpoint_id, event_id, event_type, attempt, trigger, succeeded,
				started_at, duration_ms, status_code, error_class, error, response_body, next_retry_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (delivery_id, attempt) DO NOTHING`,
		a.DeliveryID, a.EndpointID, a.EventID, a.EventType, a.Attempt, string(a.Trigger), a.Succeeded,
		a.StartedAt, a.Duration.Milliseconds(), a.StatusCode, a.ErrorClass, a.Error, a.ResponseBody, a.NextRetryAt)
	if res.Error != nil {
		return false, fmt.Errorf("store: log attempt %d of delivery %d: %w", a.Attempt, a.DeliveryID, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// EventForRedelivery returns an event's type and whether the endpoint was
// ever sent it.
func (q queries) EventForRedelivery(ctx context.Context, endpointID int64, eventID string) (typ string, delivered bool, err error) {
	var found []struct {
		Type      string
		Delivered bool
	}
	err = q.db.WithContext(ctx).Raw(`SELECT e.type, EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.endpoint_id = ?) AS delivered
			FROM events e WHERE e.id = ?`, endpointID, eventID).Scan(&found).Error
	if err != nil {
		return "", false, fmt.Errorf("store: find event %s: %w", eventID, err)
	}
	if len(found) == 0 {
		return "", false, models.Errorf(models.ENotFound, "event %q not found", eventID)
	}
	return found[0].Type, found[0].Delivered, nil
}

// EventsToRecover lists, oldest first and at most limit, the events since
// `since` that an endpoint subscribes to and has not received (failed,
// skipped, or never queued), leaving out pings and events from before the
// endpoint existed.
func (q queries) EventsToRecover(ctx context.Context, endpointID int64, since time.Time, limit int) ([]string, error) {
	var ids []string
	err := q.db.WithContext(ctx).Raw(`SELECT e.id FROM events e, webhook_endpoints w
			WHERE w.id = ? AND e.created_at >= ? AND e.created_at >= w.created_at
			  AND e.type <> 'webhook.ping' AND w.events && ARRAY[e.type, '*']::text[]
			  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.event_id = e.id
			                  AND d.status IN ('succeeded', 'pending'))
			ORDER BY e.created_at, e.id LIMIT ?`, endpointID, since, limit).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: find events to recover for %d: %w", endpointID, err)
	}
	return ids, nil
}

// DeliveryAttempt names one attempt of a delivery.
type DeliveryAttempt struct {
	ID       int64
	Attempts int
}

// AddManualAttempts hands out the next attempt number of each (endpoint,
// event) delivery, creating the delivery when it never existed. A delivery
// created here was never attempted automatically, so it starts as skipped;
// the manual attempt's success moves it on.
func (tx *Tx) AddManualAttempts(ctx context.Context, endpointID int64, eventIDs []string, now time.Time) ([]DeliveryAttempt, error) {
	var rows []DeliveryAttempt
	err := tx.db.WithContext(ctx).Raw(`INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, created_at, updated_at)
		SELECT ?, id, 'skipped', 1, ?, ? FROM unnest(?::text[]) AS id
		ON CONFLICT (endpoint_id, event_id) DO UPDATE SET attempts = webhook_deliveries.attempts + 1, updated_at = EXCLUDED.updated_at
		RETURNING id, attempts`, endpointID, now, now, models.StringArray(eventIDs)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: queue manual attempts for %d: %w", endpointID, err)
	}
	return rows, nil
}

// SkipDelivery ends a pending delivery without sending it, for an endpoint
// disabled since the attempt was queued; recover picks it up later.
func (tx *Tx) SkipDelivery(ctx context.Context, id int64, now time.Time) error {
	err := tx.db.WithContext(ctx).Exec(`UPDATE webhook_deliveries SET status = 'skipped', next_retry_at = NULL, updated_at = ?
				WHERE id = ? AND status = 'pending'`, now, id).Error
	if err != nil {
		return fmt.Errorf("store: skip delivery %d: %w", id, err)
	}
	return nil
}

// NumberDeliveryAttempt takes the next attempt number of a delivery, for
// a retry: River reruns the same job, so the number is taken when the
// attempt is recorded and never collides with a manual attempt queued in
// between.
func (tx *Tx) NumberDeliveryAttempt(ctx context.Context, id int64, now time.Time) (int, error) {
	var n int
	err := tx.db.WithContext(ctx).Raw(`UPDATE webhook_deliveries SET attempts = attempts + 1, updated_at = ? WHERE id = ? RETURNING attempts`,
		now, id).Row().Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: number the attempt of delivery %d: %w", id, err)
	}
	return n, nil
}

// ScheduleDeliveryRetry records when the delivery's next automatic attempt
// is due; River's retry of the job runs it then.
func (tx *Tx) ScheduleDeliveryRetry(ctx context.Context, id int64, at, now time.Time) error {
	err := tx.db.WithContext(ctx).Exec(`UPDATE webhook_deliveries SET next_retry_at = ?, updated_at = ? WHERE id = ?`, at, now, id).Error
	if err != nil {
		return fmt.Errorf("store: schedule retry of delivery %d: %w", id, err)
	}
	return nil
}

// MarkDeliveryFailed gives up on a delivery, unless an earlier attempt
// succeeded.
func (tx *Tx) MarkDeliveryFailed(ctx context.Context, id int64, now time.Time) error {
	q := `UPDATE webhook_deliveries SET status = 'failed', next_retry_at = NULL, updated_at = ? WHERE id = ? AND status <> 'succeeded'`
	if err := tx.db.WithContext(ctx).Exec(q, now, id).Error; err != nil {
		return fmt.Errorf("store: mark delivery %d failed: %w", id, err)
	}
	return nil
}

// WebhookKey returns the secret-sealing key kept in the database, storing
// fresh as the key first if there is none. Concurrent first starts agree on
// one key because only the first insert wins.
func (s *Store) WebhookKey(ctx context.Context, fresh []byte) ([]byte, error) {
	var key []byte
	err := s.WithTx(ctx, func(tx *Tx) error {
		db := tx.db.WithContext(ctx)
		if err := db.Exec("INSERT INTO webhook_keys (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", fresh).Error; err != nil {
			return fmt.Errorf("store: store generated secret key: %w", err)
		}
		if err := db.Raw("SELECT key FROM webhook_keys WHERE id = 1").Row().Scan(&key); err != nil {
			return fmt.Errorf("store: read secret key: %w", err)
		}
		return nil
	})
	return key, err
}
