package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
)

// Router builds the HTTP routes. Every API route is listed here, so the
// whole surface reads at a glance.
func (s *Server) Router() *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(withRequestID, s.accessLog, s.recoverPanics, securityHeaders)
	r.NoRoute(func(c *gin.Context) {
		s.respondError(c, models.Errorf(models.ENotFound, "there is nothing at %s", c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		s.respondError(c, &models.Error{Code: models.EBadRequest, Message: c.Request.Method + " is not supported here"})
	})

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)

	api := r.Group("/api/v1")
	api.POST("/auth/token", s.createToken)
	api.GET("/workflow", s.workflowTable)

	authed := api.Group("", s.requireUser)
	authed.GET("/me", s.me)
	authed.GET("/users", s.listUsers)
	authed.GET("/users/:id", s.getUser)
	authed.POST("/users", s.requireRole(models.RoleAdmin), s.createUser)
	authed.PATCH("/users/:id", s.requireRole(models.RoleAdmin), s.updateUser)

	authed.POST("/claims", s.createClaim)
	authed.GET("/claims", s.listClaims)
	authed.GET("/claims/:id", s.getClaim)
	authed.PATCH("/claims/:id", s.updateClaim)
	authed.GET("/claims/:id/options", s.claimOptions)
	authed.POST("/claims/:id/assignments", s.assign)
	authed.DELETE("/claims/:id/assignments/:user_id", s.unassign)
	authed.POST("/queue/next", s.takeNext)
	authed.GET("/claims/:id/evidence", s.listEvidence)
	authed.POST("/claims/:id/evidence", s.addEvidence)
	authed.POST("/claims/:id/transitions", s.transition)
	authed.GET("/claims/:id/history", s.history)
	authed.GET("/claims/:id/comments", s.listComments)
	authed.POST("/claims/:id/comments", s.addComment)
	authed.GET("/claims/:id/similar", s.similarToClaim)
	authed.POST("/claims/similar", s.similarToText)
	authed.POST("/articles", s.requireRole(models.RoleChecker), s.createArticle)
	authed.GET("/articles/:id", s.getArticle)
	authed.POST("/articles/:id/claims", s.requireRole(models.RoleChecker), s.createArticleClaims)

	// Source checks, the source registry and publishing (sources.go,
	// registry.go, publish.go).
	authed.POST("/claims/:id/evidence/:eid/check", s.checkEvidence)
	authed.GET("/claims/:id/evidence/:eid/snapshot", s.evidenceSnapshot)
	authed.GET("/claims/:id/source-warnings", s.sourceWarnings)
	authed.GET("/claims/:id/claimreview", s.claimReview)
	authed.GET("/source-alerts", s.sourceAlerts)
	authed.GET("/sources", s.listOutlets)
	authed.POST("/sources", s.requireRole(models.RoleEditor), s.createOutlet)
	authed.PATCH("/sources/:id", s.requireRole(models.RoleEditor), s.updateOutlet)
	authed.DELETE("/sources/:id", s.requireRole(models.RoleEditor), s.deleteOutlet)

	// Webhook endpoints and their delivery log, for admins (webhooks.go).
	hooks := authed.Group("/webhooks", s.requireRole(models.RoleAdmin))
	hooks.GET("/event-types", s.webhookEventTypes)
	hooks.POST("", s.createWebhook)
	hooks.GET("", s.listWebhooks)
	hooks.GET("/:id", s.getWebhook)
	hooks.PATCH("/:id", s.updateWebhook)
	hooks.DELETE("/:id", s.deleteWebhook)
	hooks.POST("/:id/rotate-secret", s.rotateWebhookSecret)
	hooks.POST("/:id/ping", s.pingWebhook)
	hooks.GET("/:id/deliveries", s.webhookDeliveries)
	hooks.POST("/:id/deliveries/:event_id/redeliver", s.redeliverWebhook)
	hooks.POST("/:id/recover", s.recoverWebhook)

	// Public fact-check pages and feeds: no sign-in, strict CSP.
	public := r.Group("", publicHeaders)
	public.GET("/factchecks", s.publicList)
	public.GET("/factchecks.json", s.publicJSONFeed)
	public.GET("/factchecks.rss", s.publicRSS)
	public.GET("/factchecks/:slug", s.publicPage)

	// The dashboard's pages and forms: see dashboardRoutes in web_routes.go.
	s.dashboardRoutes(r)
	s.importRoutes(r)
	return r
}

func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }
