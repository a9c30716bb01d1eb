package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/handlers/api"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// problemDetail is a problem's detail member.
func problemDetail(t *testing.T, res *apptest.Response) string {
	t.Helper()
	d, _ := res.JSON(t)["detail"].(string)
	return d
}

// TestIntegrationTokens walks a machine account through its life: an
// admin creates it and issues a scoped token (shown once), the token
// reaches what its scopes allow and is refused the rest with the missing
// scope named, its use is recorded, and revoking it ends it at once.
func TestIntegrationTokens(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	editor := env.User(t, models.RoleEditor)

	res := env.Do(t, "POST", "/api/v1/users", admin.Token, map[string]any{"kind": "service", "name": "CMS publisher", "role": "checker"})
	wantStatus(t, res, http.StatusCreated, "POST /users kind=service")
	acct := res.JSON(t)
	if acct["kind"] != "service" || acct["email"] != "cms-publisher@service.invalid" {
		t.Fatalf("service account = %s", res.Body)
	}
	acctID := int64(acct["id"].(float64))
	// It has no password: it cannot sign in, nor be given one.
	wantStatus(t, env.Do(t, "POST", "/api/v1/auth/token", "", map[string]string{"email": "cms-publisher@service.invalid", "password": ""}), 401, "service account signs in")
	res = env.Do(t, "PATCH", "/api/v1/users/"+itoa(acctID), admin.Token, map[string]any{"password": "a-long-password"})
	wantStatus(t, res, 422, "PATCH service account password")
	wantStatus(t, env.Do(t, "POST", "/api/v1/users", admin.Token, map[string]any{"kind": "service", "name": "x", "role": "checker", "password": "a-long-password"}), 422, "service account with a password")

	// Only admins issue tokens, and only to service accounts.
	req := map[string]any{"user_id": acctID, "name": "cms", "scopes": []string{"claims:read", "export:read"}, "expires_in_days": 30}
	wantStatus(t, env.Do(t, "POST", "/api/v1/tokens", editor.Token, req), 403, "editor issues a token")
	wantStatus(t, env.Do(t, "POST", "/api/v1/users", editor.Token, map[string]any{"kind": "service", "name": "y", "role": "viewer"}), 403, "editor creates a service account")
	res = env.Do(t, "POST", "/api/v1/tokens", admin.Token, map[string]any{"user_id": editor.ID, "name": "x", "scopes": []string{"bogus", "claims:read"}, "expires_in_days": 9999, "rate_limit_per_minute": -1})
	wantStatus(t, res, 422, "invalid token request")
	if got := strings.Join(problemFields(t, res), ","); got != "scopes,expires_in_days,rate_limit_per_minute" {
		t.Errorf("invalid token fields = %s, want scopes,expires_in_days,rate_limit_per_minute", got)
	}
	res = env.Do(t, "POST", "/api/v1/tokens", admin.Token, map[string]any{"user_id": editor.ID, "name": "x", "scopes": []string{"claims:read"}})
	wantStatus(t, res, 422, "token for a person")

	res = env.Do(t, "POST", "/api/v1/tokens", admin.Token, req)
	wantStatus(t, res, http.StatusCreated, "POST /tokens")
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("token response Cache-Control = %q, want no-store", res.Header.Get("Cache-Control"))
	}
	created := res.JSON(t)
	token, _ := created["token"].(string)
	tokID := strconv.FormatInt(int64(created["id"].(float64)), 10)
	if !strings.HasPrefix(token, "fd_") || created["status"] != "active" || created["created_by_name"] != admin.Name {
		t.Fatalf("created token = %s", res.Body)
	}
	if exp, _ := time.Parse(time.RFC3339, created["expires_at"].(string)); time.Until(exp) < 29*24*time.Hour || time.Until(exp) > 31*24*time.Hour {
		t.Errorf("expires_at = %v, want 30 days out", created["expires_at"])
	}

	// Scopes: what the token holds passes; the rest is a 403 naming the
	// missing scope; managing integrations is for people only.
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims", token, nil), 200, "GET /claims with claims:read")
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/export?format=jsonl", token, nil), 200, "GET /claims/export with export:read")
	wantStatus(t, env.Do(t, "GET", "/api/v1/me", token, nil), 200, "GET /me with any token")
	res = env.Do(t, "POST", "/api/v1/claims", token, map[string]any{"text": "A claim from the CMS."})
	wantStatus(t, res, 403, "POST /claims without claims:write")
	if d := problemDetail(t, res); !strings.Contains(d, "claims:write") {
		t.Errorf("scope refusal detail = %q, want it to name claims:write", d)
	}
	wantStatus(t, env.Do(t, "GET", "/api/v1/tokens", token, nil), 403, "integration token lists tokens")
	for _, m := range []string{"GET", "HEAD"} {
		r := env.Do(t, m, "/api/v1/users", token, nil)
		if r.Status != 403 {
			t.Errorf("%s /users without users:read = %d, want 403", m, r.Status)
		}
	}

	// The token never shows again, and its use is recorded.
	for _, path := range []string{"/api/v1/tokens", "/api/v1/tokens/" + tokID} {
		res = env.Do(t, "GET", path, admin.Token, nil)
		wantStatus(t, res, 200, "GET "+path)
		if bytes.Contains(res.Body, []byte(token)) || bytes.Contains(res.Body, []byte("hash")) {
			t.Errorf("GET %s shows the token: %s", path, res.Body)
		}
	}
	got := res.JSON(t)
	if got["last_used_at"] == nil || got["last_used_ip"] != "127.0.0.1" {
		t.Errorf("last use not recorded: %s", res.Body)
	}
	var stored int
	if err := env.App.Store.SQL().QueryRow(`SELECT count(*) FROM api_tokens t WHERE t::text LIKE '%' || $1 || '%'`, token[3:]).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("token stored in clear (n=%d, err=%v)", stored, err)
	}

	// Revoking takes effect on the next request.
	res = env.Do(t, "POST", "/api/v1/tokens/"+tokID+"/revoke", admin.Token, nil)
	wantStatus(t, res, 200, "revoke")
	if res.JSON(t)["status"] != "revoked" {
		t.Errorf("revoked token = %s", res.Body)
	}
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims", token, nil), 401, "revoked token")
	wantStatus(t, env.Do(t, "POST", "/api/v1/tokens/999999/revoke", admin.Token, nil), 404, "revoke unknown token")

	// Expiry: a token past its time is refused.
	res = env.Do(t, "POST", "/api/v1/tokens", admin.Token, req)
	wantStatus(t, res, http.StatusCreated, "second token")
	second := res.JSON(t)
	token2 := second["token"].(string)
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims", token2, nil), 200, "fresh token")
	if _, err := env.App.Store.SQL().Exec(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, int64(second["id"].(float64))); err != nil {
		t.Fatal(err)
	}
	// The expiry was changed behind the desk's back: the process hears of
	// it through the api_tokens trigger's notification, at the latest when
	// its one-second token cache lapses (the deadline is for a busy
	// machine, not a latency target).
	apptest.Eventually(t, 15*time.Second, "the expired token refused", func() bool {
		return env.Do(t, "GET", "/api/v1/claims", token2, nil).Status == http.StatusUnauthorized
	})
	res = env.Do(t, "GET", "/api/v1/tokens/"+strconv.FormatInt(int64(second["id"].(float64)), 10), admin.Token, nil)
	if res.JSON(t)["status"] != "expired" {
		t.Errorf("expired token status = %s", res.Body)
	}

	// Deactivating the account ends its tokens.
	third := env.Do(t, "POST", "/api/v1/tokens", admin.Token, req).JSON(t)["token"].(string)
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/users/"+itoa(acctID), admin.Token, map[string]any{"active": false}), 200, "deactivate")
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims", third, nil), 401, "token of a deactivated account")
}

