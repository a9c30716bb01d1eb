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
type Attempt = models.WebhookAttempt

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
	sf := store.WebhookAttemptFilter{EventType: f.EventType, BeforeID: after, Limit: limit + 1}
	if f.Status != "" {
		succeeded := f.Status == "succeeded"
		sf.Succeeded = &succeeded
	}
	items, err := s.store.WebhookAttempts(ctx, endpointID, sf)
	if err != nil {
		return nil, "", err
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
		if _, err := tx.WebhookEndpoint(ctx, endpointID); err != nil {
			return err
		}
		_, delivered, err := tx.EventForRedelivery(ctx, endpointID, eventID)
		if err != nil {
			return err
		}
		// Only what this endpoint was sent: otherwise an event id seen in
		// one endpoint's log could be pushed to any other receiver that
		// subscribes to its type. Events it never got are Recover's.
		if !delivered {
			return models.Errorf(models.ENotFound, "webhook %d was never sent event %s; use recover to send events it missed", endpointID, eventID)
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
		if _, err := tx.LockWebhookEndpoint(ctx, endpointID); err != nil {
			return err
		}
		ids, err := tx.EventsToRecover(ctx, endpointID, since, RecoverLimit)
		if err != nil {
			return err
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
	rows, err := tx.AddManualAttempts(ctx, endpointID, eventIDs, s.now())
	if err != nil {
		return nil, err
	}
	jobs := make([]events.Job, len(rows))
	for i, r := range rows {
		jobs[i] = events.Job{Args: events.DeliverArgs{DeliveryID: r.ID, Attempt: r.Attempts, Try: 0}, MaxAttempts: manualRuns}
	}
	return jobs, events.Enqueue(ctx, tx, jobs...)
}
