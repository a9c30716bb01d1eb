// Package public serves the published fact checks to everyone: their
// pages and feeds, with no sign-in, a strict CSP and a shared cache.
package public

import (
	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/publish"
)

// Server serves the public pages.
type Server struct {
	site  *publish.Site
	audit *audit.Service
	resp  *respond.Renderer
	// cache keeps rendered responses (cache.go); every route of the table
	// goes through it.
	cache *Cache
}

// New serves site's pages and the log's checkpoints and proofs from log,
// ending failures through resp.
func New(site *publish.Site, log *audit.Service, resp *respond.Renderer) *Server {
	return &Server{site: site, audit: log, resp: resp, cache: NewCache(CacheConfig{MaxBytes: -1})}
}

// UseCache has the routes keep their responses in c (which the app also
// puts in front of the router with Cache.Serve, and flushes on every
// store.PublicChannel notification). Without it responses still carry
// validators but nothing is kept.
func (s *Server) UseCache(c *Cache) *Server {
	s.cache = c
	return s
}

// Routes is the public surface's route table: every page and feed. Each
// is a GET that anyone may see the same way, so every route of the group
// goes through the cache of rendered responses (cache.go).
func (s *Server) Routes(r gin.IRouter) {
	g := r.Group("", s.publicHeaders, s.cache.Fill)
	g.GET("/factchecks", s.publicList)
	g.GET("/factchecks.json", s.publicJSONFeed)
	g.GET("/factchecks.rss", s.publicRSS)
	g.GET("/factchecks/:slug", s.publicPage)
	g.GET("/factchecks/:slug/proof.json", s.pageProof)
	g.GET(publish.LogoPath, s.logo)
	// The desk's archived copy of a published source (docs/sources-and-publishing.md).
	g.GET("/factchecks/:slug/sources/:eid", s.publicArchive)
	g.GET("/factchecks/:slug/sources/:eid/captures/:cid/warc", s.publicArchiveWARC)
	// The desk's tamper-evident log (docs/audit.md).
	g.GET("/.well-known/factdesk/checkpoint", s.checkpoint)
	g.GET("/.well-known/factdesk/checkpoint-key", s.checkpointKey)
	g.GET("/.well-known/factdesk/consistency", s.consistency)
}
