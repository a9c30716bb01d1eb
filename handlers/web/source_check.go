package web

import (
	"strconv"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/gin-gonic/gin"
)

// webSourceCheck re-checks one cited page now (checkers and up) and goes
// back to the claim. It runs sources.Service.CheckNow, the same call and
// permission rule as the API's check endpoint; the fetch is bounded by the
// source client's timeout.
func (s *Server) webSourceCheck(c *gin.Context) {
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
	if _, err := s.sources.CheckNow(c.Request.Context(), actor(c), claimID, evidenceID); err != nil {
		s.respondError(c, err)
		return
	}
	redirect(c, "/claims/"+strconv.FormatInt(claimID, 10)+"?done=checked#evidence-"+strconv.FormatInt(evidenceID, 10))
}
