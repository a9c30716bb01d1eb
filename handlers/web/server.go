// Package web is the server-rendered dashboard: its pages, forms, htmx
// fragments and live updates over server-sent events. Pages ask the
// workflow what a user may do; they never decide a rule.
package web

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/handlers/export"
	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/webhooks"
	"github.com/factdesk/factdesk/workflow"
)

// Server holds what the dashboard's handlers call.
type Server struct {
	store    *store.Store
	engine   *workflow.Engine
	auth     *auth.Service
	log      *slog.Logger
	sources  *sources.Service
	webhooks *webhooks.Service
	resp     *respond.Renderer
	dash     *dashboard
	exporter *export.Exporter
	// site gives the public pages' branding to the settings page.
	site *publish.Site
	// unsubKey and mailEnabled serve the notification pages.
	unsubKey    []byte
	mailEnabled bool
	// overviewCache keeps the overview's figures for overviewFresh.
	overviewCache overviewCache
}

// Deps are the services the dashboard needs.
type Deps struct {
	Store    *store.Store
	Engine   *workflow.Engine
	Auth     *auth.Service
	Log      *slog.Logger
	Sources  *sources.Service
	Webhooks *webhooks.Service
	// Site names the public URL of published claims in exports.
	Site *publish.Site
	// UnsubscribeKey verifies email unsubscribe links; MailEnabled says
	// whether email is configured.
	UnsubscribeKey []byte
	MailEnabled    bool
}

func (s *Server) respondError(c *gin.Context, err error) { s.resp.Error(c, err) }

func (s *Server) problemFor(c *gin.Context, err error) respond.Problem { return s.resp.Problem(c, err) }

const actorKey = "factdesk.web.actor"

// actor is the signed-in user of the request. Routes behind webRequireUser
// always have one.
func actor(c *gin.Context) *models.User {
	u, _ := c.Get(actorKey)
	user, _ := u.(*models.User)
	return user
}
