package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// webModels compares the check-worthiness models on the desk's recent
// decisions (admins).
func (s *Server) webModels(c *gin.Context) {
	p := &page{Title: "Models", Nav: "models"}
	p.flash(c)
	s.renderModels(c, http.StatusOK, p)
}

func (s *Server) renderModels(c *gin.Context, status int, p *page) {
	v, err := s.engine.Models(c.Request.Context(), actor(c))
	if err != nil {
		s.respondError(c, err)
		return
	}
	p.Data = struct {
		*workflow.ModelsView
		WindowDays int
	}{v, int(workflow.ModelWindow.Hours() / 24)}
	s.render(c, status, "models", p)
}

// webModelActivate switches a model on for every import (admins); an
// empty version goes back to the model in the binary.
func (s *Server) webModelActivate(c *gin.Context) {
	version, ok := c.GetPostForm("version")
	if !ok {
		s.modelFormError(c, models.Invalid("choose a model", models.FieldError{Field: "version", Message: "name the model to switch on"}))
		return
	}
	if err := s.engine.ActivateModel(c.Request.Context(), actor(c), version); err != nil {
		s.modelFormError(c, err)
		return
	}
	redirect(c, "/admin/models?done=model-activated")
}

// modelFormError re-renders the page for an unknown model; the rest get
// error pages.
func (s *Server) modelFormError(c *gin.Context, err error) {
	if code := models.CodeOf(err); code != models.EInvalid && code != models.ENotFound {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "Models", Nav: "models", Form: c.Request.PostForm}
	status := s.withProblem(c, p, err)
	s.renderModels(c, status, p)
}
