package api

import (
	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/export"
	"github.com/factdesk/factdesk/handlers/param"
)

// exportClaims streams every claim matching the list filters (or the ids
// named) as CSV or JSON Lines. There is no row cap: rows are read a page at
// a time and written as they come.
func (s *Server) exportClaims(c *gin.Context) {
	format, err := export.ParseFormat(c.Query("format"))
	if err != nil {
		s.respondError(c, err)
		return
	}
	f, err := param.ListFilter(c, actor(c))
	if err != nil {
		s.respondError(c, err)
		return
	}
	ex := export.Exporter{Store: s.store, Site: s.site}
	if err := ex.Write(c.Request.Context(), c.Writer, format, f); err != nil && c.Request.Context().Err() == nil {
		s.log.ErrorContext(c.Request.Context(), "claim export ended early", "error", err)
	}
}
