package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// Candidates edited before filing: a trimmed sentence narrows the claim's
// offsets to the words kept, a reworded one keeps the sentence's span and
// records the edit, and each claim remembers the sentence it came from.
func TestFileEditedCandidates(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	id, cands := postArticle(t, env, checker.Token, map[string]any{"text": articleText, "url": "https://news.example.org/jobs"})
	path := "/api/v1/articles/" + itoa(id) + "/claims"
	quote := cands[3] // "We will build 40 new schools by 2027," Education Minister Ana Costa told reporters.

	res := env.Do(t, "POST", path, checker.Token, map[string]any{"candidates": []any{
		map[string]any{"index": 3, "text": "  We will build 40 new schools\nby 2027 ", "claimant": "Ana Costa", "tags": []string{"Education", "schools"}, "priority": "high"},
		map[string]any{"index": 0, "text": "Unemployment fell to 3.5% in March."},
		1,
	}})
	wantStatus(t, res, http.StatusCreated, "file edited candidates")
	var created struct {
		Items []models.Claim `json:"items"`
	}
	res.Decode(t, &created)
	if len(created.Items) != 3 {
		t.Fatalf("created %s, want 3 claims", res.Body)
	}
	trimmed, reworded, plain := created.Items[0], created.Items[1], created.Items[2]

	wantStart := quote.Start + len(`"`)
	if trimmed.Text != "We will build 40 new schools by 2027" || trimmed.Claimant != "Ana Costa" || trimmed.Priority != models.PriorityHigh ||
		!slices.Equal([]string(trimmed.Tags), []string{"education", "schools"}) {
		t.Errorf("trimmed claim = %+v", trimmed)
	}
	if got := spanOf(trimmed); got != [4]int{wantStart, wantStart + len("We will build 40 new schools by 2027"), quote.Start, quote.End} {
		t.Errorf("trimmed claim spans (claim, sentence) = %v, want the words kept inside the sentence [%d:%d]", got, quote.Start, quote.End)
	}
	if articleText[*trimmed.ArticleStart:*trimmed.ArticleEnd] != "We will build 40 new schools by 2027" {
		t.Errorf("the trimmed claim's offsets point at %q", articleText[*trimmed.ArticleStart:*trimmed.ArticleEnd])
	}
	if got := spanOf(reworded); reworded.Text != "Unemployment fell to 3.5% in March." || got != [4]int{cands[0].Start, cands[0].End, cands[0].Start, cands[0].End} {
		t.Errorf("reworded claim = %q spans %v, want the sentence's span kept", reworded.Text, got)
	}
	if got := spanOf(plain); plain.Text != cands[1].Text || plain.Priority != models.PriorityNormal || got != [4]int{cands[1].Start, cands[1].End, cands[1].Start, cands[1].End} {
		t.Errorf("plain claim = %+v", plain)
	}

	// The created entries say what was edited; the unedited claim's says
	// nothing more.
	edited := func(c models.Claim) map[string]any {
		t.Helper()
		var hist struct {
			Items []models.HistoryEntry `json:"items"`
		}
		env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/history", checker.Token, nil).Decode(t, &hist)
		if len(hist.Items) != 1 || hist.Items[0].Kind != models.HistoryCreated {
			t.Fatalf("history of claim %d = %+v", c.ID, hist.Items)
		}
		var d struct {
			Edited map[string]any `json:"edited"`
		}
		if len(hist.Items[0].Details) > 0 {
			if err := json.Unmarshal(hist.Items[0].Details, &d); err != nil {
				t.Fatal(err)
			}
		}
		return d.Edited
	}
	if e := edited(trimmed); e["span"] != "narrowed" || e["sentence"] != quote.Text || e["claimant"] != quote.Claimant || !slices.Equal(anyStrings(e["fields"]), []string{"text", "claimant"}) {
		t.Errorf("trimmed claim's edit record = %v", e)
	}
	if e := edited(reworded); e["span"] != "sentence" || e["sentence"] != cands[0].Text || !slices.Equal(anyStrings(e["fields"]), []string{"text"}) {
		t.Errorf("reworded claim's edit record = %v", e)
	}
	if e := edited(plain); e != nil {
		t.Errorf("unedited claim's edit record = %v, want none", e)
	}

	// Edited candidates count as filed in the checkers' decisions.
	ds, err := env.App.Store.CandidateDecisions(t.Context(), time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	filed := map[int]bool{}
	for _, d := range ds {
		filed[d.Start] = d.Filed
	}
	if len(filed) != 4 || !filed[cands[0].Start] || !filed[cands[1].Start] || filed[cands[2].Start] || !filed[quote.Start] {
		t.Errorf("decisions = %v, want 0, 1 and 3 filed, 2 left", filed)
	}

	// The article knows its sentences are filed, and a sentence is never
	// filed twice, however differently it is trimmed.
	var art struct {
		Filed []struct {
			Candidate int   `json:"candidate"`
			ClaimID   int64 `json:"claim_id"`
		} `json:"filed"`
	}
	env.Do(t, "GET", "/api/v1/articles/"+itoa(id), checker.Token, nil).Decode(t, &art)
	if len(art.Filed) != 3 || art.Filed[2].Candidate != 3 || art.Filed[2].ClaimID != trimmed.ID {
		t.Errorf("filed = %+v, want 0, 1 and 3 with 3 as claim %d", art.Filed, trimmed.ID)
	}
	for _, again := range []any{3, map[string]any{"index": 3, "text": "We will build 40 new schools"}, map[string]any{"index": 0}} {
		wantStatus(t, env.Do(t, "POST", path, checker.Token, map[string]any{"candidates": []any{again}}), http.StatusConflict, "file a filed sentence again")
	}
	wantStatus(t, env.Do(t, "POST", path, checker.Token, map[string]any{"candidates": []any{map[string]any{"index": 2, "text": "I think the weather was lovely."}}}), http.StatusCreated, "file the last one")
}

// Bad candidates are all named in one problem, and nothing is filed.
func TestFileCandidatesBadInput(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	id, _ := postArticle(t, env, checker.Token, map[string]any{"text": articleText})
	path := "/api/v1/articles/" + itoa(id) + "/claims"

	tests := []struct {
		name   string
		body   string
		status int
		fields []string
		says   []string
	}{
		{"unreadable items", `{"candidates":[{"text":"x"},"one",{"index":0,"colour":"red"},null,{"index":"0"},1.5]}`, 422,
			[]string{"candidates[0].index", "candidates[1]", "candidates[2]", "candidates[3]", "candidates[4]", "candidates[5]"},
			[]string{"6 of the 6 candidates cannot be read", "unknown field", "index must be a number"}},
		{"bad indexes and bad edits together", `{"candidates":[{"index":9,"text":" "},{"index":0,"priority":"asap","tags":["` + strings.Repeat("t", 51) + `"]},{"index":1,"text":"  "},{"index":0}]}`, 422,
			[]string{"candidates[0]", "candidates[3]", "candidates[1].priority", "candidates[1].tags", "candidates[2].text"},
			[]string{"9 is not a candidate index", "0 is listed twice", "must be one of low, normal, high, urgent", "longer than 50 characters", "the claim text is required", "of the 4 chosen candidates cannot be filed"}},
		{"one bad edit", `{"candidates":[{"index":1,"claimant":"` + strings.Repeat("c", 501) + `"}]}`, 422,
			[]string{"candidates[0].claimant"}, []string{"the chosen candidate cannot be filed"}},
		{"duplicate key inside an item", `{"candidates":[{"index":0,"index":1}]}`, 400, []string{"candidates.0.index"}, nil},
		{"not a list", `{"candidates":{"index":0}}`, 422, []string{"candidates"}, nil},
		{"empty", `{"candidates":[]}`, 422, []string{"candidates"}, []string{"choose at least one"}},
	}
	for _, tt := range tests {
		res := env.Do(t, "POST", path, checker.Token, tt.body)
		if res.Status != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, res.Status, tt.status, res.Body)
			continue
		}
		if got := problemFields(t, res); !slices.Equal(sorted(got), sorted(tt.fields)) {
			t.Errorf("%s: fields %v, want %v: %s", tt.name, got, tt.fields, res.Body)
		}
		for _, want := range tt.says {
			if !strings.Contains(string(res.Body), want) {
				t.Errorf("%s: problem %s does not say %q", tt.name, res.Body, want)
			}
		}
	}
	var none struct {
		Items []models.Claim `json:"items"`
	}
	env.Do(t, "GET", "/api/v1/claims", checker.Token, nil).Decode(t, &none)
	if len(none.Items) != 0 {
		t.Fatalf("claims after refused requests = %d, want 0", len(none.Items))
	}
}

// spanOf is a filed claim's span and its sentence's span.
func spanOf(c models.Claim) [4]int {
	if c.ArticleStart == nil || c.ArticleEnd == nil || c.ArticleSentenceStart == nil || c.ArticleSentenceEnd == nil {
		return [4]int{-1, -1, -1, -1}
	}
	return [4]int{*c.ArticleStart, *c.ArticleEnd, *c.ArticleSentenceStart, *c.ArticleSentenceEnd}
}

func anyStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
