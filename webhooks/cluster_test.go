package webhooks_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// secondApp wires another desk over the same database, as a second
// `factdesk serve` would, and runs its workers until the test ends.
func secondApp(t *testing.T, b *testBundle, start bool) *app.App {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, b.env.DBURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, b.env.App.Config, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if start {
		if err := a.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a.Stop(stop)
		a.Close()
	})
	return a
}

// TestTwoAppsDeliverEachEventOnce: two desks on one database, both working
// the queue, deliver every event exactly once.
func TestTwoAppsDeliverEachEventOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	second := secondApp(t, b, true)
	var mu sync.Mutex
	seen := map[string]int{}
	r := newReceiver(t, func(_ int, d delivery) (int, http.Header) {
		mu.Lock()
		seen[d.ID]++
		mu.Unlock()
		// Hold each request a little so both processes have work in flight.
		time.Sleep(2 * time.Millisecond)
		return http.StatusOK, nil
	})
	h := b.createHook(t, r.URL, "claim.created")
	checker := b.env.User(t, models.RoleChecker)
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Alternate which process commits the change.
			eng := b.env.App.Engine
			if i%2 == 1 {
				eng = second.Engine
			}
			if _, err := eng.CreateClaim(context.Background(), checker.User, newClaim(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	eventually(t, "every event delivered", func() bool { return r.count() >= n })
	// Once no delivery job is left to work, no duplicate can still arrive.
	eventually(t, "the delivery queue drained", func() bool { return pendingDeliveryJobs(t, b) == 0 })
	if r.count() != n {
		t.Fatalf("receiver got %d requests for %d events", r.count(), n)
	}
	mu.Lock()
	defer mu.Unlock()
	for id, c := range seen {
		if c != 1 {
			t.Errorf("event %s delivered %d times", id, c)
		}
	}
	if len(b.log(t, h, "")) != n {
		t.Errorf("delivery log has %d attempts, want %d", len(b.log(t, h, "")), n)
	}
	var clients int
	if err := b.env.App.Store.SQL().QueryRow(
		"SELECT count(DISTINCT attempted_by[1]) FROM river_job WHERE kind = 'webhook_delivery'").Scan(&clients); err != nil {
		t.Fatal(err)
	}
	if clients != 2 {
		t.Errorf("attempts were worked by %d process(es), want both", clients)
	}
}

// TestEventsSurviveACrash: events committed while no process works the
// queue (as after SIGKILL) go out when a process starts.
func TestEventsSurviveACrash(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := newReceiver(t, nil)
	b.createHook(t, r.URL, "claim.created")
	// Stop the test desk's workers, then commit changes through a desk
	// that never starts its own.
	stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.env.App.Stop(stop); err != nil {
		t.Fatal(err)
	}
	down := secondApp(t, b, false)
	checker := b.env.User(t, models.RoleChecker)
	for i := range 5 {
		if _, err := down.Engine.CreateClaim(context.Background(), checker.User, newClaim(i)); err != nil {
			t.Fatal(err)
		}
	}
	// The events are committed with their jobs queued, and nothing works
	// them while no process runs the queue.
	if n := pendingDeliveryJobs(t, b); n != 5 {
		t.Fatalf("%d delivery jobs queued, want 5", n)
	}
	if r.count() != 0 {
		t.Fatalf("delivered %d with no worker running", r.count())
	}
	secondApp(t, b, true)
	eventually(t, "the backlog after restart", func() bool { return r.count() == 5 })
}

// TestGracefulStopFinishesInFlight: Stop waits for a slow attempt to
// complete and be logged instead of abandoning it.
func TestGracefulStopFinishesInFlight(t *testing.T) {
	t.Parallel()
	// The grace and the attempt's timeout are far longer than the test
	// holds the attempt, so that on a busy machine it still ends inside
	// them: what is tested is that Stop waits, not how fast the machine is.
	b := setup(t, fast(), func(c *app.Config) {
		c.Jobs.StopGrace = 30 * time.Second
		c.Webhooks.Timeout = 30 * time.Second
	})
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	r := newReceiver(t, func(int, delivery) (int, http.Header) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-release
		return http.StatusOK, nil
	})
	// Registered after the receiver, so it runs before the receiver's
	// Close, which waits for the held request.
	var releaseOnce sync.Once
	releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(releaseAll)
	h := b.createHook(t, r.URL, "claim.created")
	checker := b.env.User(t, models.RoleChecker)
	b.env.Claim(t, checker, "slow to receive")
	select {
	case <-arrived:
	case <-time.After(30 * time.Second):
		t.Fatal("the delivery never arrived")
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- b.env.App.Stop(stopCtx) }()
	// While the receiver holds the attempt, Stop must not return. (A Stop
	// that returned later than this window would slip through, but a
	// correct one can never fail here, however slow the machine.)
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) while an attempt was in flight", err)
	case <-time.After(300 * time.Millisecond):
	}
	releaseAll()
	if err := <-stopped; err != nil {
		t.Fatalf("Stop: %v", err)
	}
	log := b.log(t, h, "")
	if len(log) != 1 || log[0].Status != "succeeded" {
		t.Fatalf("after Stop, log = %+v, want the in-flight attempt recorded as succeeded", log)
	}
}

func newClaim(i int) workflow.NewClaim {
	return workflow.NewClaim{Text: "Claim number " + strconv.Itoa(i) + " about the budget."}
}

// pendingDeliveryJobs counts webhook delivery jobs River has not finished.
func pendingDeliveryJobs(t *testing.T, b *testBundle) int {
	t.Helper()
	var n int
	err := b.env.App.Store.SQL().QueryRow(`SELECT count(*) FROM river_job
		WHERE kind = 'webhook_delivery' AND state IN ('available', 'pending', 'running', 'retryable', 'scheduled')`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCrashedDeliveriesRescuedWithinHalfAMinute: a SIGKILL leaves delivery
// jobs marked running by a process that no longer exists. The rows are
// made so here (attempted 26 s ago, by a client that is gone), which is
// what a kill leaves behind; a restarted desk sends them again, with the
// same webhook-id. They are past the rescue threshold (the job timeout
// plus RescueMargin: 15 s with this test's 5 s timeout) the moment the
// desk starts, where River's own rescue would wait an hour; the wait is a
// deadline for a busy machine.
func TestCrashedDeliveriesRescuedWithinHalfAMinute(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := newReceiver(t, nil)
	b.createHook(t, r.URL, "claim.created")
	stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.env.App.Stop(stop); err != nil {
		t.Fatal(err)
	}
	down := secondApp(t, b, false)
	checker := b.env.User(t, models.RoleChecker)
	for i := range 3 {
		if _, err := down.Engine.CreateClaim(context.Background(), checker.User, newClaim(i)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := b.env.App.Store.SQL().Exec(`UPDATE river_job SET state = 'running', attempt = 1,
		attempted_at = now() - interval '26 seconds', attempted_by = ARRAY['killed-process']
		WHERE kind = 'webhook_delivery'`)
	if n, _ := res.RowsAffected(); err != nil || n != 3 {
		t.Fatalf("mark the jobs as left running: %d rows, %v", n, err)
	}
	restarted := time.Now()
	secondApp(t, b, true)
	apptest.Eventually(t, 15*time.Second, "the 3 deliveries left running by a killed process to go out again", func() bool {
		return r.count() >= 3
	})
	t.Logf("all 3 went out %s after the restart", time.Since(restarted))
}
