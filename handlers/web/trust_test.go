package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// Hole 2 on the dashboard: evidence is corrected and retracted from the
// claim page, with readable errors, and both show in the history.
func TestWebEvidenceCorrectAndRetract(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerified, checker, editor, "Ferries carried 2 million people in 2025.")
	full, err := env.App.Store.ClaimWithEvidence(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	ev := full.Evidence[0]
	b := webSignIn(t, env, checker)
	p := b.get(webClaimURL(c, "")).status(t, http.StatusOK)
	p.has(t, `id="evidence-edit-`+itoa(ev.ID)+`"`, `id="evidence-retract-`+itoa(ev.ID)+`"`, `name="evidence_version" value="1"`)

	// A stale form says so in words.
	b.submit(webClaimURL(c, "/evidence/"+itoa(ev.ID)), url.Values{"evidence_version": {"9"}, "stance": {"supports"}, "excerpt": {"2 million"}}).
		status(t, http.StatusConflict).has(t, "changed since you read it")
	res := b.submit(webClaimURL(c, "/evidence/"+itoa(ev.ID)), url.Values{"evidence_version": {"1"}, "stance": {"supports"}, "excerpt": {"2 million"}, "title": {"Port authority"}})
	res.status(t, http.StatusSeeOther)
	p = b.get(webClaimURL(c, "?done=evidence-saved")).status(t, http.StatusOK)
	p.has(t, "Evidence corrected.", "Port authority", "corrected evidence: https://example.org/source; the proposed verdict was withdrawn", "state-verifying")

	b.submit(webClaimURL(c, "/evidence/"+itoa(ev.ID)+"/retract"), url.Values{"evidence_version": {"2"}, "reason": {""}}).
		status(t, http.StatusUnprocessableEntity).has(t, "say why the evidence is withdrawn")
	b.submit(webClaimURL(c, "/evidence/"+itoa(ev.ID)+"/retract"), url.Values{"evidence_version": {"2"}, "reason": {"Wrong year in the report."}}).status(t, http.StatusSeeOther)
	p = b.get(webClaimURL(c, "")).status(t, http.StatusOK)
	p.has(t, "Retracted</span>", "Wrong year in the report.", "retracted evidence: https://example.org/source")
	p.lacks(t, `id="evidence-edit-`+itoa(ev.ID)+`"`)

	// A form without the CSRF token is refused.
	b.post(webClaimURL(c, "/evidence/"+itoa(ev.ID)+"/retract"), url.Values{"reason": {"x"}}).status(t, http.StatusForbidden)
}

// Hole 4 on the dashboard: /review and the claim page show the pre-publish
// checks, and a block needs a written override.
func TestWebPrePublishOnReview(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t)
	env.SetPrePublish(t, workflow.DefaultPolicy())
	checker, editor, editor2 := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleEditor)
	site := apptest.NewSourcePage(t, apptest.SourceArticle("Tunnel", "The tunnel is 9 km long."))
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "The tunnel is 12 km long.")
	ev := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/tunnel", "excerpt": "12 km"})
	if got := env.WaitChecked(t, checker.Token, c.ID, ev.ID); got.Status != "excerpt_missing" {
		t.Fatalf("source status = %s, want excerpt_missing", got.Status)
	}
	env.Transition(t, checker, c.ID, map[string]any{"action": "verify", "verdict": "true", "summary": "Per the operator."})
	c, _ = env.App.Store.Claim(t.Context(), c.ID)
	b := webSignIn(t, env, editor2)
	p := b.get("/review").status(t, http.StatusOK)
	p.has(t, `data-check="excerpts_found"`, "Blocks: 1 quoted excerpt not found on the cited page", `name="override_reason"`)
	b.get(webClaimURL(c, "")).status(t, http.StatusOK).has(t, "Pre-publish checks", "Blocks: 1 quoted excerpt", `id="override_reason"`)

	b.submit(webClaimURL(c, "/actions"), url.Values{"action": {"confirm"}, "version": {itoa(int64(c.Version))}, "from": {"review"}}).
		status(t, http.StatusUnprocessableEntity).has(t, "pre-publish check(s) block it", "write why the check is published anyway")
	reason := "The quote is in the PDF the page links to; archived."
	b.submit(webClaimURL(c, "/actions"), url.Values{"action": {"confirm"}, "version": {itoa(int64(c.Version))}, "override_reason": {reason}}).status(t, http.StatusSeeOther)
	b.get(webClaimURL(c, "")).status(t, http.StatusOK).has(t, "Pre-publish overrides", reason, "confirmed past excerpts_found")
}

// Hole 6 on the dashboard: pasting an article again opens the one already
// imported, with the sentences already filed linked to their claims.
func TestWebReimportArticle(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	b := webSignIn(t, env, checker)
	first := b.submit("/import", url.Values{"text": {articleText}, "url": {"https://news.example.org/jobs"}}).status(t, http.StatusSeeOther)
	b.submit(first.Location+"/claims", url.Values{"candidate": {"0"}}).status(t, http.StatusSeeOther)
	claims, err := env.App.Store.ArticleClaims(t.Context(), mustArticleID(t, first.Location))
	if err != nil || len(claims) != 1 {
		t.Fatalf("claims of the article = %v, %v", claims, err)
	}

	again := b.submit("/import", url.Values{"text": {articleText}, "url": {"https://news.example.org/jobs#top"}}).status(t, http.StatusSeeOther)
	if again.Location != first.Location+"?done=reimported" {
		t.Fatalf("re-import redirected to %q, want %s?done=reimported", again.Location, first.Location)
	}
	b.get(again.Location).status(t, http.StatusOK).has(t, "This article was imported before",
		`is already <a href="/claims/`+itoa(claims[0].ID)+`">claim #`+itoa(claims[0].ID)+`</a>`)
	b.submit(first.Location+"/claims", url.Values{"candidate": {"0"}}).status(t, http.StatusConflict).has(t, "already claim")
}

func mustArticleID(t *testing.T, location string) int64 {
	t.Helper()
	m := importLocation.FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("not an article location: %q", location)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}
