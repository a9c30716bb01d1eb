package webhooks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/factdesk/factdesk/events"
)

type pgxTx = pgx.Tx

// deliveryWorker runs one attempt per job.
type deliveryWorker struct {
	river.WorkerDefaults[events.DeliverArgs]
	s *Service
}

// Timeout leaves room after the HTTP timeout for recording the attempt.
func (w *deliveryWorker) Timeout(*river.Job[events.DeliverArgs]) time.Duration {
	return w.s.cfg.Timeout + 30*time.Second
}

func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[events.DeliverArgs]) error {
	return w.s.attempt(ctx, job.Args)
}

// Start begins working the delivery queue in this process. Every process
// may run it: River hands each job to exactly one of them.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.river != nil {
		return errors.New("webhooks: already started")
	}
	pcfg, err := pgxpool.ParseConfig(s.dbURL)
	if err != nil {
		return fmt.Errorf("webhooks: parse database URL: %w", err)
	}
	// River holds one connection for LISTEN and fetches and completes jobs
	// in batches; the rest serve the workers' two statements per attempt.
	pcfg.MaxConns = 24
	if s.cfg.PoolMaxConns > 0 {
		pcfg.MaxConns = int32(s.cfg.PoolMaxConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("webhooks: open job queue pool: %w", err)
	}
	// Workers use the pool as soon as the client starts.
	s.pool = pool
	workers := river.NewWorkers()
	river.AddWorker(workers, &deliveryWorker{s: s})
	for _, register := range s.otherWorkers {
		if err := register(workers); err != nil {
			pool.Close()
			return fmt.Errorf("webhooks: register other queues' workers: %w", err)
		}
	}
	jobTimeout := s.cfg.Timeout + 30*time.Second
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            map[string]river.QueueConfig{events.Queue: {MaxWorkers: s.cfg.Workers}},
		Workers:           workers,
		FetchCooldown:     s.cfg.FetchCooldown,
		FetchPollInterval: s.cfg.FetchPollInterval,
		JobTimeout:        jobTimeout,
		// After a crash, a job left running is retried once it has been
		// running this long. Keep it just above the job timeout so a
		// killed server's in-flight deliveries go out within a minute or
		// two of a restart instead of River's default hour.
		RescueStuckJobsAfter: jobTimeout + time.Minute,
		Logger:               s.log,
	})
	if err != nil {
		pool.Close()
		return fmt.Errorf("webhooks: river client: %w", err)
	}
	// The queue stops only through Stop: the caller's context may be the
	// one a signal cancels, and cancelling it would abandon in-flight
	// deliveries instead of letting them finish.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		pool.Close()
		return fmt.Errorf("webhooks: start delivery queue: %w", err)
	}
	s.river = client
	return nil
}

// Stop stops fetching and waits for in-flight attempts to finish and be
// recorded, until ctx is done; then it cancels what is left, which River
// retries on the next start.
func (s *Service) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.river == nil {
		return nil
	}
	err := s.river.Stop(ctx)
	if err != nil {
		hard, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = errors.Join(fmt.Errorf("webhooks: graceful stop: %w", err), s.river.StopAndCancel(hard))
	}
	// The pool stays assigned: an attempt that outlived even the hard stop
	// then fails on a closed pool instead of a nil one.
	s.pool.Close()
	s.river = nil
	return err
}
