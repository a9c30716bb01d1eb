package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/web"
	"github.com/factdesk/factdesk/workflow"
)

// viewRow is a saved view on the views page, with what the user may do.
type viewRow struct {
	models.SavedView
	Mine, CanChange bool
	// Filters says in words what the view shows.
	Filters string
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
	ppl, err := s.people(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	v := &viewsView{Max: workflow.MaxViews}
	for _, sv := range views {
		v.Rows = append(v.Rows, viewRow{SavedView: sv, Mine: sv.OwnerID == u.ID, CanChange: workflow.CanChangeView(u, &sv) == nil,
			Filters: describeFilters(sv.Query, ppl)})
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

// describeFilters says what a view's stored filter shows, in the words of
// the filter form.
func describeFilters(query string, ppl people) string {
	q, _ := url.ParseQuery(query)
	var parts []string
	if v := q.Get("q"); v != "" {
		parts = append(parts, "search “"+v+"”")
	}
	switch a := q.Get("assignee"); a {
	case "":
	case "me":
		parts = append(parts, "assigned to whoever opens it")
	case "none":
		parts = append(parts, "unassigned")
	default:
		if id, err := strconv.ParseInt(a, 10, 64); err == nil {
			parts = append(parts, "assigned to "+ppl.name(id))
		}
	}
	if v := q.Get("state"); v != "" {
		parts = append(parts, "state "+web.StateLabel(models.State(v)))
	}
	if v := q.Get("verdict"); v != "" {
		parts = append(parts, "verdict "+models.Verdict(v).Label())
	}
	if v := q.Get("priority"); v != "" {
		parts = append(parts, "priority "+v)
	}
	if v := q.Get("tag"); v != "" {
		parts = append(parts, "tag "+v)
	}
	if v := q.Get("sort"); v != "" {
		order := "descending"
		if q.Get("dir") == "asc" {
			order = "ascending"
		}
		parts = append(parts, "sorted by "+strings.ToLower(sortLabels[store.ListSort(v)])+", "+order)
	}
	if len(parts) == 0 {
		return "Everything, unfiltered"
	}
	out := strings.Join(parts, " · ")
	return strings.ToUpper(out[:1]) + out[1:]
}

// withDone adds the done message key to a dashboard URL.
func withDone(to, done string) string {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	return to + sep + "done=" + url.QueryEscape(done)
}
