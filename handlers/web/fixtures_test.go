package web_test

// Helpers these tests share with the API's: the desk, the loopback site
// and the article page come from internal/apptest; these read the API's
// JSON as this package's tests assert on it.

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
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

// wantStatus fails the test when res has another status, and for errors
// checks the body is problem+json.
func wantStatus(t *testing.T, res *apptest.Response, want int, what string) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("%s = %d, want %d: %s", what, res.Status, want, res.Body)
	}
	if want >= 400 {
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Fatalf("%s: Content-Type = %q, want application/problem+json", what, ct)
		}
	}
}

type srcEvidence struct {
	ID                  int64   `json:"id"`
	URL                 string  `json:"url"`
	Status              string  `json:"status"`
	HTTPStatus          *int    `json:"http_status"`
	FinalURL            string  `json:"final_url"`
	FetchedAt           *string `json:"fetched_at"`
	ContentType         string  `json:"content_type"`
	BodySHA256          string  `json:"body_sha256"`
	PageTitle           string  `json:"page_title"`
	ExcerptStatus       string  `json:"excerpt_status"`
	ExcerptStart        *int    `json:"excerpt_start"`
	ExcerptEnd          *int    `json:"excerpt_end"`
	FetchError          string  `json:"fetch_error"`
	ConsecutiveFailures int     `json:"consecutive_failures"`
	SourceRating        string  `json:"source_rating"`
	OutletID            *int64  `json:"outlet_id"`
	Internal            bool    `json:"internal"`
}

func srcAddEvidence(t *testing.T, env *apptest.Env, by apptest.User, claimID int64, body map[string]any) srcEvidence {
	t.Helper()
	if body["stance"] == nil {
		body["stance"] = "supports"
	}
	res := env.Do(t, "POST", "/api/v1/claims/"+itoa(claimID)+"/evidence", by.Token, body)
	wantStatus(t, res, http.StatusCreated, "POST evidence")
	var ev srcEvidence
	res.Decode(t, &ev)
	return ev
}

// evidenceOf reads one evidence item through GET /claims/{id}, the way
// the API and the dashboard show it.
func srcEvidenceOf(t *testing.T, env *apptest.Env, token string, claimID, evidenceID int64) srcEvidence {
	t.Helper()
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(claimID), token, nil)
	wantStatus(t, res, http.StatusOK, "GET claim")
	var c struct {
		Evidence []srcEvidence `json:"evidence"`
	}
	res.Decode(t, &c)
	for _, e := range c.Evidence {
		if e.ID == evidenceID {
			return e
		}
	}
	t.Fatalf("claim %d has no evidence %d", claimID, evidenceID)
	return srcEvidence{}
}

// waitChecked polls until the evidence has left pending.
func srcWaitChecked(t *testing.T, env *apptest.Env, token string, claimID, evidenceID int64) srcEvidence {
	t.Helper()
	var ev srcEvidence
	apptest.Eventually(t, 15*time.Second, "the first source check", func() bool {
		ev = srcEvidenceOf(t, env, token, claimID, evidenceID)
		return ev.Status != "pending"
	})
	return ev
}

func srcTransition(t *testing.T, env *apptest.Env, by apptest.User, claimID int64, body map[string]any) {
	t.Helper()
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(claimID), by.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET claim")
	body["version"] = res.JSON(t)["version"]
	res = env.Do(t, "POST", "/api/v1/claims/"+itoa(claimID)+"/transitions", by.Token, body)
	wantStatus(t, res, http.StatusOK, "POST transition "+body["action"].(string))
}

// confirmedWith walks a claim to confirmed with evidence (supporting) at
// url quoting excerpt, and returns the claim and evidence ids.
func srcConfirmedWith(t *testing.T, env *apptest.Env, checker, editor apptest.User, text, url, excerpt string) (int64, int64) {
	t.Helper()
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, text)
	ev := srcAddEvidence(t, env, checker, c.ID, map[string]any{"url": url, "excerpt": excerpt})
	srcTransition(t, env, checker, c.ID, map[string]any{"action": "verify", "verdict": "true", "summary": "The figures match."})
	srcTransition(t, env, editor, c.ID, map[string]any{"action": "confirm"})
	return c.ID, ev.ID
}

func webhookDesk(t *testing.T) (*apptest.Env, apptest.User, string) {
	t.Helper()
	env := apptest.New(t, func(c *app.Config) {
		c.Webhooks.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		c.Webhooks.RetrySchedule = []time.Duration{0}
	})
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(rcv.Close)
	return env, env.User(t, models.RoleAdmin), rcv.URL
}
