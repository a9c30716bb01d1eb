package public

import (
	"net/http"
	"strings"

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
	c.Header("Content-Security-Policy", page.Brand.CSP())
	c.Data(http.StatusOK, "text/html; charset=utf-8", body)
}

func (s *Server) publicList(c *gin.Context) {
	items, err := s.site.Recent(c.Request.Context(), feedSize)
	if err != nil {
		s.publicError(c, err)
		return
	}
	brand, err := s.site.Brand(c.Request.Context())
	if err != nil {
		s.publicError(c, err)
		return
	}
	body, err := s.site.RenderList(brand, items)
	if err != nil {
		s.publicError(c, err)
		return
	}
	c.Header("Content-Security-Policy", brand.CSP())
	c.Data(http.StatusOK, "text/html; charset=utf-8", body)
}

func (s *Server) publicJSONFeed(c *gin.Context) {
	items, err := s.site.Recent(c.Request.Context(), feedSize)
	if err != nil {
		s.publicError(c, err)
		return
	}
	brand, err := s.site.Brand(c.Request.Context())
	if err != nil {
		s.publicError(c, err)
		return
	}
	body, err := publish.MarshalFeed(s.site.JSONFeed(brand, items))
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
	brand, err := s.site.Brand(c.Request.Context())
	if err != nil {
		s.publicError(c, err)
		return
	}
	body, err := s.site.RSS(brand, items)
	if err != nil {
		s.publicError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/rss+xml; charset=utf-8", body)
}

// publicError ends a public request with a page in the desk's branding,
// not the dashboard's, so nothing of the desk shows to the public; the
// status stays the error's (a missing check answers 404). If the branding
// cannot be loaded either (the database is down), the plain page is sent.
// Errors without a domain code are logged in full by the renderer as
// everywhere else.
func (s *Server) publicError(c *gin.Context, err error) {
	s.publicErrorPage(c, err, missingCheck)
}

// notFoundText is what a public 404 page says.
type notFoundText struct{ heading, detail string }

var (
	missingCheck = notFoundText{"No fact check here",
		"There is no published fact check at this address. It may have been mistyped, or the link may be older than the check's current address."}
	missingLogo = notFoundText{"No logo",
		"This desk has not uploaded a logo, so there is no image at this address."}
)

// publicErrorPage is publicError with the 404 page saying missing.
func (s *Server) publicErrorPage(c *gin.Context, err error, missing notFoundText) {
	p := s.resp.Problem(c, err)
	c.Header("Cache-Control", "no-store")
	brand, berr := s.site.Brand(c.Request.Context())
	if berr != nil {
		respond.Plain(c, p)
		return
	}
	e := publish.ErrorPage{Status: p.Status, Heading: http.StatusText(p.Status), Detail: p.Detail, RequestID: p.RequestID}
	if p.Status == http.StatusNotFound {
		e.Heading, e.Detail = missing.heading, missing.detail
	}
	body, rerr := s.site.RenderError(brand, e)
	if rerr != nil {
		respond.Plain(c, p)
		return
	}
	c.Header("Content-Security-Policy", brand.CSP())
	c.Data(p.Status, "text/html; charset=utf-8", body)
	c.Abort()
}

// NotFound answers a public path that matches no route (such as
// /factchecks/a/b) with the public 404 page.
func (s *Server) NotFound(c *gin.Context) {
	s.publicHeaders(c)
	s.publicNotFound(c)
}

func (s *Server) publicNotFound(c *gin.Context) {
	s.publicError(c, models.Errorf(models.ENotFound, "there is no published fact check at %s", c.Request.URL.Path))
}

// logo serves the desk's uploaded logo. Its bytes were checked to be a PNG,
// JPEG or GIF when uploaded and are served with that type, nosniff and a
// policy that runs nothing; with the hash from the page's link it may be
// cached for good, since a new logo gets a new link.
func (s *Server) logo(c *gin.Context) {
	l, err := s.site.Logo(c.Request.Context())
	if err != nil {
		s.publicErrorPage(c, err, missingLogo)
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", "inline")
	if v := c.Query("v"); v != "" && strings.HasPrefix(l.SHA256, v) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	h.Set("ETag", `"`+l.SHA256+`"`)
	if match := c.GetHeader("If-None-Match"); match == `"`+l.SHA256+`"` {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, l.ContentType, l.Data)
}
