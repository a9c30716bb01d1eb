package web

import (
	"fmt"

	"github.com/gin-gonic/gin"
)

// unreadCount is the signed-in user's unread notifications for the nav
// badge; 0 when signed out or when counting fails (the badge is a hint,
// and the page must still render).
func (s *Server) unreadCount(c *gin.Context) int64 {
	u := actor(c)
	if u == nil {
		return 0
	}
	n, err := s.store.UnreadNotifications(c.Request.Context(), u.ID)
	if err != nil {
		s.log.WarnContext(c.Request.Context(), "count unread notifications", "error", err)
		return 0
	}
	return n
}

// sendBadge writes a "badge" server-sent event with the user's unread
// count, {"unread":N}; the caller flushes.
func (s *Server) sendBadge(c *gin.Context) {
	fmt.Fprintf(c.Writer, "event: badge\ndata: {\"unread\":%d}\n\n", s.unreadCount(c))
}
