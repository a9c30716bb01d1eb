package web

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/web"
)

// fillNav gives the layout its queue counts (one query) and the saved
// views menu of the signed-in user. Like the unread badge they are hints:
// when counting fails the page still renders, without them.
func (s *Server) fillNav(c *gin.Context, p *page) {
	u := actor(c)
	if u == nil {
		return
	}
	ctx := c.Request.Context()
	var err error
	if p.Counts, err = s.store.QueueCounts(ctx, u.ID); err != nil {
		s.log.WarnContext(ctx, "count the queues for the navigation", "error", err)
	}
	views, err := s.store.SavedViews(ctx, u.ID)
	if err != nil {
		s.log.WarnContext(ctx, "list saved views for the navigation", "error", err)
	}
	page, query := currentView(c)
	for _, v := range views {
		p.SavedViews = append(p.SavedViews, navView{SavedView: v, Current: v.Page == page && v.Query == query})
	}
}

// navView is a saved view in the menu; Current marks the one the page
// shows.
type navView struct {
	models.SavedView
	Current bool
}

// currentView is the page and canonical filter a view of this page would
// have, so the menu can mark the view being looked at; "" off the board
// and the list.
func currentView(c *gin.Context) (models.ViewPage, string) {
	var page models.ViewPage
	switch c.Request.URL.Path {
	case "/board":
		page = models.ViewBoard
	case "/claims":
		page = models.ViewList
	default:
		return "", ""
	}
	q := filterQuery(c)
	if page == models.ViewBoard {
		q.Del("state")
	} else {
		for _, k := range []string{"sort", "dir"} {
			if v := c.Query(k); v != "" {
				q.Set(k, v)
			}
		}
	}
	canonical, err := param.ViewQuery(page, q.Encode())
	if err != nil {
		return "", ""
	}
	return page, canonical
}

// zone is the time zone the signed-in user reads times in; UTC signed out.
func zone(c *gin.Context) *time.Location {
	if u := actor(c); u != nil {
		return web.Zone(u.TimeZone)
	}
	return time.UTC
}

// sendCounts writes a "counts" server-sent event with the user's queue
// counts, {"todo":N,"waiting":N,"review":N}; the caller flushes.
func (s *Server) sendCounts(c *gin.Context) {
	n, err := s.store.QueueCounts(c.Request.Context(), actor(c).ID)
	if err != nil {
		return // the stream goes on; the next change or page load catches up
	}
	data, _ := json.Marshal(map[string]int64{"todo": n.ToDo, "waiting": n.Waiting, "review": n.Review})
	fmt.Fprintf(c.Writer, "event: counts\ndata: %s\n\n", data)
}
