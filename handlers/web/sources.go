package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/workflow"
)

type sourcesView struct {
	Outlets []sources.Outlet
	Ratings []sources.Rating
	// CanEdit shows the forms (editors and up); everyone else reads.
	CanEdit bool
}

var outletRatings = []sources.Rating{sources.RatingReliable, sources.RatingMixed, sources.RatingUnreliable, sources.RatingUnknown}

// webSources lists the source registry: every outlet the desk has rated.
func (s *Server) webSources(c *gin.Context) {
	p := &page{Title: "Sources", Nav: "sources"}
	p.flash(c)
	s.renderSources(c, http.StatusOK, p)
}

func (s *Server) renderSources(c *gin.Context, status int, p *page) {
	items, err := s.sources.Outlets(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	u := actor(c)
	p.Data = sourcesView{Outlets: items, Ratings: outletRatings, CanEdit: workflow.Can(u, nil, workflow.ManageOutlets)}
	s.render(c, status, "sources", p)
}

// sourceFormError re-renders the registry for errors a person can fix (an
// invalid field, a domain already listed); the rest get error pages.
func (s *Server) sourceFormError(c *gin.Context, err error) {
	if code := models.CodeOf(err); code != models.EInvalid && code != models.EConflict {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "Sources", Nav: "sources", Form: c.Request.PostForm}
	status := s.withProblem(c, p, err)
	s.renderSources(c, status, p)
}

// webSourceCreate adds an outlet (editors). Validation is the service's.
func (s *Server) webSourceCreate(c *gin.Context) {
	in := sources.OutletInput{
		Domain: c.PostForm("domain"), Name: c.PostForm("name"),
		Rating: sources.Rating(c.PostForm("rating")), Note: c.PostForm("note"),
	}
	if _, err := s.sources.CreateOutlet(c.Request.Context(), actor(c), in); err != nil {
		s.sourceFormError(c, err)
		return
	}
	redirect(c, "/sources?done=outlet-created")
}

// webSourceUpdate changes an outlet's rating and note (editors).
func (s *Server) webSourceUpdate(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var patch sources.OutletPatch
	if r, ok := c.GetPostForm("rating"); ok {
		patch.Rating = models.Some(sources.Rating(r))
	}
	if n, ok := c.GetPostForm("note"); ok {
		patch.Note = models.Some(n)
	}
	if !patch.Rating.Set && !patch.Note.Set {
		s.sourceFormError(c, models.Invalid("nothing to change", models.FieldError{Field: "rating", Message: "choose a rating or write a note"}))
		return
	}
	if _, err := s.sources.UpdateOutlet(c.Request.Context(), actor(c), id, patch); err != nil {
		s.sourceFormError(c, err)
		return
	}
	redirect(c, "/sources?done=outlet-saved")
}

// webSourceDelete removes an outlet (editors); the evidence it rated falls
// back to a broader entry or to unknown.
func (s *Server) webSourceDelete(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if err := s.sources.DeleteOutlet(c.Request.Context(), actor(c), id); err != nil {
		s.sourceFormError(c, err)
		return
	}
	redirect(c, "/sources?done=outlet-deleted")
}
