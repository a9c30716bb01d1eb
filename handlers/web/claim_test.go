package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

func webClaimURL(c *models.Claim, rest string) string { return "/claims/" + itoa(c.ID) + rest }

func TestWebClaimPageByRole(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	other := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	viewer := env.User(t, models.RoleViewer)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Trains ran on time 99 percent of days.")
	path := webClaimURL(c, "")

	t.Run("assigned checker", func(t *testing.T) {
		p := webSignIn(t, env, checker).get(path).status(t, http.StatusOK)
		p.has(t, `id="action-verify"`, `id="action-dispute"`, `<label for="verdict">Verdict</label>`, `<label for="summary">`, `id="evidence-form"`, `id="comment-form"`,
			`name="version" value="`+strconv.Itoa(c.Version)+`"`, "only an editor may reject")
		p.lacks(t, `id="assign-form"`)
		if !strings.Contains(p.Body, `id="action-reject" class=""`+"\n          disabled") && !strings.Contains(p.Body, "reason-reject") {
			t.Errorf("a checker's Reject must come disabled with its reason")
		}
	})
	t.Run("other checker", func(t *testing.T) {
		p := webSignIn(t, env, other).get(path).status(t, http.StatusOK)
		p.has(t, "only the assigned checker or an editor may verify")
		p.lacks(t, `id="evidence-form"`, `id="assign-form"`)
	})
	t.Run("editor", func(t *testing.T) {
		p := webSignIn(t, env, editor).get(path).status(t, http.StatusOK)
		p.has(t, `id="assign-form"`, `id="action-reject"`, `<label for="assign-user">Person</label>`, "Unassign "+checker.Name)
		// The requirements read as words; the API's field names stay in its problems.
		p.has(t, "Needs a comment; if it duplicates another claim, that claim&#39;s number.")
		p.lacks(t, "reason-reject", "duplicate_of, when")
	})
	t.Run("viewer", func(t *testing.T) {
		p := webSignIn(t, env, viewer).get(path).status(t, http.StatusOK)
		p.has(t, "Trains ran on time", "History", checker.Name+"</strong> Start: New → Verifying.")
		p.lacks(t, `id="evidence-form"`, `id="comment-form"`, `id="assign-form"`, "Unassign ")
	})
}

func TestWebClaimVerifyAndConfirm(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "The river is cleaner than in 1990.")
	b := webSignIn(t, env, checker)

	// Missing requirements are named, and the input is kept.
	res := b.submit(webClaimURL(c, "/actions"), url.Values{"action": {"verify"}, "version": {itoa(int64(c.Version))}, "verdict": {"true"}, "summary": {""}})
	res.status(t, http.StatusUnprocessableEntity).has(t, "cannot verify yet", "a summary of the finding is required", `add at least one evidence item with stance &#34;supports&#34;`, `aria-invalid="true"`)

	b.submit(webClaimURL(c, "/evidence"), url.Values{"url": {"not a url"}, "stance": {"supports"}, "title": {"Kept title"}}).
		status(t, http.StatusUnprocessableEntity).has(t, "must be an absolute http", `value="Kept title"`)
	b.submit(webClaimURL(c, "/evidence"), url.Values{"url": {"https://example.org/river"}, "stance": {"supports"}}).status(t, http.StatusSeeOther)

	res = b.submit(webClaimURL(c, "/actions"), url.Values{"action": {"verify"}, "version": {itoa(int64(c.Version))}, "verdict": {"true"}, "summary": {"Measured by the agency."}})
	res.status(t, http.StatusSeeOther)
	if res.Location != webClaimURL(c, "?done=verify") {
		t.Errorf("verify redirects to %q", res.Location)
	}
	p := b.get(res.Location).status(t, http.StatusOK)
	p.has(t, "Verified: the claim now waits for an editor.", "state-verified", "Verdict: <span id=\"claim-verdict\">True</span>", "only an editor may confirm a claim")

	// The checker cannot confirm even by posting the form by hand.
	now, _ := env.App.Store.Claim(context.Background(), c.ID)
	b.submit(webClaimURL(c, "/actions"), url.Values{"action": {"confirm"}, "version": {itoa(int64(now.Version))}}).
		status(t, http.StatusForbidden).has(t, "only an editor may confirm")

	ed := webSignIn(t, env, editor)
	ed.submit(webClaimURL(c, "/actions"), url.Values{"action": {"confirm"}, "version": {itoa(int64(now.Version))}}).status(t, http.StatusSeeOther)
	got, _ := env.App.Store.Claim(context.Background(), c.ID)
	if got.State != models.StateConfirmed {
		t.Fatalf("state after confirm = %s", got.State)
	}
}

