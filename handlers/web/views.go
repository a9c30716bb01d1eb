package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// viewRow is a saved view on the views page, with what the user may do.
type viewRow struct {
	models.SavedView
	Mine, CanChange bool
}

type viewsView struct {
	Rows []viewRow
	Max  int
}

// webViews lists the user's saved views and the desk's shared ones, with
// rename, share and delete for those the user may change.
func (s *Server) webViews(c *gin.Context) {
	p := &page{Title: "Saved views", Nav: "views"}
	p.flash(c)
	s.renderViews(c, http.StatusOK, p)
}

func (s *Server) renderViews(c *gin.Context, status int, p *page) {
	u := actor(c)
	views, err := s.engine.Views(c.Request.Context(), u)
	if err != nil {
		s.respondError(c, err)
		return
	}
	v := &viewsView{Max: workflow.MaxViews}
	for _, sv := range views {
		v.Rows = append(v.Rows, viewRow{SavedView: sv, Mine: sv.OwnerID == u.ID, CanChange: workflow.CanChangeView(u, &sv) == nil})
	}
	p.Data = v
	s.render(c, status, "views", p)
}

// webViewCreate saves the filters of the board or the list as a view and
// opens it.
func (s *Server) webViewCreate(c *gin.Context) {
	name, query := c.PostForm("name"), c.PostForm("query")
	pg := models.ViewPage(c.PostForm("page"))
	shared := c.PostForm("shared") != ""
	v, err := s.engine.SaveView(c.Request.Context(), actor(c), workflow.ViewInput{
		Name: &name, Page: &pg, Query: &query, Shared: &shared, Filter: param.ViewQuery})
	if err != nil {
		s.viewFormFailed(c, err)
		return
	}
	redirect(c, withDone(v.URL(), "view-saved"))
}

// webViewUpdate renames a view and sets whether it is shared.
func (s *Server) webViewUpdate(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	name := c.PostForm("name")
	shared := c.PostForm("shared") != ""
	if _, err := s.engine.UpdateView(c.Request.Context(), actor(c), id, workflow.ViewInput{Name: &name, Shared: &shared}); err != nil {
		s.viewFormFailed(c, err)
		return
	}
	redirect(c, "/views?done=view-updated")
}

// webViewDelete deletes a view.
func (s *Server) webViewDelete(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if err := s.engine.DeleteView(c.Request.Context(), actor(c), id); err != nil {
		s.viewFormFailed(c, err)
		return
	}
	redirect(c, "/views?done=view-deleted")
}

// viewFormFailed shows the views page with what was wrong; a view the user
// may not see or change gets the plain error page.
func (s *Server) viewFormFailed(c *gin.Context, err error) {
	if code := models.CodeOf(err); code != models.EInvalid && code != models.EConflict {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "Saved views", Nav: "views", Form: c.Request.PostForm}
	status := s.withProblem(c, p, err)
	s.renderViews(c, status, p)
}

// withDone adds the done message key to a dashboard URL.
func withDone(to, done string) string {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	return to + sep + "done=" + url.QueryEscape(done)
}
