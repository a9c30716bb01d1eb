package web

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// webEvidenceUpdate corrects an evidence item from the claim page's edit
// form. The form sends every field, so each one it carries is set.
func (s *Server) webEvidenceUpdate(c *gin.Context) {
	id, eid, ok := s.evidenceParams(c)
	if !ok {
		return
	}
	p := workflow.EvidencePatch{
		Stance:  models.Optional[models.Stance]{Set: true, Value: models.Stance(c.PostForm("stance"))},
		Title:   models.Optional[string]{Set: true, Value: c.PostForm("title")},
		Excerpt: models.Optional[string]{Set: true, Value: c.PostForm("excerpt")},
		Note:    models.Optional[string]{Set: true, Value: c.PostForm("note")},
	}
	p.Version, _ = strconv.Atoi(c.PostForm("evidence_version"))
	if _, _, err := s.engine.UpdateEvidence(c.Request.Context(), actor(c), id, eid, p); err != nil {
		s.rerenderClaim(c, id, err)
		return
	}
	redirect(c, "/claims/"+strconv.FormatInt(id, 10)+"?done=evidence-saved#evidence-"+strconv.FormatInt(eid, 10))
}

// webEvidenceRetract withdraws an evidence item with the reason typed in.
func (s *Server) webEvidenceRetract(c *gin.Context) {
	id, eid, ok := s.evidenceParams(c)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(c.PostForm("evidence_version"))
	if _, _, err := s.engine.RetractEvidence(c.Request.Context(), actor(c), id, eid, version, c.PostForm("reason")); err != nil {
		s.rerenderClaim(c, id, err)
		return
	}
	redirect(c, "/claims/"+strconv.FormatInt(id, 10)+"?done=evidence-retracted#evidence-"+strconv.FormatInt(eid, 10))
}

func (s *Server) evidenceParams(c *gin.Context) (int64, int64, bool) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return 0, 0, false
	}
	eid, err := param.ID(c, "eid")
	if err != nil {
		s.respondError(c, err)
		return 0, 0, false
	}
	return id, eid, true
}
