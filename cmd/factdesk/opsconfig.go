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
	"github.com/factdesk/factdesk/learn"
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
	return loadLearnConfig(c)
}

// loadLearnConfig reads how the desk retrains its check-worthiness model
// and recounts claim lexemes; "0" turns either off.
func loadLearnConfig(c *app.Config) error {
	l := &c.Learn
	var err error
	if os.Getenv("FACTDESK_RETRAIN_EVERY") != "0" {
		if l.RetrainEvery, err = envDuration("FACTDESK_RETRAIN_EVERY", 24*time.Hour, time.Minute, 90*24*time.Hour); err != nil {
			return err
		}
	}
	l.MinNewDecisions = learn.DefaultMinNewDecisions
	if raw := os.Getenv("FACTDESK_RETRAIN_MIN_DECISIONS"); raw != "" {
		if l.MinNewDecisions, err = strconv.Atoi(raw); err != nil || l.MinNewDecisions < 1 {
			return fmt.Errorf("FACTDESK_RETRAIN_MIN_DECISIONS=%q must be a whole number of at least 1, such as 200", raw)
		}
	}
	// The periodic retraining learns from the public corpora too when
	// their folder is set (the same FACTDESK_DATA_DIR as factdesk model).
	l.Train.Data = os.Getenv("FACTDESK_DATA_DIR")
	l.LexemesEvery = -1
	if os.Getenv("FACTDESK_LEXEMES_EVERY") != "0" {
		if l.LexemesEvery, err = envDuration("FACTDESK_LEXEMES_EVERY", learn.DefaultLexemesEvery, time.Minute, 7*24*time.Hour); err != nil {
			return err
		}
	}
	return nil
}
