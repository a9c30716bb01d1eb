package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func TestWebEvidenceSourceStatus(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t)
	checker, editor, viewer := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleViewer)
	site := apptest.NewSourcePage(t, apptest.SourceArticle("Budget", "The budget grew by 4% this year."))
	claimID, evID := env.ConfirmedWith(t, checker, editor, "The budget grew by 4%", site.URL()+"/budget", "grew by 4%")
	if ev := env.WaitChecked(t, checker.Token, claimID, evID); ev.Status != "verified" {
		t.Fatalf("first check: status %q, want verified", ev.Status)
	}
	claimPath := "/claims/" + itoa(claimID)
	checkPath := claimPath + "/evidence/" + itoa(evID) + "/check"

	cb := webSignIn(t, env, checker)
	cb.get(claimPath).status(t, http.StatusOK).has(t,
		`class="badge status-verified"`, "Source verified", "Source rating: Unknown", "Last checked", "(HTTP 200)",
		`action="`+checkPath+`"`, ">Check now<span",
		"Source warnings", "Only one supporting source")

	// A viewer sees the status but may not check.
	vb := webSignIn(t, env, viewer)
	vb.get(claimPath).status(t, http.StatusOK).has(t, "Source verified").lacks(t, ">Check now<span", checkPath)
	vb.submit(checkPath, nil).status(t, http.StatusForbidden).has(t, "You cannot do that")

	eb := webSignIn(t, env, editor)
	eb.get("/board").status(t, http.StatusOK).lacks(t, "badge source-alert")
	eb.get("/overview").status(t, http.StatusOK).has(t, "Sources needing review", "No confirmed claim has a changed source.")

	// The page is edited; a checker's "Check now" notices at once.
	site.Set(http.StatusOK, apptest.SourceArticle("Budget", "The budget shrank by 1% this year."))
	res := cb.submit(checkPath, nil).status(t, http.StatusSeeOther)
	if want := claimPath + "?done=checked#evidence-" + itoa(evID); res.Location != want {
		t.Fatalf("check now went to %q, want %q", res.Location, want)
	}
	cb.get(claimPath+"?done=checked").status(t, http.StatusOK).has(t,
		"Source checked", `class="badge status-changed"`, "Page changed since cited", "Some cited pages could not be confirmed")

	// The claim is flagged for review on the board and the overview.
	eb.get("/board").status(t, http.StatusOK).has(t, `data-claim-id="`+itoa(claimID)+`"`, `badge source-alert`, "Source changed")
	eb.get("/overview").status(t, http.StatusOK).has(t, "Sources needing review", `href="`+claimPath+`"`, "a cited source changed or disappeared").
		lacks(t, "No confirmed claim has a changed source.")

	// The evidence must belong to the claim in the path; CSRF is required.
	other := env.Claim(t, checker, "Another claim")
	cb.submit("/claims/"+itoa(other.ID)+"/evidence/"+itoa(evID)+"/check", nil).status(t, http.StatusNotFound)
	cb.post(checkPath, url.Values{}).status(t, http.StatusForbidden)
}

func TestWebEvidenceInternalNote(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Notes can be internal")
	env.AddEvidence(t, checker, c.ID, map[string]any{"url": "https://example.org/a", "note": "Desk-only remark", "internal": true})
	env.AddEvidence(t, checker, c.ID, map[string]any{"url": "https://example.net/b", "note": "Public remark"})
	p := webSignIn(t, env, checker).get("/claims/"+itoa(c.ID)).status(t, http.StatusOK)
	p.has(t, `<span class="badge internal">Internal</span> Desk-only remark`, "Public remark", "Source rating: Unknown")
	p.lacks(t, `<span class="badge internal">Internal</span> Public remark`)
}

func TestWebSourceRegistry(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ctx := context.Background()
	checker, editor, viewer := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleViewer)

	vb := webSignIn(t, env, viewer)
	vb.get("/sources").status(t, http.StatusOK).has(t, "Source registry", `href="/sources"`, "No outlet is rated yet").
		lacks(t, "Add an outlet", `action="/sources"`)

	form := func() url.Values {
		return url.Values{"domain": {"Example.org"}, "name": {`<script>alert(1)</script> Daily`}, "rating": {"unreliable"}, "note": {"Fabricated quotes & more"}}
	}
	cb := webSignIn(t, env, checker)
	cb.submit("/sources", form()).status(t, http.StatusForbidden).has(t, "You cannot do that")
	if os, _ := env.App.Sources.Outlets(ctx); len(os) != 0 {
		t.Fatalf("a checker's post created %d outlets", len(os))
	}

	eb := webSignIn(t, env, editor)
	eb.get("/sources").status(t, http.StatusOK).has(t, "Add an outlet", `<label for="no-domain">`, `<label for="no-rating">`)
	res := eb.submit("/sources", form()).status(t, http.StatusSeeOther)
	if res.Location != "/sources?done=outlet-created" {
		t.Fatalf("create went to %q", res.Location)
	}
	p := eb.get(res.Location).status(t, http.StatusOK)
	p.has(t, "Outlet added", "example.org", "&lt;script&gt;alert(1)&lt;/script&gt; Daily", `class="badge rating-unreliable"`, "Fabricated quotes &amp; more")
	p.lacks(t, "<script>alert(1)</script>")
	os, err := env.App.Sources.Outlets(ctx)
	if err != nil || len(os) != 1 {
		t.Fatalf("outlets = %v, %v; want one", os, err)
	}
	id := itoa(os[0].ID)

	// The service's validation answers on the form, input kept.
	bad := eb.submit("/sources", url.Values{"domain": {"other.org"}, "name": {"Other"}, "rating": {"great"}})
	bad.status(t, http.StatusUnprocessableEntity).has(t, "must be one of reliable, mixed, unreliable, unknown", `value="other.org"`)
	eb.submit("/sources", form()).status(t, http.StatusConflict).has(t, "Add an outlet")

	// Viewers and checkers read the registry without its controls.
	vb.get("/sources").status(t, http.StatusOK).has(t, "&lt;script&gt;alert(1)&lt;/script&gt; Daily").lacks(t, "Save example.org", "Delete example.org")
	cb.submit("/sources/"+id, url.Values{"rating": {"reliable"}}).status(t, http.StatusForbidden)
	cb.submit("/sources/"+id+"/delete", nil).status(t, http.StatusForbidden)

	res = eb.submit("/sources/"+id, url.Values{"rating": {"mixed"}, "note": {"Corroborate first"}}).status(t, http.StatusSeeOther)
	eb.get(res.Location).status(t, http.StatusOK).has(t, "Outlet updated", `class="badge rating-mixed"`, "Corroborate first")
	eb.submit("/sources/"+id, url.Values{"rating": {"nope"}}).status(t, http.StatusUnprocessableEntity)
	eb.submit("/sources/999999", url.Values{"rating": {"mixed"}}).status(t, http.StatusNotFound)

	res = eb.submit("/sources/"+id+"/delete", nil).status(t, http.StatusSeeOther)
	eb.get(res.Location).status(t, http.StatusOK).has(t, "Outlet deleted", "No outlet is rated yet")
}
