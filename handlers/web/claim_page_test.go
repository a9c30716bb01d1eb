package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// The claim page names itself in an h1, puts the decision after the
// evidence, links a rejected duplicate to its original and a published
// claim to its public page, and says what an edit will do.
func TestClaimPageFollowsTheWork(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	confirmed := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The city planted 12,000 trees in 2025.")
	verified := env.ClaimIn(t, models.StateVerified, checker, editor, "The bus fleet doubled since 2022.")
	dup := env.Claim(t, checker, "In 2025 the city planted 12,000 trees.")
	orig := confirmed.ID
	if _, err := env.App.Engine.Apply(context.Background(), editor.User, dup.ID, workflow.Request{Action: models.ActionReject, Version: 1, Comment: "Checked before.", DuplicateOf: &orig}); err != nil {
		t.Fatal(err)
	}
	ed := webSignIn(t, env, editor)

	page := ed.get(webClaimURL(dup, "")).status(t, http.StatusOK)
	page.has(t, `<h1 id="claim-h1">Claim #`+itoa(dup.ID), `id="duplicate-of">Rejected as a duplicate of <a href="/claims/`+itoa(confirmed.ID)+`">claim #`+itoa(confirmed.ID)+`</a>, confirmed as True`)
	if n := strings.Count(page.Body, "<h1"); n != 1 {
		t.Errorf("the claim page has %d h1 elements, want 1", n)
	}
	order := regexp.MustCompile(`(?s)id="evidence-h".*id="actions-form".*id="history-h"`)
	if !order.MatchString(page.Body) {
		t.Errorf("the page does not put evidence, then the actions, then the history")
	}

	pub := ed.get(webClaimURL(confirmed, "")).status(t, http.StatusOK)
	slug := regexp.MustCompile(`id="public-link">Published: <a href="(/factchecks/[^"]+)">read the public fact check</a>`).FindStringSubmatch(pub.Body)
	if slug == nil {
		t.Fatalf("the confirmed claim has no public link")
	}
	ed.get(slug[1]).status(t, http.StatusOK).has(t, "The city planted 12,000 trees in 2025.")
	pub.has(t, `id="edit-locked"`, "its text and claimant are locked", `<a href="#actions-form">reopen the claim</a>`, `id="action-reopen"`)
	// One status label per evidence item, not two ways of "not checked".
	pub.lacks(t, "Not checked yet")

	ed.get(webClaimURL(verified, "")).status(t, http.StatusOK).has(t, `id="edit-resets"`, "sends the claim back to verifying").lacks(t, `id="public-link"`)

	// Every field of the edit form reaches the claim, language included.
	cb := webSignIn(t, env, checker)
	fresh := env.Claim(t, checker, "Turnout was 61 percent.")
	form := url.Values{"form": {"edit"}, "version": {"1"}, "text": {fresh.Text}, "claimant": {""}, "tags": {""}, "priority": {"normal"}, "language": {"pt-BR"}, "due_at": {""}}
	cb.submit(webClaimURL(fresh, "/edit"), form).status(t, http.StatusSeeOther)
	got, err := env.App.Store.Claim(context.Background(), fresh.ID)
	if err != nil || got.Language != "pt-BR" || got.Version != 2 {
		t.Fatalf("after a language edit the claim is %+v, %v", got, err)
	}
	cb.get(webClaimURL(fresh, "?done=edited")).has(t, "edited the claim: language.", "<dd>pt-BR</dd>")
	form.Set("version", "2")
	form.Set("language", strings.Repeat("x", 36))
	cb.submit(webClaimURL(fresh, "/edit"), form).status(t, http.StatusUnprocessableEntity).has(t, "use a language tag such as en or pt-BR")
}
