package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/sources"
)

// listCaptures lists an evidence item's captures, newest first.
func (s *Server) listCaptures(c *gin.Context) {
	claimID, evidenceID, err := evidenceIDs(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	items, err := s.sources.Captures(c.Request.Context(), claimID, evidenceID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// getCapture returns one capture with its readable text.
func (s *Server) getCapture(c *gin.Context) {
	claimID, evidenceID, err := evidenceIDs(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	captureID, err := param.ID(c, "cid")
	if err != nil {
		s.respondError(c, err)
		return
	}
	ct, err := s.sources.Capture(c.Request.Context(), claimID, evidenceID, captureID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"capture": ct.Capture, "text": ct.Text})
}

// captureWARC sends one capture's records as a .warc.gz download. It is
// never rendered: the type is WARC and the browser is told to save it.
func (s *Server) captureWARC(c *gin.Context) {
	claimID, evidenceID, err := evidenceIDs(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	captureID, err := param.ID(c, "cid")
	if err != nil {
		s.respondError(c, err)
		return
	}
	data, err := s.sources.CaptureRecords(c.Request.Context(), claimID, evidenceID, captureID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="capture-`+strconv.FormatInt(captureID, 10)+`.warc.gz"`)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, "application/warc", data)
}

// evidencePacket sends the claim's evidence packet (WACZ). It is built in
// memory first, so a failure is a problem document, not half a zip.
func (s *Server) evidencePacket(c *gin.Context) {
	claimID, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := s.sources.EvidencePacket(c.Request.Context(), claimID, &buf); err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="claim-`+strconv.FormatInt(claimID, 10)+`-evidence.wacz"`)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, sources.PacketContentType, buf.Bytes())
}
