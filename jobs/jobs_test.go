package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/store"
)

type testBundle struct {
	store *store.Store
	jobs  *jobs.Client
}

// setup gives each test its own migrated database, a store on it and an
// unstarted job client; start starts it and stops it when the test ends.
func setup(t *testing.T) (*testBundle, context.Context) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.URL(t)
	st, err := store.Open(ctx, url, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	j, err := jobs.New(jobs.Config{DatabaseURL: url, MaxConns: 4, FetchPollInterval: 50 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &testBundle{store: st, jobs: j}, ctx
}

func (b *testBundle) start(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := b.jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := b.jobs.Stop(stop); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
}

func (b *testBundle) count(t *testing.T, ctx context.Context, where string, args ...any) int {
	t.Helper()
	var n int
	if err := b.store.SQL().QueryRowContext(ctx, "SELECT count(*) FROM river_job WHERE "+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// pingArgs is a test job; Queue picks the queue it is inserted on.
type pingArgs struct {
	N     int    `json:"n"`
	Queue string `json:"queue"`
}

func (pingArgs) Kind() string { return "test_ping" }

// seen records which jobs ran, and on which queue.
type seen struct {
	mu  sync.Mutex
	ran map[int]string
}

func (s *seen) worker() river.Worker[pingArgs] {
	return river.WorkFunc(func(ctx context.Context, job *river.Job[pingArgs]) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.ran == nil {
			s.ran = map[int]string{}
		}
		s.ran[job.Args.N] = job.Queue
		return nil
	})
}

func (s *seen) get() map[int]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int]string, len(s.ran))
	for k, v := range s.ran {
		out[k] = v
	}
	return out
}

func insert(ctx context.Context, b *testBundle, fail error, args ...pingArgs) error {
	return b.store.WithTx(ctx, func(tx *store.Tx) error {
		params := make([]river.InsertManyParams, len(args))
		for i, a := range args {
			params[i] = river.InsertManyParams{Args: a, InsertOpts: &river.InsertOpts{Queue: a.Queue}}
		}
		if _, err := jobs.InsertTx(ctx, tx, params...); err != nil {
			return err
		}
		return fail
	})
}

// TestOneClientServesBothQueues: jobs inserted in a store transaction on
// the webhooks and the sources queue are both worked by the one client.
func TestOneClientServesBothQueues(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	var s seen
	river.AddWorker(b.jobs.Workers(), s.worker())
	b.jobs.AddQueue("webhooks", 2)
	b.jobs.AddQueue("sources", 2)
	b.start(t, ctx)
	if err := insert(ctx, b, nil, pingArgs{N: 1, Queue: "webhooks"}, pingArgs{N: 2, Queue: "sources"}); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 10*time.Second, "both jobs worked", func() bool { return len(s.get()) == 2 })
	if got := s.get(); got[1] != "webhooks" || got[2] != "sources" {
		t.Fatalf("jobs ran on %v, want 1 on webhooks and 2 on sources", got)
	}
	var clients int
	err := b.store.SQL().QueryRowContext(ctx, "SELECT count(DISTINCT attempted_by[1]) FROM river_job WHERE kind = 'test_ping'").Scan(&clients)
	if err != nil || clients != 1 {
		t.Fatalf("jobs were worked by %d clients (%v), want one", clients, err)
	}
}

// TestInsertRollsBackWithTheTransaction: a job inserted in a transaction
// that rolls back never exists and never runs; one that commits runs.
func TestInsertRollsBackWithTheTransaction(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	var s seen
	river.AddWorker(b.jobs.Workers(), s.worker())
	b.jobs.AddQueue("webhooks", 2)
	rollback := errors.New("the change failed")
	if err := insert(ctx, b, rollback, pingArgs{N: 1, Queue: "webhooks"}); !errors.Is(err, rollback) {
		t.Fatalf("WithTx = %v, want the change's error", err)
	}
	if n := b.count(t, ctx, "kind = 'test_ping'"); n != 0 {
		t.Fatalf("%d jobs after the rollback, want none", n)
	}
	b.start(t, ctx)
	if err := insert(ctx, b, nil, pingArgs{N: 2, Queue: "webhooks"}); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 10*time.Second, "the committed job", func() bool { return len(s.get()) > 0 })
	if got := s.get(); len(got) != 1 || got[2] == "" {
		t.Fatalf("ran %v, want only the committed job 2", got)
	}
}

