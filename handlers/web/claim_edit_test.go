package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

func TestWebClaimEdit(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	c := env.Claim(t, checker, "The tunnel cost 2 billion.")

	b := webSignIn(t, env, checker)
	b.get(webClaimURL(c, "")).has(t, `id="edit-form"`, `name="version" value="1"`)
	form := url.Values{"form": {"edit"}, "version": {"1"}, "text": {"The tunnel cost 2.4 billion."}, "claimant": {"The mayor"},
		"tags": {"Transport, budget, transport"}, "priority": {"high"}, "language": {"en"}, "due_at": {"2026-12-20T17:00"}}
	b.submit(webClaimURL(c, "/edit"), form).status(t, http.StatusSeeOther)
	got, err := env.App.Store.Claim(context.Background(), c.ID)
	if err != nil || got.Text != "The tunnel cost 2.4 billion." || got.Claimant != "The mayor" || got.Priority != models.PriorityHigh ||
		len(got.Tags) != 2 || got.DueAt == nil || got.Version != 2 {
		t.Fatalf("claim after the edit = %+v, %v", got, err)
	}
	b.get(webClaimURL(c, "?done=edited")).has(t, "Claim updated", "edited the claim: claimant, due date, priority, tags, text.")

	// Someone else edits meanwhile: the stale form is refused, the page
	// says so and keeps what the user typed.
	if _, err := env.App.Engine.UpdateClaim(context.Background(), editor.User, c.ID, workflow.ClaimPatch{Version: 2, Priority: models.Some(models.PriorityUrgent)}); err != nil {
		t.Fatal(err)
	}
	form.Set("version", "2")
	form.Set("text", "The tunnel cost 2.5 billion.")
	b.submit(webClaimURL(c, "/edit"), form).status(t, http.StatusConflict).
		has(t, "This claim changed since you opened it", "The tunnel cost 2.5 billion.", `name="version" value="3"`, `<details class="card stack claim-edit" id="edit-claim" open>`)

	// An edit the engine refuses shows its reason by the field.
	form.Set("version", "3")
	form.Set("text", " ")
	b.submit(webClaimURL(c, "/edit"), form).status(t, http.StatusUnprocessableEntity).has(t, "the claim text is required")

	// A viewer gets no form and may not post one.
	vb := webSignIn(t, env, env.User(t, models.RoleViewer))
	vb.get(webClaimURL(c, "")).lacks(t, `id="edit-form"`)
	vb.submit(webClaimURL(c, "/edit"), url.Values{"version": {"3"}, "text": {"x"}}).status(t, http.StatusForbidden)
}
