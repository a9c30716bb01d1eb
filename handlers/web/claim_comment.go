package web

import (
	"strconv"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/gin-gonic/gin"
)

// webClaimComment posts a comment for the desk.
func (s *Server) webClaimComment(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if _, err := s.engine.AddComment(c.Request.Context(), actor(c), id, c.PostForm("body")); err != nil {
		s.rerenderClaim(c, id, err)
		return
	}
	redirect(c, "/claims/"+strconv.FormatInt(id, 10)+"?done=comment#comments-h")
}
