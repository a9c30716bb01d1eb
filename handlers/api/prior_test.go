package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

type articlePriorJSON struct {
	ID          int64 `json:"id"`
	PriorChecks []struct {
		Candidate int    `json:"candidate"`
		ClaimID   int64  `json:"claim_id"`
		ClaimURL  string `json:"claim_url"`
		Archived  *struct {
			Outlet string `json:"outlet"`
			URL    string `json:"url"`
		} `json:"archived"`
		Summary  string   `json:"summary"`
		Relation string   `json:"relation"`
		Reasons  []string `json:"reasons"`
	} `json:"prior_checks"`
}

// An imported article's candidates come with their earlier checks: the
// desk's own claim and another outlet's archived fact-check, both on the
// import answer and on GET /articles/{id}. A changed figure is never the
// same claim.
func TestArticlePriorChecks(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	checker := env.User(t, models.RoleChecker)
	wantStatus(t, postFile(t, env, editor.Token, "text/csv", fixture(t, "archive.csv")), http.StatusOK, "import the archive")
	res := env.Do(t, "POST", "/api/v1/claims", checker.Token, map[string]any{"text": "Unemployment fell to 3.5 percent in March."})
	wantStatus(t, res, http.StatusCreated, "create a claim")
	var own struct{ ID int64 }
	res.Decode(t, &own)

	text := "The city planted 10,000 trees in 2023, the mayor said on Monday. " +
		"Unemployment fell to 3.5 percent in March, the statistics office said. " +
		"The port handled 12,000 containers in 2023, its director said."
	res = env.Do(t, "POST", "/api/v1/articles", checker.Token, map[string]any{"text": text})
	wantStatus(t, res, http.StatusCreated, "import the article")
	for _, path := range []string{"", "/api/v1/articles/"} {
		var got articlePriorJSON
		res.Decode(t, &got)
		if path != "" {
			r := env.Do(t, "GET", path+itoa(got.ID), checker.Token, nil)
			wantStatus(t, r, http.StatusOK, "GET the article")
			r.Decode(t, &got)
		}
		by := map[int]int{}
		for i, p := range got.PriorChecks {
			by[p.Candidate] = i
		}
		i, ok := by[0]
		if !ok || got.PriorChecks[i].Archived == nil || got.PriorChecks[i].Archived.Outlet != "Green Facts" ||
			!strings.HasPrefix(got.PriorChecks[i].Summary, "already checked by Green Facts on 15 January 2024: Half true") {
			t.Errorf("%s prior checks %+v: want sentence 0 already checked by Green Facts", path, got.PriorChecks)
		}
		if i, ok := by[1]; !ok || got.PriorChecks[i].ClaimID != own.ID || got.PriorChecks[i].ClaimURL != "/claims/"+itoa(own.ID) ||
			got.PriorChecks[i].Relation != "duplicate" {
			t.Errorf("%s prior checks %+v: want sentence 1 to be claim %d", path, got.PriorChecks, own.ID)
		}
		for _, p := range got.PriorChecks {
			if p.Candidate == 2 && p.Relation == "duplicate" {
				t.Errorf("%s: the port's 12,000 containers = %+v, never a duplicate", path, p)
			}
		}
	}
}
