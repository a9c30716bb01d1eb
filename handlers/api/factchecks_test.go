package api_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

type importJSON struct {
	Imported  int `json:"imported"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Skipped   int `json:"skipped"`
	Lines     []struct {
		Line   int    `json:"line"`
		Reason string `json:"reason"`
	} `json:"skipped_lines"`
}

type priorJSON struct {
	Items       []map[string]any `json:"items"`
	PriorChecks []struct {
		Check    models.PriorCheck `json:"check"`
		Summary  string            `json:"summary"`
		Relation string            `json:"relation"`
		Reasons  []string          `json:"reasons"`
	} `json:"prior_checks"`
}

// postFile sends a fixture with its own Content-Type, which env.Do does
// not set.
func postFile(t *testing.T, env *apptest.Env, token, contentType string, body []byte) *apptest.Response {
	t.Helper()
	req, err := http.NewRequest("POST", env.URL+"/api/v1/factchecks/import", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := env.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &apptest.Response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/factchecks/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFactCheckImport(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)
	checker := env.User(t, models.RoleChecker)

	// Importing is an editor's job.
	res := postFile(t, env, checker.Token, "text/csv", fixture(t, "archive.csv"))
	wantStatus(t, res, http.StatusForbidden, "checker imports fact-checks")

	cases := []struct {
		file, ct          string
		imported, skipped int
		reason            string
	}{
		{"claimreview.jsonld", "application/ld+json", 1, 2, "no url"},
		{"search.json", "application/json", 2, 1, "no claimReview"},
		{"archive.csv", "text/csv; charset=utf-8", 1, 2, "not a date"},
	}
	for _, c := range cases {
		res := postFile(t, env, editor.Token, c.ct, fixture(t, c.file))
		wantStatus(t, res, http.StatusOK, "import "+c.file)
		var got importJSON
		res.Decode(t, &got)
		if got.Imported != c.imported || got.Skipped != c.skipped || got.Updated != 0 || len(got.Lines) != c.skipped {
			t.Errorf("import %s = %+v, want %d imported, %d skipped", c.file, got, c.imported, c.skipped)
		}
		found := false
		for _, l := range got.Lines {
			found = found || strings.Contains(l.Reason, c.reason)
		}
		if !found {
			t.Errorf("import %s skipped %+v, want a reason with %q", c.file, got.Lines, c.reason)
		}
		// Idempotent on URL: the same file again changes nothing.
		res = postFile(t, env, editor.Token, c.ct, fixture(t, c.file))
		wantStatus(t, res, http.StatusOK, "import "+c.file+" again")
		res.Decode(t, &got)
		if got.Imported != 0 || got.Updated != 0 || got.Unchanged != c.imported {
			t.Errorf("second import %s = %+v, want all %d unchanged", c.file, got, c.imported)
		}
	}
	if n, err := env.App.Store.PriorCheckCount(t.Context()); err != nil || n != 4 {
		t.Fatalf("archive holds %d checks (%v), want 4", n, err)
	}

	// A changed rating under a known URL updates the row.
	csv := "claim,claimant,rating,outlet,url,date\n\"The city planted 10,000 trees in 2023.\",Mayor Smith,False,Green Facts,https://greenfacts.example.org/trees,2024-01-20\n"
	res = postFile(t, env, editor.Token, "text/csv", []byte(csv))
	wantStatus(t, res, http.StatusOK, "re-rated import")
	var got importJSON
	res.Decode(t, &got)
	if got.Updated != 1 || got.Imported != 0 {
		t.Errorf("re-rated import = %+v, want 1 updated", got)
	}

	// Bad documents are refused as a whole.
	wantStatus(t, postFile(t, env, editor.Token, "text/plain", []byte("x")), http.StatusUnprocessableEntity, "plain-text import")
	wantStatus(t, postFile(t, env, editor.Token, "application/json", []byte("not json")), http.StatusUnprocessableEntity, "broken JSON import")
	wantStatus(t, postFile(t, env, editor.Token, "text/csv", []byte("a,b\n1,2\n")), http.StatusUnprocessableEntity, "CSV without the columns")

	lookup := func(text string) priorJSON {
		t.Helper()
		res := env.Do(t, "POST", "/api/v1/claims/similar", checker.Token, map[string]any{"text": text})
		wantStatus(t, res, http.StatusOK, "POST /claims/similar")
		var p priorJSON
		res.Decode(t, &p)
		return p
	}
	// A reworded claim finds the outlet's check, with the line to read.
	p := lookup("In March, unemployment dropped to 3.5%, according to the statistics office.")
	if p.Items == nil || len(p.PriorChecks) < 2 || p.PriorChecks[0].Relation != "duplicate" {
		t.Fatalf("paraphrase prior checks = %+v, want both reviews of the unemployment claim as duplicates", p)
	}
	summaries := p.PriorChecks[0].Summary + " | " + p.PriorChecks[1].Summary
	if !strings.Contains(summaries, "already checked by Truth Desk on 5 April 2024: Mostly true") {
		t.Errorf("summaries = %q, want Truth Desk's review", summaries)
	}
	p = lookup("The new bridge over the Vltava cost 40 million euros.")
	if len(p.PriorChecks) == 0 || p.PriorChecks[0].Summary != "already checked by Example Checks on 3 May 2024: False" ||
		p.PriorChecks[0].Check.Claimant != "Jana Novak" || p.PriorChecks[0].Check.URL != "https://checks.example.org/2024/05/bridge-cost" {
		t.Errorf("bridge prior checks = %+v", p.PriorChecks)
	}
	// A changed figure is never the same check.
	p = lookup("The new bridge over the Vltava cost 90 million euros.")
	for _, pc := range p.PriorChecks {
		if pc.Relation == "duplicate" {
			t.Errorf("changed figure matched %+v as a duplicate", pc)
		}
	}
	// Nothing in the archive: an empty array, not null.
	res = env.Do(t, "POST", "/api/v1/claims/similar", checker.Token, map[string]any{"text": "Penguins live at the North Pole."})
	if !strings.Contains(string(res.Body), `"prior_checks":[]`) {
		t.Errorf("unrelated lookup body = %s, want an empty prior_checks array", res.Body)
	}

	// A new claim comes back with the prior checks that match it.
	res = env.Do(t, "POST", "/api/v1/claims", checker.Token, map[string]any{"text": "The city planted 10,000 trees in 2023, the mayor said."})
	wantStatus(t, res, http.StatusCreated, "create claim")
	p = priorJSON{}
	res.Decode(t, &p)
	if len(p.PriorChecks) == 0 || p.PriorChecks[0].Check.Rating != "False" || p.PriorChecks[0].Check.Outlet != "Green Facts" {
		t.Errorf("create claim prior checks = %+v, want Green Facts' re-rated check", p.PriorChecks)
	}
}
