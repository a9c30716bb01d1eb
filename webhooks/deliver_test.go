package webhooks_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// emitComment makes one claim.comment_added event and returns the claim.
func emitComment(t *testing.T, b *testBundle, body string) *models.Claim {
	t.Helper()
	checker := b.env.User(t, models.RoleChecker)
	c := b.env.Claim(t, checker, "Claim for "+body)
	if _, err := b.env.App.Engine.AddComment(context.Background(), checker.User, c.ID, body); err != nil {
		t.Fatal(err)
	}
	return c
}

func (b *testBundle) endpoint(t *testing.T, h hook) map[string]any {
	t.Helper()
	res := b.env.Do(t, "GET", b.path(h, ""), b.admin.Token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET webhook = %d: %s", res.Status, res.Body)
	}
	return res.JSON(t)
}

// TestRetriesAfterReceiverWasDown: the first attempts find nothing
// listening; once the receiver comes up, the same event arrives with the
// same webhook-id, signed afresh.
func TestRetriesAfterReceiverWasDown(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Take a free port and close it, so connecting is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	h := b.createHook(t, "http://"+addr+"/hook", "claim.comment_added")
	emitComment(t, b, "while the receiver is down")
	eventually(t, "two refused attempts", func() bool { return len(b.log(t, h, "status=failed")) >= 2 })

	r := &receiver{t: t}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.Listener.Close()
	if r.Listener, err = net.Listen("tcp", addr); err != nil {
		t.Fatalf("re-listen on %s: %v", addr, err)
	}
	r.Start()
	t.Cleanup(r.checkContract)
	t.Cleanup(r.Close)
	eventually(t, "the delivery once the receiver is up", func() bool { return r.count() == 1 })
	eventually(t, "the success in the log", func() bool { return len(b.log(t, h, "status=succeeded")) == 1 })

	log := b.log(t, h, "")
	if log[0].Status != "succeeded" || log[0].StatusCode == nil || *log[0].StatusCode != 200 {
		t.Fatalf("newest attempt = %+v, want succeeded 200", log[0])
	}
	for i, a := range log {
		if a.EventID != r.deliveries()[0].ID {
			t.Errorf("attempt %d event %s, want %s (same webhook-id on every retry)", a.Attempt, a.EventID, r.deliveries()[0].ID)
		}
		if want := len(log) - i; a.Attempt != want || a.Trigger != "auto" {
			t.Errorf("attempt = %d %s, want %d auto", a.Attempt, a.Trigger, want)
		}
		if i > 0 && (a.ErrorClass == nil || *a.ErrorClass != "refused" || a.NextRetryAt == nil) {
			t.Errorf("failed attempt %d = class %v next %v, want refused with a next retry", a.Attempt, a.ErrorClass, a.NextRetryAt)
		}
	}
	mustVerify(t, r.deliveries()[0], h.Secret)
	if got := b.endpoint(t, h); got["failing_since"] != nil || got["consecutive_failures"].(float64) != 0 {
		t.Errorf("after a success the endpoint still records failures: %v", got)
	}
}

