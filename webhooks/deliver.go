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

	"github.com/riverqueue/river"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/safehttp"
	"github.com/factdesk/factdesk/store"
)

// Trigger says why an attempt was made.
type Trigger = models.WebhookTrigger

const (
	// TriggerAuto: the first attempt or a scheduled retry.
	TriggerAuto Trigger = "auto"
	// TriggerManual: an admin asked for it (redeliver or recover).
	TriggerManual Trigger = "manual"
)

// target is everything one attempt needs, read in one query.
type target = store.DeliveryTarget

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
			return s.store.WithTx(ctx, func(tx *store.Tx) error { return tx.SkipDelivery(ctx, t.DeliveryID, s.now()) })
		}
	}
	secrets, err := s.signingSecrets(t.EndpointID, t.SecretSealed, t.OldSecretSealed, t.OldExpiresAt)
	if err != nil {
		// Our configuration, not the endpoint, is at fault: leave the
		// endpoint's record alone and let River retry the job.
		return err
	}
	body, err := formatBody(t.Format, t.Payload, s.cfg.DashboardURL)
	if err != nil {
		return err
	}
	out := s.send(ctx, t, body, secrets)
	if out.Class == safehttp.ClassCanceled {
		// Shutdown cancelled the request. Returning the context's error
		// makes River run the job again without counting this run, so the
		// attempt is made rather than logged as the endpoint's failure.
		return fmt.Errorf("webhooks: attempt of delivery %d cancelled (%s): %w", t.DeliveryID, out.Err, ctx.Err())
	}
	s.metrics.WebhookAttempt(out.label(), out.Duration)
	return s.record(ctx, job, number, t, out)
}

// formatBody writes an event envelope in an endpoint's format.
func formatBody(f Format, payload, dashboardURL string) ([]byte, error) {
	switch f {
	case FormatSlack:
		return slackBody(payload, dashboardURL)
	case FormatGoogleChat:
		return googleChatBody(payload, dashboardURL)
	case FormatTeams:
		return teamsBody(payload, dashboardURL)
	}
	return []byte(payload), nil
}

// label is the attempt's outcome as the metrics count it.
func (o outcome) label() string {
	switch {
	case o.ok():
		return "delivered"
	case o.HasRetryAfter:
		return "retry_after"
	case o.Class == safehttp.ClassHTTP:
		return "http_error"
	}
	return "unreachable"
}

// loadTarget and recordSuccess, the two statements of every successful
// attempt, run on the queue's own pgx pool rather than the app's shared
// database/sql pool (see store.DeliveryPool).
func (s *Service) loadTarget(ctx context.Context, deliveryID int64, number int) (*target, error) {
	return store.OnPool(s.jobs.Pool()).DeliveryTarget(ctx, deliveryID, number)
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
		now := s.now()
		next = nil
		if number == 0 {
			var err error
			if number, err = tx.NumberDeliveryAttempt(ctx, t.DeliveryID, now); err != nil {
				return err
			}
		}
		disable := ""
		switch {
		case out.StatusCode == http.StatusGone:
			disable = "the endpoint answered 410 Gone"
			if err := markFailed(ctx, tx, t.DeliveryID, now); err != nil {
				return err
			}
		case args.Manual():
			// A failed manual attempt changes nothing but the log.
		default:
			since, err := tx.NoteWebhookFailing(ctx, t.EndpointID, out.Started)
			if err != nil {
				return err
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
				if err := tx.ScheduleDeliveryRetry(ctx, t.DeliveryID, at, now); err != nil {
					return err
				}
				break
			}
			if err := markFailed(ctx, tx, t.DeliveryID, now); err != nil {
				return err
			}
			if disable == "" {
				failures, err := tx.CountWebhookFailure(ctx, t.EndpointID)
				if err != nil {
					return err
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
		entry := attemptLog(number, t, out, trigger)
		entry.NextRetryAt = next
		if out.Class != "" {
			class := string(out.Class)
			entry.ErrorClass = &class
		}
		logged, err := tx.LogWebhookAttempt(ctx, entry)
		if err != nil {
			return err
		}
		if !logged {
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

// recordSuccess logs a successful attempt in one statement on the queue's
// pool (see store.DeliveryPool.RecordDeliverySuccess). A retry (number 0)
// takes its attempt number in the same statement.
func (s *Service) recordSuccess(ctx context.Context, args events.DeliverArgs, number int, t *target, out outcome) error {
	trigger := TriggerAuto
	if args.Manual() {
		trigger = TriggerManual
	}
	return store.OnPool(s.jobs.Pool()).RecordDeliverySuccess(ctx, attemptLog(number, t, out, trigger), s.now())
}

// attemptLog is the log line of attempt number of a delivery.
func attemptLog(number int, t *target, out outcome, trigger Trigger) *store.AttemptLog {
	a := &store.AttemptLog{
		DeliveryID: t.DeliveryID, EndpointID: t.EndpointID, EventID: t.EventID, EventType: t.EventType,
		Attempt: number, Trigger: trigger, Succeeded: out.ok(), StartedAt: out.Started, Duration: out.Duration,
		Error: out.Err, ResponseBody: out.Body,
	}
	if out.StatusCode != 0 {
		code := out.StatusCode
		a.StatusCode = &code
	}
	return a
}

// markFailed gives up on a delivery, unless an earlier attempt succeeded.
func markFailed(ctx context.Context, tx *store.Tx, id int64, now time.Time) error {
	return tx.MarkDeliveryFailed(ctx, id, now)
}

// disable turns an endpoint off and emits webhook.disabled to the other
// endpoints subscribed to it. The endpoint itself, now inactive, gets no
// delivery of its own disabling.
func (s *Service) disable(ctx context.Context, tx *store.Tx, id int64, reason string, now time.Time) error {
	disabled, err := tx.DisableWebhookEndpoint(ctx, id, reason, now)
	if err != nil {
		return err
	}
	if !disabled {
		return nil // already disabled, by an admin or a concurrent attempt
	}
	e, err := tx.WebhookEndpoint(ctx, id)
	if err != nil {
		return err
	}
	s.log.WarnContext(ctx, "webhook endpoint disabled", "endpoint_id", id, "url", e.URL, "reason", reason)
	return events.Emit(ctx, tx, events.Event{
		Type: events.WebhookDisabled, At: now,
		Data: map[string]any{"webhook": e, "reason": reason},
	})
}