// TestIntegrationScopeMeetsRole: a scope never widens the account's role.
func TestIntegrationScopeMeetsRole(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	viewer := env.Integration(t, admin, models.RoleViewer, 0, models.ScopeClaimsWrite, models.ScopeClaimsRead)
	wantStatus(t, env.Do(t, "POST", "/api/v1/claims", viewer.Token, map[string]any{"text": "A viewer's claim."}), 403, "viewer account with claims:write files a claim")
	checker := env.Integration(t, admin, models.RoleChecker, 0, models.ScopeClaimsWrite)
	res := env.Do(t, "POST", "/api/v1/claims", checker.Token, map[string]any{"text": "Filed by the CMS."})
	wantStatus(t, res, 201, "checker account with claims:write files a claim")
	// The history names the machine account.
	id := itoa(int64(res.JSON(t)["id"].(float64)))
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/"+id+"/history", checker.Token, nil), 403, "history without claims:read")
	h := env.Do(t, "GET", "/api/v1/claims/"+id+"/history", admin.Token, nil)
	if !bytes.Contains(h.Body, []byte(`"actor_id":`+itoa(checker.ID))) {
		t.Errorf("history does not name the service account %d: %s", checker.ID, h.Body)
	}
}

// TestTokenRateLimitAcrossProcesses: a token's limit is counted in
// PostgreSQL, so two processes on one database share it; past it the
// answer is 429 problem+json with Retry-After. Neither process logs the
// token, whatever the outcome.
func TestTokenRateLimitAcrossProcesses(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	limited := env.Integration(t, admin, models.RoleChecker, 5, models.ScopeClaimsRead)
	unlimited := env.Integration(t, admin, models.RoleChecker, 0, models.ScopeClaimsRead)

	var logs syncBuffer
	other, err := app.Open(context.Background(), app.Config{DatabaseURL: env.DBURL, Audit: env.App.Config.Audit, DBMaxConns: 4},
		slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(other.Handler())
	t.Cleanup(func() { srv.Close(); other.Close() })
	second := &apptest.Env{App: other, Server: srv, URL: srv.URL, DBURL: env.DBURL}

	// The count is per minute of the database's clock: start early in one.
	apptest.Eventually(t, 15*time.Second, "the start of a minute", func() bool {
		var s float64
		err := env.App.Store.SQL().QueryRow(`SELECT extract(second FROM now())`).Scan(&s)
		return err == nil && s < 45
	})
	envs := []*apptest.Env{env, second}
	for i := range 5 {
		wantStatus(t, envs[i%2].Do(t, "GET", "/api/v1/claims", limited.Token, nil), 200, "request "+strconv.Itoa(i+1)+" of 5")
	}
	for i, e := range envs {
		res := e.Do(t, "GET", "/api/v1/claims", limited.Token, nil)
		wantStatus(t, res, http.StatusTooManyRequests, "request over the limit on process "+strconv.Itoa(i+1))
		ra, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || ra < 1 || ra > 60 {
			t.Errorf("Retry-After = %q, want 1..60 seconds", res.Header.Get("Retry-After"))
		}
	}
	// Another token, limited or not, is not held back.
	for range 8 {
		wantStatus(t, second.Do(t, "GET", "/api/v1/claims", unlimited.Token, nil), 200, "unlimited token")
	}
	wantStatus(t, second.Do(t, "POST", "/api/v1/claims", unlimited.Token, map[string]any{"text": "x"}), 403, "scope refusal")
	wantStatus(t, second.Do(t, "GET", "/api/v1/claims", limited.Token+"x", nil), 401, "wrong token")
	var n int
	if err := env.App.Store.SQL().QueryRow(`SELECT count(*) FROM api_token_rates`).Scan(&n); err != nil || n != 1 {
		t.Errorf("rate rows = %d (%v), want 1: unlimited tokens count nothing", n, err)
	}
	if !strings.Contains(logs.String(), "status=429") {
		t.Fatalf("second process logged no 429:\n%s", logs.String())
	}
	for _, tok := range []string{limited.Token, unlimited.Token, limited.Token[3:]} {
		if strings.Contains(logs.String(), tok) {
			t.Errorf("a token appears in the log:\n%s", logs.String())
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestEveryRouteDeclaresScope: every API route names the scope an
// integration token needs (scopes.go), every declared route exists, and
// every scope a token can hold opens at least one route.
func TestEveryRouteDeclaresScope(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	used := map[models.Scope]bool{}
	routed := map[string]bool{}
	for _, r := range env.App.Routes() {
		key := r.Method + " " + r.Path
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		routed[key] = true
		sc, ok := api.RouteScope(key)
		if !ok {
			t.Errorf("route %s declares no scope in handlers/api/scopes.go", key)
		}
		used[sc] = true
	}
	for _, key := range api.ScopedRoutes() {
		if !routed[key] {
			t.Errorf("%s has a scope but no route", key)
		}
	}
	for _, sc := range models.Scopes {
		if !used[sc] {
			t.Errorf("scope %s opens no route", sc)
		}
	}
}