// TestGoneDisablesEndpoint: a 410 disables the endpoint at once and emits
// webhook.disabled; events while disabled are not queued, and after
// re-enabling, recover sends them.
func TestGoneDisablesEndpoint(t *testing.T) {
	t.Parallel()
	b := setup(t)
	watcher := newReceiver(t, nil)
	wh := b.createHook(t, watcher.URL, "webhook.disabled")
	var goneMode atomic.Bool
	goneMode.Store(true)
	r := newReceiver(t, func(int, delivery) (int, http.Header) {
		if goneMode.Load() {
			return http.StatusGone, nil
		}
		return http.StatusOK, nil
	})
	h := b.createHook(t, r.URL, "claim.comment_added")
	emitComment(t, b, "first")
	eventually(t, "webhook.disabled at the watcher", func() bool { return watcher.count() == 1 })
	d := watcher.deliveries()[0]
	mustVerify(t, d, wh.Secret)
	var data struct {
		Webhook struct {
			ID     int64 `json:"id"`
			Active bool  `json:"active"`
		} `json:"webhook"`
		Reason string `json:"reason"`
	}
	json.Unmarshal(d.Envelope.Data, &data)
	if data.Webhook.ID != h.ID || data.Webhook.Active || !strings.Contains(data.Reason, "410") {
		t.Errorf("webhook.disabled data = %s", d.Envelope.Data)
	}
	ep := b.endpoint(t, h)
	if ep["active"] != false || ep["disabled_at"] == nil || !strings.Contains(ep["disabled_reason"].(string), "410") {
		t.Fatalf("endpoint after 410 = %v, want disabled", ep)
	}
	if log := b.log(t, h, ""); len(log) != 1 || *log[0].StatusCode != 410 || log[0].NextRetryAt != nil {
		t.Fatalf("log after 410 = %+v, want one attempt and no retry", log)
	}

	emitComment(t, b, "while disabled")
	goneMode.Store(false)
	res := b.env.Do(t, "PATCH", b.path(h, ""), b.admin.Token, map[string]any{"active": true})
	if res.Status != 200 || res.JSON(t)["active"] != true {
		t.Fatalf("re-enable = %d %s", res.Status, res.Body)
	}
	emitComment(t, b, "after re-enabling")
	eventually(t, "the event after re-enabling", func() bool { return r.count() == 2 })
	if got := r.deliveries()[1]; !strings.Contains(string(got.Body), "after re-enabling") {
		t.Fatalf("second delivery = %s, want the event after re-enabling", got.Body)
	}
	res = b.env.Do(t, "POST", b.path(h, "/recover"), b.admin.Token, map[string]any{"since": ep["disabled_at"]})
	if res.Status != http.StatusAccepted || res.JSON(t)["queued"].(float64) != 1 {
		t.Fatalf("recover = %d %s, want 1 event queued", res.Status, res.Body)
	}
	eventually(t, "the event missed while disabled", func() bool { return r.count() == 3 })
	if got := r.deliveries()[2]; !strings.Contains(string(got.Body), "while disabled") {
		t.Fatalf("recovered delivery = %s, want the event from while disabled", got.Body)
	}
}

// TestRetryAfter: a 429 with Retry-After pushes the next attempt out by
// that long, even though the schedule says 100ms.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	b := setup(t, fast(0, 100*time.Millisecond, 100*time.Millisecond))
	r := newReceiver(t, func(n int, _ delivery) (int, http.Header) {
		if n == 0 {
			return http.StatusTooManyRequests, http.Header{"Retry-After": {"2"}}
		}
		if n == 1 {
			return http.StatusServiceUnavailable, http.Header{"Retry-After": {time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)}}
		}
		return http.StatusOK, nil
	})
	h := b.createHook(t, r.URL, "claim.comment_added")
	emitComment(t, b, "rate limited")
	apptest.Eventually(t, 20*time.Second, "third attempt", func() bool { return r.count() >= 3 })
	got := r.deliveries()
	if gap := got[1].At.Sub(got[0].At); gap < 2*time.Second || gap > 4*time.Second {
		t.Errorf("gap after Retry-After: 2 = %s, want about 2s", gap)
	}
	// An HTTP date has one-second resolution, hence the slack.
	if gap := got[2].At.Sub(got[1].At); gap < 2*time.Second || gap > 5*time.Second {
		t.Errorf("gap after a Retry-After date 3s ahead = %s, want about 3s", gap)
	}
	for _, d := range got[:3] {
		mustVerify(t, d, h.Secret)
	}
}

