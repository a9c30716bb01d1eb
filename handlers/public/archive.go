package public

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
)

// publicArchive is the desk's archived copy of one source of a published
// check: its captures and one capture's readable text with the quote
// marked. The captured HTML is never rendered, only its text, escaped.
func (s *Server) publicArchive(c *gin.Context) {
	claimID, evidenceID, ok := s.archivePath(c)
	if !ok {
		return
	}
	var captureID int64
	if raw := c.Query("capture"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			s.publicNotFound(c)
			return
		}
		captureID = id
	}
	a, err := s.site.LoadArchive(c.Request.Context(), claimID, evidenceID, captureID)
	if err != nil {
		s.publicError(c, err)
		return
	}
	if c.Param("slug") != a.Page.Slug {
		u := publish.ArchivePath(a.Page.Slug, evidenceID)
		if c.Request.URL.RawQuery != "" {
			u += "?" + c.Request.URL.RawQuery
		}
		c.Redirect(http.StatusMovedPermanently, u)
		return
	}
	body, err := s.site.RenderArchive(a)
	if err != nil {
		s.publicError(c, err)
		return
	}
	c.Header("Content-Security-Policy", a.Page.Brand.CSP())
	c.Data(http.StatusOK, "text/html; charset=utf-8", body)
}

// publicArchiveWARC downloads one capture's WARC records. The WARC type,
// nosniff and the attachment disposition keep any browser from rendering
// the captured page in the desk's origin.
func (s *Server) publicArchiveWARC(c *gin.Context) {
	claimID, evidenceID, ok := s.archivePath(c)
	if !ok {
		return
	}
	captureID, err := param.ID(c, "cid")
	if err != nil {
		s.publicError(c, err)
		return
	}
	_, data, err := s.site.ArchiveWARC(c.Request.Context(), claimID, evidenceID, captureID)
	if err != nil {
		s.publicError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="capture-`+strconv.FormatInt(captureID, 10)+`.warc.gz"`)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, "application/warc", data)
}

// archivePath reads the claim from the slug and the evidence item's
// number, ending the request with a 404 when either is not a number.
func (s *Server) archivePath(c *gin.Context) (claimID, evidenceID int64, ok bool) {
	claimID, ok = publish.ClaimIDFromSlug(c.Param("slug"))
	if !ok {
		s.publicNotFound(c)
		return 0, 0, false
	}
	evidenceID, err := param.ID(c, "eid")
	if err != nil {
		s.publicError(c, models.Errorf(models.ENotFound, "there is no archived source at %s", c.Request.URL.Path))
		return 0, 0, false
	}
	return claimID, evidenceID, true
}
