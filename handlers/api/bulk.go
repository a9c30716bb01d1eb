package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// bulkResult is one claim's line in a bulk answer: ok with the claim as it
// now is, or the problem that refused it.
type bulkResult struct {
	ID        int64            `json:"id"`
	OK        bool             `json:"ok"`
	Unchanged bool             `json:"unchanged,omitempty"`
	Claim     *models.Claim    `json:"claim,omitempty"`
	Error     *respond.Problem `json:"error,omitempty"`
}

// bulkClaims applies one action to many claims. The answer is 200 whenever
// the request itself was valid, with one result per claim: a refusal of
// one claim is that claim's result, not the request's status.
func (s *Server) bulkClaims(c *gin.Context) {
	var req workflow.BulkRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	results, err := s.engine.Bulk(c.Request.Context(), actor(c), req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	out := make([]bulkResult, len(results))
	for i, r := range results {
		out[i] = bulkResult{ID: r.ID, OK: r.Err == nil, Unchanged: r.Unchanged}
		if r.Err != nil {
			p := s.resp.Problem(c, r.Err)
			out[i].Error = &p
			continue
		}
		out[i].Claim = normalize(r.Claim)
	}
	c.JSON(http.StatusOK, gin.H{"results": out})
}
