package api_test

import (
	"net/http"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func TestSourceRegistry(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t)
	checker, editor, viewer := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleViewer)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Ratings follow the registry")
	// These hosts do not resolve, so the checks fail fast; ratings do not
	// depend on the fetch.
	before := env.AddEvidence(t, checker, c.ID, map[string]any{"url": "https://news.example.org/story"})
	if before.SourceRating != "unknown" || before.OutletID != nil {
		t.Errorf("evidence without a registry entry: rating %q outlet %v, want unknown, none", before.SourceRating, before.OutletID)
	}

	create := func(token string, body map[string]any) map[string]any {
		t.Helper()
		res := env.Do(t, "POST", "/api/v1/sources", token, body)
		wantStatus(t, res, http.StatusCreated, "POST source")
		return res.JSON(t)
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/sources", checker.Token, map[string]any{"domain": "example.org", "rating": "reliable"}),
		http.StatusForbidden, "checker POST source")
	broad := create(editor.Token, map[string]any{"domain": "https://www.Example.org/", "name": "Example", "rating": "reliable", "note": "Corrects promptly."})
	if broad["domain"] != "example.org" {
		t.Errorf("stored domain = %v, want example.org", broad["domain"])
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/sources", editor.Token, map[string]any{"domain": "example.org", "rating": "mixed"}),
		http.StatusConflict, "duplicate domain")
	res := env.Do(t, "POST", "/api/v1/sources", editor.Token, map[string]any{"domain": "co.uk", "rating": "great"})
	wantStatus(t, res, http.StatusUnprocessableEntity, "public suffix and bad rating")
	if got := problemFields(t, res); len(got) != 1 || got[0] != "domain" {
		t.Errorf("fields = %v, want domain", got)
	}
	res = env.Do(t, "POST", "/api/v1/sources", editor.Token, map[string]any{"domain": "ok.example", "rating": "great"})
	wantStatus(t, res, http.StatusUnprocessableEntity, "bad rating")

	// Existing evidence is re-rated in the registry's transaction.
	if ev := env.EvidenceOf(t, viewer.Token, c.ID, before.ID); ev.SourceRating != "reliable" {
		t.Errorf("after adding example.org, news.example.org is rated %q, want reliable", ev.SourceRating)
	}
	// A more specific entry wins for hosts under it.
	narrow := create(editor.Token, map[string]any{"domain": "news.example.org", "rating": "unreliable"})
	if ev := env.EvidenceOf(t, viewer.Token, c.ID, before.ID); ev.SourceRating != "unreliable" {
		t.Errorf("with news.example.org listed, rating = %q, want unreliable", ev.SourceRating)
	}
	// New evidence shows its rating in the response that creates it.
	after := env.AddEvidence(t, checker, c.ID, map[string]any{"url": "https://blog.example.org/post", "stance": "context"})
	if after.SourceRating != "reliable" || after.OutletID == nil {
		t.Errorf("new evidence under example.org: rating %q outlet %v, want reliable", after.SourceRating, after.OutletID)
	}

	narrowID := itoa(int64(narrow["id"].(float64)))
	res = env.Do(t, "PATCH", "/api/v1/sources/"+narrowID, editor.Token, map[string]any{"rating": "mixed", "note": "Improved."})
	wantStatus(t, res, http.StatusOK, "PATCH source")
	if ev := env.EvidenceOf(t, viewer.Token, c.ID, before.ID); ev.SourceRating != "mixed" {
		t.Errorf("after PATCH, rating = %q, want mixed", ev.SourceRating)
	}
	wantStatus(t, env.Do(t, "DELETE", "/api/v1/sources/"+narrowID, checker.Token, nil), http.StatusForbidden, "checker DELETE")
	res = env.Do(t, "DELETE", "/api/v1/sources/"+narrowID, editor.Token, nil)
	if res.Status != http.StatusNoContent {
		t.Fatalf("DELETE source = %d: %s", res.Status, res.Body)
	}
	if ev := env.EvidenceOf(t, viewer.Token, c.ID, before.ID); ev.SourceRating != "reliable" {
		t.Errorf("after DELETE, rating = %q, want the broader reliable", ev.SourceRating)
	}
	wantStatus(t, env.Do(t, "DELETE", "/api/v1/sources/"+narrowID, editor.Token, nil), http.StatusNotFound, "DELETE twice")

	res = env.Do(t, "GET", "/api/v1/sources", viewer.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET sources")
	items, _ := res.JSON(t)["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["note"] != "Corrects promptly." {
		t.Errorf("GET sources = %v, want example.org alone", items)
	}
}

func TestSourceWarnings(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Two sources, one outlet")
	env.AddEvidence(t, checker, c.ID, map[string]any{"url": "https://www.example.co.uk/a"})
	env.AddEvidence(t, checker, c.ID, map[string]any{"url": "https://live.example.co.uk/b"})

	codes := func() map[string]bool {
		res := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/source-warnings", checker.Token, nil)
		wantStatus(t, res, http.StatusOK, "GET source-warnings")
		out := map[string]bool{}
		items, _ := res.JSON(t)["items"].([]any)
		for _, it := range items {
			out[it.(map[string]any)["code"].(string)] = true
		}
		return out
	}
	if !codes()["single_domain"] {
		t.Fatalf("warnings = %v, want single_domain for two hosts of example.co.uk", codes())
	}
	// The warning never blocks: verify still succeeds.
	env.Transition(t, checker, c.ID, map[string]any{"action": "verify", "verdict": "true", "summary": "Matches."})
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/999999/source-warnings", checker.Token, nil), http.StatusNotFound, "unknown claim")

	d := env.ClaimIn(t, models.StateVerifying, checker, editor, "Two independent sources")
	env.AddEvidence(t, checker, d.ID, map[string]any{"url": "https://example.co.uk/a"})
	env.AddEvidence(t, checker, d.ID, map[string]any{"url": "https://another.example/b"})
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(d.ID)+"/source-warnings", checker.Token, nil)
	for _, it := range res.JSON(t)["items"].([]any) {
		if it.(map[string]any)["code"] == "single_domain" {
			t.Errorf("independent sources still warn: %v", it)
		}
	}
}