func TestWebClaimStaleVersion(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Bread costs twice what it did.")
	seen := c.Version
	// Someone else changes the claim after the page was opened.
	if _, err := env.App.Engine.UpdateClaim(context.Background(), editor.User, c.ID, workflow.ClaimPatch{Version: c.Version, Claimant: models.Some("A baker")}); err != nil {
		t.Fatal(err)
	}
	b := webSignIn(t, env, editor)
	res := b.submit(webClaimURL(c, "/actions"), url.Values{"action": {"reject"}, "version": {itoa(int64(seen))}, "comment": {"Out of scope"}})
	res.status(t, http.StatusConflict).has(t, "This claim changed since you opened it", "A baker",
		`name="version" value="`+strconv.Itoa(seen+1)+`"`, "Out of scope")
	got, _ := env.App.Store.Claim(context.Background(), c.ID)
	if got.State != models.StateVerifying {
		t.Errorf("a stale form changed the claim to %s", got.State)
	}

	// The live fragment says so too.
	b.get(webClaimURL(c, "/live?v="+itoa(int64(seen)))).status(t, http.StatusOK).has(t, "This claim changed since you opened it").lacks(t, "<html")
	b.get(webClaimURL(c, "/live?v="+itoa(int64(seen+1)))).status(t, http.StatusOK).lacks(t, "changed since you opened it")
}

func TestWebClaimFourEyes(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	other := env.User(t, models.RoleEditor)
	// The editor researched and verified the claim themself.
	c := env.ClaimIn(t, models.StateVerified, editor, other, "Half the city cycles to work.")
	webSignIn(t, env, editor).get(webClaimURL(c, "")).status(t, http.StatusOK).has(t, "reason-confirm", "four eyes: you proposed this verdict")
	webSignIn(t, env, other).get(webClaimURL(c, "")).status(t, http.StatusOK).lacks(t, "reason-confirm")
}

func TestWebClaimForbiddenAndMissing(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	stranger := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	viewer := env.User(t, models.RoleViewer)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Schools got more funding.")

	webSignIn(t, env, stranger).submit(webClaimURL(c, "/evidence"), url.Values{"url": {"https://example.org"}, "stance": {"supports"}}).
		status(t, http.StatusForbidden).has(t, "only the assigned checker or an editor may add evidence")
	webSignIn(t, env, viewer).submit(webClaimURL(c, "/comments"), url.Values{"body": {"hello"}}).
		status(t, http.StatusForbidden).has(t, "your role (viewer) may not comment")
	webSignIn(t, env, editor).submit("/claims/999999/actions", url.Values{"action": {"start"}, "version": {"1"}}).
		status(t, http.StatusNotFound).has(t, "Not found")
}

func TestWebClaimComment(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateNew, checker, editor, "Tourism doubled.")
	b := webSignIn(t, env, checker)
	b.submit(webClaimURL(c, "/comments"), url.Values{"body": {"   "}}).status(t, http.StatusUnprocessableEntity).has(t, "the comment is empty")
	b.submit(webClaimURL(c, "/comments"), url.Values{"body": {"Ask the tourism board <b>today</b>."}}).status(t, http.StatusSeeOther)
	b.get(webClaimURL(c, "")).has(t, "Ask the tourism board &lt;b&gt;today&lt;/b&gt;.", "commented.")
}

