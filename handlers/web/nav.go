package web

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

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
	if p.SavedViews, err = s.store.SavedViews(ctx, u.ID); err != nil {
		s.log.WarnContext(ctx, "list saved views for the navigation", "error", err)
	}
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
