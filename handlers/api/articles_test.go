package api_test

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// articleText has four sentences: three check-worthy ones (0, 1, 3) and an
// opinion (2). The quote's claimant comes from the attribution after it.
const articleText = "Unemployment fell to 3.5 percent in March, the statistics office said on Tuesday. " +
	"The figure is the lowest since 2001.\n\nI think the weather was lovely. " +
	"\"We will build 40 new schools by 2027,\" Education Minister Ana Costa told reporters."

type candidateJSON struct {
	Text        string   `json:"text"`
	Start       int      `json:"start"`
	End         int      `json:"end"`
	Score       float64  `json:"score"`
	Checkworthy bool     `json:"checkworthy"`
	Type        string   `json:"type"`
	Claimant    string   `json:"claimant"`
	Cues        []string `json:"cues"`
}

func postArticle(t *testing.T, env *apptest.Env, token string, body map[string]any) (int64, []candidateJSON) {
	t.Helper()
	res := env.Do(t, "POST", "/api/v1/articles", token, body)
	wantStatus(t, res, http.StatusCreated, "POST /articles")
	var got struct {
		ID         int64           `json:"id"`
		Candidates []candidateJSON `json:"candidates"`
	}
	res.Decode(t, &got)
	if got.ID == 0 || res.Header.Get("Location") != "/api/v1/articles/"+itoa(got.ID) {
		t.Fatalf("POST /articles = %s (Location %q), want an id and its Location", res.Body, res.Header.Get("Location"))
	}
	return got.ID, got.Candidates
}

