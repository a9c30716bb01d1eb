package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/web"
)

type profileView struct {
	Zone string
	// Now is the current time, shown in the chosen zone as a check.
	Now   time.Time
	Zones []string
}

// webProfile is the signed-in person's own settings: the time zone the
// dashboard shows times in.
func (s *Server) webProfile(c *gin.Context) {
	p := &page{Title: "Your settings", Nav: "settings"}
	p.flash(c)
	s.renderProfile(c, http.StatusOK, p, actor(c).TimeZone)
}

func (s *Server) renderProfile(c *gin.Context, status int, p *page, zone string) {
	p.Data = &profileView{Zone: zone, Now: time.Now(), Zones: web.TimeZones}
	s.render(c, status, "profile", p)
}

// webProfileSave records the time zone.
func (s *Server) webProfileSave(c *gin.Context) {
	zone := c.PostForm("time_zone")
	if _, err := s.engine.SetTimeZone(c.Request.Context(), actor(c), zone); err != nil {
		p := &page{Title: "Your settings", Nav: "settings", Form: c.Request.PostForm}
		status := s.withProblem(c, p, err)
		s.renderProfile(c, status, p, zone)
		return
	}
	redirect(c, "/settings?done=profile-saved")
}
