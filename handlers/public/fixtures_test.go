package public_test

// Fixtures shared with the API's tests in handlers/api, copied so each
// surface's tests stand alone.

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
)

// srcEnv starts a desk whose source client may reach loopback test
// servers, with a quick queue poll so checks start promptly.
func srcEnv(t *testing.T, opts ...apptest.Option) *apptest.Env {
	t.Helper()
	base := func(c *app.Config) {
		c.FetchAllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		c.FetchTimeout = 5 * time.Second
		c.SourcePollInterval = 50 * time.Millisecond
	}
	return apptest.New(t, append([]apptest.Option{base}, opts...)...)
}

// srcPage is a loopback site whose answer the test changes as it goes.
type srcPage struct {
	mu     sync.Mutex
	status int
	body   string
	hits   atomic.Int64
	srv    *httptest.Server
}

func newSrcPage(t *testing.T, body string) *srcPage {
	t.Helper()
	p := &srcPage{status: http.StatusOK, body: body}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.hits.Add(1)
		p.mu.Lock()
		status, body := p.status, p.body
		p.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func srcArticle(title, text string) string {
	return "<!doctype html><html><head><title>" + title + "</title></head><body><nav>Menu</nav><article><p>" +
		text + "</p></article></body></html>"
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

func srcTransition(t *testing.T, env *apptest.Env, by apptest.User, claimID int64, body map[string]any) {
	t.Helper()
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(claimID), by.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET claim")
	body["version"] = res.JSON(t)["version"]
	res = env.Do(t, "POST", "/api/v1/claims/"+itoa(claimID)+"/transitions", by.Token, body)
	wantStatus(t, res, http.StatusOK, "POST transition "+body["action"].(string))
}