func TestArticleImport(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	viewer := env.User(t, models.RoleViewer)

	id, cands := postArticle(t, env, checker.Token, map[string]any{
		"text": articleText, "url": "https://news.example.org/jobs", "title": "Jobless rate falls",
		"outlet": "Example News", "published_at": "2026-11-26T08:00:00Z",
	})
	if len(cands) != 4 {
		t.Fatalf("candidates = %+v, want 4 sentences", cands)
	}
	for i, c := range cands {
		if articleText[c.Start:c.End] != c.Text {
			t.Errorf("candidate %d: text %q is not the article's bytes [%d:%d]", i, c.Text, c.Start, c.End)
		}
		if i > 0 && c.Start < cands[i-1].End {
			t.Errorf("candidate %d starts at %d, before candidate %d ends: not in text order", i, c.Start, i-1)
		}
	}
	if !cands[0].Checkworthy || cands[2].Checkworthy || cands[3].Claimant == "" {
		t.Errorf("candidates = %+v, want 0 check-worthy, 2 not, 3 with a claimant", cands)
	}

	// Any signed-in user may read the article back with its candidates.
	res := env.Do(t, "GET", "/api/v1/articles/"+itoa(id), viewer.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET /articles/{id}")
	var got struct {
		ID          int64           `json:"id"`
		Text        string          `json:"text"`
		URL         string          `json:"url"`
		Title       string          `json:"title"`
		Outlet      string          `json:"outlet"`
		PublishedAt string          `json:"published_at"`
		CreatedBy   int64           `json:"created_by"`
		Candidates  []candidateJSON `json:"candidates"`
		Claims      []models.Claim  `json:"claims"`
	}
	res.Decode(t, &got)
	if got.ID != id || got.Text != articleText || got.URL != "https://news.example.org/jobs" || got.Title != "Jobless rate falls" ||
		got.Outlet != "Example News" || got.PublishedAt != "2026-11-26T08:00:00Z" || got.CreatedBy != checker.ID ||
		!slices.EqualFunc(got.Candidates, cands, func(a, b candidateJSON) bool { return a.Text == b.Text && a.Start == b.Start }) ||
		got.Claims == nil || len(got.Claims) != 0 {
		t.Errorf("GET /articles/%d = %s", id, res.Body)
	}

	invalid := []struct {
		name   string
		body   any
		status int
		fields []string
	}{
		{"no text", map[string]any{"text": "   "}, 422, []string{"text"}},
		{"bad url", map[string]any{"text": "x", "url": "ftp://example.org"}, 422, []string{"url"}},
		{"bad date", map[string]any{"text": "x", "published_at": "yesterday"}, 422, []string{"published_at"}},
		{"two faults", map[string]any{"text": "", "published_at": "yesterday"}, 422, []string{"text", "published_at"}},
		{"unknown field", map[string]any{"text": "x", "author": "me"}, 400, []string{"author"}},
	}
	for _, tc := range invalid {
		res := env.Do(t, "POST", "/api/v1/articles", checker.Token, tc.body)
		wantStatus(t, res, tc.status, tc.name)
		if got := problemFields(t, res); !slices.Equal(got, tc.fields) {
			t.Errorf("%s: fields = %v, want %v", tc.name, got, tc.fields)
		}
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/articles", viewer.Token, map[string]any{"text": articleText}), 403, "viewer imports")
	wantStatus(t, env.Do(t, "POST", "/api/v1/articles", "", map[string]any{"text": articleText}), 401, "anonymous import")
	wantStatus(t, env.Do(t, "GET", "/api/v1/articles/999999", viewer.Token, nil), 404, "unknown article")
	wantStatus(t, env.Do(t, "GET", "/api/v1/articles/abc", viewer.Token, nil), 404, "non-numeric article id")
}

func TestArticleClaims(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	viewer := env.User(t, models.RoleViewer)
	id, cands := postArticle(t, env, checker.Token, map[string]any{"text": articleText, "url": "https://news.example.org/jobs"})
	path := "/api/v1/articles/" + itoa(id) + "/claims"

	// Bad indexes are named, and nothing is created.
	res := env.Do(t, "POST", path, checker.Token, map[string]any{"candidates": []int{0, 7, -1, 0}})
	wantStatus(t, res, 422, "bad indexes")
	if got := problemFields(t, res); !slices.Equal(got, []string{"candidates[1]", "candidates[2]", "candidates[3]"}) {
		t.Errorf("bad indexes: fields = %v", got)
	}
	for _, want := range []string{"7 is not a candidate index", "-1 is not a candidate index", "0 is listed twice"} {
		if !strings.Contains(string(res.Body), want) {
			t.Errorf("bad indexes: problem %s does not say %q", res.Body, want)
		}
	}
	wantStatus(t, env.Do(t, "POST", path, checker.Token, map[string]any{"candidates": []int{}}), 422, "no indexes")
	wantStatus(t, env.Do(t, "POST", path, checker.Token, map[string]any{"candidates": "all"}), 422, "indexes not a list")
	wantStatus(t, env.Do(t, "POST", path, viewer.Token, map[string]any{"candidates": []int{0}}), 403, "viewer creates claims")
	wantStatus(t, env.Do(t, "POST", "/api/v1/articles/999999/claims", checker.Token, map[string]any{"candidates": []int{0}}), 404, "unknown article")
	var none struct {
		Items []models.Claim `json:"items"`
	}
	env.Do(t, "GET", "/api/v1/claims", checker.Token, nil).Decode(t, &none)
	if len(none.Items) != 0 {
		t.Fatalf("claims after refused requests = %d, want 0", len(none.Items))
	}

	res = env.Do(t, "POST", path, checker.Token, map[string]any{"candidates": []int{3, 0}})
	wantStatus(t, res, http.StatusCreated, "POST /articles/{id}/claims")
	var created struct {
		Items []models.Claim `json:"items"`
	}
	res.Decode(t, &created)
	if len(created.Items) != 2 {
		t.Fatalf("created = %s, want 2 claims", res.Body)
	}
	for i, n := range []int{3, 0} {
		c, cand := created.Items[i], cands[n]
		if c.ArticleID == nil || *c.ArticleID != id || c.ArticleStart == nil || *c.ArticleStart != cand.Start ||
			c.ArticleEnd == nil || *c.ArticleEnd != cand.End {
			t.Errorf("claim from candidate %d: provenance = %v %v %v, want article %d [%d:%d]", n, c.ArticleID, c.ArticleStart, c.ArticleEnd, id, cand.Start, cand.End)
		}
		if c.Text != cand.Text || c.Claimant != cand.Claimant || c.SourceURL != "https://news.example.org/jobs" || c.State != models.StateNew {
			t.Errorf("claim from candidate %d = %+v, want the sentence, its claimant and the article URL", n, c)
		}
		// Each claim has its own created entry, from the engine.
		var hist struct {
			Items []models.HistoryEntry `json:"items"`
		}
		env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/history", checker.Token, nil).Decode(t, &hist)
		if len(hist.Items) != 1 || hist.Items[0].Kind != models.HistoryCreated || hist.Items[0].ActorID == nil || *hist.Items[0].ActorID != checker.ID {
			t.Errorf("history of claim %d = %+v, want one created entry by the checker", c.ID, hist.Items)
		}
	}
	if created.Items[0].Claimant != "Education Minister Ana Costa" {
		t.Errorf("quote claimant = %q", created.Items[0].Claimant)
	}

	// The claim keeps its provenance when read back, and the article lists
	// its claims in article order.
	got := env.Do(t, "GET", "/api/v1/claims/"+itoa(created.Items[1].ID), viewer.Token, nil).JSON(t)
	if got["article_id"] != float64(id) || got["article_start"] != float64(cands[0].Start) || got["article_end"] != float64(cands[0].End) {
		t.Errorf("GET claim provenance = %v %v %v", got["article_id"], got["article_start"], got["article_end"])
	}
	var art struct {
		Claims []models.Claim `json:"claims"`
	}
	env.Do(t, "GET", "/api/v1/articles/"+itoa(id), viewer.Token, nil).Decode(t, &art)
	if len(art.Claims) != 2 || art.Claims[0].ID != created.Items[1].ID || art.Claims[1].ID != created.Items[0].ID {
		t.Errorf("article claims = %+v, want the two claims in article order", art.Claims)
	}

	// A candidate already taken is a conflict, and the batch with it
	// creates nothing.
	res = env.Do(t, "POST", path, checker.Token, map[string]any{"candidates": []int{1, 0}})
	wantStatus(t, res, 409, "candidate taken twice")
	env.Do(t, "GET", "/api/v1/articles/"+itoa(id), viewer.Token, nil).Decode(t, &art)
	if len(art.Claims) != 2 {
		t.Errorf("article claims after a refused batch = %d, want 2", len(art.Claims))
	}

	// Hand-entered claims carry no provenance, and clients cannot set it.
	hand := env.Do(t, "POST", "/api/v1/claims", checker.Token, map[string]any{"text": "Turnout was 71 percent."})
	wantStatus(t, hand, 201, "POST /claims")
	if m := hand.JSON(t); m["article_id"] != nil || m["article_start"] != nil {
		t.Errorf("hand-entered claim provenance = %v %v, want null", m["article_id"], m["article_start"])
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/claims", checker.Token, map[string]any{"text": "x", "article_id": id}), 400, "client sets article_id")
}

// TestArticleClaimsConcurrent files one sentence from eight requests at
// once: exactly one files the claim, the others get a conflict, and the
// article has one claim. Before filing locked the article, seven claims
// were made from one sentence.
func TestArticleClaimsConcurrent(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	id, _ := postArticle(t, env, checker.Token, map[string]any{"text": articleText})
	path := "/api/v1/articles/" + itoa(id) + "/claims"

	const requests = 8
	results := make([]*apptest.Response, requests)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = env.Do(t, "POST", path, checker.Token, map[string]any{"candidates": []int{0}})
		}()
	}
	close(start)
	wg.Wait()

	created := 0
	for i, res := range results {
		if res == nil {
			t.Fatalf("request %d got no response", i)
		}
		switch res.Status {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			wantStatus(t, res, http.StatusConflict, "concurrent filing")
		default:
			t.Errorf("request %d = %d %s, want 201 or 409", i, res.Status, res.Body)
		}
	}
	if created != 1 {
		t.Errorf("%d of %d concurrent requests created the claim, want exactly 1", created, requests)
	}
	var art struct {
		Claims []models.Claim `json:"claims"`
	}
	env.Do(t, "GET", "/api/v1/articles/"+itoa(id), checker.Token, nil).Decode(t, &art)
	if len(art.Claims) != 1 {
		t.Errorf("article has %d claims after %d concurrent requests for one sentence, want 1", len(art.Claims), requests)
	}
}
