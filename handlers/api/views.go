package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// viewJSON is a saved view with the dashboard address it opens and
// whether the caller may change it.
type viewJSON struct {
	*models.SavedView
	URL       string `json:"url"`
	CanChange bool   `json:"can_change"`
}

func viewOut(u *models.User, v *models.SavedView) viewJSON {
	return viewJSON{SavedView: v, URL: v.URL(), CanChange: workflow.CanChangeView(u, v) == nil}
}

func (s *Server) listViews(c *gin.Context) {
	views, err := s.engine.Views(c.Request.Context(), actor(c))
	if err != nil {
		s.respondError(c, err)
		return
	}
	items := make([]viewJSON, len(views))
	for i := range views {
		items[i] = viewOut(actor(c), &views[i])
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) getView(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	v, err := s.engine.View(c.Request.Context(), actor(c), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, viewOut(actor(c), v))
}

func (s *Server) createView(c *gin.Context) {
	var req workflow.ViewInput
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	req.Filter = param.ViewQuery
	v, err := s.engine.SaveView(c.Request.Context(), actor(c), req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Location", "/api/v1/views/"+strconv.FormatInt(v.ID, 10))
	c.JSON(http.StatusCreated, viewOut(actor(c), v))
}

func (s *Server) updateView(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req workflow.ViewInput
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	req.Filter = param.ViewQuery
	v, err := s.engine.UpdateView(c.Request.Context(), actor(c), id, req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, viewOut(actor(c), v))
}

func (s *Server) deleteView(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if err := s.engine.DeleteView(c.Request.Context(), actor(c), id); err != nil {
		s.respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
