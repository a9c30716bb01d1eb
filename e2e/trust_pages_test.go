package e2e_test

// Browser tests for the holes of issue 10 that involve a page: each one
// drives the dashboard or the public site in real Chromium and checks what
// a person sees, so it fails on the old behaviour (edits after a verdict
// kept it, no evidence history, internal statuses in public, one-click
// confirms past broken sources, retractions as 404s, re-imports filed
// twice, pages that state nothing about the record).

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// text reads the innerText of the first element matching sel.
func (p *person) text(sel string) string {
	p.t.Helper()
	return get(p, "read "+sel, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q) || {innerText: ""}).innerText`, sel)))
}

// publicPath is where a published claim's page lives.
func publicPath(t *testing.T, env *apptest.Env, claimID int64) string {
	t.Helper()
	page, err := env.App.Site.Load(context.Background(), claimID)
	if err != nil {
		t.Fatalf("load public page of claim %d: %v", claimID, err)
	}
	return "/factchecks/" + page.Slug
}

// waitStatus waits for a source check to give an evidence item status.
func waitStatus(t *testing.T, env *apptest.Env, claimID, evidenceID int64, status string) {
	t.Helper()
	apptest.Eventually(t, 15*time.Second, "the source check of evidence "+fmt.Sprint(evidenceID), func() bool {
		c, err := env.App.Store.ClaimWithEvidence(context.Background(), claimID)
		if err != nil {
			return false
		}
		for _, e := range c.Evidence {
			if e.ID == evidenceID {
				return e.Status == status
			}
		}
		return false
	})
}

// Hole 1: editing the words of a verified claim sends it back to
// verifying, says so, and the history keeps the old and the new text; a
// published claim's form says its words are locked and offers the reopen.
func TestEditAfterVerdictInBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerified, checker, editor, "The meeting took place at a hotel in central New Delhi.")

	desk := open(t, env)
	desk.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
	desk.signIn(editor)
	desk.visit(fmt.Sprintf("/claims/%d", c.ID), "#claim-state .state-verified")
	newText := "The meeting took place at the Indian defence ministry."
	desk.do("edit the verified claim's text",
		chromedp.Click(chromedp.CSS("#edit-claim summary")),
		chromedp.WaitVisible(chromedp.ID("edit-text")),
		chromedp.SetValue(chromedp.ID("edit-text"), newText),
		chromedp.Click(chromedp.CSS(`#edit-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#claim-state .state-verifying")),
	)
	if msg := desk.text(".notice"); !strings.Contains(msg, "went back to verifying") {
		t.Errorf("after the edit the page says %q, want that the claim went back to verifying", msg)
	}
	history := desk.text(".timeline")
	if !strings.Contains(history, "hotel in central New Delhi") || !strings.Contains(history, "Indian defence ministry") ||
		!strings.Contains(history, "proposed verdict was withdrawn") {
		t.Errorf("history does not show the old and new text and the withdrawn verdict:\n%s", history)
	}
	if got := desk.text("#claim-text"); got != newText {
		t.Errorf("claim text = %q", got)
	}
	desk.screenshot("edit-after-verdict")

	// A confirmed claim: the words are locked, the reopen is offered.
	pub := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The dam holds 3 billion litres.")
	desk.visit(fmt.Sprintf("/claims/%d", pub.ID), "#claim-state .state-confirmed")
	desk.do("open the edit form", chromedp.Click(chromedp.CSS("#edit-claim summary")), chromedp.WaitVisible(chromedp.ID("edit-locked")))
	if msg := desk.text("#edit-locked"); !strings.Contains(msg, "locked") || !strings.Contains(msg, "Reopen it") {
		t.Errorf("confirmed claim's edit form says %q, want locked with a reopen", msg)
	}
	readonly := get(desk, "text readonly", chromedp.Evaluate[bool](`document.getElementById("edit-text").readOnly`))
	reopen := get(desk, "reopen offered", chromedp.Evaluate[bool](`!!document.querySelector('#edit-locked a[href="#actions-form"]') && !!document.getElementById("action-reopen")`))
	if !readonly || !reopen {
		t.Errorf("confirmed claim: text readonly %v, reopen link and button %v; want both", readonly, reopen)
	}
	desk.screenshot("edit-locked")
}

