package api

import (
	"net/http"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/gin-gonic/gin"
)

// checkEvidence re-checks one evidence item now and returns it updated.
// The fetch is bounded by the source client's timeout, so the request is
// too.
func (s *Server) checkEvidence(c *gin.Context) {
	claimID, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	evidenceID, err := param.ID(c, "eid")
	if err != nil {
		s.respondError(c, err)
		return
	}
	ev, err := s.sources.CheckNow(c.Request.Context(), actor(c), claimID, evidenceID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, ev)
}

// evidenceSnapshot returns the readable text of the page as last fetched.
func (s *Server) evidenceSnapshot(c *gin.Context) {
	claimID, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	evidenceID, err := param.ID(c, "eid")
	if err != nil {
		s.respondError(c, err)
		return
	}
	snap, err := s.sources.Snapshot(c.Request.Context(), claimID, evidenceID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, snap)
}

// sourceWarnings lists sourcing warnings (single domain, unreliable
// source, broken page) for the verify and confirm screens. They advise; the
// workflow table alone decides what is allowed.
func (s *Server) sourceWarnings(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	items, err := s.sources.Warnings(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// sourceAlerts lists confirmed claims whose cited pages changed or
// disappeared since their last confirmation.
func (s *Server) sourceAlerts(c *gin.Context) {
	items, err := s.store.SourceAlerts(c.Request.Context(), 200)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}
