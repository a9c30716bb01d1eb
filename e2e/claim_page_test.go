package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// TestEvidenceUpdatesLive: a checker's open claim page shows a cited
// source's check result the moment the background check finishes, with no
// reload: the source site holds its answer until the page shows the item
// as not yet checked, so only the check's own notification can update it.
func TestEvidenceUpdatesLive(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.SourceDesk(t, func(c *app.Config) { c.FetchTimeout = 30 * time.Second })
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	claim := env.ClaimIn(t, models.StateVerifying, checker, editor, "The city planted 12,000 trees in 2025.")

	release := make(chan struct{})
	var asked atomic.Int64
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, apptest.SourceArticle("Parks report 2025", "The parks department planted 12,000 trees in 2025, its annual report says."))
	}))
	t.Cleanup(site.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})

	p := open(t, env)
	p.desktop()
	p.signIn(checker)
	p.visit(fmt.Sprintf("/claims/%d", claim.ID), "#claim-live")
	p.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`))
	// A change only reaches the page through its open stream: wait for it
	// to open, as a checker's page has long before anyone adds a source.
	p.do("wait for the live stream", chromedp.Poll[chromedp.Void](`(window.factdeskStreams || []).some(s => s.readyState === EventSource.OPEN)`))

	ev, err := env.App.Engine.AddEvidence(context.Background(), checker.User, claim.ID, workflow.NewEvidence{
		URL: site.URL + "/parks-report", Stance: models.StanceSupports, Excerpt: "planted 12,000 trees in 2025"})
	if err != nil {
		t.Fatal(err)
	}
	item := fmt.Sprintf("#evidence-%d", ev.ID)
	p.do("see the new evidence, not yet checked", chromedp.WaitVisible(chromedp.CSS(item+" .status-pending")))
	if n := strings.Count(get(p, "read the item", chromedp.Text(chromedp.CSS(item))), "checked"); n != 1 {
		t.Errorf("the pending item says \"checked\" %d times, want one status label", n)
	}
	apptest.Eventually(t, 15*time.Second, "the source check to reach the site", func() bool { return asked.Load() > 0 })
	close(release)
	p.do("see the check's result arrive", chromedp.WaitVisible(chromedp.CSS(item+" .status-verified")))
	if !get(p, "probe the page", chromedp.Evaluate[bool](`window.__sameDocument === true`)) {
		t.Errorf("the page reloaded; the evidence list should update in place")
	}
	p.screenshot("claim-verifying-evidence")
	p.phone()
	p.visit(fmt.Sprintf("/claims/%d", claim.ID), "#claim-live")
	p.screenshot("claim-verifying-evidence-phone")
}

// TestClaimPageHeadingAndLinks: the claim page has a real h1, the decision
// comes after the context and the evidence, a rejected duplicate links to
// the claim it repeats, and a confirmed claim links to its public page.
func TestClaimPageHeadingAndLinks(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	fresh := env.Claim(t, checker, "The bus fleet doubled in size since 2022.")
	confirmed := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The city planted 12,000 trees in 2025.")
	dup := env.Claim(t, checker, "In 2025 the city planted 12,000 trees.")
	dupOf := confirmed.ID
	if _, err := env.App.Engine.Apply(context.Background(), editor.User, dup.ID, workflow.Request{
		Action: models.ActionReject, Version: dup.Version, Comment: "Already checked.", DuplicateOf: &dupOf}); err != nil {
		t.Fatal(err)
	}

	p := open(t, env)
	p.desktop()
	p.signIn(editor)
	shots := []struct {
		name string
		id   int64
	}{{"claim-new", fresh.ID}, {"claim-rejected-duplicate", dup.ID}, {"claim-confirmed", confirmed.ID}}
	for _, s := range shots {
		p.visit(fmt.Sprintf("/claims/%d", s.id), "#claim-h1")
		if h1 := get(p, "read the h1", chromedp.Text(chromedp.CSS("h1"))); !strings.HasPrefix(h1, fmt.Sprintf("Claim #%d", s.id)) {
			t.Errorf("claim %d: h1 = %q", s.id, h1)
		}
		if n := get(p, "count the h1s", chromedp.Evaluate[int](`document.querySelectorAll("h1").length`)); n != 1 {
			t.Errorf("claim %d: %d h1 elements, want 1", s.id, n)
		}
		p.screenshot(s.name)
	}

	// On the new claim the context and evidence come before the decision.
	p.visit(fmt.Sprintf("/claims/%d", fresh.ID), "#actions-form")
	if !get(p, "read the order", chromedp.Evaluate[bool](`(() => {
		const ev = document.getElementById("evidence-h"), ctx = document.getElementById("claim-related"), act = document.getElementById("actions-form");
		return !!(ev.compareDocumentPosition(act) & Node.DOCUMENT_POSITION_FOLLOWING) && !!(ctx.compareDocumentPosition(act) & Node.DOCUMENT_POSITION_FOLLOWING);
	})()`)) {
		t.Errorf("the actions form comes before the context or the evidence")
	}

	// The published claim's edit form says why its wording is locked and
	// points at the way to change it.
	p.visit(fmt.Sprintf("/claims/%d", confirmed.ID), "#edit-claim")
	p.do("open the edit form", chromedp.Click(chromedp.CSS("#edit-claim summary")), chromedp.WaitVisible(chromedp.ID("edit-locked")))
	if locked := get(p, "read the lock", chromedp.Text(chromedp.ID("edit-locked"))); !strings.Contains(locked, "published") || !strings.Contains(locked, "reopen the claim") {
		t.Errorf("the locked claim's edit form says %q", locked)
	}
	p.do("follow the reopen link", chromedp.Click(chromedp.CSS(`#edit-locked a[href="#actions-form"]`)), chromedp.WaitVisible(chromedp.ID("action-reopen")))
	p.screenshot("claim-confirmed-edit")

	p.visit(fmt.Sprintf("/claims/%d", dup.ID), "#duplicate-of")
	p.do("follow the duplicate link", chromedp.Click(chromedp.CSS("#duplicate-of a")), chromedp.WaitVisible(chromedp.CSS("#public-link")))
	if loc := get(p, "read the URL", chromedp.Location()); !strings.HasSuffix(loc, fmt.Sprintf("/claims/%d", confirmed.ID)) {
		t.Errorf("the duplicate link went to %s, want claim %d", loc, confirmed.ID)
	}
	p.do("follow the public link", chromedp.Click(chromedp.CSS("#public-link a")), chromedp.WaitVisible(chromedp.CSS("h1")))
	loc := get(p, "read the URL", chromedp.Location())
	body := get(p, "read the public page", chromedp.Text(chromedp.CSS("body")))
	if !strings.Contains(loc, "/factchecks/") || !strings.Contains(body, confirmed.Text) {
		t.Errorf("the public link went to %s showing %q", loc, body)
	}

	p.phone()
	for _, s := range shots {
		p.visit(fmt.Sprintf("/claims/%d", s.id), "#claim-h1")
		p.screenshot(s.name + "-phone")
	}
}

