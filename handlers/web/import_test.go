package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

var importLocation = regexp.MustCompile(`^/import/(\d+)$`)

func TestWebImport(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	viewer := env.User(t, models.RoleViewer)
	b := webSignIn(t, env, checker)

	// The form labels every control and carries the CSRF token.
	form := b.get("/import").status(t, http.StatusOK)
	form.has(t, `<label for="import-text">`, `id="import-text"`, `<label for="import-url">`, `id="import-url"`,
		`<label for="import-title">`, `<label for="import-outlet">`, `name="csrf_token" value="`+b.csrf+`"`)

	// A form without the session's token is refused, and stores nothing.
	b.post("/import", url.Values{"text": {articleText}}).status(t, http.StatusForbidden)
	// An empty paste comes back with the field named.
	bad := b.submit("/import", url.Values{"text": {"  "}, "url": {"https://news.example.org/jobs"}}).status(t, http.StatusUnprocessableEntity)
	bad.has(t, `aria-invalid="true"`, "paste the article", `value="https://news.example.org/jobs"`)

	res := b.submit("/import", url.Values{"text": {articleText}, "url": {"https://news.example.org/jobs"}, "title": {"Jobless rate falls"}}).status(t, http.StatusSeeOther)
	m := importLocation.FindStringSubmatch(res.Location)
	if m == nil {
		t.Fatalf("import redirected to %q, want /import/{id}", res.Location)
	}
	path := res.Location

	// The article shows its candidates highlighted; check-worthy ones are
	// ticked by default and the opinion is not.
	art := b.get(path).status(t, http.StatusOK)
	art.has(t, "Jobless rate falls", `<mark id="sentence-0" class="candidate is-checkworthy">`, `<mark id="sentence-2" class="candidate">`,
		`id="candidate-0" name="candidate" value="0" checked`, `<label class="choice" for="candidate-0">`,
		`<label class="choice" for="candidate-2">`, `action="`+path+`/claims"`)
	if strings.Contains(art.Body, `value="2" checked`) {
		t.Errorf("the opinion (candidate 2) is ticked by default")
	}

	// Without a token nothing is created; with it, the ticked ones are.
	b.post(path+"/claims", url.Values{"candidate": {"0", "3"}}).status(t, http.StatusForbidden)
	b.submit(path+"/claims", url.Values{"candidate": {"9"}}).status(t, http.StatusUnprocessableEntity).has(t, "9 is not a candidate index")
	done := b.submit(path+"/claims", url.Values{"candidate": {"0", "3"}}).status(t, http.StatusSeeOther)
	if done.Location != path+"?created=2" {
		t.Errorf("create claims redirected to %q", done.Location)
	}
	var list struct {
		Items []models.Claim `json:"items"`
	}
	env.Do(t, "GET", "/api/v1/claims", checker.Token, nil).Decode(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("claims after the import = %d, want 2", len(list.Items))
	}
	for _, c := range list.Items {
		if c.ArticleID == nil || itoa(*c.ArticleID) != m[1] || c.SourceURL != "https://news.example.org/jobs" || c.CreatedBy != checker.ID {
			t.Errorf("imported claim %+v lacks its provenance", c)
		}
	}
	// Taken sentences now link to their claims and are no longer offered.
	again := b.get(done.Location).status(t, http.StatusOK)
	again.has(t, "2 claims created", `href="/claims/`+itoa(list.Items[0].ID)+`"`)
	again.lacks(t, `id="candidate-0"`, `id="candidate-3"`)

	// Viewers may not import.
	v := webSignIn(t, env, viewer)
	v.get("/import").status(t, http.StatusForbidden)
	v.submit("/import", url.Values{"text": {articleText}}).status(t, http.StatusForbidden)
}

func TestWebClaimRelated(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	first := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Unemployment fell to 3.5 percent in March, the statistics office said on Tuesday.")
	id, _ := postArticle(t, env, checker.Token, map[string]any{"text": articleText, "url": "https://news.example.org/jobs", "title": "Jobless rate falls"})
	var created struct {
		Items []models.Claim `json:"items"`
	}
	env.Do(t, "POST", "/api/v1/articles/"+itoa(id)+"/claims", checker.Token, map[string]any{"candidates": []int{0}}).Decode(t, &created)
	if len(created.Items) != 1 {
		t.Fatalf("no claim created from the article")
	}
	claim := created.Items[0]

	ed := webSignIn(t, env, editor)
	// The claim page loads the panel, and links to it for browsers
	// without scripts.
	ed.get("/claims/"+itoa(claim.ID)).status(t, http.StatusOK).has(t, `hx-get="/claims/`+itoa(claim.ID)+`/related"`)

	req, _ := http.NewRequest("GET", env.URL+"/claims/"+itoa(claim.ID)+"/related", nil)
	req.Header.Set("HX-Request", "true")
	panel := ed.do(req).status(t, http.StatusOK)
	// The fragment alone: the sentence highlighted in its article, the
	// earlier duplicate with its confirmed verdict, and the one-click
	// reject for the editor.
	panel.lacks(t, "<html")
	panel.has(t, `<mark id="claim-sentence">Unemployment fell to 3.5 percent in March, the statistics office said on Tuesday.</mark>`,
		"The figure is the lowest since 2001.", "Jobless rate falls", `href="/claims/`+itoa(first.ID)+`"`,
		"Confirmed verdict: True", `name="duplicate_of" value="`+itoa(first.ID)+`"`, `value="reject"`)

	// The button posts the existing transition, CSRF token included.
	res := ed.submit("/claims/"+itoa(claim.ID)+"/actions", url.Values{
		"action": {"reject"}, "version": {"1"}, "duplicate_of": {itoa(first.ID)}, "comment": {"Duplicate of claim #" + itoa(first.ID) + "."},
	}).status(t, http.StatusSeeOther)
	if !strings.HasPrefix(res.Location, "/claims/"+itoa(claim.ID)) {
		t.Errorf("reject redirected to %q", res.Location)
	}
	got := env.Do(t, "GET", "/api/v1/claims/"+itoa(claim.ID), checker.Token, nil).JSON(t)
	if got["state"] != "rejected" || got["duplicate_of"] != float64(first.ID) {
		t.Errorf("after one-click reject: state %v duplicate_of %v", got["state"], got["duplicate_of"])
	}

	// A checker sees the panel as a page of its own, without the button.
	ch := webSignIn(t, env, checker)
	page := ch.get("/claims/"+itoa(claim.ID)+"/related").status(t, http.StatusOK)
	page.has(t, "<html", `<mark id="claim-sentence">`)
	page.lacks(t, `value="reject"`)
	ch.get("/claims/999999/related").status(t, http.StatusNotFound)
}
