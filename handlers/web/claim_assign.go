package web

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// webClaimAssign assigns a checker or reviewer (editors), or the caller
// themself as checker (checkers, on a claim without one).
func (s *Server) webClaimAssign(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	userID, err := strconv.ParseInt(c.PostForm("user_id"), 10, 64)
	if err != nil || userID <= 0 {
		s.rerenderClaim(c, id, models.Invalid("choose someone to assign", models.FieldError{Field: "user_id", Message: "choose a person from the list"}))
		return
	}
	req := workflow.AssignRequest{UserID: userID, Role: models.AssignmentRole(c.PostForm("role"))}
	if _, err := s.engine.Assign(c.Request.Context(), actor(c), id, req); err != nil {
		s.rerenderClaim(c, id, err)
		return
	}
	redirect(c, "/claims/"+strconv.FormatInt(id, 10)+"?done=assigned")
}
