package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// webClaimAction applies one workflow action. The button pressed names the
// action; the form carries the version the user saw.
func (s *Server) webClaimAction(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	req := workflow.Request{
		Action:  models.Action(c.PostForm("action")),
		Verdict: models.Verdict(c.PostForm("verdict")),
		Summary: c.PostForm("summary"),
		Comment: c.PostForm("comment"),
		// Only offered when a pre-publish check blocks the confirm.
		OverrideReason: c.PostForm("override_reason"),
	}
	req.Version, _ = strconv.Atoi(c.PostForm("version"))
	if d := strings.TrimSpace(c.PostForm("duplicate_of")); d != "" {
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil || n <= 0 {
			s.rerenderClaim(c, id, models.Invalid("the duplicate is not valid", models.FieldError{Field: "duplicate_of", Message: "give the number of another claim"}))
			return
		}
		req.DuplicateOf = &n
	}
	if _, err := s.engine.Apply(c.Request.Context(), actor(c), id, req); err != nil {
		s.rerenderClaim(c, id, err)
		return
	}
	if c.PostForm("from") == "review" {
		redirect(c, "/review?done="+string(req.Action))
		return
	}
	redirect(c, "/claims/"+strconv.FormatInt(id, 10)+"?done="+string(req.Action))
}
