package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

var webToken = regexp.MustCompile(`fd_[A-Za-z0-9_\-]{20,}`)

// TestWebIntegrations: an admin adds a service account, issues it a token
// shown once with a copy button, sees it listed (name, scopes, creator,
// expiry, last use) without its value, and revokes it.
func TestWebIntegrations(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	editor := env.User(t, models.RoleEditor)
	eb := webSignIn(t, env, editor)
	eb.get("/").lacks(t, `href="/admin/integrations"`)
	eb.get("/admin/integrations").status(t, http.StatusForbidden)

	b := webSignIn(t, env, admin)
	b.get("/").has(t, `href="/admin/integrations"`)
	b.get("/admin/integrations").status(t, http.StatusOK).has(t, "No integration token yet", "Add a service account first")
	res := b.submit("/admin/integrations/accounts", url.Values{"name": {"Newsroom CMS"}, "role": {"checker"}}).status(t, http.StatusSeeOther)
	page := b.get(res.Location).has(t, "Service account added", "Newsroom CMS", "newsroom-cms@service.invalid", `name="scopes" value="claims:read"`)
	acct := regexp.MustCompile(`data-account-id="(\d+)"`).FindStringSubmatch(page.Body)[1]
	b.get("/admin/users").has(t, "Newsroom CMS <span class=\"badge\">Service account</span>", "signs in with")

	// A failed form keeps its ticks and names the field.
	b.submit("/admin/integrations/tokens", url.Values{"user_id": {acct}, "name": {"cms"}, "expires_in_days": {"90"}, "scopes": {"claims:read", "bogus"}}).
		status(t, http.StatusUnprocessableEntity).has(t, `value="claims:read" checked`, "is not a scope").lacks(t, "fd_")

	created := b.submit("/admin/integrations/tokens", url.Values{"user_id": {acct}, "name": {"cms-production"}, "expires_in_days": {"30"},
		"rate_limit_per_minute": {"120"}, "scopes": {"claims:read", "claims:write"}}).status(t, http.StatusCreated)
	created.has(t, "shown only this once", `data-copy="new-token-value"`, "cms-production")
	if cc := created.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("creation page Cache-Control = %q, want no-store", cc)
	}
	token := webToken.FindString(created.Body)
	if token == "" || strings.Count(created.Body, token) != 1 {
		t.Fatalf("token %q shown %d times on the creation page", token, strings.Count(created.Body, token))
	}
	if r := env.Do(t, "GET", "/api/v1/claims", token, nil); r.Status != http.StatusOK {
		t.Fatalf("issued token: GET /claims = %d", r.Status)
	}
	list := b.get("/admin/integrations").status(t, http.StatusOK)
	list.lacks(t, token, "fd_").has(t, "cms-production", "<code>claims:read</code> <code>claims:write</code>", "by "+admin.Name,
		"120 requests a minute", "from 127.0.0.1", "badge active")
	id := regexp.MustCompile(`data-token-id="(\d+)"`).FindStringSubmatch(list.Body)[1]

	res = b.submit("/admin/integrations/tokens/"+id+"/revoke", nil).status(t, http.StatusSeeOther)
	b.get(res.Location).has(t, "Token revoked", "Revoked").lacks(t, `action="/admin/integrations/tokens/`+id+`/revoke"`)
	if r := env.Do(t, "GET", "/api/v1/claims", token, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("revoked token: GET /claims = %d, want 401", r.Status)
	}
}
