package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/webhooks"
)

func scrape(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func TestMetricsAreOffByDefault(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	if status, _ := scrape(t, env.URL+"/metrics", ""); status != http.StatusNotFound {
		t.Fatalf("/metrics without configuration: %d, want 404", status)
	}
}

func TestMetricsBehindAToken(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, func(c *app.Config) { c.Ops.MetricsToken = metricsToken })
	u := env.User(t, models.RoleEditor)
	c := env.Claim(t, u, "Crime fell by a third in two years")
	env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID), u.Token, nil)
	env.Do(t, "GET", "/api/v1/claims/0", u.Token, nil)

	if status, _ := scrape(t, env.URL+"/metrics", ""); status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", status)
	}
	if status, _ := scrape(t, env.URL+"/metrics", "wrong-token-wrong-token"); status != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", status)
	}
	status, body := scrape(t, env.URL+"/metrics", metricsToken)
	if status != http.StatusOK {
		t.Fatalf("with the token: %d", status)
	}
	for _, want := range []string{
		`factdesk_http_requests_total{method="GET",route="/api/v1/claims/:id",status="200"} 1`,
		`factdesk_http_requests_total{method="GET",route="/api/v1/claims/:id",status="404"} 1`,
		`factdesk_http_request_duration_seconds_bucket{method="GET",route="/api/v1/claims/:id",le="+Inf"} 2`,
		`go_sql_open_connections{db_name="store"}`,
		`factdesk_pgxpool_max_connections{pool="jobs"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s\n%s", want, grepLines(body, "factdesk_jobs"))
		}
	}
	if strings.Contains(body, "/api/v1/claims/"+itoa(c.ID)) {
		t.Error("a raw path with an id became a label")
	}
	// The leader inserts the periodic source sweep; the job counts, cached
	// for 10 s, show it soon after.
	apptest.Eventually(t, 40*time.Second, "the sources queue in the job counts", func() bool {
		_, body := scrape(t, env.URL+"/metrics", metricsToken)
		return strings.Contains(body, `factdesk_jobs{queue="sources",state=`)
	})
}

func TestMetricsOnTheirOwnAddress(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, func(c *app.Config) { c.Ops.MetricsAddr = "127.0.0.1:0"; c.Ops.MetricsToken = metricsToken })
	if status, _ := scrape(t, env.URL+"/metrics", metricsToken); status != http.StatusNotFound {
		t.Fatalf("main listener still serves metrics: %d", status)
	}
	addr := env.App.MetricsAddr()
	if addr == "" {
		t.Fatal("no metrics listener")
	}
	if status, _ := scrape(t, "http://"+addr+"/metrics", ""); status != http.StatusUnauthorized {
		t.Fatalf("own address without the token: %d", status)
	}
	if status, body := scrape(t, "http://"+addr+"/metrics", metricsToken); status != http.StatusOK || !strings.Contains(body, "factdesk_http_requests_total") {
		t.Fatalf("own address: %d", status)
	}
}

func TestReadyzReportsDatabaseMigrationsAndJobs(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	var r struct {
		Status     string
		Database   struct{ OK bool }
		Migrations struct {
			OK      bool
			Pending int
		}
		Jobs struct {
			OK, Started, Leader bool
		}
	}
	res := env.Do(t, "GET", "/readyz", "", nil)
	res.Decode(t, &r)
	if res.Status != 200 || r.Status != "ready" || !r.Database.OK || !r.Migrations.OK || r.Migrations.Pending != 0 || !r.Jobs.Started {
		t.Fatalf("readyz = %d %s", res.Status, res.Body)
	}
	// The only process becomes the leader.
	apptest.Eventually(t, 20*time.Second, "this process to lead the job queue", func() bool {
		res := env.Do(t, "GET", "/readyz", "", nil)
		json.Unmarshal(res.Body, &r)
		return r.Jobs.Leader
	})
	// Once the job client stops, the process is no longer ready.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := env.App.Jobs.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	res = env.Do(t, "GET", "/readyz", "", nil)
	res.Decode(t, &r)
	if res.Status != http.StatusServiceUnavailable || r.Status != "unavailable" || r.Jobs.Started || !r.Database.OK {
		t.Fatalf("readyz with the job client stopped = %d %s", res.Status, res.Body)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestMetricsCountWebhookAttempts(t *testing.T) {
	t.Parallel()
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer receiver.Close()
	env := apptest.New(t, func(c *app.Config) {
		c.Ops.MetricsToken = metricsToken
		c.Webhooks.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	admin := env.User(t, models.RoleAdmin)
	ctx := context.Background()
	e, err := env.App.Webhooks.Create(ctx, admin.User, webhooks.NewEndpoint{URL: receiver.URL + "/hook", Events: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Webhooks.Ping(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 20*time.Second, "a delivered attempt in the metrics", func() bool {
		_, body := scrape(t, env.URL+"/metrics", metricsToken)
		return strings.Contains(body, `factdesk_webhook_attempts_total{outcome="delivered"} 1`) &&
			strings.Contains(body, `factdesk_webhook_attempt_duration_seconds_count{outcome="delivered"} 1`)
	})
}

func grepLines(body, prefix string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
