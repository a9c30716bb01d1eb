package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/store"
)

// Queue is the job queue notification emails and the overdue sweep run on.
const Queue = "notify"

// Defaults of Register.
const (
	// DefaultDigestEvery runs the digest job four times an hour: an hourly
	// digest leaves within a quarter hour of its hour, and a second run in
	// the same period finds nothing to send.
	DefaultDigestEvery = 15 * time.Minute
	// DefaultOverdueEvery is how often the overdue sweep looks.
	DefaultOverdueEvery = 5 * time.Minute
	// instantAttempts bounds an instant email's retries; River backs off
	// polynomially, so the last retries fall past InstantCatchUp, when the
	// hourly digest takes the notification anyway.
	instantAttempts = 10
)

// InsertOpts puts the email on the notify queue.
func (InstantArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: instantAttempts}
}

// InsertOpts puts the digests on the notify queue.
func (DigestArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: Queue} }

// InsertOpts puts the sweep on the notify queue.
func (OverdueArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: Queue} }

// Jobs configures Register.
type Jobs struct {
	Store *store.Store
	// Notifier is the hook's notifier; Register sets its EnqueueInstant
	// when Mail is set.
	Notifier *Notifier
	// Mail sends the emails; nil sends none (the inbox still works and the
	// overdue sweep still runs).
	Mail *Service
	// Workers is how many notify jobs run at once. Each holds a database
	// connection of the store while it sends, so keep it below the store
	// pool's size.
	Workers int
	// DigestEvery and OverdueEvery default to the constants above.
	DigestEvery, OverdueEvery time.Duration
	// Now is the clock of the periodic jobs (default time.Now).
	Now func() time.Time
	Log *slog.Logger
}

// Register adds the notify queue to the job client: the overdue sweep
// (periodic), and with mail the instant-email worker, the periodic digests
// and the Notifier's EnqueueInstant, which queues each email in the
// change's own transaction through jobs.InsertTx. Call it during wiring,
// before the client starts.
func Register(j *jobs.Client, cfg Jobs) error {
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.DigestEvery <= 0 {
		cfg.DigestEvery = DefaultDigestEvery
	}
	if cfg.OverdueEvery <= 0 {
		cfg.OverdueEvery = DefaultOverdueEvery
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if err := river.AddWorkerSafely(j.Workers(), &overdueWorker{cfg: cfg}); err != nil {
		return fmt.Errorf("notify: register the overdue worker: %w", err)
	}
	j.AddQueue(Queue, cfg.Workers)
	j.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(cfg.OverdueEvery),
		func() (river.JobArgs, *river.InsertOpts) { return OverdueArgs{}, nil },
		&river.PeriodicJobOpts{ID: "notify_overdue", RunOnStart: true}))
	if cfg.Mail == nil {
		return nil
	}
	if err := river.AddWorkerSafely(j.Workers(), &instantWorker{svc: cfg.Mail}); err != nil {
		return fmt.Errorf("notify: register the email worker: %w", err)
	}
	if err := river.AddWorkerSafely(j.Workers(), &digestWorker{cfg: cfg}); err != nil {
		return fmt.Errorf("notify: register the digest worker: %w", err)
	}
	j.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(cfg.DigestEvery),
		func() (river.JobArgs, *river.InsertOpts) { return DigestArgs{}, nil },
		&river.PeriodicJobOpts{ID: "notify_digests", RunOnStart: true}))
	cfg.Notifier.EnqueueInstant = EnqueueInstant
	return nil
}

// EnqueueInstant queues the email of notification id in tx, to run at at.
// It is the Notifier's EnqueueInstant when mail is configured.
func EnqueueInstant(ctx context.Context, tx *store.Tx, id int64, at time.Time) error {
	_, err := jobs.InsertTx(ctx, tx, river.InsertManyParams{
		Args: InstantArgs{NotificationID: id}, InsertOpts: &river.InsertOpts{Queue: Queue, MaxAttempts: instantAttempts, ScheduledAt: at},
	})
	return err
}

type instantWorker struct {
	river.WorkerDefaults[InstantArgs]
	svc *Service
}

func (w *instantWorker) Work(ctx context.Context, job *river.Job[InstantArgs]) error {
	return w.svc.SendInstant(ctx, job.Args.NotificationID)
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	cfg Jobs
}

func (w *digestWorker) Work(ctx context.Context, _ *river.Job[DigestArgs]) error {
	n, err := w.cfg.Mail.SendDigests(ctx, w.cfg.Now())
	if n > 0 {
		w.cfg.Log.DebugContext(ctx, "sent notification digests", slog.Int("count", n))
	}
	return err
}

type overdueWorker struct {
	river.WorkerDefaults[OverdueArgs]
	cfg Jobs
}

func (w *overdueWorker) Work(ctx context.Context, _ *river.Job[OverdueArgs]) error {
	_, err := SweepOverdue(ctx, w.cfg.Store, w.cfg.Now(), w.cfg.Notifier)
	return err
}
