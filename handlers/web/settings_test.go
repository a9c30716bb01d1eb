package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// upload sends a multipart form with the session's CSRF token and, when
// logo is not nil, a file field "logo".
func (b *webBrowser) upload(path string, fields map[string]string, logo []byte) *webPage {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf_token", b.csrf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if logo != nil {
		f, _ := w.CreateFormFile("logo", "logo.png")
		f.Write(logo)
	}
	w.Close()
	req, _ := http.NewRequest("POST", b.env.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 60, 24))
	for x := range 60 {
		img.Set(x, 12, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWebBranding: an admin names the desk, sets its colours and uploads a
// logo; the public pages show them, with a CSP that allows the colours and
// the logo served as the image it is. Bad colours, unreadable contrast and
// files that are not images are refused in words.
func TestWebBranding(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	editor := env.User(t, models.RoleEditor)
	webSignIn(t, env, editor).get("/admin/settings").status(t, http.StatusForbidden)
	b := webSignIn(t, env, admin)
	b.get("/").has(t, `href="/admin/settings"`)
	b.get("/admin/settings").status(t, http.StatusOK).has(t, `<label for="brand-name">`, `type="color"`, `enctype="multipart/form-data"`, "No logo yet")

	colours := map[string]string{"brand_name": "Harbour Desk", "header_color": "#0B3D2E", "header_text_color": "#ffffff", "link_color": "#0a5c36"}
	res := b.upload("/admin/settings", colours, testPNG(t)).status(t, http.StatusSeeOther)
	b.get(res.Location).has(t, "Settings saved", `value="Harbour Desk"`, `value="#0b3d2e"`, `alt="The current logo"`)

	// The dashboard's top bar and title carry the name and the logo, and
	// the footer links to the API docs and the user's settings.
	b.get("/board").has(t, `<span>Harbour Desk</span>`, `<title>Board · Harbour Desk</title>`, `class="brand-logo" src="/brand/logo?v=`,
		`href="/api/docs">API docs</a>`, `href="/settings">Your settings</a>`)
	// So do the feeds.
	b.get("/factchecks.rss").status(t, http.StatusOK).has(t, "<title>Harbour Desk fact checks</title>", "Fact checks published by Harbour Desk")
	b.get("/factchecks.json").status(t, http.StatusOK).has(t, `"title":"Harbour Desk fact checks"`, `"name":"Harbour Desk"`)

	pub := b.get("/factchecks").status(t, http.StatusOK)
	pub.has(t, "Harbour Desk", "--brand-bg:#0b3d2e", "--link:#0a5c36", `<img src="/brand/logo?v=`, `rel="icon" href="/favicon.ico"`)
	csp := pub.Header.Get("Content-Security-Policy")
	if strings.Count(csp, "'sha256-") != 2 || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("public CSP = %q, want the sheet's and the colours' hashes", csp)
	}
	logoURL := regexp1(t, `<img src="(/brand/logo\?v=[0-9a-f]+)"`, pub.Body)
	logo := newWebBrowser(t, env).get(logoURL).status(t, http.StatusOK)
	if logo.Header.Get("Content-Type") != "image/png" || logo.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(logo.Header.Get("Cache-Control"), "immutable") || logo.Body != string(testPNG(t)) {
		t.Errorf("logo served with %v, %d bytes", logo.Header, len(logo.Body))
	}

	// Refusals, in words, keeping the rest of the form.
	bad := b.upload("/admin/settings", map[string]string{"brand_name": "Kept", "header_color": "green", "header_text_color": "#fff", "link_color": "#1f5fbf"}, nil)
	bad.status(t, http.StatusUnprocessableEntity).has(t, `&#34;green&#34; is not a colour`, `value="Kept"`)
	pale := b.upload("/admin/settings", map[string]string{"header_color": "#ffff66", "header_text_color": "#ffffff", "link_color": "#99ccff"}, nil)
	pale.status(t, http.StatusUnprocessableEntity).has(t, "needs at least 4.5:1", "Choose a darker colour")
	svg := b.upload("/admin/settings", colours, []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	svg.status(t, http.StatusUnprocessableEntity).has(t, "must be a PNG, JPEG or GIF")
	b.upload("/admin/settings", colours, make([]byte, 2<<20)).status(t, http.StatusRequestEntityTooLarge).has(t, "larger than 1 MB")
	// Nothing of the refused forms was saved.
	b.get("/factchecks").has(t, "--brand-bg:#0b3d2e")

	// Removing the logo takes it off the pages and its address.
	b.upload("/admin/settings", map[string]string{"brand_name": "Harbour Desk", "remove_logo": "true", "reset_colors": "true"}, nil).status(t, http.StatusSeeOther)
	b.get("/factchecks").lacks(t, "/brand/logo").has(t, "--brand-bg:#142033")
	newWebBrowser(t, env).get("/brand/logo").status(t, http.StatusNotFound).has(t, "No logo", "has not uploaded a logo").lacks(t, "No fact check here")
}

// TestPublicNotFound: a missing fact check, a malformed slug and an
// unknown path under /factchecks/ all answer 404 with the public page in
// the desk's branding, never the dashboard's.
func TestPublicNotFound(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	b := newWebBrowser(t, env)
	for _, path := range []string{"/factchecks/999-no-such-check", "/factchecks/no-such-check", "/factchecks/1-x/extra/parts"} {
		p := b.get(path).status(t, http.StatusNotFound)
		p.has(t, "No fact check here", `class="masthead"`, `href="/factchecks"`, `rel="icon"`).lacks(t, "Sign in", `class="topbar"`)
		if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control = %q", path, cc)
		}
		if csp := p.Header.Get("Content-Security-Policy"); strings.Count(csp, "'sha256-") != 2 {
			t.Errorf("%s: CSP = %q", path, csp)
		}
	}
}

// regexp1 returns pattern's first group in s.
func regexp1(t *testing.T, pattern, s string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in:\n%s", pattern, s)
	}
	return m[1]
}
