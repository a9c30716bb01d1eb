package publish

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// LogoPath is where the desk's uploaded logo is served (handlers/public).
const LogoPath = "/brand/logo"

// Brand is how the desk presents itself on public pages: its name, logo
// and colours, from the desk's settings (workflow.UpdateBranding).
type Brand struct {
	// Name is the desk's name: the settings' brand name, else the
	// configured publisher name, else "factdesk".
	Name string
	// LogoURL is the logo's address with its hash (so it can be cached
	// for good), or "" without a logo.
	LogoURL string
	// Colors are the colours in use, defaults filled in.
	Colors models.BrandColors
	// Version is when the settings last changed: a cache of rendered
	// public pages keys on it (or drops its entries through
	// workflow.Engine.OnSettingsChange).
	Version time.Time
	// css is the custom-property block the colours become.
	css string
}

// Brand loads the desk's branding. It reads the settings row only, never
// the logo's bytes.
func (s *Site) Brand(ctx context.Context) (Brand, error) {
	settings, err := s.store.DeskSettings(ctx)
	if err != nil {
		return Brand{}, err
	}
	return s.brandFrom(settings), nil
}

func (s *Site) brandFrom(settings *models.DeskSettings) Brand {
	b := Brand{Name: settings.DeskName(s.cfg.PublisherName), Colors: workflow.EffectiveColors(settings.Colors()), Version: settings.UpdatedAt}
	if settings.LogoSHA256 != "" {
		b.LogoURL = LogoPath + "?v=" + settings.LogoSHA256[:16]
	}
	// The colours were validated as #rrggbb when saved, so they are safe
	// inside a style element.
	b.css = fmt.Sprintf(":root{--brand-bg:%s;--brand-fg:%s;--link:%s}", b.Colors.Header, b.Colors.HeaderText, b.Colors.Link)
	return b
}

// CSP is the Content-Security-Policy of a page rendered with b: nothing
// runs, and the two style elements (the sheet and b's colours) are
// allowed by their hashes.
func (b Brand) CSP() string {
	return "default-src 'none'; style-src " + styleHashSrc(css) + " " + styleHashSrc(b.css) +
		"; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

func (b Brand) styleCSS() template.CSS { return template.CSS(b.css) }

func styleHashSrc(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// Logo returns the desk's uploaded logo; without one it is not found.
func (s *Site) Logo(ctx context.Context) (*models.Logo, error) { return s.store.Logo(ctx) }
