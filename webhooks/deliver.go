package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/safehttp"
	"github.com/factdesk/factdesk/store"
)

// Trigger says why an attempt was made.
type Trigger string

const (
	// TriggerAuto: the first attempt or a scheduled retry.
	TriggerAuto Trigger = "auto"
	// TriggerManual: an admin asked for it (redeliver or recover).
	TriggerManual Trigger = "manual"
)

// target is everything one attempt needs, read in one query.
type target struct {
	DeliveryID      int64
	Status          string
	EndpointID      int64
	EventID         string
	EventType       string
	Payload         string
	URL             string
	Format          Format
	Active          bool
	SecretSealed    []byte
	OldSecretSealed []byte
	OldExpiresAt    *time.Time
	Attempted       bool
}

// outcome is what one HTTP attempt came to.
type outcome struct {
	Started       time.Time
	Duration      time.Duration
	StatusCode    int
	Class         safehttp.ErrorClass
	Err           string
	Body          string
	RetryAfter    time.Duration
	HasRetryAfter bool
}

func (o outcome) ok() bool { return o.Class == "" && o.StatusCode >= 200 && o.StatusCode < 300 }

// errRecorded ends an attempt whose row already exists: its job was
// rescued or retried after the attempt had been recorded.
var errRecorded = errors.New("webhooks: attempt already recorded")

// attempt makes one delivery attempt and records it. The job's first run
// and a manual attempt log under the attempt number reserved when the job
// was queued (which the API reports for a manual one); a retry takes the
// next free number as it is recorded (number 0 until then), so retries and
// manual attempts made in between never share a number.
func (s *Service) attempt(ctx context.Context, job *river.Job[events.DeliverArgs]) error {
	args := job.Args
	number := 0
	if args.Manual() || firstRun(job) {
		number = args.Attempt
	}
	t, err := s.loadTarget(ctx, args.DeliveryID, number)
	if err != nil || t == nil {
		return err
	}
	if t.Attempted {
		if args.Manual() {
			// Made and logged by an earlier run of this job.
			return nil
		}
		number = 0
	}
	if !args.Manual() {
		if t.Status != "pending" {
			// Delivered in the meantime, by a manual attempt.
			return nil
		}
		if !t.Active {
			// Disabled since this attempt was queued: nothing is sent and
			// the delivery waits for recover.
			return s.store.DB(ctx).Exec(`UPDATE webhook_deliveries SET status = 'skipped', next_retry_at = NULL, updated_at = ?
				WHERE id = ? AND status = 'pending'`, s.now(), t.DeliveryID).Error
		}
	}
	secrets, err := s.signingSecrets(t.EndpointID, t.SecretSealed, t.OldSecretSealed, t.OldExpiresAt)
	if err != nil {
		// Our configuration, not the endpoint, is at fault: leave the
		// endpoint's record alone and let River retry the job.
		return err
	}
	body := []byte(t.Payload)
	if t.Format == FormatSlack {
		if body, err = slackBody(t.Payload); err != nil {
			return err
		}
	}
	out := s.send(ctx, t, body, secrets)
	if out.Class == safehttp.ClassCanceled {
		// Shutdown cancelled the request. Returning the context's error
		// makes River run the job again without counting this run, so the
		// attempt is made rather than logged as the endpoint's failure.
		return fmt.Errorf("webhooks: attempt of delivery %d cancelled (%s): %w", t.DeliveryID, out.Err, ctx.Err())
	}
	return s.record(ctx, job, number, t, out)
}

// loadTarget and recordSuccess, the two statements of every successful
// attempt, run on the queue's own pgx pool rather than the app's shared
// database/sql pool: a burst of deliveries then never makes API requests
// wait for a connection, and pgx's native protocol saves a little per call.
func (s *Service) loadTarget(ctx context.Context, deliveryID int64, number int) (*target, error) {
	var t target
	var format string
	err := s.jobs.Pool().QueryRow(ctx, `
		SELECT d.id, d.status, d.endpoint_id, e.id, e.type, e.payload,
		       w.url, w.format, w.active, w.secret_sealed, w.old_secret_sealed, w.old_secret_expires_at,
		       EXISTS (SELECT 1 FROM webhook_attempts a WHERE a.delivery_id = d.id AND a.attempt = $1)
		FROM webhook_deliveries d
		JOIN events e ON e.id = d.event_id
		JOIN webhook_endpoints w ON w.id = d.endpoint_id
		WHERE d.id = $2`, number, deliveryID).Scan(
		&t.DeliveryID, &t.Status, &t.EndpointID, &t.EventID, &t.EventType, &t.Payload,
		&t.URL, &format, &t.Active, &t.SecretSealed, &t.OldSecretSealed, &t.OldExpiresAt, &t.Attempted)
	if errors.Is(err, pgx.ErrNoRows) {
		// The endpoint was deleted, and its deliveries with it.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("webhooks: load delivery %d: %w", deliveryID, err)
	}
	t.Format = Format(format)
	return &t, nil
}

