package webhooks

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Attempt is one line of an endpoint's delivery log.
type Attempt struct {
	ID           int64      `json:"id"`
	EventID      string     `json:"event_id"`
	EventType    string     `json:"event_type"`
	Attempt      int        `json:"attempt"`
	Trigger      Trigger    `json:"trigger"`
	Status       string     `json:"status" gorm:"-"`
	Succeeded    bool       `json:"-"`
	StartedAt    time.Time  `json:"started_at"`
	DurationMS   int        `json:"duration_ms" gorm:"column:duration_ms"`
	StatusCode   *int       `json:"status_code"`
	ErrorClass   *string    `json:"error_class"`
	Error        string     `json:"error"`
	ResponseBody string     `json:"response_body"`
	NextRetryAt  *time.Time `json:"next_retry_at"`
}

// AttemptFilter narrows the log. Zero fields do not filter.
type AttemptFilter struct {
	// Status is "succeeded" or "failed".
	Status    string
	EventType string
	Cursor    string
	Limit     int
}

// MaxPageSize caps a page of the log.
const MaxPageSize = 200

// Attempts lists an endpoint's attempts, newest first.
func (s *Service) Attempts(ctx context.Context, endpointID int64, f AttemptFilter) ([]Attempt, string, error) {
	if _, err := s.Get(ctx, endpointID); err != nil {
		return nil, "", err
	}
	var fields []models.FieldError
	limit := f.Limit
	if limit == 0 {
		limit = 50
	}
	if limit < 1 || limit > MaxPageSize {
		fields = append(fields, models.FieldError{Field: "limit", Message: fmt.Sprintf("must be a number from 1 to %d", MaxPageSize)})
	}
	if f.Status != "" && f.Status != "succeeded" && f.Status != "failed" {
		fields = append(fields, models.FieldError{Field: "status", Message: "must be succeeded or failed"})
	}
	if f.EventType != "" && !events.Type(f.EventType).Valid() {
		fields = append(fields, models.FieldError{Field: "event_type", Message: fmt.Sprintf("%q is not an event type", f.EventType)})
	}
	var after int64
	if f.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err == nil && len(raw) > 1 && raw[0] == 'a' {
			after, err = strconv.ParseInt(string(raw[1:]), 10, 64)
		}
		if err != nil || after <= 0 {
			fields = append(fields, models.FieldError{Field: "cursor", Message: "use next_cursor from the previous page"})
		}
	}
	if len(fields) > 0 {
		return nil, "", models.Invalid("the filter is not valid", fields...)
	}
	db := s.store.DB(ctx).Table("webhook_attempts").Where("endpoint_id = ?", endpointID)
	if f.Status != "" {
		db = db.Where("succeeded = ?", f.Status == "succeeded")
	}
	if f.EventType != "" {
		db = db.Where("event_type = ?", f.EventType)
	}
	if after > 0 {
		db = db.Where("id < ?", after)
	}
	var items []Attempt
	if err := db.Order("id DESC").Limit(limit + 1).Find(&items).Error; err != nil {
		return nil, "", fmt.Errorf("webhooks: delivery log of %d: %w", endpointID, err)
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = base64.RawURLEncoding.EncodeToString([]byte("a" + strconv.FormatInt(items[limit-1].ID, 10)))
	}
	for i := range items {
		items[i].Status = "failed"
		if items[i].Succeeded {
			items[i].Status = "succeeded"
		}
	}
	if items == nil {
		items = []Attempt{}
	}
	return items, next, nil
}

