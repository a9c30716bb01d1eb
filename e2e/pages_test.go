package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/demo"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/internal/testtools"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/webhooks"
	"github.com/factdesk/factdesk/workflow"
)

// everyPage is every page of the dashboard and of the public site, each
// visited by TestEveryPage at desktop and phone width: axe-core must find
// no serious or critical violation, and at 390 px the document must not be
// wider than the screen. Adding a page is one line: a name (used for the
// screenshots; ending in "-404" or "not-found" expects a 404), who visits
// it (signedOut for the public), and its path,
// where {claim}, {confirmed}, {evidence}, {article}, {webhook}, {slug},
// {checker}, {archived} and {archived-source} stand for the seeded desk's
// ids and slugs.
var everyPage = []pageCase{
	{"queue", models.RoleChecker, "/"},
	{"board", models.RoleViewer, "/board"},
	{"claims", models.RoleEditor, "/claims"},
	{"claim", models.RoleChecker, "/claims/{claim}"},
	{"claim-confirmed", models.RoleEditor, "/claims/{confirmed}"},
	{"claim-related", models.RoleChecker, "/claims/{claim}/related"},
	{"claim-new", models.RoleChecker, "/claims/new"},
	{"captures", models.RoleChecker, "/claims/{claim}/evidence/{evidence}/captures"},
	{"review", models.RoleEditor, "/review"},
	{"overview", models.RoleViewer, "/overview"},
	{"notifications", models.RoleChecker, "/notifications"},
	{"notification-settings", models.RoleChecker, "/notifications/settings"},
	{"import", models.RoleChecker, "/import"},
	{"import-article", models.RoleChecker, "/import/{article}"},
	{"sources", models.RoleEditor, "/sources"},
	{"admin-users", models.RoleAdmin, "/admin/users"},
	{"admin-user-deactivate", models.RoleAdmin, "/admin/users/{checker}/deactivate"},
	{"admin-webhooks", models.RoleAdmin, "/admin/webhooks"},
	{"admin-webhook-log", models.RoleAdmin, "/admin/webhooks/{webhook}"},
	{"admin-settings", models.RoleAdmin, "/admin/settings"},
	{"admin-integrations", models.RoleAdmin, "/admin/integrations"},
	{"views", models.RoleChecker, "/views"},
	{"profile-settings", models.RoleViewer, "/settings"},
	{"not-found", models.RoleChecker, "/no-such-page"},
	{"login", signedOut, "/login"},
	{"public-index", signedOut, "/factchecks"},
	{"public-factcheck", signedOut, "/factchecks/{slug}"},
	{"public-404", signedOut, "/factchecks/no-such-check"},
	{"public-archived-copy", signedOut, "/factchecks/{archived}/sources/{archived-source}"},
}

// signedOut visits a page without signing in.
const signedOut models.Role = ""

type pageCase struct {
	name string
	as   models.Role
	path string
}

// wantStatus is 404 for the pages named as not-found ones, else 200.
func (pc pageCase) wantStatus() int {
	if strings.HasSuffix(pc.name, "-404") || strings.HasSuffix(pc.name, "not-found") {
		return http.StatusNotFound
	}
	return http.StatusOK
}

// status fails unless the page now shown was answered with want (the
// navigation's own status, as the browser saw it).
func (p *person) status(path string, want int) {
	p.t.Helper()
	got := get(p, "status of "+path, chromedp.Evaluate[int](`performance.getEntriesByType("navigation")[0].responseStatus`))
	if got != want {
		p.t.Errorf("%s answered %d, want %d", path, got, want)
	}
}