// Hole 2: evidence is corrected from the claim page, and the history
// shows each changed field's old and new value.
func TestEvidenceEditInBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerified, checker, editor, "Ferries carried 2 million people in 2025.")
	full, err := env.App.Store.ClaimWithEvidence(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	eid := full.Evidence[0].ID

	desk := open(t, env)
	desk.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
	desk.signIn(checker)
	desk.visit(fmt.Sprintf("/claims/%d", c.ID), "#claim-state .state-verified")
	item := fmt.Sprintf("#evidence-%d", eid)
	desk.do("correct the evidence",
		chromedp.Click(chromedp.CSS(item+" details.evidence-edit summary")),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("ev-title-%d", eid))),
		chromedp.SetValue(chromedp.ID(fmt.Sprintf("ev-title-%d", eid)), "Port authority annual report"),
		chromedp.SetValue(chromedp.ID(fmt.Sprintf("ev-stance-%d", eid)), "refutes"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf("#evidence-edit-%d button[type=submit]", eid))),
		chromedp.WaitVisible(chromedp.CSS("#claim-state .state-verifying")),
	)
	if got := desk.text(item + " a"); got != "Port authority annual report" {
		t.Errorf("evidence title shown = %q", got)
	}
	history := desk.text(".timeline")
	for _, want := range []string{"corrected evidence: https://example.org/source", "title: (none) → Port authority annual report",
		"stance: supports → refutes", "proposed verdict was withdrawn"} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q:\n%s", want, history)
		}
	}
	desk.screenshot("evidence-corrected")
	desk.phone()
	desk.visit(fmt.Sprintf("/claims/%d", c.ID), ".timeline .changes")
	desk.screenshot("evidence-corrected-phone")
}

