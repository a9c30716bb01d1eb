package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// API tokens are cached per process; a revoked token, a deactivated user or
// a changed role must still take effect at once, on every process. The
// desks here cache for an hour, so only the LISTEN/NOTIFY invalidation (or
// the deactivating process forgetting its own entries) can pass them; the
// waits are deadlines for a busy machine, not latency targets.
func TestTokenCacheForgetsChangesWithinASecond(t *testing.T) {
	t.Parallel()
	hour := func(c *app.Config) { c.TokenCacheTTL = time.Hour }
	env := apptest.New(t, hour)
	admin := env.User(t, models.RoleAdmin)
	refusedWithin := func(t *testing.T, token, what string) {
		t.Helper()
		apptest.Eventually(t, 15*time.Second, what, func() bool {
			return env.Do(t, "GET", "/api/v1/me", token, nil).Status == http.StatusUnauthorized
		})
	}
	warm := func(t *testing.T, token string) {
		t.Helper()
		for range 2 {
			wantStatus(t, env.Do(t, "GET", "/api/v1/me", token, nil), http.StatusOK, "GET /me before the change")
		}
	}

	t.Run("deactivated through the API", func(t *testing.T) {
		u := env.User(t, models.RoleChecker)
		warm(t, u.Token)
		res := env.Do(t, "PATCH", "/api/v1/users/"+strconv.FormatInt(u.ID, 10), admin.Token, map[string]any{"active": false})
		wantStatus(t, res, http.StatusOK, "deactivate")
		// The process that deactivated forgets at once, before answering.
		wantStatus(t, env.Do(t, "GET", "/api/v1/me", u.Token, nil), http.StatusUnauthorized, "GET /me right after deactivation")
	})

	t.Run("revoked by hand in SQL", func(t *testing.T) {
		u := env.User(t, models.RoleChecker)
		warm(t, u.Token)
		if _, err := env.App.Store.SQL().Exec(`UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		refusedWithin(t, u.Token, "the revoked token to be refused")
	})

	t.Run("role changed on another process", func(t *testing.T) {
		// A second desk on the same database stands for another process.
		other := apptest.New(t, hour, func(c *app.Config) { c.DatabaseURL = env.DBURL })
		u := env.User(t, models.RoleEditor)
		for range 2 {
			res := other.Do(t, "GET", "/api/v1/me", u.Token, nil)
			wantStatus(t, res, http.StatusOK, "GET /me on the other desk")
		}
		res := env.Do(t, "PATCH", "/api/v1/users/"+strconv.FormatInt(u.ID, 10), admin.Token, map[string]any{"role": "viewer"})
		wantStatus(t, res, http.StatusOK, "demote")
		apptest.Eventually(t, 15*time.Second, "the other desk to see the new role", func() bool {
			return other.Do(t, "GET", "/api/v1/me", u.Token, nil).JSON(t)["role"] == "viewer"
		})
		if _, err := env.App.Store.SQL().ExecContext(context.Background(), `UPDATE users SET active = false WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		apptest.Eventually(t, 15*time.Second, "the other desk to refuse the deactivated user", func() bool {
			return other.Do(t, "GET", "/api/v1/me", u.Token, nil).Status == http.StatusUnauthorized
		})
	})
}
