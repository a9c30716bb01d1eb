package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

var webSecret = regexp.MustCompile(`whsec_[A-Za-z0-9_\-+/=]+`)

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

	created := b.submit("/admin/webhooks", url.Values{
		"url": {rcv}, "events": {"claim.confirmed", "claim.disputed"}, "description": {`<img src=x onerror=alert(1)> CMS`}, "format": {"standard"},
	}).status(t, http.StatusCreated)
	created.has(t, "shown only this once", "Signing secret for", "&lt;img src=x onerror=alert(1)&gt; CMS", "claim.confirmed, claim.disputed").
		lacks(t, "<img src=x")
	if cc := created.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("creation page Cache-Control = %q, want no-store", cc)
	}
	secret := webSecret.FindString(created.Body)
	if secret == "" || strings.Count(created.Body, secret) != 1 {
		t.Fatalf("secret %q shown %d times on the creation page", secret, strings.Count(created.Body, secret))
	}
	list := b.get("/admin/webhooks").status(t, http.StatusOK)
	list.lacks(t, secret, "whsec_", "Signing secret for")
	m := regexp.MustCompile(`data-webhook-id="(\d+)"`).FindStringSubmatch(list.Body)
	if m == nil {
		t.Fatalf("no endpoint listed:\n%s", list.Body)
	}
	base := "/admin/webhooks/" + m[1]
	list.has(t, `href="`+base+`"`, `action="`+base+`/ping"`, `action="`+base+`/delete"`, "badge active")
	b.get(base).lacks(t, secret)

	// A ping goes through the queue and shows in the delivery log.
	res := b.submit(base+"/ping", nil).status(t, http.StatusSeeOther)
	if res.Location != base+"?done=webhook-pinged" {
		t.Fatalf("ping went to %q", res.Location)
	}
	apptest.Eventually(t, 15*time.Second, "the ping in the delivery log", func() bool {
		p := b.get(base)
		return strings.Contains(p.Body, "webhook.ping") && strings.Contains(p.Body, "Succeeded")
	})
	b.get(base).has(t, "Recent deliveries to", "<td>204</td>", "Succeeded")

	// Disable, ping refused with the reason, enable again.
	res = b.submit(base, url.Values{"active": {"false"}}).status(t, http.StatusSeeOther)
	b.get(res.Location).has(t, "Webhook updated", "badge inactive", "disabled by an admin").lacks(t, `action="`+base+`/ping"`)
	b.submit(base+"/ping", nil).status(t, http.StatusConflict).has(t, "is disabled")
	b.submit(base, url.Values{"active": {"maybe"}}).status(t, http.StatusUnprocessableEntity)
	b.submit(base, url.Values{"active": {"true"}}).status(t, http.StatusSeeOther)
	b.get("/admin/webhooks").has(t, "badge active", `action="`+base+`/ping"`)

	res = b.submit(base+"/delete", nil).status(t, http.StatusSeeOther)
	b.get(res.Location).has(t, "Webhook deleted", "No webhook endpoint yet")
	b.get(base).status(t, http.StatusNotFound)
	b.submit(base+"/delete", nil).status(t, http.StatusNotFound)
}