// Redeliver queues one more attempt of an event to an endpoint, with the
// same webhook-id and body. It goes out even if the endpoint is disabled:
// an admin asked for it, and it is how to test a fix before re-enabling.
// It returns the attempt number, to find in the log.
func (s *Service) Redeliver(ctx context.Context, endpointID int64, eventID string) (int, error) {
	var attempt int
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		db := tx.DB(ctx)
		e, err := getEndpoint(db, endpointID, false)
		if err != nil {
			return err
		}
		var found []struct {
			Type      string
			Delivered bool
		}
		err = db.Raw(`SELECT e.type, EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.endpoint_id = ?) AS delivered
			FROM events e WHERE e.id = ?`, endpointID, eventID).Scan(&found).Error
		if err != nil {
			return fmt.Errorf("webhooks: find event %s: %w", eventID, err)
		}
		if len(found) == 0 {
			return models.Errorf(models.ENotFound, "event %q not found", eventID)
		}
		if !found[0].Delivered && !subscribed(e.Events, found[0].Type) {
			return models.Errorf(models.ENotFound, "webhook %d was never sent event %s and does not subscribe to %s", endpointID, eventID, found[0].Type)
		}
		jobs, err := s.queueManual(ctx, tx, endpointID, []string{eventID})
		if err != nil {
			return err
		}
		attempt = jobs[0].Args.Attempt
		return nil
	})
	return attempt, err
}

// RecoverLimit caps how many events one recover call resends.
const RecoverLimit = 10_000

// Recover resends, as manual attempts, every event since `since` that this
// endpoint subscribes to and has not received: deliveries that failed,
// were skipped while it was disabled, or were never queued because it was
// disabled when the event happened. Events from before the endpoint existed
// are left out. It returns how many attempts it queued; call it again from
// the last event's time if that is RecoverLimit.
func (s *Service) Recover(ctx context.Context, endpointID int64, since time.Time) (int, error) {
	if since.IsZero() {
		return 0, models.Invalid("since is required", models.FieldError{Field: "since", Message: "send an RFC 3339 time such as 2026-11-26T00:00:00Z"})
	}
	if since.After(s.now()) {
		return 0, models.Invalid("since is in the future", models.FieldError{Field: "since", Message: "must not be after now"})
	}
	var n int
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		db := tx.DB(ctx)
		if _, err := getEndpoint(db, endpointID, true); err != nil {
			return err
		}
		var ids []string
		err := db.Raw(`SELECT e.id FROM events e, webhook_endpoints w
			WHERE w.id = ? AND e.created_at >= ? AND e.created_at >= w.created_at
			  AND e.type <> 'webhook.ping' AND w.events && ARRAY[e.type, '*']::text[]
			  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.event_id = e.id
			                  AND d.status IN ('succeeded', 'pending'))
			ORDER BY e.created_at, e.id LIMIT ?`, endpointID, since, RecoverLimit).Scan(&ids).Error
		if err != nil {
			return fmt.Errorf("webhooks: find events to recover for %d: %w", endpointID, err)
		}
		jobs, err := s.queueManual(ctx, tx, endpointID, ids)
		n = len(jobs)
		return err
	})
	return n, err
}

// queueManual hands out the next attempt number of each (endpoint, event)
// delivery, creating the delivery when it never existed, and queues one
// manual attempt each.
func (s *Service) queueManual(ctx context.Context, tx *store.Tx, endpointID int64, eventIDs []string) ([]events.Job, error) {
	if len(eventIDs) == 0 {
		return nil, nil
	}
	now := s.now()
	var rows []struct {
		ID       int64
		Attempts int
	}
	// A delivery created here was never attempted automatically, so it
	// starts as skipped; the manual attempt's success moves it on.
	err := tx.DB(ctx).Raw(`INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, created_at, updated_at)
		SELECT ?, id, 'skipped', 1, ?, ? FROM unnest(?::text[]) AS id
		ON CONFLICT (endpoint_id, event_id) DO UPDATE SET attempts = webhook_deliveries.attempts + 1, updated_at = EXCLUDED.updated_at
		RETURNING id, attempts`, endpointID, now, now, stringArray(eventIDs)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("webhooks: queue manual attempts for %d: %w", endpointID, err)
	}
	jobs := make([]events.Job, len(rows))
	for i, r := range rows {
		jobs[i] = events.Job{Args: events.DeliverArgs{DeliveryID: r.ID, Attempt: r.Attempts, Try: 0}, MaxAttempts: manualRuns}
	}
	return jobs, events.Enqueue(ctx, tx, jobs...)
}

func subscribed(list []string, t string) bool {
	for _, x := range list {
		if x == AllEvents || x == t {
			return true
		}
	}
	return false
}