// Hole 3: the public page, read in a browser, shows the sources without
// the desk's check statuses, internal notes or the checkers' names, and
// its archived copy shows the captured text with the quote marked and
// nothing of the captured page alive.
func TestPublicPageInBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.SourceDesk(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	site := apptest.NewSourcePage(t, `<!doctype html><html><head><title>Fares report</title></head><body><article>
<p>Fares rose by 4% in 2025, the operator said.</p><p id="raw-marker">Raw <img src="x" onerror="window.__ran=1"><script>window.__ran=1</script></p>
</article></body></html>`)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Bus fares rose by 4% in 2025.")
	ctx := context.Background()
	found, err := env.App.Engine.AddEvidence(ctx, checker.User, c.ID, workflow.NewEvidence{URL: site.URL() + "/fares", Stance: models.StanceSupports,
		Excerpt: "Fares rose by 4% in 2025", Note: "INTERNAL call the operator back", Internal: true})
	if err != nil {
		t.Fatal(err)
	}
	missing, err := env.App.Engine.AddEvidence(ctx, checker.User, c.ID, workflow.NewEvidence{URL: site.URL() + "/other", Stance: models.StanceSupports,
		Excerpt: "a sentence the page lacks"})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, env, c.ID, found.ID, "verified")
	waitStatus(t, env, c.ID, missing.ID, "excerpt_missing")
	cur, _ := env.App.Store.Claim(ctx, c.ID)
	if _, err := env.App.Engine.Apply(ctx, checker.User, c.ID, workflow.Request{Action: models.ActionVerify, Version: cur.Version, Verdict: models.VerdictTrue, Summary: "The operator's report says 4%."}); err != nil {
		t.Fatal(err)
	}
	cur, _ = env.App.Store.Claim(ctx, c.ID)
	if _, err := env.App.Engine.Apply(ctx, editor.User, c.ID, workflow.Request{Action: models.ActionConfirm, Version: cur.Version, OverrideReason: "checked by phone"}); err != nil {
		t.Fatal(err)
	}

	reader := open(t, env)
	reader.do("desktop viewport", chromedp.EmulateViewport(1366, 900))
	reader.visit(publicPath(t, env, c.ID), "#sources")
	page := reader.text("body")
	for _, leak := range []string{"Quote not found", "Source verified", "Not yet checked", "excerpt_missing", "INTERNAL", "checked by phone",
		checker.Name, editor.Name, checker.Email} {
		if strings.Contains(page, leak) {
			t.Errorf("public page shows desk-internal %q", leak)
		}
	}
	if n := get(reader, "count sources", chromedp.Evaluate[int](`document.querySelectorAll("#sources li").length`)); n != 2 {
		t.Errorf("public page lists %d sources, want 2", n)
	}
	reader.screenshot("public-page")
	reader.do("open the archived copy",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a.archived[href$="/sources/%d"]`, found.ID))),
		chromedp.WaitVisible(chromedp.CSS(".readable-text mark")),
	)
	if got := reader.text(".readable-text mark"); got != "Fares rose by 4% in 2025" {
		t.Errorf("archived copy marks %q", got)
	}
	alive := get(reader, "captured HTML alive", chromedp.Evaluate[bool](`!!document.querySelector("#raw-marker, .readable-text img, .readable-text script") || !!window.__ran`))
	if alive {
		t.Error("the captured HTML came alive on the public archived copy")
	}
	archive := reader.text("body")
	if !strings.Contains(archive, "SHA-256 of the WARC file") || strings.Contains(archive, "INTERNAL") || strings.Contains(archive, "Source verified") {
		t.Errorf("archived copy:\n%s", archive)
	}
	reader.screenshot("public-archived-copy")
	reader.phone()
	reader.visit(publicPath(t, env, c.ID)+fmt.Sprintf("/sources/%d", found.ID), ".readable-text mark")
	reader.screenshot("public-archived-copy-phone")
	reader.visit(publicPath(t, env, c.ID), "#sources")
	reader.screenshot("public-page-phone")
}

// Hole 4: /review shows the pre-publish checks; a confirm a check blocks
// is refused without a reason and accepted with one, which the claim page
// then shows.
func TestPrePublishOverrideInBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.SourceDesk(t)
	env.SetPrePublish(t, workflow.DefaultPolicy())
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	site := apptest.NewSourcePage(t, apptest.SourceArticle("Tunnel", "The tunnel is 9 km long."))
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "The tunnel is 12 km long.")
	ctx := context.Background()
	ev, err := env.App.Engine.AddEvidence(ctx, checker.User, c.ID, workflow.NewEvidence{URL: site.URL() + "/tunnel", Stance: models.StanceSupports, Excerpt: "12 km"})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, env, c.ID, ev.ID, "excerpt_missing")
	cur, _ := env.App.Store.Claim(ctx, c.ID)
	if _, err := env.App.Engine.Apply(ctx, checker.User, c.ID, workflow.Request{Action: models.ActionVerify, Version: cur.Version, Verdict: models.VerdictTrue, Summary: "Per the operator."}); err != nil {
		t.Fatal(err)
	}

	desk := open(t, env)
	desk.signIn(editor)
	card := fmt.Sprintf(`.review-item[data-claim-id="%d"]`, c.ID)
	desk.visit("/review", card)
	checks := desk.text(card + " .prepublish")
	if !strings.Contains(checks, "Blocks: 1 quoted excerpt not found") {
		t.Errorf("/review shows the checks %q, want the blocking excerpt check", checks)
	}
	desk.screenshot("review-prepublish")
	desk.do("confirm without a reason",
		chromedp.Click(chromedp.CSS(card+` button[value="confirm"]`)),
		chromedp.WaitVisible(chromedp.CSS(".notice-error")),
	)
	if msg := desk.text(".notice-error"); !strings.Contains(msg, "block") || !strings.Contains(msg, "write why") {
		t.Errorf("refused confirm says %q", msg)
	}
	if got, _ := env.App.Store.Claim(ctx, c.ID); got.State != models.StateVerified {
		t.Fatalf("claim after the refused confirm is %s, want verified", got.State)
	}
	reason := "The figure is in the PDF the page links to; archived."
	desk.visit("/review", card)
	desk.do("confirm with a written override",
		chromedp.SetValue(chromedp.ID(fmt.Sprintf("override-%d", c.ID)), reason),
		chromedp.Click(chromedp.CSS(card+` button[value="confirm"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(card)),
	)
	desk.visit(fmt.Sprintf("/claims/%d", c.ID), ".overrides")
	if got := desk.text(".overrides"); !strings.Contains(got, reason) || !strings.Contains(got, "excerpts_found") {
		t.Errorf("claim page overrides = %q, want the reason and the check", got)
	}
	desk.screenshot("claim-override")
}

