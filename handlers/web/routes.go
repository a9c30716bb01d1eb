package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/web"
	"github.com/factdesk/factdesk/workflow"
)

// Routes is the dashboard's route table: every page and form at a glance.
// Mount it after the API and the public pages: its middleware is added to
// r, so it applies to the routes registered from here on and to unknown
// paths, but not to those.
func (s *Server) Routes(r *gin.Engine) {
	// Sessions and page headers apply to every non-API path, including
	// unknown ones, so their 404 page is a full dashboard page.
	r.Use(s.webHeaders, s.webSession)

	r.GET("/static/*path", s.webStatic)
	r.GET("/favicon.ico", s.webFavicon)
	r.GET("/login", s.webLoginPage)
	r.POST("/login", s.webCrossOrigin, s.webLogin)
	// Email unsubscribe links work signed out: the signed token is the
	// credential, and mail clients POST it one-click (RFC 8058), so this
	// one POST has no session CSRF token.
	r.GET(notify.UnsubscribePath, s.webUnsubscribePage)
	r.POST(notify.UnsubscribePath, s.webUnsubscribe)

	in := r.Group("", s.webRequireUser, s.webCSRF)
	in.POST("/logout", s.webLogout)
	in.GET("/", s.webQueue)
	in.POST("/queue/next", s.webTakeNext)
	in.GET("/board", s.webBoard)
	in.GET("/board/columns", s.webBoardColumns)
	in.GET("/board/column", s.webBoardColumn)
	in.GET("/review", s.webRequire(workflow.ViewReview), s.webReview)
	in.GET("/overview", s.webOverview)
	in.GET("/events", s.webEvents)

	// The claim list, bulk changes and exports (list.go, bulk.go).
	in.GET("/claims", s.webList)
	in.POST("/claims/bulk", s.webBulk)
	in.GET("/claims/export", s.webExport)
	in.POST("/claims/export", s.webExport)
	in.GET("/claims/new", s.webClaimNewPage)
	in.POST("/claims/new", s.webClaimCreate)
	in.GET("/claims/:id", s.webClaim)
	in.GET("/claims/:id/live", s.webClaimLive)
	in.POST("/claims/:id/actions", s.webClaimAction)
	in.POST("/claims/:id/edit", s.webClaimEdit)
	in.POST("/claims/:id/evidence", s.webClaimEvidence)
	in.POST("/claims/:id/comments", s.webClaimComment)
	in.POST("/claims/:id/assign", s.webClaimAssign)
	in.POST("/claims/:id/unassign", s.webClaimUnassign)
	in.POST("/claims/:id/evidence/:eid/check", s.webSourceCheck)
	in.POST("/claims/:id/evidence/:eid", s.webEvidenceUpdate)
	in.POST("/claims/:id/evidence/:eid/retract", s.webEvidenceRetract)
	in.GET("/claims/:id/related", s.webClaimRelated)
	// The snapshot viewer and downloads of captures (captures.go).
	in.GET("/claims/:id/evidence/:eid/captures", s.webCaptures)
	in.GET("/claims/:id/evidence/:eid/captures/:cid/warc", s.webCaptureWARC)
	in.GET("/claims/:id/evidence-packet", s.webEvidencePacket)
	in.POST("/claims/:id/follow", s.webClaimFollow)

	// Notifications (notifications.go): the inbox, email settings, and the
	// mention autocomplete of comment boxes.
	in.GET("/notifications", s.webNotifications)
	in.POST("/notifications/read", s.webNotificationsRead)
	in.GET("/notifications/settings", s.webNotificationSettings)
	in.POST("/notifications/settings", s.webNotificationSettingsSave)
	in.GET("/members", s.webMembers)

	// Saved views (views.go) and the person's own settings (profile.go).
	in.GET("/views", s.webViews)
	in.POST("/views", s.webViewCreate)
	in.POST("/views/:id", s.webViewUpdate)
	in.POST("/views/:id/delete", s.webViewDelete)
	in.GET("/settings", s.webProfile)
	in.POST("/settings", s.webProfileSave)

	// Importing articles and filing their sentences as claims.
	importer := in.Group("/import", s.webRequire(workflow.Import))
	importer.GET("", s.webImportPage)
	importer.POST("", s.webImport)
	importer.GET("/:id", s.webImportArticle)
	importer.POST("/:id/claims", s.webImportClaims)

	// The source registry: everyone signed in reads, editors write.
	in.GET("/sources", s.webSources)
	editor := in.Group("/sources", s.webRequire(workflow.ManageOutlets))
	editor.POST("", s.webSourceCreate)
	editor.POST("/:id", s.webSourceUpdate)
	editor.POST("/:id/delete", s.webSourceDelete)

	users := in.Group("/admin/users", s.webRequire(workflow.ManageUsers))
	users.GET("", s.webUsers)
	users.POST("", s.webUserCreate)
	users.POST("/:id", s.webUserUpdate)
	users.GET("/:id/deactivate", s.webUserDeactivatePage)
	settings := in.Group("/admin/settings", s.webRequire(workflow.ManageSettings))
	settings.GET("", s.webSettings)
	settings.POST("", s.webSettingsSave)
	// Check-worthiness models trained on the desk's decisions (models.go).
	mods := in.Group("/admin/models", s.webRequire(workflow.ManageModels))
	mods.GET("", s.webModels)
	mods.POST("/activate", s.webModelActivate)
	hooks := in.Group("/admin/webhooks", s.webRequire(workflow.ManageWebhooks))
	hooks.GET("", s.webWebhooks)
	hooks.POST("", s.webWebhookCreate)
	hooks.GET("/:id", s.webWebhookLog)
	hooks.POST("/:id", s.webWebhookUpdate)
	hooks.POST("/:id/ping", s.webWebhookPing)
	hooks.POST("/:id/rotate", s.webWebhookRotate)
	hooks.POST("/:id/redeliver", s.webWebhookRedeliver)
	hooks.POST("/:id/delete", s.webWebhookDelete)
	// Service accounts and their integration tokens (integrations.go).
	integrations := in.Group("/admin/integrations", s.webRequire(workflow.ManageIntegrations))
	integrations.GET("", s.webIntegrations)
	integrations.POST("/accounts", s.webServiceAccountCreate)
	integrations.POST("/tokens", s.webTokenCreate)
	integrations.POST("/tokens/:id/revoke", s.webTokenRevoke)
}