// TestLiveRefreshWaitsForTheUser: a change arriving while the user types a
// retraction reason does not wipe the open form; the page catches up once
// the form is closed.
func TestLiveRefreshWaitsForTheUser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerified, checker, editor, "The new bridge opened two years early.")
	full, err := env.App.Store.ClaimWithEvidence(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	eid := full.Evidence[0].ID
	reason := fmt.Sprintf("ev-reason-%d", eid)

	p := open(t, env)
	p.signIn(editor)
	p.visit(fmt.Sprintf("/claims/%d", c.ID), "#claim-live")
	p.do("start a retraction",
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#evidence-%d details.evidence-edit summary", eid))),
		chromedp.WaitVisible(chromedp.ID(reason)),
		chromedp.SendKeys(chromedp.ID(reason), "Half typed"),
	)
	if _, err := env.App.Engine.AddComment(context.Background(), checker.User, c.ID, "New figures are out."); err != nil {
		t.Fatal(err)
	}
	p.do("see the refresh held", chromedp.WaitReady(chromedp.CSS("#claim-live[data-live-pending]")))
	if typed := get(p, "read the reason", chromedp.Value(chromedp.ID(reason))); typed != "Half typed" {
		t.Errorf("the reason being typed reads %q after a change arrived", typed)
	}
	p.do("close the form and catch up",
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#evidence-%d details.evidence-edit summary", eid))),
		chromedp.WaitVisible(chromedp.Search(`//p[contains(@class,"body")][contains(., "New figures are out.")]`)),
		chromedp.WaitNotPresent(chromedp.CSS("#claim-live[data-live-pending]")),
	)
	// The context panel is kept across the refresh, not loaded again
	// (which would shift the page under the reader).
	if again := get(p, "probe the context panel", chromedp.Evaluate[bool](`!!document.querySelector("#claim-related.claim-related") && !document.querySelector(".claim-context")`)); !again {
		t.Errorf("the refresh replaced the loaded context panel with its placeholder")
	}
}