// TestEveryPage visits everyPage on a seeded, branded desk (the demo desk
// with a webhook and its log, an imported article, an outlet and a logo).
func TestEveryPage(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	axe := testtools.AxeScript(t)
	env, ids := pagesDesk(t)
	for _, pc := range everyPage {
		t.Run(pc.name, func(t *testing.T) {
			t.Parallel()
			p := open(t, env)
			if pc.as != signedOut {
				p.signIn(ids.users[pc.as])
			}
			path := ids.expand(pc.path)
			for _, width := range []string{"desktop", "phone"} {
				if width == "desktop" {
					p.desktop()
				} else {
					p.phone()
				}
				p.do("visit "+path, chromedp.Navigate(env.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
				if width == "desktop" {
					p.status(path, pc.wantStatus())
				}
				p.screenshot(pc.name + "-" + width)
				if width == "phone" {
					p.fitsScreen(path)
				}
				p.hiddenStaysHidden(path)
				p.accessible(axe, path+" at "+width+" width")
			}
		})
	}
}

// fitsScreen fails when the page is wider than the viewport, naming the
// elements that stick out.
func (p *person) fitsScreen(path string) {
	p.t.Helper()
	const js = `(() => {
		const w = document.documentElement.clientWidth;
		const out = [];
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			if (r.right > w + 1 && out.length < 8) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : '') + ' right=' + Math.round(r.right));
		}
		return JSON.stringify({scroll: document.documentElement.scrollWidth, width: w, out});
	})()`
	raw := get(p, "measure "+path, chromedp.Evaluate[string](js))
	var m struct {
		Scroll, Width int
		Out           []string
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		p.t.Fatalf("measure %s: %v", path, err)
	}
	if m.Scroll > m.Width {
		p.t.Errorf("%s is %d px wide on a %d px screen; sticking out: %s", path, m.Scroll, m.Width, strings.Join(m.Out, ", "))
	}
}

// hiddenStaysHidden fails when text meant for screen readers only
// (.visually-hidden) takes up room on screen.
func (p *person) hiddenStaysHidden(path string) {
	p.t.Helper()
	const js = `JSON.stringify([...document.querySelectorAll('.visually-hidden')].filter(el => {
		const r = el.getBoundingClientRect();
		return r.width > 1 || r.height > 1;
	}).slice(0, 5).map(el => el.textContent.trim()))`
	var shown []string
	if err := json.Unmarshal([]byte(get(p, "find visible hidden text", chromedp.Evaluate[string](js))), &shown); err != nil {
		p.t.Fatalf("hidden text on %s: %v", path, err)
	}
	if len(shown) > 0 {
		p.t.Errorf("%s shows screen-reader-only text: %q", path, shown)
	}
}

// accessible runs axe-core in the page and fails on any serious or
// critical violation, listing each with the elements at fault.
func (p *person) accessible(axe, what string) {
	p.t.Helper()
	loaded := get(p, "inject axe-core", chromedp.Evaluate[bool](axe+";\ntypeof window.axe === 'object'"))
	if !loaded {
		p.t.Fatalf("axe-core did not load into %s", what)
	}
	const run = `axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(
		r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary.replace(/\s+/g, ' '))}))))`
	raw := get(p, "run axe-core", chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	var found []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(raw), &found); err != nil {
		p.t.Fatalf("axe-core results for %s: %v", what, err)
	}
	for _, v := range found {
		p.t.Errorf("%s: %s violation %s (%s):\n\t%s", what, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}

// seededIDs are the seeded desk's people and the ids its pages need.
type seededIDs struct {
	users map[models.Role]apptest.User
	// subst fills the placeholders of everyPage's paths.
	subst *strings.Replacer
}

func (s seededIDs) expand(path string) string { return s.subst.Replace(path) }

// pagesDesk is the demo desk plus what the remaining pages show: a webhook
// endpoint with a delivery in its log, an imported article, an outlet in
// the source registry, a notification and the desk's branding.
func pagesDesk(t *testing.T) (*apptest.Env, seededIDs) {
	t.Helper()
	env := apptest.SourceDesk(t, func(c *app.Config) {
		c.Webhooks.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	ctx := context.Background()
	a := env.App
	logins, err := demo.Load(ctx, a.Engine, a.Auth, a.Store)
	if err != nil {
		t.Fatal(err)
	}
	ids := seededIDs{users: map[models.Role]apptest.User{}}
	for _, l := range logins {
		if _, ok := ids.users[l.Role]; ok {
			continue
		}
		u, err := a.Store.UserByEmail(ctx, l.Email)
		if err != nil {
			t.Fatal(err)
		}
		ids.users[l.Role] = apptest.User{User: u, Password: l.Password}
	}
	admin, checker := ids.users[models.RoleAdmin].User, ids.users[models.RoleChecker].User

	list, _, err := a.Store.Claims(ctx, store.ClaimFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var claimID, confirmedID int64
	for _, c := range list {
		if c.State == models.StateConfirmed && confirmedID == 0 {
			confirmedID = c.ID
		}
		if c.State == models.StateVerified && claimID == 0 {
			claimID = c.ID
		}
	}
	claim, err := a.Store.ClaimWithEvidence(ctx, claimID)
	if err != nil || len(claim.Evidence) == 0 {
		t.Fatalf("seeded claim %d = %+v, %v; want one with evidence", claimID, claim, err)
	}
	pub, err := a.Store.Publication(ctx, confirmedID)
	if err != nil {
		t.Fatal(err)
	}
	// A comment mentioning the checker puts a notification in their inbox.
	handle, _, _ := strings.Cut(checker.Email, "@")
	if _, err := a.Engine.AddComment(ctx, ids.users[models.RoleEditor].User, claimID, "@"+handle+" could you add the police notice as evidence?"); err != nil {
		t.Fatal(err)
	}
	article, err := a.Engine.ImportArticle(ctx, checker, workflow.NewArticle{
		URL: "https://news.example.org/2026/11/budget", Title: "Budget day",
		Text: "The finance minister said on Tuesday that unemployment fell to 4.1 percent in October. " +
			"She added that the deficit would shrink by 2 billion euros next year. The opposition disagreed.",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Sources.CreateOutlet(ctx, ids.users[models.RoleEditor].User, sources.OutletInput{Domain: "news.example.org", Name: "Example News", Rating: models.RatingReliable, Note: "Corrects promptly."}); err != nil {
		t.Fatal(err)
	}
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(rcv.Close)
	hook, err := a.Webhooks.Create(ctx, admin, webhooks.NewEndpoint{URL: rcv.URL + "/factdesk", Events: []string{webhooks.AllEvents}, Description: "Newsroom CMS"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Webhooks.Ping(ctx, hook.ID); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 15*time.Second, "the ping in the webhook's log", func() bool {
		at, _, err := a.Webhooks.Attempts(ctx, hook.ID, webhooks.AttemptFilter{Limit: 1})
		return err == nil && len(at) == 1
	})
	// A check published with a source the desk captured, for the public
	// archived copy.
	site := apptest.NewSourcePage(t, apptest.SourceArticle("Ferry report", "Ferry crossings rose by a third in 2025, the port said."))
	ferry := env.ClaimIn(t, models.StateVerifying, ids.users[models.RoleChecker], ids.users[models.RoleEditor], "Ferry crossings rose by a third in 2025.")
	ev, err := a.Engine.AddEvidence(ctx, checker, ferry.ID, workflow.NewEvidence{URL: site.URL() + "/ferries", Stance: models.StanceSupports, Excerpt: "rose by a third"})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, env, ferry.ID, ev.ID, "verified")
	cur, _ := a.Store.Claim(ctx, ferry.ID)
	if _, err := a.Engine.Apply(ctx, checker, ferry.ID, workflow.Request{Action: models.ActionVerify, Version: cur.Version, Verdict: models.VerdictTrue, Summary: "The port's report says so."}); err != nil {
		t.Fatal(err)
	}
	cur, _ = a.Store.Claim(ctx, ferry.ID)
	if _, err := a.Engine.Apply(ctx, ids.users[models.RoleEditor].User, ferry.ID, workflow.Request{Action: models.ActionConfirm, Version: cur.Version}); err != nil {
		t.Fatal(err)
	}
	ferryPub, err := a.Store.Publication(ctx, ferry.ID)
	if err != nil {
		t.Fatal(err)
	}

	// The desk's branding, with a logo, so the public pages show it.
	logo := image.NewRGBA(image.Rect(0, 0, 96, 32))
	for x := range 96 {
		for y := range 32 {
			logo.Set(x, y, color.RGBA{uint8(40 + x), 160, uint8(90 + y*3), 255})
		}
	}
	var logoPNG bytes.Buffer
	if err := png.Encode(&logoPNG, logo); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Engine.UpdateBranding(ctx, admin, workflow.BrandingPatch{
		Name: models.Some("Harbour Fact Desk"), HeaderColor: models.Some("#0b3d2e"), HeaderTextColor: models.Some("#ffffff"),
		LinkColor: models.Some("#0a5c36"), Logo: logoPNG.Bytes(),
	}); err != nil {
		t.Fatal(err)
	}
	ids.subst = strings.NewReplacer(
		"{claim}", fmt.Sprint(claimID), "{confirmed}", fmt.Sprint(confirmedID), "{evidence}", fmt.Sprint(claim.Evidence[0].ID),
		"{article}", fmt.Sprint(article.ID), "{webhook}", fmt.Sprint(hook.ID), "{slug}", pub.Slug,
		"{checker}", fmt.Sprint(checker.ID), "{archived-source}", fmt.Sprint(ev.ID), "{archived}", ferryPub.Slug,
	)
	return env, ids
}
