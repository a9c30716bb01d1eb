package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func TestWebLogin(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	b := newWebBrowser(t, env)

	res := b.get("/").status(t, http.StatusSeeOther)
	if res.Location != "/login?next=%2F" {
		t.Errorf("signed-out GET / redirects to %q, want /login?next=%%2F", res.Location)
	}
	b.get("/login").status(t, http.StatusOK).has(t, `<label for="email">Email</label>`, `<label for="password">Password</label>`, "Sign in")

	bad := b.post("/login", url.Values{"email": {checker.Email}, "password": {"wrong-password"}})
	bad.status(t, http.StatusUnauthorized).has(t, "Wrong email or password", `value="`+checker.Email+`"`)

	ok := b.post("/login", url.Values{"email": {checker.Email}, "password": {checker.Password}, "next": {"/board"}})
	ok.status(t, http.StatusSeeOther)
	if ok.Location != "/board" {
		t.Errorf("after sign-in redirect to %q, want /board", ok.Location)
	}
	cookie := ok.Header.Get("Set-Cookie")
	for _, want := range []string{"factdesk_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("session cookie %q is Secure on plain HTTP without a trusted proxy", cookie)
	}
	b.refreshCSRF()
	b.get("/").status(t, http.StatusOK).has(t, checker.Name, "My queue")

	// Signing out needs the form token, and deletes the session row.
	b.post("/logout", nil).status(t, http.StatusForbidden)
	b.submit("/logout", nil).status(t, http.StatusSeeOther)
	b.get("/").status(t, http.StatusSeeOther)
	var n int64
	env.App.Store.SQL().QueryRow("SELECT count(*) FROM web_sessions WHERE user_id = $1", checker.ID).Scan(&n)
	if n != 0 {
		t.Errorf("%d sessions left after sign-out, want 0", n)
	}
}

func TestWebLoginOpenRedirect(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	u := env.User(t, models.RoleViewer)
	for _, next := range []string{"https://evil.example", "//evil.example", "/\\evil.example"} {
		res := newWebBrowser(t, env).post("/login", url.Values{"email": {u.Email}, "password": {u.Password}, "next": {next}})
		if res.Status != http.StatusSeeOther || res.Location != "/" {
			t.Errorf("next=%q: %d to %q, want 303 to /", next, res.Status, res.Location)
		}
	}
}

// TestWebLoginNextNormalised covers destinations that look local to a
// naive check but that a browser normalises into another origin: it strips
// tabs and newlines, treats a backslash as a slash, and resolves "//" as
// scheme-relative. Each raw query is sent as is, encoded or not.
func TestWebLoginNextNormalised(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	b := webSignIn(t, env, env.User(t, models.RoleViewer))
	refused := []string{
		"/%09/evil.example/", "/%0a/evil.example/", "/%0d/evil.example/", "%09//evil.example",
		"/%5Cevil.example", "/%5C%5Cevil.example", "%2F%2Fevil.example", "/%2F/evil.example",
		"/%2f%5cevil.example", "//evil.example", "///evil.example", "https:evil.example",
		"javascript:alert(1)", "/%7f", "evil.example", "",
		"/" + strings.Repeat("a", 3000),
	}
	for _, raw := range refused {
		res := b.get("/login?next=" + raw)
		if res.Status != http.StatusSeeOther || res.Location != "/" {
			t.Errorf("signed in, GET /login?next=%s = %d to %q, want 303 to /", raw, res.Status, res.Location)
		}
	}
	// NUL and invalid UTF-8 never reach the page: the edge refuses them.
	for _, raw := range []string{"/%00/evil.example", "/%ff"} {
		if res := b.get("/login?next=" + raw); res.Status != http.StatusUnprocessableEntity || res.Location != "" {
			t.Errorf("signed in, GET /login?next=%s = %d to %q, want 422", raw, res.Status, res.Location)
		}
	}
	kept := map[string]string{"%2Fboard": "/board", "/claims/7%3Ftab%3Dhistory": "/claims/7?tab=history", "/a%20b": "/a%20b"}
	for raw, want := range kept {
		if res := b.get("/login?next=" + raw); res.Status != http.StatusSeeOther || res.Location != want {
			t.Errorf("signed in, GET /login?next=%s = %d to %q, want 303 to %q", raw, res.Status, res.Location, want)
		}
	}
}

