package public

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
)

// feedSize is how many checks the list and the feeds show.
const feedSize = 50

// publicHeaders go on every public page and feed: a strict CSP (nothing
// runs, the one inline style is allowed by hash) and a short shared cache
// (CacheConfig.CacheControl), since these pages are read by many and
// change rarely.
func (s *Server) publicHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", publish.CSP())
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cache-Control", s.cache.CacheControl())
	c.Next()
}

func (s *Server) publicPage(c *gin.Context) {
	slug := c.Param("slug")
	id, ok := publish.ClaimIDFromSlug(slug)
	if !ok {
		s.publicNotFound(c)
		return
	}
	page, err := s.site.Load(c.Request.Context(), id)
	if err != nil {
		s.publicError(c, err)
		return
	}
	if page.Slug != slug {
		// One address per check: a shortened or stale slug redirects.
		c.Redirect(http.StatusMovedPermanently, "/factchecks/"+page.Slug)
		return
	}
	if page.Record, err = s.record(c, page); err != nil {
		s.publicError(c, err)
		return
	}
	body, err := s.site.RenderPage(page)
	if err != nil {
		s.publicError(c, err)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", body)
}

func (s *Server) publicList(c *gin.Context) {
	items, err := s.site.Recent(c.Request.Context(), feedSize)
	if err != nil {
		s.publicError(c, err)
		return
	}
	body, err := s.site.RenderList(items)
	if err != nil {
		s.publicError(c, err)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", body)
}

func (s *Server) publicJSONFeed(c *gin.Context) {
	items, err := s.site.Recent(c.Request.Context(), feedSize)
	if err != nil {
		s.publicError(c, err)
		return
	}
	body, err := publish.MarshalFeed(s.site.JSONFeed(items))
	if err != nil {
		s.publicError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/feed+json; charset=utf-8", body)
}

func (s *Server) publicRSS(c *gin.Context) {
	items, err := s.site.Recent(c.Request.Context(), feedSize)
	if err != nil {
		s.publicError(c, err)
		return
	}
	body, err := s.site.RSS(items)
	if err != nil {
		s.publicError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/rss+xml; charset=utf-8", body)
}

// publicError ends a public request. The page is the plain one, not the
// dashboard's, so nothing of the desk shows to the public; errors without
// a domain code are logged in full by the renderer as everywhere else.
func (s *Server) publicError(c *gin.Context, err error) {
	p := s.resp.Problem(c, err)
	c.Header("Cache-Control", "no-store")
	respond.Plain(c, p)
}

func (s *Server) publicNotFound(c *gin.Context) {
	s.publicError(c, models.Errorf(models.ENotFound, "there is no published fact check at %s", c.Request.URL.Path))
}
