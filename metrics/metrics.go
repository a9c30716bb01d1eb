// Package metrics is the process's Prometheus registry: HTTP requests,
// webhook attempts, source checks, the job queue and the database pools.
// Every method is safe on a nil *Metrics, so a package records its
// measurements without knowing whether metrics are on.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the desk's collectors on their own registry (not the
// global one, so two desks in one test binary do not collide).
type Metrics struct {
	Registry *prometheus.Registry

	httpRequests    *prometheus.CounterVec
	httpDuration    *prometheus.HistogramVec
	webhookAttempts *prometheus.CounterVec
	webhookDuration *prometheus.HistogramVec
	sourceChecks    *prometheus.CounterVec
}

// New registers the desk's collectors and Go's runtime and process ones.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "factdesk_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "factdesk_http_request_duration_seconds", Help: "HTTP request latency by route template and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
		webhookAttempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "factdesk_webhook_attempts_total", Help: "Webhook delivery attempts by outcome.",
		}, []string{"outcome"}),
		webhookDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "factdesk_webhook_attempt_duration_seconds", Help: "Webhook delivery attempt latency by outcome.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"outcome"}),
		sourceChecks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "factdesk_source_checks_total", Help: "Source checks by resulting status.",
		}, []string{"status"}),
	}
	m.Registry.MustRegister(m.httpRequests, m.httpDuration, m.webhookAttempts, m.webhookDuration, m.sourceChecks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// ObserveHTTP counts one request. route is the route template
// (/api/v1/claims/:id), never the raw path, so ids do not explode the
// label space.
func (m *Metrics) ObserveHTTP(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(route, method).Observe(d.Seconds())
}

// WebhookAttempt counts one delivery attempt: outcome is delivered,
// failed (the receiver answered otherwise or could not be reached) or
// snoozed (it asked to be retried later).
func (m *Metrics) WebhookAttempt(outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.webhookAttempts.WithLabelValues(outcome).Inc()
	m.webhookDuration.WithLabelValues(outcome).Observe(d.Seconds())
}

// SourceCheck counts one finished source check by its status.
func (m *Metrics) SourceCheck(status string) {
	if m == nil {
		return
	}
	m.sourceChecks.WithLabelValues(status).Inc()
}

// WatchDB exports db's pool statistics (sql.DBStats) as go_sql_* with
// db_name=name.
func (m *Metrics) WatchDB(name string, db *sql.DB) {
	if m == nil || db == nil {
		return
	}
	m.Registry.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// WatchPgxPool exports the statistics of the pool pool returns (nil while
// it is not open) as factdesk_pgxpool_*.
func (m *Metrics) WatchPgxPool(name string, pool func() *pgxpool.Pool) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(&pgxPoolCollector{name: name, pool: pool})
}

// JobCount is the number of River jobs in one queue and state.
type JobCount struct {
	Queue string
	State string
	Count int64
}

// WatchJobs exports the River job counts count returns as
// factdesk_jobs{queue,state}. The query is cached for ttl so frequent
// scrapes (or several scrapers) cost one count per ttl.
func (m *Metrics) WatchJobs(count func(ctx context.Context) ([]JobCount, error), ttl time.Duration) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(&jobsCollector{count: count, ttl: ttl})
}

var jobsDesc = prometheus.NewDesc("factdesk_jobs", "River jobs by queue and state.", []string{"queue", "state"}, nil)

type jobsCollector struct {
	count func(ctx context.Context) ([]JobCount, error)
	ttl   time.Duration

	mu     sync.Mutex
	at     time.Time
	cached []JobCount
}

func (j *jobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- jobsDesc }

func (j *jobsCollector) Collect(ch chan<- prometheus.Metric) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.cached == nil || time.Since(j.at) >= j.ttl {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		counts, err := j.count(ctx)
		cancel()
		if err != nil {
			ch <- prometheus.NewInvalidMetric(jobsDesc, err)
			return
		}
		j.cached, j.at = counts, time.Now()
	}
	for _, c := range j.cached {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(c.Count), c.Queue, c.State)
	}
}

type pgxPoolCollector struct {
	name string
	pool func() *pgxpool.Pool
}

var (
	pgxTotal    = prometheus.NewDesc("factdesk_pgxpool_connections", "Connections in the pgx pool by state.", []string{"pool", "state"}, nil)
	pgxMax      = prometheus.NewDesc("factdesk_pgxpool_max_connections", "The pgx pool's connection limit.", []string{"pool"}, nil)
	pgxAcquires = prometheus.NewDesc("factdesk_pgxpool_acquires_total", "Connections acquired from the pgx pool.", []string{"pool"}, nil)
	pgxWaits    = prometheus.NewDesc("factdesk_pgxpool_empty_acquires_total", "Acquires that had to wait for a connection.", []string{"pool"}, nil)
	pgxWaitTime = prometheus.NewDesc("factdesk_pgxpool_acquire_wait_seconds_total", "Time spent acquiring connections.", []string{"pool"}, nil)
)

func (p *pgxPoolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{pgxTotal, pgxMax, pgxAcquires, pgxWaits, pgxWaitTime} {
		ch <- d
	}
}

func (p *pgxPoolCollector) Collect(ch chan<- prometheus.Metric) {
	pool := p.pool()
	if pool == nil {
		return
	}
	s := pool.Stat()
	ch <- prometheus.MustNewConstMetric(pgxTotal, prometheus.GaugeValue, float64(s.AcquiredConns()), p.name, "acquired")
	ch <- prometheus.MustNewConstMetric(pgxTotal, prometheus.GaugeValue, float64(s.IdleConns()), p.name, "idle")
	ch <- prometheus.MustNewConstMetric(pgxTotal, prometheus.GaugeValue, float64(s.ConstructingConns()), p.name, "constructing")
	ch <- prometheus.MustNewConstMetric(pgxMax, prometheus.GaugeValue, float64(s.MaxConns()), p.name)
	ch <- prometheus.MustNewConstMetric(pgxAcquires, prometheus.CounterValue, float64(s.AcquireCount()), p.name)
	ch <- prometheus.MustNewConstMetric(pgxWaits, prometheus.CounterValue, float64(s.EmptyAcquireCount()), p.name)
	ch <- prometheus.MustNewConstMetric(pgxWaitTime, prometheus.CounterValue, s.AcquireDuration().Seconds(), p.name)
}