// send POSTs body, signed, and reports what happened. It never returns an
// error: every failure is an outcome to log.
func (s *Service) send(ctx context.Context, t *target, body []byte, secrets []string) outcome {
	out := outcome{Started: s.now()}
	fail := func(err error) outcome {
		out.Duration = time.Since(out.Started)
		out.Class, out.Err = safehttp.Classify(err), err.Error()
		return out
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return fail(fmt.Errorf("%w: %w", safehttp.ErrInvalidURL, err))
	}
	// Each attempt is signed afresh with the current time, so receivers
	// can reject replays by timestamp; the id stays the event's.
	sig, err := Sign(secrets, t.EventID, out.Started, body)
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", t.EventID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(out.Started.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.http.Do(req)
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	data, _, readErr := safehttp.ReadLimited(resp.Body, ResponseBodyLimit)
	// Drain the rest (bounded by the client's body cap) so the connection
	// goes back to the pool.
	io.Copy(io.Discard, resp.Body)
	out.Duration = time.Since(out.Started)
	out.StatusCode = resp.StatusCode
	out.Body = strings.ToValidUTF8(string(data), "\uFFFD")
	if readErr != nil && resp.StatusCode < 300 {
		// A 2xx whose body broke off still counts: the receiver accepted.
		s.log.WarnContext(ctx, "webhook response body unreadable", "event_id", t.EventID, "error", readErr)
	}
	if !out.ok() {
		out.Class = safehttp.ClassHTTP
		out.Err = fmt.Sprintf("the endpoint answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		out.RetryAfter, out.HasRetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), s.now())
	}
	return out
}

// parseRetryAfter reads delay-seconds or an HTTP date (RFC 9110 10.2.3).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		if n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter, true
		}
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// record writes the attempt and its consequences in one transaction: the
// delivery's status and next retry, the endpoint's failure bookkeeping,
// and, when the endpoint has failed too long, its disabling with the
// webhook.disabled event. Its result tells River what follows: nil for a
// success, an error for a retry at NextRetry, a snooze for a retry at the
// receiver's Retry-After, and a cancel when no attempt follows.
//
// Policy, following Svix: every failed attempt is retried on the schedule,
// whatever the status (3xx and 4xx included, since a misconfigured receiver
// is often fixed within the retry window), except 410 Gone, which means the
// receiver wants no more deliveries and disables the endpoint at once.
// Manual attempts are single shots: they never schedule retries or count
// towards disabling, but their success clears the failure counters.
func (s *Service) record(ctx context.Context, job *river.Job[events.DeliverArgs], number int, t *target, out outcome) error {
	args := job.Args
	if out.ok() {
		return s.recordSuccess(ctx, args, number, t, out)
	}
	try := tries(job)
	var next *time.Time
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		db := tx.DB(ctx)
		now := s.now()
		next = nil
		if number == 0 {
			if err := db.Raw(`UPDATE webhook_deliveries SET attempts = attempts + 1, updated_at = ? WHERE id = ? RETURNING attempts`,
				now, t.DeliveryID).Row().Scan(&number); err != nil {
				return fmt.Errorf("webhooks: number the attempt of delivery %d: %w", t.DeliveryID, err)
			}
		}
		disable := ""
		switch {
		case out.StatusCode == http.StatusGone:
			disable = "the endpoint answered 410 Gone"
			if err := markFailed(db, t.DeliveryID, now); err != nil {
				return err
			}
		case args.Manual():
			// A failed manual attempt changes nothing but the log.
		default:
			var since time.Time
			err := db.Raw(`UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?) WHERE id = ? RETURNING failing_since`,
				out.Started, t.EndpointID).Row().Scan(&since)
			if err != nil {
				return fmt.Errorf("webhooks: note failure of endpoint %d: %w", t.EndpointID, err)
			}
			if failing := now.Sub(since); failing >= s.cfg.DisableAfter {
				disable = fmt.Sprintf("every attempt has failed for more than %s", fmtDuration(s.cfg.DisableAfter))
			}
			// The schedule's last try is the last; so is River's last run,
			// should the job allow fewer (a snooze does not use one up).
			last := try >= len(s.cfg.RetrySchedule) || (!out.HasRetryAfter && job.Attempt >= job.MaxAttempts)
			if !last && disable == "" {
				at := now.Add(s.delay(try+1, out.RetryAfter, out.HasRetryAfter))
				next = &at
				if err := db.Exec(`UPDATE webhook_deliveries SET next_retry_at = ?, updated_at = ? WHERE id = ?`, at, now, t.DeliveryID).Error; err != nil {
					return fmt.Errorf("webhooks: schedule retry of delivery %d: %w", t.DeliveryID, err)
				}
				break
			}
			if err := markFailed(db, t.DeliveryID, now); err != nil {
				return err
			}
			if disable == "" {
				var failures int
				err := db.Raw(`UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = ? RETURNING consecutive_failures`,
					t.EndpointID).Row().Scan(&failures)
				if err != nil {
					return fmt.Errorf("webhooks: count failures of endpoint %d: %w", t.EndpointID, err)
				}
				if failures >= s.cfg.DisableAfterFailures {
					disable = fmt.Sprintf("%d events in a row failed every attempt", failures)
				}
			}
		}

		trigger := TriggerAuto
		if args.Manual() {
			trigger = TriggerManual
		}
		var code, class any
		if out.StatusCode != 0 {
			code = out.StatusCode
		}
		if out.Class != "" {
			class = string(out.Class)
		}
		res := db.Exec(`INSERT INTO webhook_attempts (delivery_id, endpoint_id, event_id, event_type, attempt, trigger, succeeded,
				started_at, duration_ms, status_code, error_class, error, response_body, next_retry_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (delivery_id, attempt) DO NOTHING`,
			t.DeliveryID, t.EndpointID, t.EventID, t.EventType, number, string(trigger), out.ok(),
			out.Started, out.Duration.Milliseconds(), code, class, out.Err, out.Body, next)
		if res.Error != nil {
			return fmt.Errorf("webhooks: log attempt %d of delivery %d: %w", number, t.DeliveryID, res.Error)
		}
		if res.RowsAffected == 0 {
			return errRecorded
		}
		if disable != "" {
			return s.disable(ctx, tx, t.EndpointID, disable, now)
		}
		return nil
	})
	if errors.Is(err, errRecorded) {
		return nil
	}
	if err != nil {
		return err
	}
	failed := fmt.Errorf("webhooks: attempt %d of delivery %d failed: %s", number, t.DeliveryID, out.Err)
	switch {
	case next != nil && out.HasRetryAfter:
		return river.JobSnooze(max(time.Until(*next), 0))
	case next != nil:
		s.retryAt.Store(job.ID, *next)
		return failed
	case !args.Manual() && job.Attempt >= job.MaxAttempts:
		// River discards the job itself: its attempts are used up.
		return failed
	}
	return river.JobCancel(failed)
}

