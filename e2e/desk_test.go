package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// TestCheckToConfirm walks one claim through the desk in three browsers:
// a checker takes it, adds evidence and verifies but cannot confirm; an
// editor confirms it from the review queue; a viewer watching the board
// sees it move without reloading.
func TestCheckToConfirm(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	viewer := env.User(t, models.RoleViewer)
	claim, err := env.App.Engine.CreateClaim(context.Background(), editor.User, workflow.NewClaim{
		Text: "Unemployment fell to 3 percent last year.", Claimant: "A minister", Priority: models.PriorityHigh, Tags: []string{"economy"},
	})
	if err != nil {
		t.Fatal(err)
	}
	card := func(state models.State) string {
		return fmt.Sprintf(`section[data-state="%s"] [data-claim-id="%d"]`, state, claim.ID)
	}

	watcher := open(t, env)
	watcher.signIn(viewer)
	watcher.visit("/board", card(models.StateNew))

	desk := open(t, env)
	desk.signIn(checker)
	desk.screenshot("queue-empty")
	desk.do("take the next claim",
		chromedp.Click(chromedp.ID("take-next")),
		chromedp.WaitVisible(chromedp.CSS("#claim-state .state-verifying")),
	)
	text := get(desk, "read the claim", chromedp.Text(chromedp.ID("claim-text")))
	if !strings.Contains(text, "Unemployment fell") {
		t.Fatalf("took claim %q, want the seeded one", text)
	}
	watcher.do("see the board move to verifying live", chromedp.WaitVisible(chromedp.CSS(card(models.StateVerifying))))

	desk.do("add supporting evidence",
		chromedp.SetValue(chromedp.ID("ev-url"), "https://stats.example.org/labour-2025"),
		chromedp.SetValue(chromedp.ID("ev-title"), "Labour force survey 2025"),
		chromedp.Click(chromedp.CSS(`#evidence-form input[name=stance][value=supports]`)),
		chromedp.Click(chromedp.CSS(`#evidence-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.evidence-item`)),
	)
	desk.do("verify",
		chromedp.SetValue(chromedp.ID("verdict"), "true"),
		chromedp.SetValue(chromedp.ID("summary"), "The survey shows 3.0 percent."),
		chromedp.Click(chromedp.ID("action-verify")),
		chromedp.WaitVisible(chromedp.CSS("#claim-state .state-verified")),
	)
	desk.screenshot("claim-verified-checker")
	if !get(desk, "look at Confirm", chromedp.AttributeValue(chromedp.ID("action-confirm"), "disabled")).Exists {
		t.Fatalf("the checker's Confirm button is enabled; four eyes and roles must disable it")
	}
	reason := get(desk, "read why", chromedp.Text(chromedp.ID("reason-confirm")))
	if !strings.Contains(reason, "editor") {
		t.Errorf("Confirm's reason = %q, want it to say an editor must confirm", reason)
	}
	watcher.do("see the board move to verified live", chromedp.WaitVisible(chromedp.CSS(card(models.StateVerified))))

	desk2 := open(t, env)
	desk2.signIn(editor)
	item := fmt.Sprintf(`.review-item[data-claim-id="%d"]`, claim.ID)
	desk2.visit("/review", item)
	desk2.screenshot("review")
	desk2.do("confirm from the review queue",
		chromedp.Click(chromedp.CSS(item+` button[value=confirm]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice-ok`)),
	)
	watcher.do("see the board move to confirmed live", chromedp.WaitVisible(chromedp.CSS(card(models.StateConfirmed))))
	watcher.screenshot("board-live")

	got, err := env.App.Store.Claim(context.Background(), claim.ID)
	if err != nil || got.State != models.StateConfirmed {
		t.Fatalf("claim after the walk = %v, %v; want confirmed", got, err)
	}
}

// TestClaimPageLive checks the claim page itself refreshes when someone
// else changes the claim, and warns that the version moved.
func TestClaimPageLive(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	claim := env.ClaimIn(t, models.StateVerifying, checker, editor, "The bridge cost twice its budget.")

	p := open(t, env)
	p.signIn(editor)
	p.visit(fmt.Sprintf("/claims/%d", claim.ID), "#claim-live")
	if _, err := env.App.Engine.AddComment(context.Background(), checker.User, claim.ID, "Found the audit report."); err != nil {
		t.Fatal(err)
	}
	p.do("see the comment arrive", chromedp.WaitVisible(chromedp.Search(`//p[contains(@class,"body")][contains(., "Found the audit report.")]`)))
	if _, err := env.App.Engine.UpdateClaim(context.Background(), checker.User, claim.ID, workflow.ClaimPatch{Version: claim.Version, Claimant: models.Some("The mayor")}); err != nil {
		t.Fatal(err)
	}
	p.do("see the changed-version warning", chromedp.WaitVisible(chromedp.CSS(`#claim-live .notice-warning`)))
	p.screenshot("claim-changed-live")
}

