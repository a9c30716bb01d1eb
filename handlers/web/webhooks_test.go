package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

var webSecret = regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`)

// pageText is a page's HTML with its character references decoded, as a
// reader sees it. html/template writes the "+" of a base64 secret as
// "&#43;", so a secret is only whole in this text, never in the raw HTML.
func pageText(p *webPage) string { return html.UnescapeString(p.Body) }

// lacksSecret fails the test when p shows secret, in any escaping.
func lacksSecret(t *testing.T, p *webPage, secret string) {
	t.Helper()
	p.lacks(t, "whsec_")
	if strings.Contains(pageText(p), secret) {
		t.Errorf("page (status %d) shows the secret %q", p.Status, secret)
	}
}

// signingSecret is the secret that signs deliveries to endpoint id now.
func signingSecret(t *testing.T, env *apptest.Env, id int64) string {
	t.Helper()
	secrets, err := env.App.Webhooks.SigningSecrets(context.Background(), id)
	if err != nil || len(secrets) == 0 {
		t.Fatalf("signing secrets of endpoint %d: %v %v", id, secrets, err)
	}
	return secrets[0]
}

func TestWebWebhooksAreAdminOnly(t *testing.T) {
	t.Parallel()
	env, admin, rcv := webhookDesk(t)
	editor := env.User(t, models.RoleEditor)
	eb := webSignIn(t, env, editor)
	eb.get("/").lacks(t, `href="/admin/webhooks"`)
	eb.get("/admin/webhooks").status(t, http.StatusForbidden).has(t, "You cannot do that")
	eb.submit("/admin/webhooks", url.Values{"url": {rcv}, "events": {"*"}}).status(t, http.StatusForbidden).has(t, "You cannot do that")
	webSignIn(t, env, admin).get("/").has(t, `href="/admin/webhooks"`)
}

func TestWebWebhooks(t *testing.T) {
	t.Parallel()
	env, admin, rcv := webhookDesk(t)
	b := webSignIn(t, env, admin)
	b.get("/admin/webhooks").status(t, http.StatusOK).has(t,
		"No webhook endpoint yet", `<label for="nw-url">`, `<legend>Events</legend>`, `value="claim.confirmed"`, `<label for="nw-format">`)

	// A failed form keeps its input and names the fields at fault.
	bad := b.submit("/admin/webhooks", url.Values{"url": {""}, "events": {"claim.confirmed"}, "format": {"standard"}})
	bad.status(t, http.StatusUnprocessableEntity).has(t, `value="claim.confirmed" checked`).lacks(t, "whsec_")

	// Creating redirects (post/redirect/get) to the endpoint's page, which
	// shows the secret once; reloading it shows neither the secret nor a
	// second endpoint.
	form := url.Values{
		"url": {rcv}, "events": {"claim.confirmed", "claim.disputed"}, "description": {`<img src=x onerror=alert(1)> CMS`}, "format": {"standard"},
	}
	res := b.submit("/admin/webhooks", form).status(t, http.StatusSeeOther)
	m := regexp.MustCompile(`^/admin/webhooks/(\d+)\?done=webhook-created$`).FindStringSubmatch(res.Location)
	if m == nil {
		t.Fatalf("create redirected to %q, want the endpoint's page", res.Location)
	}
	base := "/admin/webhooks/" + m[1]
	created := b.get(res.Location).status(t, http.StatusOK)
	created.has(t, "shown only this once", "Signing secret for", "&lt;img src=x onerror=alert(1)&gt; CMS", "claim.confirmed, claim.disputed").
		lacks(t, "<img src=x")
	if cc := created.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("creation page Cache-Control = %q, want no-store", cc)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	secret := webSecret.FindString(pageText(created))
	if want := signingSecret(t, env, id); secret != want || strings.Count(pageText(created), secret) != 1 {
		t.Fatalf("creation page shows %q %d times, want the signing secret %q once", secret, strings.Count(pageText(created), secret), want)
	}
	lacksSecret(t, b.get(res.Location).status(t, http.StatusOK).has(t, "shown once and is hidden now"), secret)
	list := b.get("/admin/webhooks").status(t, http.StatusOK)
	lacksSecret(t, list.lacks(t, "Signing secret for"), secret)
	if n := strings.Count(list.Body, "data-webhook-id="); n != 1 {
		t.Fatalf("%d endpoints listed after one create and two reloads", n)
	}
	list.has(t, `href="`+base+`"`, `action="`+base+`/ping"`, `action="`+base+`/rotate"`, `action="`+base+`/delete"`, "badge active")
	lacksSecret(t, b.get(base), secret)

	// The same URL, events and format again is refused in words, and the
	// form offers to add it anyway.
	dup := b.submit("/admin/webhooks", url.Values{"url": {rcv}, "events": {"claim.disputed", "claim.confirmed"}, "format": {"standard"}})
	dup.status(t, http.StatusConflict).has(t, "every event would arrive twice", `name="allow_duplicate"`).lacks(t, "whsec_")
	b.submit("/admin/webhooks", url.Values{"url": {rcv}, "events": {"claim.disputed", "claim.confirmed"}, "format": {"standard"}, "allow_duplicate": {"true"}}).
		status(t, http.StatusSeeOther)
	// Bad input reads as sentences, not API field names.
	b.submit("/admin/webhooks", url.Values{"url": {"ftp://example.org/x"}, "format": {"standard"}}).status(t, http.StatusUnprocessableEntity).
		has(t, "The URL must start with http:// or https://", "Choose at least one event to send").lacks(t, "<strong>Url:</strong>", "Events:")

	// Rotating shows the new secret once on the endpoint's page.
	res = b.submit(base+"/rotate", nil).status(t, http.StatusSeeOther)
	rotated := b.get(res.Location).status(t, http.StatusOK).has(t, "New signing secret made")
	s2 := webSecret.FindString(pageText(rotated))
	if want := signingSecret(t, env, id); s2 != want || s2 == secret {
		t.Fatalf("rotation showed %q, want the new signing secret %q", s2, want)
	}
	lacksSecret(t, b.get(res.Location), s2)

	// A ping goes through the queue and shows in the delivery log.
	res = b.submit(base+"/ping", nil).status(t, http.StatusSeeOther)
	if res.Location != base+"?done=webhook-pinged" {
		t.Fatalf("ping went to %q", res.Location)
	}
	apptest.Eventually(t, 15*time.Second, "the ping in the delivery log", func() bool {
		p := b.get(base)
		return strings.Contains(p.Body, "webhook.ping") && strings.Contains(p.Body, "Succeeded")
	})
	logPage := b.get(base).has(t, "Recent deliveries to", ">204</td>", "Succeeded", `action="`+base+`/redeliver"`)
	// Redeliver sends the same event again, as a manual attempt.
	evID := regexp.MustCompile(`name="event_id" value="([^"]+)"`).FindStringSubmatch(logPage.Body)
	if evID == nil {
		t.Fatal("no Redeliver button in the log")
	}
	res = b.submit(base+"/redeliver", url.Values{"event_id": {evID[1]}}).status(t, http.StatusSeeOther)
	if res.Location != base+"?done=webhook-redelivered" {
		t.Fatalf("redeliver went to %q", res.Location)
	}
	apptest.Eventually(t, 15*time.Second, "the redelivery in the log", func() bool {
		return strings.Count(b.get(base).Body, `name="event_id" value="`+evID[1]+`"`) == 2
	})

	// Disable, ping refused with the reason, enable again.
	res = b.submit(base, url.Values{"active": {"false"}}).status(t, http.StatusSeeOther)
	b.get(res.Location).has(t, "Webhook updated", "badge inactive", "disabled by an admin").lacks(t, `action="`+base+`/ping"`)
	b.submit(base+"/ping", nil).status(t, http.StatusConflict).has(t, "is disabled")
	b.submit(base, url.Values{"active": {"maybe"}}).status(t, http.StatusUnprocessableEntity)
	b.submit(base, url.Values{"active": {"true"}}).status(t, http.StatusSeeOther)
	b.get("/admin/webhooks").has(t, "badge active", `action="`+base+`/ping"`)

	res = b.submit(base+"/delete", nil).status(t, http.StatusSeeOther)
	b.get(res.Location).has(t, "Webhook deleted").lacks(t, `data-webhook-id="`+m[1]+`"`)
	b.get(base).status(t, http.StatusNotFound)
	b.submit(base+"/delete", nil).status(t, http.StatusNotFound)
}
