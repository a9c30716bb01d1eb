package webhooks

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/factdesk/factdesk/safehttp"
	"github.com/factdesk/factdesk/store"
)

// Service manages endpoints and delivers events to them.
type Service struct {
	store  *store.Store
	dbURL  string
	cfg    Config
	log    *slog.Logger
	http   *safehttp.Client
	sealer *sealer
	now    func() time.Time
	jitter func() float64 // in [0, 1)

	otherWorkers []func(*river.Workers) error

	mu    sync.Mutex
	river *river.Client[pgxTx]
	pool  *pgxpool.Pool
}

// Deps is what New needs.
type Deps struct {
	Store *store.Store
	// DatabaseURL opens the pgx pool River's workers use for fetching jobs
	// and for LISTEN/NOTIFY.
	DatabaseURL string
	Config      Config
	Log         *slog.Logger
	// OtherWorkers registers the workers of other queues on this client's
	// bundle. This client works only the webhooks queue, but it takes
	// part in leader election, and River's leader discards any stuck job
	// whose kind it does not know; registering them lets it retry those
	// jobs instead.
	OtherWorkers []func(*river.Workers) error
}

// New loads (or on first start generates) the secret key and builds the
// outbound client. Delivery starts with Start.
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
	return &Service{
		store: d.Store, dbURL: d.DatabaseURL, cfg: cfg, log: log, sealer: seal, http: client, otherWorkers: d.OtherWorkers,
		now:    func() time.Time { return time.Now().UTC() },
		jitter: rand.Float64,
	}, nil
}

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
