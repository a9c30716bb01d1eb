package web

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
)

// webClaimUnassign removes an assignee: editors remove anyone, checkers
// themselves.
func (s *Server) webClaimUnassign(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	userID, err := strconv.ParseInt(c.PostForm("user_id"), 10, 64)
	if err != nil || userID <= 0 {
		s.respondError(c, models.Errorf(models.EBadRequest, "say whom to unassign"))
		return
	}
	if _, err := s.engine.Unassign(c.Request.Context(), actor(c), id, userID); err != nil {
		s.rerenderClaim(c, id, err)
		return
	}
	redirect(c, "/claims/"+strconv.FormatInt(id, 10)+"?done=unassigned")
}