// contentSecurityPolicy allows only our own scripts, styles and
// connections: no inline script, no inline style, no framing. htmx is
// configured (in the layout) not to inject styles or evaluate code, so it
// runs under this policy.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// webHeaders adds the page security headers to every dashboard response.
func (s *Server) webHeaders(c *gin.Context) {
	if !strings.HasPrefix(c.Request.URL.Path, "/api/") {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
	}
	c.Next()
}

var staticFiles = http.FileServerFS(web.Static())

// webStatic serves the embedded assets. A request carrying the current
// content hash may be cached for a year: a new build changes the URL.
func (s *Server) webStatic(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("path"), "/")
	version := web.AssetVersion(name)
	if version == "" || strings.HasSuffix(name, "/") {
		s.respondError(c, models.Errorf(models.ENotFound, "there is no file %s", name))
		return
	}
	if c.Query("v") == version {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	req := c.Request.Clone(c.Request.Context())
	req.URL.Path = "/" + name
	staticFiles.ServeHTTP(c.Writer, req)
}

// webFavicon answers the browsers and feed readers that ask for
// /favicon.ico whatever the page says, which would otherwise log a 404 on
// every first visit. Every current browser takes an SVG icon there.
func (s *Server) webFavicon(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=86400")
	c.Header("Content-Type", "image/svg+xml")
	req := c.Request.Clone(c.Request.Context())
	req.URL.Path = "/favicon.svg"
	staticFiles.ServeHTTP(c.Writer, req)
}
