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
