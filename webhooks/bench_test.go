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

	"github.com/jackc/pgx/v5"

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
	// Where the time goes, per transition: how late the generator started
	// it against its slot, how long Apply took (lock, rules, hooks,
	// commit), and for its delivery job the wait from commit to River's
	// fetch (attempted_at) and from there to the receiver.
	var lateness, applying []time.Duration
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
				slot := start.Add(time.Duration(j*claims+i) * interval)
				time.Sleep(time.Until(slot))
				r := workflow.Request{Action: models.ActionReject, Comment: "not check-worthy", Version: c.Version}
				if j%2 == 1 {
					r = workflow.Request{Action: models.ActionRestore, Version: c.Version}
				}
				began := time.Now()
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
				lateness = append(lateness, began.Sub(slot))
				applying = append(applying, done.Sub(began))
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
	fetched := jobsFetchedAt(b, env.DBURL)
	var lat, toFetch, toSend, toReceiver []time.Duration
	mu.Lock()
	for k, at := range committed {
		got, ok := received[k]
		if !ok {
			continue
		}
		lat = append(lat, got.Sub(at))
		if f, ok := fetched[k]; ok {
			toFetch = append(toFetch, f[0].Sub(at))
			toSend = append(toSend, f[1].Sub(f[0]))
			toReceiver = append(toReceiver, got.Sub(f[1]))
		}
	}
	mu.Unlock()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
	stage := func(name string, ds []time.Duration) string {
		if len(ds) == 0 {
			return name + " -"
		}
		slices.Sort(ds)
		q := func(p float64) time.Duration { return ds[int(float64(len(ds)-1)*p)].Round(10 * time.Microsecond) }
		return fmt.Sprintf("%s p50 %s p99 %s max %s", name, q(0.5), q(0.99), ds[len(ds)-1].Round(10*time.Microsecond))
	}
	b.Logf("stages: %s | %s | %s | %s | %s", stage("generator late", lateness), stage("Apply", applying),
		stage("commit→fetched", toFetch), stage("fetched→POST begun", toSend), stage("POST→receiver", toReceiver))
	ss := env.App.Store.SQL().Stats()
	js := env.App.Jobs.Pool().Stat()
	b.Logf("pool waits: store %d waits, %s in all (max %d open) | jobs %d of %d acquires waited, %s acquiring in all (max %d)",
		ss.WaitCount, ss.WaitDuration.Round(time.Millisecond), ss.MaxOpenConnections,
		js.EmptyAcquireCount(), js.AcquireCount(), js.AcquireDuration().Round(time.Millisecond), js.MaxConns())
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(total)/sent.Seconds(), "commits/s")
	b.Logf("%d transitions in %s (%.0f/s); commit→receiver p50 %s p90 %s p99 %s max %s",
		len(lat), sent.Round(time.Millisecond), float64(total)/sent.Seconds(), pct(0.5), pct(0.9), pct(0.99), lat[len(lat)-1])
}

// jobsFetchedAt reads when River fetched each transition's delivery job
// (attempted_at of its first run, set by the fetch) and when the worker,
// having loaded the delivery, began the POST (the attempt's started_at),
// by claim and seq.
func jobsFetchedAt(b *testing.B, dbURL string) map[struct {
	claim int64
	seq   int
}][2]time.Time {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT e.claim_id, e.seq, j.attempted_at, a.started_at FROM river_job j
		JOIN webhook_deliveries d ON d.id = (j.args->>'delivery_id')::bigint JOIN events e ON e.id = d.event_id
		JOIN webhook_attempts a ON a.delivery_id = d.id AND a.attempt = 1
		WHERE j.kind = 'webhook_delivery' AND j.attempted_at IS NOT NULL AND j.attempt = 1`)
	if err != nil {
		b.Fatal(err)
	}
	out := map[struct {
		claim int64
		seq   int
	}][2]time.Time{}
	for rows.Next() {
		var k struct {
			claim int64
			seq   int
		}
		var at [2]time.Time
		if err := rows.Scan(&k.claim, &k.seq, &at[0], &at[1]); err != nil {
			b.Fatal(err)
		}
		out[k] = at
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return out
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
