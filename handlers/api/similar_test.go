package api_test

import (
	"net/http"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

type similarJSON struct {
	Items []struct {
		Claim            models.Claim    `json:"claim"`
		Score            float64         `json:"score"`
		Relation         string          `json:"relation"`
		Reasons          []string        `json:"reasons"`
		ConfirmedVerdict *models.Verdict `json:"confirmed_verdict"`
	} `json:"items"`
}

func (s similarJSON) relation(id int64) string {
	for _, it := range s.Items {
		if it.Claim.ID == id {
			return it.Relation
		}
	}
	return ""
}

func TestSimilarClaimsAPI(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	viewer := env.User(t, models.RoleViewer)
	jobs := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Unemployment fell to 3.5 percent in March, the statistics office said.")
	bridge := env.Claim(t, checker, "The new bridge over the Vltava cost 40 million euros.")

	lookup := func(text string) similarJSON {
		t.Helper()
		res := env.Do(t, "POST", "/api/v1/claims/similar", viewer.Token, map[string]any{"text": text})
		wantStatus(t, res, http.StatusOK, "POST /claims/similar")
		var got similarJSON
		res.Decode(t, &got)
		return got
	}
	// A paraphrase is a duplicate, and brings the confirmed verdict.
	got := lookup("In March, unemployment dropped to 3.5%, according to the statistics office.")
	if got.relation(jobs.ID) != "duplicate" || got.Items[0].Claim.ID != jobs.ID || got.Items[0].ConfirmedVerdict == nil ||
		*got.Items[0].ConfirmedVerdict != models.VerdictTrue || got.Items[0].Score <= 0 {
		t.Errorf("paraphrase lookup = %+v, want claim %d first as a duplicate with verdict true", got, jobs.ID)
	}
	// A changed figure is never a duplicate.
	got = lookup("Unemployment fell to 5.3 percent in March, the statistics office said.")
	if rel := got.relation(jobs.ID); rel == "duplicate" || rel == "" {
		t.Errorf("changed-figure lookup relation = %q, want it found but not as a duplicate: %+v", rel, got)
	}
	got = lookup("The new bridge over the Vltava cost 60 million euros.")
	if rel := got.relation(bridge.ID); rel != "conflicting" || got.Items[0].ConfirmedVerdict != nil || len(got.Items[0].Reasons) == 0 {
		t.Errorf("changed-cost lookup = %+v, want claim %d conflicting with a reason and no verdict", got, bridge.ID)
	}
	if got := lookup("The cricket final drew a record crowd."); len(got.Items) != 0 {
		t.Errorf("unrelated lookup = %+v, want no items", got)
	}

	for _, tc := range []struct {
		name   string
		body   any
		status int
	}{
		{"blank text", map[string]any{"text": "  "}, 422},
		{"limit too high", map[string]any{"text": "x", "limit": 500}, 422},
		{"unknown field", map[string]any{"text": "x", "state": "new"}, 400},
	} {
		wantStatus(t, env.Do(t, "POST", "/api/v1/claims/similar", viewer.Token, tc.body), tc.status, tc.name)
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/claims/similar", "", map[string]any{"text": "x"}), 401, "anonymous lookup")
}

func TestSimilarToClaimAndCreateMatches(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	editor := env.User(t, models.RoleEditor)
	viewer := env.User(t, models.RoleViewer)
	first := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Turnout was 71 percent in the 2024 election.")
	changed := env.Claim(t, checker, "Turnout was 67 percent in the 2024 election.")

	// The create response carries the top matches, with every claim field
	// still at the top level.
	res := env.Do(t, "POST", "/api/v1/claims", checker.Token, map[string]any{"text": "In the 2024 election, turnout was 71%."})
	wantStatus(t, res, http.StatusCreated, "POST /claims")
	var created struct {
		models.Claim
		Matches []struct {
			Claim            models.Claim    `json:"claim"`
			Relation         string          `json:"relation"`
			ConfirmedVerdict *models.Verdict `json:"confirmed_verdict"`
		} `json:"matches"`
	}
	res.Decode(t, &created)
	if created.ID == 0 || created.Text != "In the 2024 election, turnout was 71%." || created.State != models.StateNew || created.Version != 1 {
		t.Errorf("created claim = %s", res.Body)
	}
	if len(created.Matches) == 0 || created.Matches[0].Claim.ID != first.ID || created.Matches[0].Relation != "duplicate" ||
		created.Matches[0].ConfirmedVerdict == nil || *created.Matches[0].ConfirmedVerdict != models.VerdictTrue {
		t.Errorf("create matches = %+v, want claim %d first as a duplicate with verdict true", created.Matches, first.ID)
	}
	for _, m := range created.Matches {
		if m.Claim.ID == changed.ID && m.Relation == "duplicate" {
			t.Errorf("claim %d (67 percent) matched as a duplicate of 71 percent", changed.ID)
		}
	}

	// GET /claims/{id}/similar looks only at earlier claims.
	path := "/api/v1/claims/" + itoa(created.ID) + "/similar"
	var got similarJSON
	r := env.Do(t, "GET", path+"?limit=1", viewer.Token, nil)
	wantStatus(t, r, http.StatusOK, "GET /claims/{id}/similar")
	r.Decode(t, &got)
	if len(got.Items) != 1 || got.Items[0].Claim.ID != first.ID || got.Items[0].Relation != "duplicate" {
		t.Errorf("GET similar?limit=1 = %s, want only claim %d", r.Body, first.ID)
	}
	env.Do(t, "GET", "/api/v1/claims/"+itoa(first.ID)+"/similar", viewer.Token, nil).Decode(t, &got)
	if len(got.Items) != 0 {
		t.Errorf("similar to the first claim = %+v, want nothing earlier", got.Items)
	}
	wantStatus(t, env.Do(t, "GET", path+"?limit=0", viewer.Token, nil), 422, "limit=0")
	wantStatus(t, env.Do(t, "GET", path+"?limit=x", viewer.Token, nil), 422, "limit=x")
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/999999/similar", viewer.Token, nil), 404, "similar of unknown claim")
	wantStatus(t, env.Do(t, "GET", path, "", nil), 401, "anonymous similar")

	// One click for the editor: the existing transition rejects the new
	// claim as a duplicate of the match.
	res = env.Do(t, "POST", "/api/v1/claims/"+itoa(created.ID)+"/transitions", editor.Token, map[string]any{
		"action": "reject", "version": created.Version, "duplicate_of": first.ID, "comment": "Duplicate of a confirmed check.",
	})
	wantStatus(t, res, http.StatusOK, "reject as duplicate")
	var rejected models.Claim
	res.Decode(t, &rejected)
	if rejected.State != models.StateRejected || rejected.DuplicateOf == nil || *rejected.DuplicateOf != first.ID {
		t.Errorf("rejected claim = %+v", rejected)
	}
	// A claim rejected as a duplicate is not offered again: its original is.
	res = env.Do(t, "POST", "/api/v1/claims/similar", viewer.Token, map[string]any{"text": "Turnout in the 2024 election was 71 percent."})
	res.Decode(t, &got)
	if got.relation(created.ID) != "" || got.relation(first.ID) != "duplicate" {
		t.Errorf("lookup after the rejection = %s, want claim %d and not %d", res.Body, first.ID, created.ID)
	}
}
