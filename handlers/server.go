// Package handlers composes the HTTP surfaces: the REST API (handlers/api),
// the dashboard (handlers/web) and the public pages (handlers/public), with
// the probes and the middleware every request passes. The surfaces share
// one error renderer (handlers/respond) and hold no business rules.
package handlers

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/handlers/api"
	"github.com/factdesk/factdesk/handlers/public"
	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/handlers/web"
	"github.com/factdesk/factdesk/live"
	"github.com/factdesk/factdesk/metrics"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/webhooks"
	"github.com/factdesk/factdesk/workflow"
)

// Deps are the services the handlers need.
type Deps struct {
	Store  *store.Store
	Engine *workflow.Engine
	Auth   *auth.Service
	Log    *slog.Logger
	// Sources and Site serve source checks and public pages.
	Sources *sources.Service
	Site    *publish.Site
	// Audit serves the log's checkpoints and the pages' proofs.
	Audit *audit.Service
	// Webhooks serves the webhook endpoints API and pages.
	Webhooks *webhooks.Service
	// PublicCache keeps the public pages' rendered responses; serve the
	// router behind PublicCache.Serve for hits to skip the middleware.
	PublicCache *public.Cache
	// Hub feeds the dashboard's live updates.
	Hub *live.Hub
	// TrustForwardedProto treats X-Forwarded-Proto: https as TLS (session
	// cookies become Secure) and takes the client address from
	// X-Forwarded-For for the sign-in limiters. Set it only behind a proxy
	// that overwrites those headers.
	TrustForwardedProto bool
	// SessionTTL is how long a dashboard sign-in lasts; 12 hours when zero.
	SessionTTL time.Duration
	// Jobs is the job client /readyz reports on.
	Jobs JobStatus
	// Metrics counts requests; MetricsToken, when set, serves them at
	// /metrics to callers bearing it (httpmethods.go, metrics.go).
	Metrics      *metrics.Metrics
	MetricsToken string
	// CORSOrigins are the browser origins that may call the API (none
	// by default; "*" for any).
	CORSOrigins []string
	// UnsubscribeKey verifies the unsubscribe links of emails; MailEnabled
	// says whether email is configured at all (the settings page says so).
	UnsubscribeKey []byte
	MailEnabled    bool
}

// AnswerHead wraps the router so that every GET route answers HEAD
// (httpmethods.go); serve the wrapped handler.
func AnswerHead(r *gin.Engine) http.Handler { return answerHead(r) }

// NewRouter mounts the probes, the API, the public pages and the dashboard
// behind the shared middleware. It fails, and with it start-up, if a
// dashboard page is missing or does not parse.
func NewRouter(d Deps) (*gin.Engine, error) {
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	resp := respond.New(log)
	apiSrv := api.New(api.Deps{Store: d.Store, Engine: d.Engine, Auth: d.Auth, Log: log, Sources: d.Sources,
		Site: d.Site, Webhooks: d.Webhooks, TrustProxy: d.TrustForwardedProto}, resp)
	pub := public.New(d.Site, d.Audit, resp)
	if d.PublicCache != nil {
		pub.UseCache(d.PublicCache)
	}
	dash, err := web.New(web.Deps{Store: d.Store, Engine: d.Engine, Auth: d.Auth, Log: log, Sources: d.Sources, Webhooks: d.Webhooks, Site: d.Site,
		UnsubscribeKey: d.UnsubscribeKey, MailEnabled: d.MailEnabled},
		web.Config{Hub: d.Hub, TrustForwardedProto: d.TrustForwardedProto, SessionTTL: d.SessionTTL}, resp)
	if err != nil {
		return nil, err
	}
	// Pages outside the API fail with the dashboard's own error page.
	resp.HTML = dash.ErrorPage

	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	cors := &corsPolicy{origins: d.CORSOrigins}
	r.Use(withRequestID, accessLog(log), observe(d.Metrics), noteRecovery(resp), recoverPanics(resp), securityHeaders, cors.middleware, refuseBadText(resp))
	r.NoRoute(func(c *gin.Context) {
		// Under the public pages a reader gets the public 404 page, in
		// the desk's branding, not the dashboard's.
		if strings.HasPrefix(c.Request.URL.Path, "/factchecks/") {
			pub.NotFound(c)
			return
		}
		resp.Error(c, models.Errorf(models.ENotFound, "there is nothing at %s", c.Request.URL.Path))
	})
	r.NoMethod(methodNotAllowed(resp, cors))
	probes := &health{store: d.Store, jobs: d.Jobs}
	r.GET("/metrics", metricsRoute(d.Metrics, d.MetricsToken, resp))
	r.GET("/healthz", probes.healthz)
	r.GET("/readyz", probes.readyz)
	apiSrv.Routes(r)
	pub.Routes(r)
	// Last: the dashboard's middleware applies to what is mounted after it
	// and to unknown paths, which get a full dashboard 404 page.
	dash.Routes(r)
	return r, nil
}