// TestXSSStaysInert stores script in a claim and checks every page shows
// it as text and runs nothing.
func TestXSSStaysInert(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	payload := `<script>alert(1)</script><img src=x onerror="window.__xss=1">`
	claim := env.ClaimIn(t, models.StateVerified, checker, editor, payload)

	p := open(t, env)
	// A dialog would mean the payload ran. The listener only records it:
	// an open alert also blocks the page, so the next step times out.
	dialogs := make(chan string, 4)
	if err := chromedp.Listen(p.ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			select {
			case dialogs <- d.Message:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	p.signIn(editor)
	for _, path := range []string{fmt.Sprintf("/claims/%d", claim.ID), "/board", "/review", "/"} {
		p.visit(path, "#main")
		xss := get(p, "probe "+path, chromedp.Evaluate[bool](`window.__xss === 1`))
		if xss {
			t.Errorf("%s: the payload's onerror ran", path)
		}
	}
	p.visit(fmt.Sprintf("/claims/%d", claim.ID), "#claim-text")
	text := get(p, "read the claim text", chromedp.TextContent(chromedp.ID("claim-text")))
	if strings.TrimSpace(text) != payload {
		t.Errorf("claim text shows %q, want the payload as literal text %q", text, payload)
	}
	p.screenshot("xss-inert")
	select {
	case msg := <-dialogs:
		t.Errorf("a dialog opened (%q): the payload ran", msg)
	default:
	}
}

// TestPageScreenshots visits every page as an admin, at desktop and phone
// width, so the pictures can be reviewed.
func TestPageScreenshots(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	for i, st := range []models.State{models.StateNew, models.StateVerifying, models.StateVerified, models.StateDisputed, models.StateConfirmed, models.StateRejected, models.StateConfirmed} {
		env.ClaimIn(t, st, checker, editor, fmt.Sprintf("Claim %d: the city planted %d thousand trees in 2025.", i+1, (i+1)*3))
	}
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Crime in the capital doubled since 2020, according to the opposition leader.")
	env.App.Engine.AddComment(context.Background(), editor.User, c.ID, "Check the police statistics, not the press release.")

	anon := open(t, env)
	anon.visit("/login", "#email")
	anon.screenshot("login")

	p := open(t, env)
	p.signIn(admin)
	pages := []struct{ path, wait, name string }{
		{"/", "#main h1", "queue"},
		{"/board", ".board-columns", "board"},
		{fmt.Sprintf("/claims/%d", c.ID), "#claim-live", "claim"},
		{"/review", "#main h1", "review-admin"},
		{"/claims/new", "#text", "claim-new"},
		{"/admin/users", "table.users", "users"},
		{"/overview", ".charts svg", "overview"},
		{"/claims/999999", ".error-page", "error-404"},
	}
	for _, pg := range pages {
		p.visit(pg.path, pg.wait)
		p.screenshot(pg.name)
	}
	p.phone()
	for _, pg := range pages[:3] {
		p.visit(pg.path, pg.wait)
		p.screenshot(pg.name + "-phone")
	}
}

// TestLoginNextStaysOnSite follows the post-login redirect in Chromium,
// whose own URL normalisation (dropping tabs, reading backslashes as
// slashes) is what turned a "local" next into another origin.
func TestLoginNextStaysOnSite(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	viewer := env.User(t, models.RoleViewer)
	p := open(t, env)
	p.signIn(viewer)
	for _, next := range []string{"/%09/evil.example/", "/%5Cevil.example/", "/%0a/evil.example/", "%2F%2Fevil.example/"} {
		p.visit("/login?next="+next, "#main")
		at := get(p, "read the location after next="+next, chromedp.Location())
		if !strings.HasPrefix(at, env.URL+"/") {
			t.Errorf("after /login?next=%s Chromium is at %q, want a page of %s", next, at, env.URL)
		}
	}
}
