package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/retention"
)

// loadOpsConfig reads the settings of metrics, CORS and retention.
func loadOpsConfig(c *app.Config) error {
	o := &c.Ops
	o.MetricsToken = os.Getenv("FACTDESK_METRICS_TOKEN")
	if o.MetricsToken != "" && len(o.MetricsToken) < 16 {
		return fmt.Errorf("FACTDESK_METRICS_TOKEN is too short: use at least 16 random characters (openssl rand -hex 16)")
	}
	o.MetricsAddr = os.Getenv("FACTDESK_METRICS_ADDR")
	if o.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(o.MetricsAddr); err != nil {
			return fmt.Errorf("FACTDESK_METRICS_ADDR=%q is not host:port: set it like 127.0.0.1:9090", o.MetricsAddr)
		}
	}
	for _, origin := range strings.Split(os.Getenv("FACTDESK_CORS_ORIGINS"), ",") {
		origin = strings.TrimRight(strings.TrimSpace(origin), "/")
		if origin == "" {
			continue
		}
		if origin != "*" {
			u, err := url.Parse(origin)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
				return fmt.Errorf("FACTDESK_CORS_ORIGINS: %q is not an origin such as https://tools.example.org", origin)
			}
		}
		o.CORSOrigins = append(o.CORSOrigins, origin)
	}
	var err error
	r := &o.Retention
	if r.Events, err = retention.ParseAge(os.Getenv("FACTDESK_RETENTION_EVENTS")); err != nil {
		return fmt.Errorf("FACTDESK_RETENTION_EVENTS: %w", err)
	}
	if r.Deliveries, err = retention.ParseAge(os.Getenv("FACTDESK_RETENTION_DELIVERIES")); err != nil {
		return fmt.Errorf("FACTDESK_RETENTION_DELIVERIES: %w", err)
	}
	if r.Attempts, err = retention.ParseAge(os.Getenv("FACTDESK_RETENTION_ATTEMPTS")); err != nil {
		return fmt.Errorf("FACTDESK_RETENTION_ATTEMPTS: %w", err)
	}
	return nil
}
