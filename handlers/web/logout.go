package web

import (
	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/store"
)

// webLogout deletes the session row, so the cookie is dead even if a copy
// of it survives somewhere.
func (s *Server) webLogout(c *gin.Context) {
	if id, err := c.Cookie(sessionCookie); err == nil && id != "" {
		if err := s.endSession(c, id); err != nil {
			s.respondError(c, err)
			return
		}
	}
	s.clearSessionCookie(c)
	redirect(c, "/login")
}

func (s *Server) endSession(c *gin.Context, id string) error {
	ctx := c.Request.Context()
	return s.store.WithTx(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, hashSessionID(id)) })
}
