package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/factdesk/factdesk/learn"
	"net"
	"net/http"
	"time"

	"github.com/factdesk/factdesk/handlers"
	"github.com/factdesk/factdesk/retention"
)

// OpsConfig configures what operators and integrators see beyond the
// desk itself.
type OpsConfig struct {
	// MetricsToken, when set, serves Prometheus metrics at /metrics to
	// scrapers sending it as a bearer token (FACTDESK_METRICS_TOKEN).
	MetricsToken string
	// MetricsAddr, when set, serves the metrics on a listen address of
	// their own instead (FACTDESK_METRICS_ADDR), guarded by MetricsToken
	// if that is set too. With neither, metrics are off.
	MetricsAddr string
	// CORSOrigins are the browser origins allowed to call the API
	// (FACTDESK_CORS_ORIGINS); none by default.
	CORSOrigins []string
	// Retention is how long old rows are kept (FACTDESK_RETENTION_*).
	Retention Retention
}

// jobCountsTTL is how long a scrape's count of River jobs is reused.
const jobCountsTTL = 10 * time.Second

// wireOps registers the metrics' collectors, the metrics listener and the
// retention job. It runs before the job client starts.
func (a *App) wireOps() error {
	a.Metrics.WatchDB("store", a.Store.SQL())
	a.Metrics.WatchPgxPool("jobs", a.Jobs.Pool)
	a.Metrics.WatchJobs(a.Store.JobCounts, jobCountsTTL)
	if err := a.registerRetention(); err != nil {
		return err
	}
	if err := learn.New(a.Store, a.Engine, a.Config.Learn, a.Log).Register(a.Jobs); err != nil {
		return err
	}
	if addr := a.Config.Ops.MetricsAddr; addr != "" {
		var srv *http.Server
		a.OnStart(func(ctx context.Context) error {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("cannot serve metrics on FACTDESK_METRICS_ADDR=%s: %w", addr, err)
			}
			a.metricsAddr = ln.Addr().String()
			mux := http.NewServeMux()
			mux.Handle("GET /metrics", handlers.MetricsHandler(a.Metrics, a.Config.Ops.MetricsToken))
			srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			go func() {
				if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					a.Log.Error("metrics listener stopped", "error", err)
				}
			}()
			a.Log.Info("serving metrics", "addr", a.metricsAddr)
			return nil
		}, func(ctx context.Context) error {
			if srv == nil {
				return nil
			}
			return srv.Shutdown(ctx)
		})
	}
	return nil
}

// mainMetricsToken is the token guarding /metrics on the main listener:
// empty (metrics refused there) when they have an address of their own.
func (a *App) mainMetricsToken() string {
	if a.Config.Ops.MetricsAddr != "" {
		return ""
	}
	return a.Config.Ops.MetricsToken
}

// MetricsAddr is the address the metrics listener is bound to, once
// started ("" when it has none).
func (a *App) MetricsAddr() string { return a.metricsAddr }

// Retention is how long events, webhook deliveries and their attempts are
// kept; see retention.Config.
type Retention = retention.Config

// registerRetention adds the pruning job when a retention is set.
func (a *App) registerRetention() error {
	a.Pruner = retention.New(a.Store, a.Config.Ops.Retention, a.Log, nil)
	return a.Pruner.Register(a.Jobs)
}