// TestPeriodicJobsRun: a registered periodic job is inserted on start and
// again each period.
func TestPeriodicJobsRun(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	var (
		mu   sync.Mutex
		runs int
	)
	river.AddWorker(b.jobs.Workers(), river.WorkFunc(func(ctx context.Context, job *river.Job[pingArgs]) error {
		mu.Lock()
		defer mu.Unlock()
		runs++
		return nil
	}))
	b.jobs.AddQueue("sources", 1)
	b.jobs.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(200*time.Millisecond),
		func() (river.JobArgs, *river.InsertOpts) {
			return pingArgs{}, &river.InsertOpts{Queue: "sources"}
		}, &river.PeriodicJobOpts{RunOnStart: true}))
	b.start(t, ctx)
	apptest.Eventually(t, 10*time.Second, "three periodic runs", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return runs >= 3
	})
}

// TestSourceSweepIsPeriodic: registering the sources package schedules its
// recheck sweep as a River periodic job, worked on the sources queue.
func TestSourceSweepIsPeriodic(t *testing.T) {
	t.Parallel()
	b, ctx := setup(t)
	svc := sources.NewService(b.store, sources.Config{RecheckInterval: 400 * time.Millisecond})
	if err := svc.Register(b.jobs, 1); err != nil {
		t.Fatal(err)
	}
	b.start(t, ctx)
	apptest.Eventually(t, 10*time.Second, "two completed sweeps", func() bool {
		return b.count(t, ctx, "kind = 'source_sweep' AND queue = 'sources' AND state = 'completed'") >= 2
	})
}

// TestMigrateIsIdempotent: River's migrator finds a database migrated by
// factdesk complete, and running it again changes nothing.
func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	db := pgtest.DB(t)
	ctx := context.Background()
	for i := range 2 {
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatalf("Migrate run %d: %v", i+1, err)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM river_migration WHERE line = 'main'").Scan(&n); err != nil || n == 0 {
		t.Fatalf("river_migration has %d main versions (%v), want some", n, err)
	}
}

// slowArgs is a job that runs until it is cancelled.
type slowArgs struct{}

func (slowArgs) Kind() string { return "test_slow" }

// TestStopCancelsJobsAfterTheGrace: a job still running when Stop is called
// gets StopGrace to finish, is then cancelled, and waits to run again
// instead of being lost; Stop does not wait for the caller's whole deadline.
func TestStopCancelsJobsAfterTheGrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.URL(t)
	st, err := store.Open(ctx, url, store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const grace = 300 * time.Millisecond
	j, err := jobs.New(jobs.Config{DatabaseURL: url, MaxConns: 4, FetchPollInterval: 50 * time.Millisecond, StopGrace: grace,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{}, 1)
	river.AddWorker(j.Workers(), river.WorkFunc(func(ctx context.Context, _ *river.Job[slowArgs]) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}))
	j.AddQueue("sources", 1)
	if err := j.Start(ctx); err != nil {
		t.Fatal(err)
	}
	b := &testBundle{store: st, jobs: j}
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		_, err := jobs.InsertTx(ctx, tx, river.InsertManyParams{Args: slowArgs{}, InsertOpts: &river.InsertOpts{Queue: "sources"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow job never started")
	}
	const deadline = 60 * time.Second
	stopCtx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	begun := time.Now()
	if err := j.Stop(stopCtx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	// The job never ends by itself, so a Stop that ignored the grace would
	// take the whole deadline; the bound sits far from both, so a busy
	// machine cannot fail a correct Stop.
	if took := time.Since(begun); took > deadline/2 {
		t.Errorf("Stop took %s with a %s grace and a %s deadline, want it to cancel the job after the grace", took, grace, deadline)
	}
	if n := b.count(t, ctx, "kind = 'test_slow' AND state IN ('available', 'retryable', 'scheduled')"); n != 1 {
		t.Errorf("%d cancelled jobs waiting to run again, want 1", n)
	}
}