// TestRedeliverRecoverAndRotation covers the manual paths and a secret
// rotation, during which both secrets sign.
func TestRedeliverRecoverAndRotation(t *testing.T) {
	t.Parallel()
	b := setup(t, fast(0)) // one attempt, no retries
	var failing atomic.Bool
	failing.Store(true)
	r := newReceiver(t, func(int, delivery) (int, http.Header) {
		if failing.Load() {
			return http.StatusInternalServerError, nil
		}
		return http.StatusNoContent, nil
	})
	h := b.createHook(t, r.URL, "claim.comment_added", "claim.created")
	start := time.Now().Add(-time.Second)
	emitComment(t, b, "lost one")
	eventually(t, "the failed attempts", func() bool { return len(b.log(t, h, "status=failed")) == 2 })
	if res := b.env.Do(t, "GET", b.path(h, "/deliveries?status=succeeded"), b.admin.Token, nil); !strings.Contains(string(res.Body), `"items":[]`) {
		t.Fatalf("succeeded filter = %s, want none", res.Body)
	}
	if log := b.log(t, h, "event_type=claim.created"); len(log) != 1 || log[0].ResponseBody == "" {
		t.Fatalf("event_type filter = %+v, want the one claim.created attempt with its response body", log)
	}

	failing.Store(false)
	res := b.env.Do(t, "POST", b.path(h, "/recover"), b.admin.Token, map[string]any{"since": start.UTC().Format(time.RFC3339Nano)})
	if res.Status != http.StatusAccepted || res.JSON(t)["queued"].(float64) != 2 {
		t.Fatalf("recover = %d %s, want 2 queued", res.Status, res.Body)
	}
	eventually(t, "recovered events", func() bool { return len(b.log(t, h, "status=succeeded")) == 2 })
	for _, a := range b.log(t, h, "status=succeeded") {
		if a.Trigger != "manual" || a.Attempt != 2 {
			t.Errorf("recovered attempt = %+v, want attempt 2, manual", a)
		}
	}
	// Recovering again finds nothing: both have been delivered.
	res = b.env.Do(t, "POST", b.path(h, "/recover"), b.admin.Token, map[string]any{"since": start.UTC().Format(time.RFC3339Nano)})
	if res.JSON(t)["queued"].(float64) != 0 {
		t.Fatalf("second recover = %s, want 0 queued", res.Body)
	}

	first := r.deliveries()[len(r.deliveries())-1]
	res = b.env.Do(t, "POST", b.path(h, "/deliveries/"+first.ID+"/redeliver"), b.admin.Token, nil)
	if res.Status != http.StatusAccepted || res.JSON(t)["attempt"].(float64) != 3 {
		t.Fatalf("redeliver = %d %s, want attempt 3", res.Status, res.Body)
	}
	eventually(t, "the redelivery", func() bool { return len(r.ofTypeID(first.ID)) == 3 })
	again := r.ofTypeID(first.ID)[2]
	if string(again.Body) != string(first.Body) {
		t.Errorf("redelivered body differs:\n%s\n%s", again.Body, first.Body)
	}
	mustVerify(t, again, h.Secret)
	if res := b.env.Do(t, "POST", b.path(h, "/deliveries/evt_nope/redeliver"), b.admin.Token, nil); res.Status != 404 {
		t.Errorf("redeliver unknown event = %d, want 404", res.Status)
	}

	res = b.env.Do(t, "POST", b.path(h, "/rotate-secret"), b.admin.Token, nil)
	var rotated hook
	res.Decode(t, &rotated)
	if res.Status != 200 || rotated.Secret == h.Secret || !strings.HasPrefix(rotated.Secret, "whsec_") {
		t.Fatalf("rotate = %d %s", res.Status, res.Body)
	}
	if ep := b.endpoint(t, h); ep["old_secret_expires_at"] == nil || ep["secret"] != nil {
		t.Fatalf("endpoint after rotation = %v, want old_secret_expires_at and no secret", ep)
	}
	n := r.count()
	emitComment(t, b, "after rotation")
	eventually(t, "a delivery after rotation", func() bool { return r.count() >= n+2 })
	d := r.deliveries()[n]
	if parts := strings.Split(d.Signature, " "); len(parts) != 2 {
		t.Fatalf("signature after rotation = %q, want two", d.Signature)
	}
	if verify(t, d, rotated.Secret, h.Secret) != 2 {
		t.Fatalf("after rotation, old and new secret must both verify %q", d.Signature)
	}
}

func (r *receiver) ofTypeID(id string) []delivery {
	var out []delivery
	for _, d := range r.deliveries() {
		if d.ID == id {
			out = append(out, d)
		}
	}
	return out
}

