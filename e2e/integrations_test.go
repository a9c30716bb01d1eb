package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// TestIntegrationTokenIssueAndCopy: an admin adds a service account,
// issues it a token in the browser, copies it with the button (the copied
// text is the token, which then works on the API), and sees it listed
// without its value, at desktop and phone width.
func TestIntegrationTokenIssueAndCopy(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	p := open(t, env)
	p.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
	p.signIn(admin)
	p.visit("/admin/integrations", "#sa-name")
	p.do("add a service account",
		chromedp.SetValue(chromedp.ID("sa-name"), "Newsroom CMS"),
		chromedp.SetValue(chromedp.ID("sa-role"), "checker"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/integrations/accounts"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("nt-name")),
	)
	p.do("issue a token",
		chromedp.SetValue(chromedp.ID("nt-name"), "cms-production"),
		chromedp.Click(chromedp.CSS(`input[name=scopes][value="claims:read"]`)),
		chromedp.Click(chromedp.CSS(`input[name=scopes][value="claims:write"]`)),
		chromedp.SetValue(chromedp.ID("nt-rate"), "120"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/integrations/tokens"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("new-token-value")),
	)
	token := strings.TrimSpace(get(p, "read the token", chromedp.TextContent(chromedp.ID("new-token-value"))))
	if !strings.HasPrefix(token, "fd_") {
		t.Fatalf("token shown = %q", token)
	}
	// Headless Chromium has no clipboard permission: record what the
	// button hands the clipboard instead.
	p.do("copy the token",
		chromedp.Evaluate[chromedp.Void](`navigator.clipboard.writeText = function (t) { window.__copied = t; return Promise.resolve(); }`),
		chromedp.Click(chromedp.CSS(`button[data-copy="new-token-value"]`)),
		chromedp.WaitVisible(chromedp.Search(`//*[@data-copy-status="new-token-value"][contains(., "Copied.")]`)),
	)
	if copied := get(p, "read the copied text", chromedp.Evaluate[string](`window.__copied`)); copied != token {
		t.Errorf("copied %q, want the token %q", copied, token)
	}
	p.screenshot("integrations-token-issued-desktop")
	if r := env.Do(t, "GET", "/api/v1/claims", token, nil); r.Status != 200 {
		t.Fatalf("the copied token: GET /claims = %d", r.Status)
	}
	p.visit("/admin/integrations", "table.tokens")
	html := get(p, "read the page", chromedp.OuterHTML(chromedp.CSS("html")))
	if strings.Contains(html, token) {
		t.Error("the token is shown again on the list")
	}
	p.screenshot("integrations-list-desktop")
	p.visit("/admin/users", "table.users")
	p.screenshot("users-with-service-account-desktop")
	p.phone()
	p.visit("/admin/integrations", "table.tokens")
	p.screenshot("integrations-list-phone")
}