func TestWebLoginRateLimited(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	u := env.User(t, models.RoleChecker)
	b := newWebBrowser(t, env)
	for i := 0; i < 10; i++ {
		b.post("/login", url.Values{"email": {u.Email}, "password": {"not-the-password"}}).status(t, http.StatusUnauthorized)
	}
	// Past the limit even the right password is refused, with a message
	// that says when to try again.
	p := b.post("/login", url.Values{"email": {u.Email}, "password": {u.Password}}).
		status(t, http.StatusTooManyRequests).has(t, "Too many failed sign-ins", "try again in")
	if secs, err := strconv.Atoi(p.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 900 {
		t.Errorf("429 Retry-After = %q, want whole seconds within the 15-minute window", p.Header.Get("Retry-After"))
	}
}

func TestWebSecureCookieBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	for _, trusted := range []bool{false, true} {
		env := apptest.New(t, func(c *app.Config) { c.TrustForwardedProto = trusted })
		u := env.User(t, models.RoleViewer)
		form := url.Values{"email": {u.Email}, "password": {u.Password}}
		req, _ := http.NewRequest("POST", env.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		res := newWebBrowser(t, env).do(req)
		secure := strings.Contains(res.Header.Get("Set-Cookie"), "Secure")
		if secure != trusted {
			t.Errorf("trusted proxy %v: cookie Secure = %v, want %v (%s)", trusted, secure, trusted, res.Header.Get("Set-Cookie"))
		}
	}
}

// TestWebSessionAcrossProcesses signs in on one server and uses the cookie
// on a second one over the same database, as after a restart or behind a
// load balancer.
func TestWebSessionAcrossProcesses(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	u := env.User(t, models.RoleEditor)
	b := webSignIn(t, env, u)

	other, err := app.Open(context.Background(), app.Config{DatabaseURL: env.DBURL, Audit: env.App.Config.Audit}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(other.Handler())
	t.Cleanup(func() { srv.Close(); other.Close() })
	base, _ := url.Parse(env.URL)
	req, _ := http.NewRequest("GET", srv.URL+"/board", nil)
	for _, c := range b.http.Jar.Cookies(base) {
		req.AddCookie(c)
	}
	res := b.do(req)
	res.status(t, http.StatusOK).has(t, u.Name, "Board")
}

func TestWebDeactivationEndsSessions(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	checker := env.User(t, models.RoleChecker)
	victim := webSignIn(t, env, checker)
	victim.get("/").status(t, http.StatusOK)

	adm := webSignIn(t, env, admin)
	adm.submit("/admin/users/"+itoa(checker.ID), url.Values{"active": {"false"}, "confirm": {"yes"}}).status(t, http.StatusSeeOther)

	victim.get("/").status(t, http.StatusSeeOther)
	var n int64
	env.App.Store.SQL().QueryRow("SELECT count(*) FROM web_sessions WHERE user_id = $1", checker.ID).Scan(&n)
	if n != 0 {
		t.Errorf("%d sessions left after deactivation, want 0", n)
	}
}

func TestWebCSRF(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	b := webSignIn(t, env, checker)
	form := url.Values{"text": {"A claim"}}

	b.post("/claims/new", form).status(t, http.StatusForbidden).has(t, "You cannot do that", "reload the page")
	form.Set("csrf_token", "forged")
	b.post("/claims/new", form).status(t, http.StatusForbidden)

	// A valid token sent from another site is still refused.
	form.Set("csrf_token", b.csrf)
	req, _ := http.NewRequest("POST", env.URL+"/claims/new", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	b.do(req).status(t, http.StatusForbidden).has(t, "another site")

	// Sign-in has no session yet; Fetch metadata guards it.
	login := url.Values{"email": {checker.Email}, "password": {checker.Password}}
	req, _ = http.NewRequest("POST", env.URL+"/login", strings.NewReader(login.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	newWebBrowser(t, env).do(req).status(t, http.StatusForbidden)

	// The token travels as a header for htmx requests too.
	req, _ = http.NewRequest("POST", env.URL+"/claims/new", strings.NewReader(url.Values{"text": {"Header token claim"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", b.csrf)
	b.do(req).status(t, http.StatusSeeOther)
}

func TestWebSecurityHeaders(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	b := newWebBrowser(t, env)
	for _, path := range []string{"/login", "/", "/no-such-page"} {
		res := b.get(path)
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q, want script-src 'self' without unsafe-inline", path, csp)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: nosniff %q, referrer %q", path, res.Header.Get("X-Content-Type-Options"), res.Header.Get("Referrer-Policy"))
		}
	}
}

func TestWebStatic(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	b := newWebBrowser(t, env)
	login := b.get("/login")
	for _, name := range []string{"app.css", "app.js", "htmx.min.js"} {
		i := strings.Index(login.Body, "/static/"+name+"?v=")
		if i < 0 {
			t.Fatalf("the layout does not link %s", name)
		}
		link := login.Body[i:]
		link = link[:strings.IndexByte(link, '"')]
		res := b.get(strings.ReplaceAll(link, "&amp;", "&")).status(t, http.StatusOK)
		if !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable for a versioned URL", link, res.Header.Get("Cache-Control"))
		}
	}
	b.get("/static/nope.js").status(t, http.StatusNotFound)
	b.get("/static/../go.mod").status(t, http.StatusNotFound)
}

func TestWebErrorPages(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	viewer := webSignIn(t, env, env.User(t, models.RoleViewer))
	viewer.get("/claims/999999").status(t, http.StatusNotFound).has(t, "Not found", "claim 999999 not found", `href="/board"`)
	viewer.get("/claims/abc").status(t, http.StatusNotFound)
	viewer.get("/no-such-page").status(t, http.StatusNotFound).has(t, "Not found", "viewer")
	viewer.get("/admin/users").status(t, http.StatusForbidden).has(t, "You cannot do that", "admin role", `href="/"`)
}
