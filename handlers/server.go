// Package handlers translates HTTP into calls on the workflow engine and
// the auth service, and their results back into JSON or pages. It holds no
// business rules: bind, authenticate, call down, render.
package handlers

import (
	"context"
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/webhooks"
	"github.com/factdesk/factdesk/workflow"
)

// Server holds what the handlers call.
type Server struct {
	store  *store.Store
	engine *workflow.Engine
	auth   *auth.Service
	log    *slog.Logger
	// HTMLError renders an error page for the dashboard.
	HTMLError func(c *gin.Context, p Problem)
	// Ready adds checks to /readyz beyond the database and migrations.
	Ready []func(ctx context.Context) error
	// dash is the server-rendered dashboard; nil until EnableDashboard.
	dash *dashboard
	// sources checks cited pages and keeps the source registry; site
	// renders the public fact-check pages and feeds.
	sources *sources.Service
	site    *publish.Site
	// webhooks manages webhook endpoints and their delivery log.
	webhooks *webhooks.Service
}

// Deps are the services the handlers need.
type Deps struct {
	Store  *store.Store
	Engine *workflow.Engine
	Auth   *auth.Service
	Log    *slog.Logger
	// Sources and Site serve source checks and public pages.
	Sources *sources.Service
	Site    *publish.Site
	// Webhooks serves the webhook endpoints API.
	Webhooks *webhooks.Service
}

// NewServer builds the handlers over deps.
func NewServer(d Deps) *Server {
	s := &Server{store: d.Store, engine: d.Engine, auth: d.Auth, log: d.Log, sources: d.Sources, site: d.Site, webhooks: d.Webhooks}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.HTMLError = s.defaultHTMLError
	return s
}

const actorKey = "factdesk.actor"

// actor is the authenticated user of the request. Routes behind
// requireUser always have one.
func actor(c *gin.Context) *models.User {
	u, _ := c.Get(actorKey)
	user, _ := u.(*models.User)
	return user
}
