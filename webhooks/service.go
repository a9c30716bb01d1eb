package webhooks

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/metrics"
	"github.com/factdesk/factdesk/safehttp"
	"github.com/factdesk/factdesk/store"
)

// Service manages endpoints and delivers events to them.
type Service struct {
	store  *store.Store
	jobs   *jobs.Client
	cfg    Config
	log    *slog.Logger
	http   *safehttp.Client
	sealer *sealer
	now    func() time.Time
	jitter func() float64 // in [0, 1)
	// metrics counts attempts by outcome; nil counts nothing.
	metrics *metrics.Metrics

	// retryAt hands the next attempt's time, decided and logged while
	// recording a failure, to the worker's NextRetry, which River calls
	// right after the job returns. Keyed by River job id.
	retryAt sync.Map
}

// Deps is what New needs.
type Deps struct {
	Store *store.Store
	// Jobs is the process's job client: New registers the delivery worker
	// and the webhooks queue on it, and the worker's hot path uses its pool.
	Jobs   *jobs.Client
	Config Config
	Log    *slog.Logger
	// Metrics counts delivery attempts; nil counts nothing.
	Metrics *metrics.Metrics
}

// New loads (or on first start generates) the secret key, builds the
// outbound client and registers delivery on the job client. Delivery
// starts when the job client does.
func New(ctx context.Context, d Deps) (*Service, error) {
	cfg := d.Config.withDefaults()
	key, err := loadKey(ctx, d.Store, cfg.SecretKey)
	if err != nil {
		return nil, err
	}
	seal, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	client := safehttp.New(safehttp.Config{
		AllowCIDRs: cfg.AllowCIDRs,
		Timeout:    cfg.Timeout,
		// Only the first 4 KiB are logged; the rest is read and
		// dropped so the connection can be reused, up to this cap.
		MaxBodyBytes: 256 << 10,
		// A 3xx is a failed attempt: following it would send a signed
		// event somewhere the admin never registered.
		MaxRedirects: 0,
		UserAgent:    "factdesk-webhooks/1",
	})
	// As many idle connections per receiver as attempts can run at once,
	// so a busy receiver's connections are reused rather than reopened.
	client.SetMaxIdleConnsPerHost(cfg.Workers)
	s := &Service{
		store: d.Store, jobs: d.Jobs, cfg: cfg, log: log, sealer: seal, http: client,
		now:    func() time.Time { return time.Now().UTC() },
		jitter: rand.Float64, metrics: d.Metrics,
	}
	if err := river.AddWorkerSafely(d.Jobs.Workers(), &deliveryWorker{s: s}); err != nil {
		return nil, fmt.Errorf("webhooks: register the delivery worker: %w", err)
	}
	d.Jobs.AddQueue(events.Queue, cfg.Workers)
	d.Jobs.AllowJobTimeout(s.JobTimeout())
	d.Jobs.RescueAfter(events.DeliverArgs{}.Kind(), s.JobTimeout()+RescueMargin)
	return s, nil
}

// JobTimeout is the longest a delivery job runs: the HTTP timeout plus room
// for recording the attempt (two short statements).
func (s *Service) JobTimeout() time.Duration { return s.cfg.Timeout + 5*time.Second }

// RescueMargin is how long past JobTimeout a delivery job still marked
// running is taken for one a killed process left behind and sent again.
// With the default 15 s HTTP timeout a delivery in flight at a SIGKILL goes
// out again 25 s after it started, once a process is running.
const RescueMargin = 5 * time.Second

// Config returns the effective configuration, defaults filled in.
func (s *Service) Config() Config { return s.cfg }

// delay is how long to wait before automatic try next (1-based), spread by
// the jitter. A Retry-After from the receiver replaces the schedule's delay:
// the receiver knows when it will be back.
func (s *Service) delay(next int, retryAfter time.Duration, hasRetryAfter bool) time.Duration {
	if hasRetryAfter {
		return min(max(retryAfter, 0), MaxRetryAfter)
	}
	base := s.cfg.RetrySchedule[next-1]
	spread := (s.jitter()*2 - 1) * s.cfg.Jitter
	return time.Duration(float64(base) * (1 + spread))
}

func fmtDuration(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
