package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/archive/anchor"
	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
)

type capturesView struct {
	Claim    *models.Claim
	Evidence *models.Evidence
	Captures []sources.CaptureView
	// Selected is the capture whose text is shown.
	Selected *sources.CaptureView
	// Highlighted is the selected capture's text cut around the quote.
	sources.Highlighted
	Reanchor *anchor.Result
}

// webCaptures is the snapshot viewer: an evidence item's captures (time,
// status, digest, timestamp authority) and one capture's readable text
// with the quote marked. The captured HTML is never rendered here: only
// its text, escaped like any other text.
func (s *Server) webCaptures(c *gin.Context) {
	claimID, evidenceID, ok := s.evidencePath(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	claim, err := s.store.Claim(ctx, claimID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	ev, err := s.sources.Evidence(ctx, claimID, evidenceID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	caps, err := s.sources.Captures(ctx, claimID, evidenceID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	v := &capturesView{Claim: claim, Evidence: ev, Captures: caps}
	if len(caps) > 0 {
		id := caps[0].ID
		if raw := c.Query("capture"); raw != "" {
			if id, err = strconv.ParseInt(raw, 10, 64); err != nil || id <= 0 {
				s.respondError(c, models.Errorf(models.EInvalid, "capture must be a capture number"))
				return
			}
		}
		ct, err := s.sources.Capture(ctx, claimID, evidenceID, id)
		if err != nil {
			s.respondError(c, err)
			return
		}
		v.Selected = &ct.Capture
		v.Reanchor = ct.Capture.Reanchor
		v.Highlighted = sources.Highlight(ct.Text, ct.Capture)
	}
	p := &page{Title: "Captures of evidence #" + strconv.FormatInt(evidenceID, 10), Nav: "board", Data: v}
	s.render(c, http.StatusOK, "captures", p)
}

// webCaptureWARC downloads one capture's records. The WARC type and the
// attachment disposition keep any browser from rendering the page in the
// desk's origin.
func (s *Server) webCaptureWARC(c *gin.Context) {
	claimID, evidenceID, ok := s.evidencePath(c)
	if !ok {
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
	c.Data(http.StatusOK, "application/warc", data)
}

// webEvidencePacket downloads the claim's evidence packet.
func (s *Server) webEvidencePacket(c *gin.Context) {
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
	c.Data(http.StatusOK, sources.PacketContentType, buf.Bytes())
}

func (s *Server) evidencePath(c *gin.Context) (claimID, evidenceID int64, ok bool) {
	claimID, err := param.ID(c, "id")
	if err == nil {
		evidenceID, err = param.ID(c, "eid")
	}
	if err != nil {
		s.respondError(c, err)
		return 0, 0, false
	}
	return claimID, evidenceID, true
}
