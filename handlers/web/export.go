package web

import (
	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/export"
)

// exportFormat reads the format from the URL or, for a selection, the form.
func exportFormat(c *gin.Context) (export.Format, error) {
	f := c.Query("format")
	if f == "" {
		f = c.PostForm("format")
	}
	return export.ParseFormat(f)
}
