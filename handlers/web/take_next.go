package web

import (
	"strconv"

	"github.com/gin-gonic/gin"
)

// webTakeNext draws from the same queue as POST /api/v1/queue/next: the
// most urgent, oldest new claim without a checker, assigned and started in
// one transaction.
func (s *Server) webTakeNext(c *gin.Context) {
	claim, err := s.engine.TakeNext(c.Request.Context(), actor(c))
	if err != nil {
		s.respondError(c, err)
		return
	}
	if claim == nil {
		redirect(c, "/?done=empty")
		return
	}
	redirect(c, "/claims/"+strconv.FormatInt(claim.ID, 10)+"?done=taken")
}
