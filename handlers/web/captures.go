package web

import (
	"bytes"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/archive/anchor"
	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
)

// MaxShownTextBytes caps the readable text the snapshot viewer puts in a
// page: the quote and what surrounds it, not a whole book. The text itself
// is kept and searched in full.
const MaxShownTextBytes = 256 << 10

type capturesView struct {
	Claim    *models.Claim
	Evidence *models.Evidence
	Captures []sources.CaptureView
	// Selected is the capture whose text is shown.
	Selected *sources.CaptureView
	// Before, Quote and After are the shown text split around the
	// highlighted passage (Quote empty: nothing to highlight). CutBefore and
	// CutAfter count the bytes of text left out either side.
	Before, Quote, After string
	CutBefore, CutAfter  int
	// QuoteMoved says the highlight is where the quote's place is now
	// (the page changed), not the exact quote.
	QuoteMoved bool
	Reanchor   *anchor.Result
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
		v.split(ct.Text, ct.Capture)
	}
	p := &page{Title: "Captures of evidence #" + strconv.FormatInt(evidenceID, 10), Nav: "board", Data: v}
	s.render(c, http.StatusOK, "captures", p)
}

// split cuts text into what comes before, at and after the highlighted
// passage, keeping at most MaxShownTextBytes around it.
func (v *capturesView) split(text string, c sources.CaptureView) {
	a := c.Anchor
	if a == nil && c.Reanchor != nil && c.Reanchor.Status != anchor.Missing {
		a, v.QuoteMoved = &c.Reanchor.Anchor, true
	}
	start, end := 0, 0
	if a != nil {
		var err error
		if start, end, err = a.ByteRange(text); err != nil {
			start, end, a = 0, 0, nil
		}
	}
	from, to := 0, len(text)
	if len(text) > MaxShownTextBytes {
		from = max(0, (start+end)/2-MaxShownTextBytes/2)
		to = min(len(text), from+MaxShownTextBytes)
		from = max(0, to-MaxShownTextBytes)
		for from > 0 && !utf8.RuneStart(text[from]) {
			from++
		}
		for to < len(text) && !utf8.RuneStart(text[to]) {
			to--
		}
		start, end = max(start, from), min(end, to)
	}
	v.CutBefore, v.CutAfter = from, len(text)-to
	if a == nil || start >= end {
		v.Before = text[from:to]
		return
	}
	v.Before, v.Quote, v.After = text[from:start], text[start:end], text[end:to]
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
