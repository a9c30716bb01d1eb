package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// A checker edits candidates on /import/{id} before filing them; a refused
// form keeps the ticks and edits and names the fault in its row.
func TestWebImportEditCandidates(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	id, cands := postArticle(t, env, checker.Token, map[string]any{"text": articleText, "url": "https://news.example.org/jobs"})
	path := "/import/" + itoa(id)
	b := webSignIn(t, env, checker)

	// Each row offers its edit fields, filled with what the extractor found.
	b.get(path).status(t, http.StatusOK).has(t, `data-checklist`, `data-pick-all`, `data-pick-none`,
		`<label for="text-3">Claim text</label>`, `name="text-3"`, `value="Education Minister Ana Costa"`, `<label for="tags-3">`, `id="priority-3"`,
		`>&#34;We will build 40 new schools by 2027,&#34; Education Minister Ana Costa told reporters.</textarea>`)

	form := url.Values{"candidate": {"3", "0"},
		"text-3": {"We will build 40 new schools by 2027"}, "claimant-3": {"Ana Costa"}, "tags-3": {"Education, schools"}, "priority-3": {"high"},
		"text-0": {"   "}, "claimant-0": {cands[0].Claimant}, "tags-0": {""}, "priority-0": {"normal"},
		"text-1": {cands[1].Text}, "claimant-1": {""}, "tags-1": {""}, "priority-1": {"normal"},
	}
	bad := b.submit(path+"/claims", form).status(t, http.StatusUnprocessableEntity)
	bad.has(t, "Sentence 1 text", `id="candidate-0-why">Sentence 1 ·`, "the claim text is required", `id="text-0" name="text-0" rows="3" aria-describedby="text-0-help" aria-invalid="true"`,
		`<details class="candidate-edit" open>`, `value="3" checked`, `value="0" checked`, `>We will build 40 new schools by 2027</textarea>`, `value="Ana Costa"`, `value="Education, schools"`)
	bad.lacks(t, `value="1" checked`)

	form.Set("text-0", "Unemployment fell to 3.5 percent in March.")
	done := b.submit(path+"/claims", form).status(t, http.StatusSeeOther)
	if done.Location != path+"?created=2" {
		t.Fatalf("filing redirected to %q", done.Location)
	}
	claims, err := env.App.Store.ArticleClaims(context.Background(), id)
	if err != nil || len(claims) != 2 {
		t.Fatalf("article claims = %+v, %v", claims, err)
	}
	reworded, trimmed := claims[0], claims[1]
	if trimmed.Text != "We will build 40 new schools by 2027" || trimmed.Claimant != "Ana Costa" || trimmed.Priority != models.PriorityHigh || len(trimmed.Tags) != 2 ||
		articleText[*trimmed.ArticleStart:*trimmed.ArticleEnd] != trimmed.Text || *trimmed.ArticleSentenceStart != cands[3].Start {
		t.Errorf("trimmed claim = %+v", trimmed)
	}
	if reworded.Text != "Unemployment fell to 3.5 percent in March." || *reworded.ArticleStart != cands[0].Start || *reworded.ArticleEnd != cands[0].End {
		t.Errorf("reworded claim = %+v", reworded)
	}
	// Both sentences now link to their claims; the claim page's history
	// says how each was edited.
	b.get(done.Location).status(t, http.StatusOK).has(t, "2 claims created", `href="/claims/`+itoa(trimmed.ID)+`"`).lacks(t, `id="candidate-3"`)
	b.get("/claims/"+itoa(trimmed.ID)).has(t, "created the claim from its article, cut to the words checked; the claimant was changed from")
	b.get("/claims/"+itoa(reworded.ID)).has(t, "created the claim from its article, reworded; the article&#39;s sentence reads", cands[0].Text)
}