func TestWebClaimAssignment(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	viewer := env.User(t, models.RoleViewer)
	c := env.ClaimIn(t, models.StateNew, checker, editor, "Rents fell last year.")

	cb := webSignIn(t, env, checker)
	cb.get(webClaimURL(c, "")).has(t, "Assign me as checker")
	cb.submit(webClaimURL(c, "/assign"), url.Values{"user_id": {itoa(checker.ID)}, "role": {"checker"}}).status(t, http.StatusSeeOther)
	cb.get(webClaimURL(c, "")).lacks(t, "Assign me as checker")
	cb.submit(webClaimURL(c, "/unassign"), url.Values{"user_id": {itoa(checker.ID)}}).status(t, http.StatusSeeOther)

	eb := webSignIn(t, env, editor)
	eb.submit(webClaimURL(c, "/assign"), url.Values{"user_id": {itoa(viewer.ID)}, "role": {"checker"}}).
		status(t, http.StatusUnprocessableEntity).has(t, "cannot be a checker")
	eb.submit(webClaimURL(c, "/assign"), url.Values{"user_id": {itoa(checker.ID)}, "role": {"checker"}}).status(t, http.StatusSeeOther)
	eb.submit(webClaimURL(c, "/assign"), url.Values{"user_id": {itoa(checker.ID)}, "role": {"checker"}}).
		status(t, http.StatusConflict).has(t, "already assigned")
	eb.submit(webClaimURL(c, "/unassign"), url.Values{"user_id": {itoa(viewer.ID)}}).status(t, http.StatusNotFound)

	// A checker cannot remove someone else.
	webSignIn(t, env, env.User(t, models.RoleChecker)).submit(webClaimURL(c, "/unassign"), url.Values{"user_id": {itoa(checker.ID)}}).
		status(t, http.StatusForbidden)
}

func TestWebClaimEscapesText(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerified, checker, editor, `<script>alert(1)</script>`)
	b := webSignIn(t, env, editor)
	for _, path := range []string{webClaimURL(c, ""), "/board", "/review", "/overview"} {
		p := b.get(path).status(t, http.StatusOK)
		if strings.Contains(p.Body, "<script>alert(1)") {
			t.Errorf("%s renders the claim text as markup", path)
		}
	}
	b.get(webClaimURL(c, "")).has(t, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

func TestWebClaimNew(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	b := webSignIn(t, env, checker)
	b.get("/claims/new").status(t, http.StatusOK).has(t, `<label for="text">Claim text</label>`, `<label for="priority">Priority</label>`, `<label for="due_at">`)

	b.submit("/claims/new", url.Values{"text": {"  "}, "claimant": {"Kept claimant"}}).
		status(t, http.StatusUnprocessableEntity).has(t, "the claim text is required", `value="Kept claimant"`)
	b.submit("/claims/new", url.Values{"text": {"X"}, "due_at": {"tomorrow"}}).
		status(t, http.StatusUnprocessableEntity).has(t, "use the date picker")

	res := b.submit("/claims/new", url.Values{"text": {"The port handled 2 million containers."}, "claimant": {"Port authority"},
		"priority": {"urgent"}, "tags": {"Economy, trade"}, "due_at": {"2030-01-02T15:04"}, "language": {"en"}})
	res.status(t, http.StatusSeeOther)
	id, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(res.Location, "/claims/"), "?done=created"), 10, 64)
	got, err := env.App.Store.Claim(context.Background(), id)
	if err != nil || got.Priority != models.PriorityUrgent || len(got.Tags) != 2 || got.DueAt == nil || got.DueAt.Year() != 2030 {
		t.Fatalf("created claim %+v, %v", got, err)
	}

	webSignIn(t, env, env.User(t, models.RoleViewer)).get("/claims/new").status(t, http.StatusForbidden)
}