// Hole 5: a retracted fact check keeps its address, with a dated notice
// and the reason, and without ClaimReview.
func TestRetractedFactCheckInBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The bridge cost 40 million.")
	path := publicPath(t, env, c.ID)
	ctx := context.Background()
	for _, r := range []workflow.Request{{Action: models.ActionReopen, Comment: "The invoice was forged."},
		{Action: models.ActionReject, Comment: "Our only source was a forged invoice."}} {
		cur, _ := env.App.Store.Claim(ctx, c.ID)
		r.Version = cur.Version
		if _, err := env.App.Engine.Apply(ctx, editor.User, c.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	reader := open(t, env)
	reader.visit(path, "#retraction")
	notice := reader.text("#retraction")
	dated := get(reader, "notice dated", chromedp.Evaluate[bool](`/^\d{4}-\d\d-\d\dT/.test(document.querySelector("#retraction time").getAttribute("datetime"))`))
	if !strings.Contains(notice, "Retracted.") || !strings.Contains(notice, "forged invoice") || !dated {
		t.Errorf("retraction notice %q (dated %v), want the date and the reason", notice, dated)
	}
	if n := get(reader, "JSON-LD", chromedp.Evaluate[int](`document.querySelectorAll('script[type="application/ld+json"]').length`)); n != 0 {
		t.Errorf("retracted page carries %d ClaimReview blocks, want none", n)
	}
	if got := get(reader, "location", chromedp.Location()); got != env.URL+path {
		t.Errorf("retracted page at %s, want its old address %s", got, path)
	}
	reader.screenshot("public-retracted")
}

// Hole 6: importing the same article again opens the one already
// imported, with the sentences already filed linked to their claims.
func TestReimportInBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	article := "Unemployment fell to 3.5 percent in March, the statistics office said on Tuesday. " +
		"\"We will build 40 new schools by 2027,\" Education Minister Ana Costa told reporters."
	desk := open(t, env)
	desk.signIn(checker)
	importArticle := func(url string) {
		desk.visit("/import", "#import-text")
		desk.do("import the article",
			chromedp.SetValue(chromedp.ID("import-text"), article),
			chromedp.SetValue(chromedp.ID("import-url"), url),
			chromedp.Submit(chromedp.ID("import-text")),
			chromedp.WaitVisible(chromedp.CSS(".article-text")),
		)
	}
	importArticle("https://news.example.org/jobs")
	loc := get(desk, "article address", chromedp.Location())
	var articleID int64
	if _, err := fmt.Sscanf(loc[strings.LastIndex(loc, "/import/")+len("/import/"):], "%d", &articleID); err != nil {
		t.Fatalf("article address %q: %v", loc, err)
	}
	res := env.Do(t, "POST", fmt.Sprintf("/api/v1/articles/%d/claims", articleID), checker.Token, map[string]any{"candidates": []int{0}})
	if res.Status != http.StatusCreated && res.Status != http.StatusOK {
		t.Fatalf("file the first sentence = %d: %s", res.Status, res.Body)
	}
	claims, err := env.App.Store.ArticleClaims(context.Background(), articleID)
	if err != nil || len(claims) != 1 {
		t.Fatalf("claims of the article = %v, %v", claims, err)
	}

	importArticle("https://news.example.org/jobs#top")
	if got := get(desk, "address after re-import", chromedp.Location()); !strings.Contains(got, fmt.Sprintf("/import/%d", articleID)) {
		t.Errorf("re-import went to %s, want the article imported before (%d)", got, articleID)
	}
	if msg := desk.text("main"); !strings.Contains(msg, "imported before") {
		t.Errorf("re-import page does not say the article was imported before:\n%s", msg)
	}
	link := fmt.Sprintf(`a[href="/claims/%d"]`, claims[0].ID)
	if got := desk.text(link); got != fmt.Sprintf("claim #%d", claims[0].ID) {
		t.Errorf("the filed sentence links %q, want claim #%d", got, claims[0].ID)
	}
	desk.screenshot("reimport")
	desk.do("follow the link", chromedp.Click(chromedp.CSS(link)), chromedp.WaitVisible(chromedp.ID("claim-text")))
	if got := desk.text("#claim-text"); !strings.Contains(got, "Unemployment fell to 3.5 percent") {
		t.Errorf("the link opened %q", got)
	}
}

