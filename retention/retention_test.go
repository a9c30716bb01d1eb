package retention_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/retention"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/webhooks"
)

// count runs a counting query; the test reads the tables directly to see
// what the pruning left.
func count(t *testing.T, env *apptest.Env, query string, args ...any) int {
	t.Helper()
	var n int
	if err := env.App.Store.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPruneKeepsPendingDeliveriesAndTheirEvents(t *testing.T) {
	t.Parallel()
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	env := apptest.New(t, func(c *app.Config) {
		c.Webhooks.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		// The failing endpoint's delivery stays pending for a day.
		c.Webhooks.RetrySchedule = []time.Duration{0, 24 * time.Hour}
		c.Ops.Retention = retention.Config{Events: 90 * 24 * time.Hour, Deliveries: 90 * 24 * time.Hour, Attempts: 30 * 24 * time.Hour}
	})
	ctx := context.Background()
	admin := env.User(t, models.RoleAdmin)
	ok, err := env.App.Webhooks.Create(ctx, admin.User, webhooks.NewEndpoint{URL: receiver.URL + "/ok", Events: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	failing, err := env.App.Webhooks.Create(ctx, admin.User, webhooks.NewEndpoint{URL: receiver.URL + "/fail", Events: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	okEvent, err := env.App.Webhooks.Ping(ctx, ok.ID)
	if err != nil {
		t.Fatal(err)
	}
	pendingEvent, err := env.App.Webhooks.Ping(ctx, failing.ID)
	if err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 20*time.Second, "one delivered and one failed attempt", func() bool {
		return count(t, env, `SELECT count(*) FROM webhook_attempts`) == 2 &&
			count(t, env, `SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'`) == 1
	})
	if n := count(t, env, `SELECT count(*) FROM webhook_deliveries WHERE status = 'pending' AND event_id = $1`, pendingEvent); n != 1 {
		t.Fatalf("the failing endpoint's delivery is not pending (%d)", n)
	}

	// A clock a year back finds nothing old enough.
	past := retention.New(env.App.Store, env.App.Config.Ops.Retention, nil, func() time.Time { return time.Now().AddDate(-1, 0, 0) })
	if n, err := past.Prune(ctx); err != nil || n.Total() != 0 {
		t.Fatalf("prune a year back: %+v, %v", n, err)
	}
	// A clock 200 days ahead finds everything old: all of it goes but the
	// pending delivery, its attempt and its event.
	future := retention.New(env.App.Store, env.App.Config.Ops.Retention, nil, func() time.Time { return time.Now().AddDate(0, 0, 200) })
	n, err := future.Prune(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != (store.Pruned{Events: 1, Deliveries: 1, Attempts: 1}) {
		t.Fatalf("pruned %+v, want one of each", n)
	}
	if count(t, env, `SELECT count(*) FROM events WHERE id = $1`, okEvent) != 0 {
		t.Error("the delivered event was kept")
	}
	if count(t, env, `SELECT count(*) FROM events WHERE id = $1`, pendingEvent) != 1 ||
		count(t, env, `SELECT count(*) FROM webhook_deliveries WHERE event_id = $1`, pendingEvent) != 1 ||
		count(t, env, `SELECT count(*) FROM webhook_attempts WHERE event_id = $1`, pendingEvent) != 1 {
		t.Error("the pending delivery, its attempt or its event was pruned")
	}
	// Explicit cutoffs: only attempts have one, and the pending one stays.
	n, err = retention.PruneBefore(ctx, env.App.Store, store.PruneCutoffs{Attempts: time.Now().AddDate(1, 0, 0)})
	if err != nil || n.Total() != 0 {
		t.Fatalf("prune attempts only: %+v, %v", n, err)
	}
}

func TestPruneRunsAsAPeriodicJob(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, func(c *app.Config) { c.Ops.Retention = retention.Config{Events: 24 * time.Hour} })
	apptest.Eventually(t, 30*time.Second, "the retention job to run once on start", func() bool {
		return count(t, env, `SELECT count(*) FROM river_job WHERE kind = 'retention_prune' AND state = 'completed'`) == 1
	})
}

func TestNothingIsPrunedUnlessConfigured(t *testing.T) {
	t.Parallel()
	if (retention.Config{}).Enabled() {
		t.Fatal("an empty config prunes")
	}
	for raw, want := range map[string]time.Duration{"": 0, "0": 0, "90d": 90 * 24 * time.Hour, "36h": 36 * time.Hour} {
		if got, err := retention.ParseAge(raw); err != nil || got != want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", raw, got, err, want)
		}
	}
	for _, bad := range []string{"90", "-1d", "10m", "forever", "1.5d"} {
		if _, err := retention.ParseAge(bad); err == nil {
			t.Errorf("ParseAge(%q) accepted", bad)
		}
	}
}
