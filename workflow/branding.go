package workflow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/gif" // accepted logo types: DecodeConfig knows them
	_ "image/jpeg"
	_ "image/png"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Branding limits. A logo is shown at most a few hundred pixels wide, so
// 256 KiB and 4096 px a side are generous; larger uploads are refused
// rather than stored and served to every reader.
const (
	MaxLogoBytes    = 256 << 10
	maxLogoSide     = 4096
	maxBrandName    = 80
	minTextContrast = 4.5 // WCAG 2 AA for body text
)

// DefaultBrandColors are the public pages' colours where the desk set none.
var DefaultBrandColors = models.BrandColors{Header: "#142033", HeaderText: "#ffffff", Link: "#1f5fbf"}

// pageBackground is the public pages' background, which links sit on.
const pageBackground = "#ffffff"

// logoTypes maps image.DecodeConfig's format names to the content types
// the logo is served with. SVG is not among them: it can carry script.
var logoTypes = map[string]string{"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}

// SettingsHook runs inside the transaction of every change to the desk's
// settings (UpdateSettings, UpdateBranding). Public pages render from the
// settings (name, colours, logo, bylines), so a cache of rendered public
// bytes registers one here to drop or re-version its entries; it sees
// the new settings row through tx.
type SettingsHook func(ctx context.Context, tx *store.Tx, s *models.DeskSettings) error

// OnSettingsChange adds a settings hook. Call it during wiring.
func (e *Engine) OnSettingsChange(h SettingsHook) { e.settingsHooks = append(e.settingsHooks, h) }

func (e *Engine) runSettingsHooks(ctx context.Context, tx *store.Tx, s *models.DeskSettings) error {
	for _, h := range e.settingsHooks {
		if err := h(ctx, tx, s); err != nil {
			return err
		}
	}
	return nil
}

// BrandingPatch changes the desk's branding. Absent fields are left alone;
// an empty colour or name goes back to the default.
type BrandingPatch struct {
	Name            models.Optional[string]
	HeaderColor     models.Optional[string]
	HeaderTextColor models.Optional[string]
	LinkColor       models.Optional[string]
	// Logo, when non-nil, replaces the logo with these bytes.
	Logo []byte
	// RemoveLogo removes the logo (Logo must then be nil).
	RemoveLogo bool
}

// UpdateBranding changes the desk's name, colours and logo (admins), in one
// transaction with the settings hooks. Colours must be #rrggbb (or #rgb),
// and the header text and the links must reach a contrast of 4.5:1 against
// their backgrounds; a logo must be a PNG, JPEG or GIF of at most
// MaxLogoBytes.
func (e *Engine) UpdateBranding(ctx context.Context, actor *models.User, p BrandingPatch) (*models.DeskSettings, error) {
	if err := CanDo(actor, nil, ManageSettings); err != nil {
		return nil, err
	}
	checked, fields := p.check()
	if len(fields) > 0 {
		return nil, models.Invalid("the branding is not valid", fields...)
	}
	var out *models.DeskSettings
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		s, err := tx.LockDeskSettings(ctx)
		if err != nil {
			return err
		}
		if err := e.applyBranding(ctx, tx, s, checked); err != nil {
			return err
		}
		out = s
		return e.runSettingsHooks(ctx, tx, s)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkedBranding is a BrandingPatch whose name and colours are
// normalised and whose logo passed checkLogo.
type checkedBranding struct {
	BrandingPatch
	name string
	logo *models.Logo
}

// changes reports whether the patch changes anything.
func (p BrandingPatch) changes() bool {
	return p.Name.Set || p.HeaderColor.Set || p.HeaderTextColor.Set || p.LinkColor.Set || p.Logo != nil || p.RemoveLogo
}

// check validates p on its own (the contrast needs the stored colours and
// is judged in applyBranding); the field errors name the form's and the
// API's fields.
func (p BrandingPatch) check() (checkedBranding, []models.FieldError) {
	var fields []models.FieldError
	out := checkedBranding{BrandingPatch: p}
	var nameErr string
	out.name, nameErr = brandName(p.Name)
	if nameErr != "" {
		fields = append(fields, models.FieldError{Field: "brand_name", Message: nameErr})
	}
	colors := map[string]*models.Optional[string]{"header_color": &out.HeaderColor, "header_text_color": &out.HeaderTextColor, "link_color": &out.LinkColor}
	for _, f := range []string{"header_color", "header_text_color", "link_color"} {
		o := colors[f]
		if !o.Set {
			continue
		}
		c, ok := ParseHexColor(o.Value)
		if !ok {
			fields = append(fields, models.FieldError{Field: f, Message: fmt.Sprintf("%q is not a colour: write it as # and six hex digits, such as #1f5fbf.", strings.TrimSpace(o.Value))})
			continue
		}
		o.Value = c
	}
	if p.Logo != nil {
		var msg string
		if out.logo, msg = checkLogo(p.Logo); msg != "" {
			fields = append(fields, models.FieldError{Field: "logo", Message: msg})
		}
	}
	return out, fields
}

// applyBranding writes a checked patch onto the locked settings row s
// inside tx, refusing colours that together are hard to read.
func (e *Engine) applyBranding(ctx context.Context, tx *store.Tx, s *models.DeskSettings, p checkedBranding) error {
	if p.Name.Set {
		s.BrandName = p.name
	}
	if p.HeaderColor.Set {
		s.BrandColor = p.HeaderColor.Value
	}
	if p.HeaderTextColor.Set {
		s.BrandTextColor = p.HeaderTextColor.Value
	}
	if p.LinkColor.Set {
		s.LinkColor = p.LinkColor.Value
	}
	if bad := contrastProblems(s.Colors()); len(bad) > 0 {
		return models.Invalid("the colours are hard to read", bad...)
	}
	now := e.now()
	switch {
	case p.logo != nil:
		p.logo.UpdatedAt = now
		if err := tx.SaveLogo(ctx, p.logo); err != nil {
			return err
		}
		s.LogoType, s.LogoSHA256 = p.logo.ContentType, p.logo.SHA256
	case p.RemoveLogo:
		if err := tx.DeleteLogo(ctx); err != nil {
			return err
		}
		s.LogoType, s.LogoSHA256 = "", ""
	}
	s.UpdatedAt = now
	return tx.SaveBranding(ctx, s)
}

func brandName(o models.Optional[string]) (string, string) {
	if !o.Set {
		return "", ""
	}
	name := strings.TrimSpace(o.Value)
	if utf8.RuneCountInString(name) > maxBrandName {
		return "", fmt.Sprintf("The desk's name must be at most %d characters long.", maxBrandName)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", "The desk's name must be one line of text."
		}
	}
	return name, ""
}

// checkLogo accepts a PNG, JPEG or GIF within the limits, judged by its
// bytes (never by a name or a browser's claim), and returns it ready to
// store with its content type and hash.
func checkLogo(b []byte) (*models.Logo, string) {
	if len(b) == 0 {
		return nil, "The logo file is empty."
	}
	if len(b) > MaxLogoBytes {
		return nil, fmt.Sprintf("The logo must be at most %d KB; this file is %d KB.", MaxLogoBytes>>10, (len(b)+1023)>>10)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	ct, ok := logoTypes[format]
	if err != nil || !ok {
		return nil, "The logo must be a PNG, JPEG or GIF image (SVG is not accepted: it can carry scripts)."
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxLogoSide || cfg.Height > maxLogoSide {
		return nil, fmt.Sprintf("The logo must be at most %d pixels on each side; this one is %d×%d.", maxLogoSide, cfg.Width, cfg.Height)
	}
	sum := sha256.Sum256(b)
	return &models.Logo{ContentType: ct, Data: b, SHA256: hex.EncodeToString(sum[:])}, ""
}

// EffectiveColors fills the colours the desk left empty with the defaults.
func EffectiveColors(c models.BrandColors) models.BrandColors {
	if c.Header == "" {
		c.Header = DefaultBrandColors.Header
	}
	if c.HeaderText == "" {
		c.HeaderText = DefaultBrandColors.HeaderText
	}
	if c.Link == "" {
		c.Link = DefaultBrandColors.Link
	}
	return c
}

// contrastProblems checks the colours as they will show: header text on
// the header band, links on the white page.
func contrastProblems(c models.BrandColors) []models.FieldError {
	c = EffectiveColors(c)
	var out []models.FieldError
	if r := ContrastRatio(c.HeaderText, c.Header); r < minTextContrast {
		out = append(out, models.FieldError{Field: "header_text_color", Message: fmt.Sprintf(
			"The header text (%s) on the header colour (%s) has a contrast of %.1f:1; it needs at least 4.5:1 to be readable. Make one of them lighter or darker.", c.HeaderText, c.Header, r)})
	}
	if r := ContrastRatio(c.Link, pageBackground); r < minTextContrast {
		out = append(out, models.FieldError{Field: "link_color", Message: fmt.Sprintf(
			"Links in %s on the white page have a contrast of %.1f:1; they need at least 4.5:1 to be readable. Choose a darker colour.", c.Link, r)})
	}
	return out
}

// ParseHexColor accepts #rrggbb or #rgb (any case, surrounding spaces) and
// returns it as lowercase #rrggbb; an empty string stays empty (the
// default colour).
func ParseHexColor(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", true
	}
	if len(s) == 4 && s[0] == '#' {
		s = "#" + strings.Repeat(s[1:2], 2) + strings.Repeat(s[2:3], 2) + strings.Repeat(s[3:4], 2)
	}
	if len(s) != 7 || s[0] != '#' {
		return "", false
	}
	if _, err := strconv.ParseUint(s[1:], 16, 32); err != nil {
		return "", false
	}
	return s, true
}

// ContrastRatio is the WCAG 2 contrast ratio of two #rrggbb colours, from
// 1 (the same) to 21 (black on white).
func ContrastRatio(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the relative luminance of a #rrggbb colour (WCAG 2).
func luminance(hex string) float64 {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	channel := func(shift uint) float64 {
		c := float64((v>>shift)&0xff) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(16) + 0.7152*channel(8) + 0.0722*channel(0)
}