// TestAutoDisableAfterConsecutiveFailures: with N=2, the second event in a
// row to exhaust its retries disables the endpoint.
func TestAutoDisableAfterConsecutiveFailures(t *testing.T) {
	t.Parallel()
	opt := fast(0, 50*time.Millisecond)
	b := setup(t, func(c *app.Config) { opt(c); c.Webhooks.DisableAfterFailures = 2 })
	r := newReceiver(t, func(int, delivery) (int, http.Header) { return http.StatusBadRequest, nil })
	h := b.createHook(t, r.URL, "claim.comment_added")
	emitComment(t, b, "one")
	eventually(t, "first event exhausted", func() bool { return b.endpoint(t, h)["consecutive_failures"].(float64) == 1 })
	if b.endpoint(t, h)["active"] != true {
		t.Fatal("disabled after one failed event, want two")
	}
	emitComment(t, b, "two")
	eventually(t, "endpoint disabled", func() bool { return b.endpoint(t, h)["active"] == false })
	ep := b.endpoint(t, h)
	if !strings.Contains(ep["disabled_reason"].(string), "2 events in a row") {
		t.Errorf("disabled_reason = %q", ep["disabled_reason"])
	}
	if got := r.count(); got != 4 {
		t.Errorf("receiver got %d attempts, want 2 events × 2 attempts (4xx is retried)", got)
	}
	if res := b.env.Do(t, "POST", b.path(h, "/ping"), b.admin.Token, nil); res.Status != http.StatusConflict {
		t.Errorf("ping a disabled endpoint = %d, want 409", res.Status)
	}
}

