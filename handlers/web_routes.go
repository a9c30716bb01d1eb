package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/web"
)

// dashboardRoutes is the dashboard's route table: every page and form at a
// glance. It does nothing unless EnableDashboard was called.
func (s *Server) dashboardRoutes(r *gin.Engine) {
	if s.dash == nil {
		return
	}
	// Sessions and page headers apply to every non-API path, including
	// unknown ones, so their 404 page is a full dashboard page.
	r.Use(s.webHeaders, s.webSession)

	r.GET("/static/*path", s.webStatic)
	r.GET("/login", s.webLoginPage)
	r.POST("/login", s.webCrossOrigin, s.webLogin)

	in := r.Group("", s.webRequireUser, s.webCSRF)
	in.POST("/logout", s.webLogout)
	in.GET("/", s.webQueue)
	in.POST("/queue/next", s.webTakeNext)
	in.GET("/board", s.webBoard)
	in.GET("/board/columns", s.webBoardColumns)
	in.GET("/review", s.webRequireRole(models.RoleEditor), s.webReview)
	in.GET("/overview", s.webOverview)
	in.GET("/events", s.webEvents)

	in.GET("/claims/new", s.webClaimNewPage)
	in.POST("/claims/new", s.webClaimCreate)
	in.GET("/claims/:id", s.webClaim)
	in.GET("/claims/:id/live", s.webClaimLive)
	in.POST("/claims/:id/actions", s.webClaimAction)
	in.POST("/claims/:id/evidence", s.webClaimEvidence)
	in.POST("/claims/:id/comments", s.webClaimComment)
	in.POST("/claims/:id/assign", s.webClaimAssign)
	in.POST("/claims/:id/unassign", s.webClaimUnassign)
	in.POST("/claims/:id/evidence/:eid/check", s.webSourceCheck)

	// The source registry: everyone signed in reads, editors write.
	in.GET("/sources", s.webSources)
	editor := in.Group("/sources", s.webRequireRole(models.RoleEditor))
	editor.POST("", s.webSourceCreate)
	editor.POST("/:id", s.webSourceUpdate)
	editor.POST("/:id/delete", s.webSourceDelete)

	admin := in.Group("/admin", s.webRequireRole(models.RoleAdmin))
	admin.GET("/users", s.webUsers)
	admin.POST("/users", s.webUserCreate)
	admin.POST("/users/:id", s.webUserUpdate)
	admin.GET("/webhooks", s.webWebhooks)
	admin.POST("/webhooks", s.webWebhookCreate)
	admin.GET("/webhooks/:id", s.webWebhookLog)
	admin.POST("/webhooks/:id", s.webWebhookUpdate)
	admin.POST("/webhooks/:id/ping", s.webWebhookPing)
	admin.POST("/webhooks/:id/delete", s.webWebhookDelete)
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
