package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/handlers/public"
	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/notify/mail"
	"github.com/factdesk/factdesk/safehttp"
	"github.com/factdesk/factdesk/webhooks"
)

// loadConfig reads the desk's configuration from the environment, with
// defaults that work on a developer machine.
func loadConfig() (app.Config, error) {
	c := app.Config{
		DatabaseURL:   envOr("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factdesk?sslmode=disable"),
		Addr:          envOr("FACTDESK_ADDR", "127.0.0.1:8080"),
		AdminEmail:    os.Getenv("FACTDESK_ADMIN_EMAIL"),
		AdminPassword: os.Getenv("FACTDESK_ADMIN_PASSWORD"),
		// Set FACTDESK_TRUST_PROXY=1 only behind a proxy that overwrites
		// X-Forwarded-Proto and X-Forwarded-For.
		TrustForwardedProto: os.Getenv("FACTDESK_TRUST_PROXY") == "1",
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("FACTDESK_ADDR=%q is not host:port: set it like 127.0.0.1:8080", c.Addr)
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return c, fmt.Errorf("set both FACTDESK_ADMIN_EMAIL and FACTDESK_ADMIN_PASSWORD, or neither")
	}
	if err := loadSourcesConfig(&c); err != nil {
		return c, err
	}
	if err := loadWebhooksConfig(&c); err != nil {
		return c, err
	}
	if err := loadOpsConfig(&c); err != nil {
		return c, err
	}
	var err error
	// Inside serve's 30 s shutdown budget, with room for the requests in
	// flight.
	if c.Jobs.StopGrace, err = envDuration("FACTDESK_STOP_GRACE", jobs.DefaultStopGrace, 100*time.Millisecond, 25*time.Second); err != nil {
		return c, err
	}
	if c.Audit, err = loadAuditConfig(c); err != nil {
		return c, err
	}
	mc, err := mail.ParseConfig(os.Getenv("FACTDESK_SMTP_URL"), os.Getenv("FACTDESK_MAIL_FROM"))
	if err != nil {
		return c, err
	}
	c.Notify.Mail = mc
	return c, nil
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// loadSourcesConfig reads the settings of source checks and publishing.
func loadSourcesConfig(c *app.Config) error {
	allow, err := safehttp.ParseCIDRs(os.Getenv("FACTDESK_FETCH_ALLOW_CIDRS"))
	if err != nil {
		return fmt.Errorf("FACTDESK_FETCH_ALLOW_CIDRS: %w (use a list such as 10.0.0.0/8,192.168.1.5)", err)
	}
	c.FetchAllowCIDRs = allow
	// The fetch must end well inside the source job's one-minute timeout.
	if c.FetchTimeout, err = envDuration("FACTDESK_FETCH_TIMEOUT", 20*time.Second, time.Second, 45*time.Second); err != nil {
		return err
	}
	if c.SourceRecheckInterval, err = envDuration("FACTDESK_SOURCE_RECHECK_INTERVAL", 24*time.Hour, time.Minute, 365*24*time.Hour); err != nil {
		return err
	}
	c.PublicURL = strings.TrimRight(os.Getenv("FACTDESK_PUBLIC_URL"), "/")
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("FACTDESK_PUBLIC_URL=%q is not an absolute http(s) URL: set it like https://factcheck.example.org", c.PublicURL)
		}
	}
	c.PublisherName = os.Getenv("FACTDESK_PUBLISHER_NAME")
	c.PublisherURL = os.Getenv("FACTDESK_PUBLISHER_URL")
	if err := loadPublicCacheConfig(c); err != nil {
		return err
	}
	return loadCaptureConfig(c, os.Getenv)
}

// loadPublicCacheConfig reads the settings of the public pages' cache
// (docs/operations.md).
func loadPublicCacheConfig(c *app.Config) error {
	p := &c.PublicCache
	p.CacheControl = strings.TrimSpace(os.Getenv("FACTDESK_PUBLIC_CACHE_CONTROL"))
	if strings.ContainsAny(p.CacheControl, "\r\n") {
		return fmt.Errorf("FACTDESK_PUBLIC_CACHE_CONTROL must be one line, such as %q", public.DefaultCacheControl)
	}
	var err error
	if p.TTL, err = envDuration("FACTDESK_PUBLIC_CACHE_TTL", public.DefaultCacheTTL, time.Second, 24*time.Hour); err != nil {
		return err
	}
	if raw := os.Getenv("FACTDESK_PUBLIC_CACHE_MB"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > 65536 {
			return fmt.Errorf("FACTDESK_PUBLIC_CACHE_MB=%q must be a whole number of MiB from 0 (off) to 65536", raw)
		}
		p.MaxBytes = int64(n) << 20
		if n == 0 {
			p.MaxBytes = -1
		}
	}
	return nil
}

// loadWebhooksConfig reads the settings of webhook delivery.
func loadWebhooksConfig(c *app.Config) error {
	w := &c.Webhooks
	w.SecretKey = os.Getenv("FACTDESK_SECRET_KEY")
	if w.SecretKey != "" {
		if _, err := webhooks.ParseSecretKey(w.SecretKey); err != nil {
			return err
		}
	}
	allow, err := safehttp.ParseCIDRs(os.Getenv("FACTDESK_WEBHOOK_ALLOW_CIDRS"))
	if err != nil {
		return fmt.Errorf("FACTDESK_WEBHOOK_ALLOW_CIDRS: %w (use a list such as 10.0.0.0/8,192.168.1.5)", err)
	}
	w.AllowCIDRs = allow
	if w.Timeout, err = envDuration("FACTDESK_WEBHOOK_TIMEOUT", webhooks.DefaultTimeout, time.Second, 2*time.Minute); err != nil {
		return err
	}
	if raw := os.Getenv("FACTDESK_WEBHOOK_RETRY_SCHEDULE"); raw != "" {
		if w.RetrySchedule, err = webhooks.ParseSchedule(raw); err != nil {
			return fmt.Errorf("FACTDESK_WEBHOOK_RETRY_SCHEDULE: %w", err)
		}
	}
	if w.DisableAfter, err = envDuration("FACTDESK_WEBHOOK_DISABLE_AFTER", webhooks.DefaultDisableAfter, time.Minute, 365*24*time.Hour); err != nil {
		return err
	}
	for key, dst := range map[string]*int{"FACTDESK_WEBHOOK_DISABLE_AFTER_FAILURES": &w.DisableAfterFailures, "FACTDESK_WEBHOOK_WORKERS": &w.Workers} {
		if raw := os.Getenv(key); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > 10000 {
				return fmt.Errorf("%s=%q must be a whole number from 1 to 10000", key, raw)
			}
			*dst = n
		}
	}
	return nil
}

// envDuration reads a Go duration ("36h", "90s") within [lo, hi].
func envDuration(key string, fallback, lo, hi time.Duration) (time.Duration, error) {
	raw := os.Getenv(key)
	if raw == "" {
		return fallback, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d < lo || d > hi {
		return 0, fmt.Errorf("%s=%q must be a duration from %s to %s, such as %s", key, raw, lo, hi, fallback)
	}
	return d, nil
}
