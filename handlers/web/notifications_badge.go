package web

import (
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
