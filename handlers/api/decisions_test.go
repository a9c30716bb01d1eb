package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// Filing an article's candidates records every candidate as filed or left,
// and a later round turns a left sentence into a filed one without undoing
// the first round.
func TestFilingRecordsCandidateDecisions(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	id, cands := postArticle(t, env, checker.Token, map[string]any{"text": articleText})
	if len(cands) != 4 {
		t.Fatalf("candidates = %+v, want 4", cands)
	}
	decided := func() map[int]bool {
		t.Helper()
		ds, err := env.App.Store.CandidateDecisions(t.Context(), time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		out := map[int]bool{}
		for _, d := range ds {
			if d.ArticleID != id || d.DecidedBy != checker.ID || d.Sentence == "" {
				t.Errorf("decision %+v, want article %d by user %d with its sentence", d, id, checker.ID)
			}
			out[d.Start] = d.Filed
		}
		return out
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/articles/"+itoa(id)+"/claims", checker.Token, map[string]any{"candidates": []int{0, 3}}), http.StatusCreated, "file 0 and 3")
	got := decided()
	if len(got) != 4 || !got[cands[0].Start] || got[cands[1].Start] || got[cands[2].Start] || !got[cands[3].Start] {
		t.Fatalf("decisions after the first round = %v, want 0 and 3 filed, 1 and 2 left", got)
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/articles/"+itoa(id)+"/claims", checker.Token, map[string]any{"candidates": []int{1}}), http.StatusCreated, "file 1")
	got = decided()
	if len(got) != 4 || !got[cands[0].Start] || !got[cands[1].Start] || got[cands[2].Start] || !got[cands[3].Start] {
		t.Fatalf("decisions after the second round = %v, want 0, 1 and 3 filed, 2 left", got)
	}
	// A refused filing records nothing new.
	wantStatus(t, env.Do(t, "POST", "/api/v1/articles/"+itoa(id)+"/claims", checker.Token, map[string]any{"candidates": []int{1}}), http.StatusConflict, "file 1 again")
	if again := decided(); len(again) != 4 || !again[cands[1].Start] || again[cands[2].Start] {
		t.Fatalf("decisions after a refused filing = %v", again)
	}
}
