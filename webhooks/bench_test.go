package webhooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// Run with: go test ./webhooks -run '^$' -bench . -benchtime 1x
// Each benchmark is one fixed workload; b.N is ignored.

func benchDesk(b *testing.B) (*apptest.Env, apptest.User) {
	b.Helper()
	env := apptest.New(b, func(c *app.Config) {
		c.Webhooks.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		c.DBMaxConns = 24 // production-sized pools: this measures throughput
	})
	return env, env.User(b, models.RoleAdmin)
}

func benchHook(b *testing.B, env *apptest.Env, admin apptest.User, url string, types ...string) {
	b.Helper()
	res := env.Do(b, "POST", "/api/v1/webhooks", admin.Token, map[string]any{"url": url, "events": types})
	if res.Status != http.StatusCreated {
		b.Fatalf("create webhook = %d %s", res.Status, res.Body)
	}
}

// BenchmarkCommitToReceiver measures, for 5,000 claim transitions
// committed at a steady 200 per second, the time from the commit returning
// to the receiver getting the POST.
func BenchmarkCommitToReceiver(b *testing.B) {
	const (
		total  = 5000
		rate   = 200 // per second
		claims = 50
	)
	env, admin := benchDesk(b)
	type key struct {
		claim int64
		seq   int
	}
	var mu sync.Mutex
	received := make(map[key]time.Time, total)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		var env struct {
			Data struct {
				Claim struct {
					ID int64 `json:"id"`
				} `json:"claim"`
				Seq int `json:"seq"`
			} `json:"data"`
		}
		json.NewDecoder(r.Body).Decode(&env)
		mu.Lock()
		received[key{env.Data.Claim.ID, env.Data.Seq}] = at
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	benchHook(b, env, admin, rcv.URL, "claim.transitioned")

	ctx := context.Background()
	editor := env.User(b, models.RoleEditor)
	checker := env.User(b, models.RoleChecker)
	ids := make([]*models.Claim, claims)
	for i := range ids {
		ids[i] = env.Claim(b, checker, fmt.Sprintf("Benchmark claim %d about the harbour budget.", i))
	}
	committed := make(map[key]time.Time, total)
	var cmu sync.Mutex
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	perClaim := total / claims
	interval := time.Second / rate
	for i, c := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range perClaim {
				// Global slot j*claims+i: one transition every 5ms overall.
				time.Sleep(time.Until(start.Add(time.Duration(j*claims+i) * interval)))
				r := workflow.Request{Action: models.ActionReject, Comment: "not check-worthy", Version: c.Version}
				if j%2 == 1 {
					r = workflow.Request{Action: models.ActionRestore, Version: c.Version}
				}
				next, err := env.App.Engine.Apply(ctx, editor.User, c.ID, r)
				done := time.Now()
				if err != nil {
					failed.Add(1)
					b.Error(err)
					return
				}
				c = next
				cmu.Lock()
				committed[key{c.ID, c.LastSeq}] = done
				cmu.Unlock()
			}
		}()
	}
	wg.Wait()
	sent := time.Since(start)
	apptest.Eventually(b, 60*time.Second, "every transition at the receiver", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(received) >= total
	})
	b.StopTimer()
	var lat []time.Duration
	mu.Lock()
	for k, at := range committed {
		if got, ok := received[k]; ok {
			lat = append(lat, got.Sub(at))
		}
	}
	mu.Unlock()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(total)/sent.Seconds(), "commits/s")
	b.Logf("%d transitions in %s (%.0f/s); commit→receiver p50 %s p90 %s p99 %s max %s",
		len(lat), sent.Round(time.Millisecond), float64(total)/sent.Seconds(), pct(0.5), pct(0.9), pct(0.99), lat[len(lat)-1])
}

// BenchmarkDeliveryThroughput queues a backlog of events while no worker
// runs, then starts one process and measures how fast it delivers them to
// a fast local receiver.
func BenchmarkDeliveryThroughput(b *testing.B) {
	const total = 10_000
	env, admin := benchDesk(b)
	var got atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	benchHook(b, env, admin, rcv.URL, "evidence.changed")
	ctx := context.Background()
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := env.App.Stop(stop); err != nil {
		b.Fatal(err)
	}
	for batch := 0; batch < total/500; batch++ {
		err := env.App.Store.WithTx(ctx, func(tx *store.Tx) error {
			for i := range 500 {
				ev := events.Event{Type: events.EvidenceChanged, Data: map[string]any{"n": batch*500 + i}}
				if err := events.Emit(ctx, tx, ev); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open(ctx, env.DBURL, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	worker, err := app.New(ctx, env.App.Config, st, env.App.Log)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	if err := worker.Start(ctx); err != nil {
		b.Fatal(err)
	}
	apptest.Eventually(b, 120*time.Second, "the backlog delivered", func() bool { return got.Load() >= total })
	elapsed := time.Since(start)
	b.StopTimer()
	stopW, cancelW := context.WithTimeout(ctx, 10*time.Second)
	defer cancelW()
	worker.Stop(stopW)
	b.ReportMetric(float64(total)/elapsed.Seconds(), "deliveries/s")
	b.Logf("%d deliveries in %s: %.0f/s", total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
}
