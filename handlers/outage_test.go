package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
)

// TestDatabaseOutage stops the desk's database (a cluster of the test's
// own) and expects 503 with Retry-After, as problem+json in the API and as
// a page in the dashboard; once it is started again the same process
// serves without a restart.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	cluster := pgtest.NewCluster(t)
	env := apptest.New(t, func(c *app.Config) { c.DatabaseURL = cluster.URL })
	checker := env.User(t, models.RoleChecker)
	if res := env.Do(t, "GET", "/api/v1/claims", checker.Token, nil); res.Status != http.StatusOK {
		t.Fatalf("GET /api/v1/claims before the outage = %d %s", res.Status, res.Body)
	}

	cluster.Stop()
	for range 3 {
		res := env.Do(t, "GET", "/api/v1/claims", checker.Token, nil)
		if res.Status != http.StatusServiceUnavailable {
			t.Fatalf("GET /api/v1/claims with the database down = %d %s, want 503", res.Status, res.Body)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("Content-Type = %q, want application/problem+json", ct)
		}
		if !strings.Contains(string(res.Body), "urn:factdesk:problem:unavailable") {
			t.Errorf("problem type is not unavailable: %s", res.Body)
		}
		if ra := res.Header.Get("Retry-After"); ra == "" || ra == "0" {
			t.Errorf("Retry-After = %q, want a positive number of seconds", ra)
		}
	}
	form := url.Values{"email": {checker.Email}, "password": {checker.Password}, "next": {"/"}}
	res, err := env.Server.Client().PostForm(env.URL+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || res.Header.Get("Retry-After") == "" {
		t.Errorf("POST /login with the database down = %d %s Retry-After %q, want a 503 page with Retry-After",
			res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Retry-After"))
	}

	cluster.Start()
	apptest.Eventually(t, 15*time.Second, "the API to answer after the database is back", func() bool {
		return env.Do(t, "GET", "/api/v1/claims", checker.Token, nil).Status == http.StatusOK
	})
}