// TestSlackFormat posts a readable message, still signed: who commented,
// what, on which claim, with a link to it.
func TestSlackFormat(t *testing.T) {
	t.Parallel()
	b := setup(t, fast(), func(c *app.Config) { c.Webhooks.DashboardURL = "https://desk.example.org/" })
	r := newReceiver(t, nil)
	h := b.createHookWith(t, map[string]any{"url": r.URL, "events": []string{"claim.comment_added"}, "format": "slack"})
	checker := b.env.User(t, models.RoleChecker)
	c := b.env.Claim(t, checker, "Claim for the comment")
	if _, err := b.env.App.Engine.AddComment(context.Background(), checker.User, c.ID, "<!channel> look"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the slack message", func() bool { return r.count() == 1 })
	d := r.deliveries()[0]
	mustVerify(t, d, h.Secret)
	var msg map[string]string
	if err := json.Unmarshal(d.Body, &msg); err != nil || len(msg) != 1 {
		t.Fatalf("slack body = %s, want {\"text\": …}", d.Body)
	}
	id := strconv.FormatInt(c.ID, 10)
	if !strings.Contains(msg["text"], "claim #"+id) || strings.Contains(msg["text"], "<!channel>") {
		t.Errorf("slack text = %q", msg["text"])
	}
	want := "*" + checker.User.Name + "* commented on <https://desk.example.org/claims/" + id + "|claim #" + id + ">\n> Claim for the comment\nComment: &lt;!channel&gt; look"
	if msg["text"] != want {
		t.Errorf("slack text =\n%s\nwant\n%s", msg["text"], want)
	}
}

// TestChatFormats: Google Chat and Teams endpoints are accepted and get
// their own bodies.
func TestChatFormats(t *testing.T) {
	t.Parallel()
	b := setup(t, fast(), func(c *app.Config) { c.Webhooks.DashboardURL = "https://desk.example.org" })
	gc, teams := newReceiver(t, nil), newReceiver(t, nil)
	b.createHookWith(t, map[string]any{"url": gc.URL, "events": []string{"claim.comment_added"}, "format": "googlechat"})
	b.createHookWith(t, map[string]any{"url": teams.URL, "events": []string{"claim.comment_added"}, "format": "teams"})
	res := b.env.Do(t, "POST", "/api/v1/webhooks", b.admin.Token, map[string]any{"url": gc.URL, "events": []string{"*"}, "format": "fax"})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "googlechat") {
		t.Errorf("format fax = %d %s, want 422 naming the formats", res.Status, res.Body)
	}
	c := emitComment(t, b, "<users/all> see [this](https://evil.example)")
	eventually(t, "both messages", func() bool { return gc.count() == 1 && teams.count() == 1 })
	var g map[string]string
	if err := json.Unmarshal(gc.deliveries()[0].Body, &g); err != nil || len(g) != 1 {
		t.Fatalf("google chat body = %s", gc.deliveries()[0].Body)
	}
	id := strconv.FormatInt(c.ID, 10)
	if !strings.Contains(g["text"], "<https://desk.example.org/claims/"+id+"|claim #"+id+">") || strings.Contains(g["text"], "<users/all>") {
		t.Errorf("google chat text = %q", g["text"])
	}
	var card struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string `json:"contentType"`
			Content     struct {
				Type    string           `json:"type"`
				Body    []map[string]any `json:"body"`
				Actions []map[string]any `json:"actions"`
			} `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(teams.deliveries()[0].Body, &card); err != nil || card.Type != "message" || len(card.Attachments) != 1 ||
		card.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" || card.Attachments[0].Content.Type != "AdaptiveCard" {
		t.Fatalf("teams body = %s", teams.deliveries()[0].Body)
	}
	content := card.Attachments[0].Content
	if len(content.Actions) != 1 || content.Actions[0]["url"] != "https://desk.example.org/claims/"+id {
		t.Errorf("teams actions = %v", content.Actions)
	}
	body, _ := json.Marshal(content.Body)
	if strings.Contains(string(body), "](https://evil") || !strings.Contains(string(body), "commented on claim #"+id) {
		t.Errorf("teams card body = %s", body)
	}
}

// TestRedirectIsNotFollowed: a 3xx is a failed attempt, and the location,
// on loopback here, is never contacted.
func TestRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	b := setup(t, fast(0))
	target := newReceiver(t, nil)
	r := newReceiver(t, func(int, delivery) (int, http.Header) {
		return http.StatusFound, http.Header{"Location": {target.URL + "/internal"}}
	})
	h := b.createHook(t, r.URL, "claim.comment_added")
	emitComment(t, b, "redirected")
	eventually(t, "the failed attempt", func() bool { return len(b.log(t, h, "status=failed")) == 1 })
	a := b.log(t, h, "")[0]
	if *a.StatusCode != http.StatusFound || *a.ErrorClass != "http" {
		t.Errorf("attempt = %+v, want 302 http", a)
	}
	if target.count() != 0 {
		t.Errorf("the redirect target got %d requests, want none", target.count())
	}
}

// TestRedeliverOnlyWhatWasDelivered: an admin may resend an event to an
// endpoint that was sent it, not push another endpoint's event to a new
// receiver by its id, even when that endpoint subscribes to the type.
// Events an endpoint never got are what recover is for.
func TestRedeliverOnlyWhatWasDelivered(t *testing.T) {
	t.Parallel()
	b := setup(t, fast(0))
	ra := newReceiver(t, func(int, delivery) (int, http.Header) { return http.StatusNoContent, nil })
	rb := newReceiver(t, func(int, delivery) (int, http.Header) { return http.StatusNoContent, nil })
	a := b.createHook(t, ra.URL, "claim.comment_added")
	emitComment(t, b, "for A only")
	eventually(t, "A's delivery", func() bool { return ra.count() == 1 })
	event := ra.deliveries()[0].ID
	hb := b.createHook(t, rb.URL, "claim.comment_added")

	res := b.env.Do(t, "POST", b.path(hb, "/deliveries/"+event+"/redeliver"), b.admin.Token, nil)
	if res.Status != http.StatusNotFound {
		t.Fatalf("redeliver A's event %s to B = %d %s, want 404", event, res.Status, res.Body)
	}
	if res := b.env.Do(t, "POST", b.path(a, "/deliveries/"+event+"/redeliver"), b.admin.Token, nil); res.Status != http.StatusAccepted {
		t.Fatalf("redeliver to A = %d %s, want 202", res.Status, res.Body)
	}
	eventually(t, "A's redelivery", func() bool { return ra.count() == 2 })
	var n int64
	b.env.App.Store.SQL().QueryRow("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1", hb.ID).Scan(&n)
	if n != 0 || rb.count() != 0 {
		t.Errorf("B has %d delivery rows and received %d requests, want none", n, rb.count())
	}
}
