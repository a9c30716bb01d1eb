package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

type deskSettingsView struct {
	// Name is the saved desk name ("" for the default, DefaultName).
	Name, DefaultName string
	Colors            models.BrandColors
	LogoURL           string
	MaxLogoKB         int
	// HeaderContrast and LinkContrast are the saved colours' contrast
	// ratios, shown beside the preview.
	HeaderContrast, LinkContrast float64
}

// webSettings shows the desk's settings: the public pages' branding
// (admins).
func (s *Server) webSettings(c *gin.Context) {
	p := &page{Title: "Desk settings", Nav: "desk-settings"}
	p.flash(c)
	s.renderSettings(c, http.StatusOK, p)
}

func (s *Server) renderSettings(c *gin.Context, status int, p *page) {
	settings, err := s.store.DeskSettings(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	brand, err := s.site.Brand(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	p.Data = deskSettingsView{
		Name: settings.BrandName, DefaultName: s.site.Publisher().Name, Colors: brand.Colors, LogoURL: brand.LogoURL,
		MaxLogoKB:      workflow.MaxLogoBytes >> 10,
		HeaderContrast: workflow.ContrastRatio(brand.Colors.HeaderText, brand.Colors.Header),
		LinkContrast:   workflow.ContrastRatio(brand.Colors.Link, "#ffffff"),
	}
	s.render(c, status, "settings", p)
}

// webSettingsSave saves the branding form (admins): name, colours and an
// uploaded logo, in one change.
func (s *Server) webSettingsSave(c *gin.Context) {
	patch := workflow.BrandingPatch{
		Name:            models.Some(c.PostForm("brand_name")),
		HeaderColor:     models.Some(c.PostForm("header_color")),
		HeaderTextColor: models.Some(c.PostForm("header_text_color")),
		LinkColor:       models.Some(c.PostForm("link_color")),
		RemoveLogo:      c.PostForm("remove_logo") == "true",
	}
	if c.PostForm("reset_colors") == "true" {
		patch.HeaderColor, patch.HeaderTextColor, patch.LinkColor = models.Some(""), models.Some(""), models.Some("")
	}
	file, err := c.FormFile("logo")
	switch {
	case err == nil:
		f, err := file.Open()
		if err != nil {
			s.respondError(c, err)
			return
		}
		// One byte past the limit is enough for the workflow to refuse it.
		patch.Logo, err = io.ReadAll(io.LimitReader(f, workflow.MaxLogoBytes+1))
		f.Close()
		if err != nil {
			s.respondError(c, err)
			return
		}
		patch.RemoveLogo = false
	case !errors.Is(err, http.ErrMissingFile):
		s.respondError(c, models.Errorf(models.EBadRequest, "the logo could not be read from the form; choose the file again"))
		return
	}
	if _, err := s.engine.UpdateBranding(c.Request.Context(), actor(c), patch); err != nil {
		if models.CodeOf(err) != models.EInvalid {
			s.respondError(c, err)
			return
		}
		p := &page{Title: "Desk settings", Nav: "desk-settings", Form: c.Request.PostForm}
		status := s.withProblem(c, p, err)
		s.renderSettings(c, status, p)
		return
	}
	redirect(c, "/admin/settings?done=settings-saved")
}
