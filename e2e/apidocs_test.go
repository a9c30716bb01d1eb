package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/internal/apptest"
)

// TestAPIDocs opens /api/docs in Chromium: the vendored Swagger UI loads
// the served document under the page's strict Content-Security-Policy,
// lists every operation and webhook, and runs a request against the desk.
func TestAPIDocs(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	p := open(t, env)
	// Any Content-Security-Policy violation is recorded before the page's
	// own scripts run.
	p.do("watch for CSP violations", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`,
		})
		return err
	}))
	p.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
	p.visit("/api/docs", ".opblock")
	p.viewShot("api-docs-desktop-top")

	ops := apptest.OpenAPI(t).Operations()
	shown := get(p, "count operations", chromedp.Evaluate[int](`document.querySelectorAll("#docs .opblock-tag-section .opblock").length`))
	if shown < len(ops) {
		t.Errorf("the docs list %d operations, the document has %d", shown, len(ops))
	}
	text := get(p, "read the docs", chromedp.Evaluate[string](`document.querySelector("#docs").innerText`))
	for _, want := range []string{"factdesk API", "/claims/{id}/transitions", "Take a workflow action", "Webhooks", "claim.created", "Problem"} {
		if !strings.Contains(text, want) {
			t.Errorf("the docs do not show %q", want)
		}
	}
	// Try one call from the page: the policy lets it talk to the desk.
	p.do("try GET /workflow",
		chromedp.Click(chromedp.CSS(`#operations-desk-getWorkflow .opblock-summary-control`)),
		chromedp.WaitVisible(chromedp.CSS(`#operations-desk-getWorkflow .try-out__btn`)),
		chromedp.Click(chromedp.CSS(`#operations-desk-getWorkflow .try-out__btn`)),
		chromedp.Click(chromedp.CSS(`#operations-desk-getWorkflow .execute`)),
		chromedp.WaitVisible(chromedp.CSS(`#operations-desk-getWorkflow .live-responses-table tbody .response-col_status`)),
	)
	status := get(p, "read the status", chromedp.Text(chromedp.CSS(`#operations-desk-getWorkflow .live-responses-table tbody .response-col_status`)))
	if !strings.Contains(status, "200") {
		t.Errorf("GET /workflow from the docs answered %q, want 200", status)
	}
	p.viewShot("api-docs-desktop-tried")
	p.screenshot("api-docs-desktop")
	p.noCSPViolations("/api/docs at desktop width")
	p.phone()
	p.visit("/api/docs", ".opblock")
	p.viewShot("api-docs-phone-top")
	p.do("open an operation on the phone",
		chromedp.Click(chromedp.CSS(`#operations-claims-transitionClaim .opblock-summary-control`)),
		chromedp.WaitVisible(chromedp.CSS(`#operations-claims-transitionClaim .opblock-body`)),
		chromedp.ScrollIntoView(chromedp.CSS(`#operations-claims-transitionClaim`)),
	)
	p.viewShot("api-docs-phone-operation")
	p.screenshot("api-docs-phone")
	p.noCSPViolations("/api/docs at phone width")
}

// noCSPViolations fails the test when the page reported any.
func (p *person) noCSPViolations(what string) {
	p.t.Helper()
	if v := get(p, "read CSP violations", chromedp.Evaluate[[]string](`window.__csp || []`)); len(v) > 0 {
		p.t.Errorf("%s broke its Content-Security-Policy: %v", what, v)
	}
}

// viewShot saves what the viewport shows (screenshot saves the whole page).
func (p *person) viewShot(name string) {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(screenshotDir(p.t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Logf("save screenshot: %v", err)
	}
}
