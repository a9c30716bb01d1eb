package webhooks_test

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// TestRetriesAreRiverRetriesOfOneJob: a delivery is one River job whose
// runs are its attempts. A Retry-After snoozes the job but still uses up a
// try of the schedule, so a three-entry schedule makes three attempts in
// all, and then River stops the job.
func TestRetriesAreRiverRetriesOfOneJob(t *testing.T) {
	t.Parallel()
	b := setup(t, fast(0, 100*time.Millisecond, 100*time.Millisecond))
	r := newReceiver(t, func(n int, _ delivery) (int, http.Header) {
		if n == 1 {
			return http.StatusTooManyRequests, http.Header{"Retry-After": {"0"}}
		}
		return http.StatusServiceUnavailable, nil
	})
	h := b.createHook(t, r.URL, "claim.comment_added")
	emitComment(t, b, "never accepted")
	eventually(t, "the delivery's job to finish", func() bool { return r.count() > 0 && pendingDeliveryJobs(t, b) == 0 })
	if n := r.count(); n != 3 {
		t.Fatalf("receiver got %d attempts, want 3 (the schedule's length, Retry-After included)", n)
	}
	log := b.log(t, h, "")
	if len(log) != 3 {
		t.Fatalf("log has %d attempts, want 3", len(log))
	}
	for i, a := range log {
		if want := 3 - i; a.Attempt != want || a.Status != "failed" {
			t.Errorf("log entry %d = attempt %d %s, want %d failed", i, a.Attempt, a.Status, want)
		}
		if last := i == 0; last != (a.NextRetryAt == nil) {
			t.Errorf("attempt %d next_retry_at = %v; want a retry announced on all but the last", a.Attempt, a.NextRetryAt)
		}
	}
	var jobs, snoozes int
	var state string
	err := b.env.App.Store.SQL().QueryRowContext(context.Background(), `SELECT count(*) OVER (), state, COALESCE((metadata->>'snoozes')::int, 0)
		FROM river_job WHERE kind = 'webhook_delivery'`).Scan(&jobs, &state, &snoozes)
	if err != nil {
		t.Fatal(err)
	}
	if jobs != 1 || snoozes != 1 || (state != "cancelled" && state != "discarded") {
		t.Fatalf("river_job: %d delivery job(s), state %s, %d snooze(s); want one job, stopped, snoozed once", jobs, state, snoozes)
	}
}
