package webhooks

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/factdesk/factdesk/events"
)

// Config tunes delivery. Zero fields take the defaults below.
type Config struct {
	// SecretKey encrypts endpoint secrets at rest (FACTDESK_SECRET_KEY):
	// 32 bytes as base64 or hex. When empty, a key is generated on first
	// start and kept in the database, which protects against leaked
	// backups of single tables but not of the whole database.
	SecretKey string
	// AllowCIDRs are address ranges endpoints may point into despite the
	// SSRF deny list, such as an internal receiver.
	AllowCIDRs []netip.Prefix
	// Timeout bounds one HTTP attempt, connecting and reading included.
	Timeout time.Duration
	// RetrySchedule is the delay before each automatic attempt, the first
	// one included; its length is the number of attempts, at most
	// events.MaxDeliveryAttempts.
	RetrySchedule []time.Duration
	// Jitter spreads retries by up to this fraction either way, so
	// endpoints that failed together do not all come back at once.
	Jitter float64
	// DisableAfterFailures disables an endpoint once this many events in a
	// row have failed every attempt.
	DisableAfterFailures int
	// DisableAfter disables an endpoint that has failed continuously, with
	// no success in between, for this long.
	DisableAfter time.Duration
	// Workers is how many attempts one process runs at once. Attempts wait
	// on the network, so this can be far above the CPU count; it is what
	// keeps a slow endpoint from holding up the others.
	Workers int
	// DashboardURL is the dashboard's absolute base (FACTDESK_PUBLIC_URL),
	// for the claim links of chat messages; empty leaves them out.
	DashboardURL string
}

// Defaults. The retry schedule spans about three days, like Svix's.
var (
	DefaultRetrySchedule = []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute,
		2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 14 * time.Hour, 20 * time.Hour, 24 * time.Hour}
)

const (
	DefaultTimeout              = 15 * time.Second
	DefaultJitter               = 0.15
	DefaultDisableAfterFailures = 5
	DefaultDisableAfter         = 5 * 24 * time.Hour
	DefaultWorkers              = 100
	// MaxRetryAfter caps how long a Retry-After header can push the next
	// attempt out, so a receiver cannot park a delivery forever.
	MaxRetryAfter = 24 * time.Hour
	// ResponseBodyLimit is how much of each response the log keeps.
	ResponseBodyLimit = 4 << 10
)

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if len(c.RetrySchedule) == 0 {
		c.RetrySchedule = DefaultRetrySchedule
	}
	if c.Jitter <= 0 {
		c.Jitter = DefaultJitter
	}
	if c.DisableAfterFailures <= 0 {
		c.DisableAfterFailures = DefaultDisableAfterFailures
	}
	if c.DisableAfter <= 0 {
		c.DisableAfter = DefaultDisableAfter
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if len(c.RetrySchedule) > events.MaxDeliveryAttempts {
		c.RetrySchedule = c.RetrySchedule[:events.MaxDeliveryAttempts]
	}
	return c
}

// ParseSchedule reads a comma-separated list of Go durations such as
// "0s,1s,2s,4s" (FACTDESK_WEBHOOK_RETRY_SCHEDULE).
func ParseSchedule(s string) ([]time.Duration, error) {
	var out []time.Duration
	for i, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		d, err := time.ParseDuration(f)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("retry schedule entry %d %q is not a duration such as 5s or 2h", i+1, f)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("retry schedule %q is empty; list delays such as 0s,5s,5m", s)
	}
	if len(out) > events.MaxDeliveryAttempts {
		return nil, fmt.Errorf("retry schedule has %d entries; at most %d attempts are allowed", len(out), events.MaxDeliveryAttempts)
	}
	return out, nil
}