// recordSuccess is the common case, written as one statement (one round
// trip, atomic on its own): log the attempt and, only if that row is new,
// mark the delivery succeeded and clear the endpoint's failure record. The
// endpoint update is conditional, so the success path takes no lock on the
// endpoint row that every other attempt would queue behind. A retry
// (number 0) takes its attempt number in the same statement.
func (s *Service) recordSuccess(ctx context.Context, args events.DeliverArgs, number int, t *target, out outcome) error {
	trigger := TriggerAuto
	if args.Manual() {
		trigger = TriggerManual
	}
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
	if number == 0 {
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
	_, err := s.jobs.Pool().Exec(ctx, q,
		t.DeliveryID, t.EndpointID, t.EventID, t.EventType, number, string(trigger),
		out.Started, out.Duration.Milliseconds(), out.StatusCode, out.Body, s.now())
	if err != nil {
		return fmt.Errorf("webhooks: log successful attempt of delivery %d: %w", t.DeliveryID, err)
	}
	return nil
}

// markFailed gives up on a delivery, unless an earlier attempt succeeded.
func markFailed(db *gorm.DB, id int64, now time.Time) error {
	q := `UPDATE webhook_deliveries SET status = 'failed', next_retry_at = NULL, updated_at = ? WHERE id = ? AND status <> 'succeeded'`
	if err := db.Exec(q, now, id).Error; err != nil {
		return fmt.Errorf("webhooks: mark delivery %d failed: %w", id, err)
	}
	return nil
}

// disable turns an endpoint off and emits webhook.disabled to the other
// endpoints subscribed to it. The endpoint itself, now inactive, gets no
// delivery of its own disabling.
func (s *Service) disable(ctx context.Context, tx *store.Tx, id int64, reason string, now time.Time) error {
	res := tx.DB(ctx).Exec(`UPDATE webhook_endpoints SET active = false, disabled_at = ?, disabled_reason = ?, updated_at = ?
		WHERE id = ? AND active`, now, reason, now, id)
	if res.Error != nil {
		return fmt.Errorf("webhooks: disable endpoint %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil // already disabled, by an admin or a concurrent attempt
	}
	e, err := getEndpoint(tx.DB(ctx), id, false)
	if err != nil {
		return err
	}
	s.log.WarnContext(ctx, "webhook endpoint disabled", "endpoint_id", id, "url", e.URL, "reason", reason)
	return events.Emit(ctx, tx, events.Event{
		Type: events.WebhookDisabled, At: now,
		Data: map[string]any{"webhook": e, "reason": reason},
	})
}
