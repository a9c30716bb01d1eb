package web

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// webClaimEvidence attaches a source to the claim.
func (s *Server) webClaimEvidence(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	in := workflow.NewEvidence{
		URL: c.PostForm("url"), Title: c.PostForm("title"), Stance: models.Stance(c.PostForm("stance")),
		Excerpt: c.PostForm("excerpt"), Note: c.PostForm("note"),
	}
	if _, err := s.engine.AddEvidence(c.Request.Context(), actor(c), id, in); err != nil {
		s.rerenderClaim(c, id, err)
		return
	}
	redirect(c, "/claims/"+strconv.FormatInt(id, 10)+"?done=evidence")
}
