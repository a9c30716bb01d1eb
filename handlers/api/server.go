// Package api is the REST API under /api/v1: it binds JSON, authenticates
// bearer tokens, calls the workflow engine and the services, and answers
// in JSON or problem+json. It holds no business rules.
package api

import (
	"log/slog"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/webhooks"
	"github.com/factdesk/factdesk/workflow"
)

// Server holds what the API's handlers call.
type Server struct {
	store    *store.Store
	engine   *workflow.Engine
	auth     *auth.Service
	log      *slog.Logger
	sources  *sources.Service
	site     *publish.Site
	webhooks *webhooks.Service
	resp     *respond.Renderer
	// trustProxy takes the client address from X-Forwarded-For.
	trustProxy bool
}

// Deps are the services the API needs.
type Deps struct {
	Store  *store.Store
	Engine *workflow.Engine
	Auth   *auth.Service
	Log    *slog.Logger
	// Sources and Site serve source checks and ClaimReview documents.
	Sources *sources.Service
	Site    *publish.Site
	// Webhooks serves the webhook endpoints API.
	Webhooks *webhooks.Service
	// TrustProxy takes the client address for the sign-in limiter from
	// X-Forwarded-For. Set it only behind a proxy that overwrites it.
	TrustProxy bool
}

// New builds the API over d, ending failures through resp.
func New(d Deps, resp *respond.Renderer) *Server {
	s := &Server{store: d.Store, engine: d.Engine, auth: d.Auth, log: d.Log, sources: d.Sources, site: d.Site, webhooks: d.Webhooks, resp: resp, trustProxy: d.TrustProxy}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

func (s *Server) respondError(c *gin.Context, err error) { s.resp.Error(c, err) }

const (
	actorKey = "factdesk.api.actor"
	tokenKey = "factdesk.api.token"
)

// actor is the authenticated user of the request. Routes behind
// requireUser always have one.
func actor(c *gin.Context) *models.User {
	u, _ := c.Get(actorKey)
	user, _ := u.(*models.User)
	return user
}

// requireUser authenticates the API caller by bearer token and, for an
// integration token, checks the route's scope (scopes.go).
func (s *Server) requireUser(c *gin.Context) {
	header := c.GetHeader("Authorization")
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		s.respondError(c, models.Errorf(models.EUnauthorized, "send Authorization: Bearer <token>; get a token from POST /api/v1/auth/token"))
		return
	}
	u, t, err := s.auth.Authenticate(c.Request.Context(), strings.TrimSpace(token), s.clientIP(c))
	if err != nil {
		s.respondError(c, err)
		return
	}
	if err := allowScope(c, t); err != nil {
		s.respondError(c, err)
		return
	}
	c.Set(actorKey, u)
	c.Set(tokenKey, t)
	c.Next()
}

// require lets through only callers the workflow grants capability cap.
func (s *Server) require(cap workflow.Capability) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := workflow.CanDo(actor(c), nil, cap); err != nil {
			s.respondError(c, err)
			return
		}
		c.Next()
	}
}

// clientIP is the address the sign-in limiter counts.
func (s *Server) clientIP(c *gin.Context) string {
	if s.trustProxy {
		return c.ClientIP()
	}
	return c.RemoteIP()
}
