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
}

// New serves site's pages and the log's checkpoints and proofs from log,
// ending failures through resp.
func New(site *publish.Site, log *audit.Service, resp *respond.Renderer) *Server {
	return &Server{site: site, audit: log, resp: resp}
}

// Routes is the public surface's route table: every page and feed.
func (s *Server) Routes(r gin.IRouter) {
	g := r.Group("", publicHeaders)
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