// Holes 7 and 8: the public page states the checkpoint that covers it,
// the one the desk serves, and shows its dated change log.
func TestPublicRecordInBrowser(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Turnout was 80%.")
	ctx := context.Background()
	if _, err := env.App.Engine.Apply(ctx, editor.User, c.ID, workflow.Request{Action: models.ActionReopen, Version: c.Version, Comment: "Revised turnout figures."}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Engine.AddEvidence(ctx, checker.User, c.ID, workflow.NewEvidence{URL: "https://commission.example/turnout", Stance: models.StanceRefutes}); err != nil {
		t.Fatal(err)
	}
	cur, _ := env.App.Store.Claim(ctx, c.ID)
	cur, err := env.App.Engine.Apply(ctx, checker.User, c.ID, workflow.Request{Action: models.ActionDispute, Version: cur.Version, Verdict: models.VerdictFalse, Summary: "Turnout was 61%."})
	if err != nil {
		t.Fatal(err)
	}
	editor2 := env.User(t, models.RoleEditor)
	if _, err := env.App.Engine.Apply(ctx, editor2.User, c.ID, workflow.Request{Action: models.ActionConfirm, Version: cur.Version}); err != nil {
		t.Fatal(err)
	}
	path := publicPath(t, env, c.ID)
	apptest.Eventually(t, 15*time.Second, "a checkpoint covering the page", func() bool {
		return strings.Contains(string(env.Do(t, "GET", path, "", nil).Body), "Recorded in the desk's tamper-evident log")
	})
	served := strings.Split(string(env.Do(t, "GET", "/.well-known/factdesk/checkpoint", "", nil).Body), "\n")

	reader := open(t, env)
	reader.visit(path, "#record")
	record := reader.text("#record")
	if len(served) < 3 || !strings.Contains(record, "checkpoint "+served[1]) || !strings.Contains(record, served[2]) {
		t.Errorf("page states %q; the desk serves checkpoint %q", record, served)
	}
	if n := get(reader, "proof link", chromedp.Evaluate[int](`document.querySelectorAll('#record a[href$="/proof.json"], link[rel="factdesk-proof"]').length`)); n != 2 {
		t.Errorf("page links its proof %d times, want the link element and the visible link", n)
	}
	log := reader.text("#changelog")
	for _, want := range []string{"Published with the verdict True.", "Reopened for review. Revised turnout figures.", "Verdict changed from True to False."} {
		if !strings.Contains(log, want) {
			t.Errorf("change log lacks %q:\n%s", want, log)
		}
	}
	if n := get(reader, "dated entries", chromedp.Evaluate[int](`document.querySelectorAll("#changelog li time[datetime]").length`)); n != 3 {
		t.Errorf("change log has %d dated entries, want 3", n)
	}
	reader.screenshot("public-record")
}
