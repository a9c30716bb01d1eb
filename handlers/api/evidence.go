package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// evidenceIDs reads the claim and evidence ids of an evidence route.
func evidenceIDs(c *gin.Context) (int64, int64, error) {
	claimID, err := param.ID(c, "id")
	if err != nil {
		return 0, 0, err
	}
	evidenceID, err := param.ID(c, "eid")
	return claimID, evidenceID, err
}

// ifMatchVersion reads an evidence version from If-Match ("3", W/"3" or
// 3); 0 when the header is absent.
func ifMatchVersion(c *gin.Context) (int, error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v <= 0 {
		return 0, models.Invalid("If-Match is not valid", models.FieldError{Field: "If-Match", Message: `send the evidence version as an entity tag, such as "3"`})
	}
	return v, nil
}

// sendEvidence answers with the item and its version as the entity tag.
func sendEvidence(c *gin.Context, ev *models.Evidence, claim *models.Claim) {
	c.Header("ETag", `"`+strconv.Itoa(ev.Version)+`"`)
	c.JSON(http.StatusOK, gin.H{"evidence": ev, "claim": normalize(claim)})
}

// updateEvidence corrects an evidence item's stance, excerpt, note or title.
func (s *Server) updateEvidence(c *gin.Context) {
	claimID, evidenceID, err := evidenceIDs(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req workflow.EvidencePatch
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	v, err := ifMatchVersion(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	if v > 0 {
		if req.Version > 0 && req.Version != v {
			s.respondError(c, models.Invalid("two versions sent", models.FieldError{Field: "version", Message: "the body's version and If-Match differ: send one"}))
			return
		}
		req.Version = v
	}
	ev, claim, err := s.engine.UpdateEvidence(c.Request.Context(), actor(c), claimID, evidenceID, req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	sendEvidence(c, ev, claim)
}

// retractRequest is the body of the retract route.
type retractRequest struct {
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

// retractEvidence withdraws an evidence item with a reason; it is never
// deleted.
func (s *Server) retractEvidence(c *gin.Context) {
	claimID, evidenceID, err := evidenceIDs(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req retractRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	v, err := ifMatchVersion(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	if v > 0 {
		req.Version = v
	}
	ev, claim, err := s.engine.RetractEvidence(c.Request.Context(), actor(c), claimID, evidenceID, req.Version, req.Reason)
	if err != nil {
		s.respondError(c, err)
		return
	}
	sendEvidence(c, ev, claim)
}

func (s *Server) getSettings(c *gin.Context) {
	st, err := s.engine.Settings(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	s.sendSettings(c, st)
}

func (s *Server) updateSettings(c *gin.Context) {
	var req workflow.SettingsPatch
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	st, err := s.engine.UpdateSettings(c.Request.Context(), actor(c), req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	s.sendSettings(c, st)
}

// settingsBody is the desk's settings with its branding as the public
// pages show it: the name and colours with their defaults filled in.
type settingsBody struct {
	*workflow.DeskSettings
	BrandName       string `json:"brand_name"`
	HeaderColor     string `json:"header_color"`
	HeaderTextColor string `json:"header_text_color"`
	LinkColor       string `json:"link_color"`
	// LogoURL is the uploaded logo's address, absent without one.
	LogoURL string `json:"logo_url,omitempty"`
}

func (s *Server) sendSettings(c *gin.Context, st *workflow.DeskSettings) {
	b, err := s.site.Brand(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, settingsBody{DeskSettings: st, BrandName: b.Name, HeaderColor: b.Colors.Header,
		HeaderTextColor: b.Colors.HeaderText, LinkColor: b.Colors.Link, LogoURL: b.LogoURL})
}
