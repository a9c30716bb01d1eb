package api

import (
	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/workflow"
)

// Routes is the API's route table: every route under /api/v1, so the
// whole surface reads at a glance.
func (s *Server) Routes(r gin.IRouter) {
	// Each route takes the query parameters queryparams.go declares and
	// needs, with an integration token, the scope scopes.go declares.
	api := r.Group("/api/v1", s.knownQuery)
	api.POST("/auth/token", s.createToken)
	api.GET("/workflow", s.workflowTable)
	// The contract of this table (openapi.yaml) and its browsable form.
	api.GET("/openapi.json", s.openAPIDocument)
	r.GET("/api/docs", s.docsPage)
	r.GET("/api/docs/assets/:file", s.docsAsset)

	authed := api.Group("", s.requireUser)
	authed.GET("/me", s.me)
	authed.GET("/users", s.listUsers)
	authed.GET("/users/:id", s.getUser)
	authed.POST("/users", s.require(workflow.ManageUsers), s.createUser)
	authed.PATCH("/users/:id", s.require(workflow.ManageUsers), s.updateUser)
	authed.GET("/settings", s.getSettings)
	authed.PATCH("/settings", s.require(workflow.ManageSettings), s.updateSettings)

	authed.POST("/claims", s.createClaim)
	authed.GET("/claims", s.listClaims)
	authed.POST("/claims/bulk", s.bulkClaims)
	authed.GET("/claims/export", s.exportClaims)
	authed.GET("/claims/:id", s.getClaim)
	authed.PATCH("/claims/:id", s.updateClaim)
	authed.GET("/claims/:id/options", s.claimOptions)
	authed.POST("/claims/:id/assignments", s.assign)
	authed.DELETE("/claims/:id/assignments/:user_id", s.unassign)
	authed.POST("/queue/next", s.takeNext)
	authed.GET("/claims/:id/evidence", s.listEvidence)
	authed.POST("/claims/:id/evidence", s.addEvidence)
	authed.PATCH("/claims/:id/evidence/:eid", s.updateEvidence)
	authed.POST("/claims/:id/evidence/:eid/retract", s.retractEvidence)
	authed.POST("/claims/:id/transitions", s.transition)
	authed.GET("/claims/:id/history", s.history)
	authed.GET("/claims/:id/comments", s.listComments)
	authed.POST("/claims/:id/comments", s.addComment)
	authed.GET("/claims/:id/similar", s.similarToClaim)
	authed.POST("/claims/similar", s.similarToText)
	authed.POST("/factchecks/import", s.require(workflow.ImportFactChecks), s.importFactChecks)
	authed.POST("/articles", s.require(workflow.Import), s.createArticle)
	authed.GET("/articles/:id", s.getArticle)
	authed.POST("/articles/:id/claims", s.require(workflow.FileClaims), s.createArticleClaims)

	// Source checks, the source registry and publishing (sources.go,
	// registry.go, publish.go).
	authed.POST("/claims/:id/evidence/:eid/check", s.checkEvidence)
	authed.GET("/claims/:id/evidence/:eid/snapshot", s.evidenceSnapshot)
	// Captures and evidence packets (captures.go).
	authed.GET("/claims/:id/evidence/:eid/captures", s.listCaptures)
	authed.GET("/claims/:id/evidence/:eid/captures/:cid", s.getCapture)
	authed.GET("/claims/:id/evidence/:eid/captures/:cid/warc", s.captureWARC)
	authed.GET("/claims/:id/evidence-packet", s.evidencePacket)
	authed.GET("/claims/:id/source-warnings", s.sourceWarnings)
	authed.GET("/claims/:id/claimreview", s.claimReview)
	authed.GET("/source-alerts", s.sourceAlerts)
	authed.GET("/sources", s.listOutlets)
	authed.POST("/sources", s.require(workflow.ManageOutlets), s.createOutlet)
	authed.PATCH("/sources/:id", s.require(workflow.ManageOutlets), s.updateOutlet)
	authed.DELETE("/sources/:id", s.require(workflow.ManageOutlets), s.deleteOutlet)

	// Notifications: the caller's own inbox, email settings, follows and
	// mention autocomplete (notifications.go).
	authed.GET("/notifications", s.listNotifications)
	authed.POST("/notifications/read", s.markNotificationsRead)
	authed.GET("/notifications/preferences", s.notificationPreferences)
	authed.PUT("/notifications/preferences", s.setNotificationPreferences)
	authed.PUT("/claims/:id/follow", s.follow)
	authed.DELETE("/claims/:id/follow", s.unfollow)
	authed.GET("/members", s.members)

	// Saved views of the board and the claim list (views.go).
	authed.GET("/views", s.listViews)
	authed.POST("/views", s.createView)
	authed.GET("/views/:id", s.getView)
	authed.PATCH("/views/:id", s.updateView)
	authed.DELETE("/views/:id", s.deleteView)

	// Webhook endpoints and their delivery log, for admins (webhooks.go).
	hooks := authed.Group("/webhooks", s.require(workflow.ManageWebhooks))
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

	// Integration tokens of service accounts, for admins (tokens.go).
	tokens := authed.Group("/tokens", s.require(workflow.ManageIntegrations))
	tokens.GET("/scopes", s.tokenScopes)
	tokens.GET("", s.listTokens)
	tokens.POST("", s.createIntegrationToken)
	tokens.GET("/:id", s.getToken)
	tokens.POST("/:id/revoke", s.revokeToken)

}
