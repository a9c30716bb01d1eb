package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

const metricsToken = "metrics-token-for-tests-0123456789"

// desk is a desk with a claim, an admin signed in to both the API and the
// dashboard, and metrics on.
type desk struct {
	env     *apptest.Env
	admin   apptest.User
	claimID int64
	browser *http.Client
}

func newDesk(t *testing.T, opts ...apptest.Option) *desk {
	t.Helper()
	opts = append(opts, func(c *app.Config) { c.Ops.MetricsToken = metricsToken })
	env := apptest.New(t, opts...)
	admin := env.User(t, models.RoleAdmin)
	c := env.Claim(t, admin, "The bridge cost 40 million to build")
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := browser.PostForm(env.URL+"/login", url.Values{"email": {admin.Email}, "password": {admin.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
		t.Fatalf("sign-in: status %d", res.StatusCode)
	}
	return &desk{env: env, admin: admin, claimID: c.ID, browser: browser}
}

// concrete fills a route template's parameters with values that exist
// where the desk has them.
func (d *desk) concrete(template string) string {
	var out []string
	for _, seg := range strings.Split(template, "/") {
		switch {
		case seg == ":id":
			seg = strconv.FormatInt(d.claimID, 10)
		case strings.HasPrefix(seg, ":"):
			seg = "1"
		case strings.HasPrefix(seg, "*"):
			seg = "app.css"
		}
		out = append(out, seg)
	}
	return strings.Join(out, "/")
}

type answer struct {
	status int
	header http.Header
	body   []byte
	stream bool
}

// send makes a request as the admin: a bearer token for the API, the
// signed-in browser elsewhere. A server-sent-event stream is not read.
func (d *desk) send(t *testing.T, method, path string, header http.Header) answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, d.env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	switch {
	case strings.HasPrefix(path, "/api/"):
		req.Header.Set("Authorization", "Bearer "+d.admin.Token)
	case path == "/metrics":
		req.Header.Set("Authorization", "Bearer "+metricsToken)
	}
	res, err := d.browser.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	a := answer{status: res.StatusCode, header: res.Header}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		a.stream = true
		return a
	}
	if a.body, err = io.ReadAll(res.Body); err != nil {
		t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return a
}

// varying headers differ between two requests for the same thing.
var varying = []string{"Date", "X-Request-Id", "Set-Cookie", "Content-Length"}

func TestHeadAnswersEveryGetRoute(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	for _, r := range d.env.App.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		path := d.concrete(r.Path)
		get := d.send(t, http.MethodGet, path, nil)
		head := d.send(t, http.MethodHead, path, nil)
		if head.status != get.status {
			t.Errorf("HEAD %s (%s): status %d, GET gave %d", path, r.Path, head.status, get.status)
			continue
		}
		if len(head.body) != 0 {
			t.Errorf("HEAD %s: %d bytes of body", path, len(head.body))
		}
		for name := range get.header {
			if slices.Contains(varying, name) {
				continue
			}
			if g, h := get.header.Values(name), head.header.Values(name); !slices.Equal(g, h) {
				t.Errorf("HEAD %s: %s is %q, GET gave %q", path, name, h, g)
			}
		}
		for name := range head.header {
			if get.header.Values(name) == nil && !slices.Contains(varying, name) {
				t.Errorf("HEAD %s: header %s that GET does not send", path, name)
			}
		}
		// A stream has no length; the metrics count the GET just made.
		if get.stream || path == "/metrics" {
			continue
		}
		if n, err := strconv.Atoi(head.header.Get("Content-Length")); err != nil || n != len(get.body) {
			t.Errorf("HEAD %s: Content-Length %q, the GET body has %d bytes", path, head.header.Get("Content-Length"), len(get.body))
		}
	}
}

// templateMatches reports whether gin would route path to template.
func templateMatches(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	for i, seg := range ts {
		if strings.HasPrefix(seg, "*") {
			return len(ps) >= i
		}
		if i >= len(ps) || (seg != ps[i] && !(strings.HasPrefix(seg, ":") && ps[i] != "")) {
			return false
		}
	}
	return len(ts) == len(ps)
}

func TestWrongMethodIs405WithAllow(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	routes := d.env.App.Routes()
	seen := map[string]bool{}
	for _, r := range routes {
		path := d.concrete(r.Path)
		if seen[path] {
			continue
		}
		seen[path] = true
		var allowed []string
		for _, o := range routes {
			if templateMatches(o.Path, path) && !slices.Contains(allowed, o.Method) {
				allowed = append(allowed, o.Method)
			}
		}
		if slices.Contains(allowed, http.MethodGet) {
			allowed = append(allowed, http.MethodHead)
		}
		slices.Sort(allowed)
		// A method no route of the path takes.
		var wrong string
		for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodPost} {
			if !slices.Contains(allowed, m) {
				wrong = m
				break
			}
		}
		if wrong == "" {
			continue
		}
		a := d.send(t, wrong, path, nil)
		if a.status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s (%s): status %d, want 405", wrong, path, r.Path, a.status)
			continue
		}
		if got := a.header.Get("Allow"); got != strings.Join(allowed, ", ") {
			t.Errorf("%s %s: Allow %q, want %q", wrong, path, got, strings.Join(allowed, ", "))
		}
		if strings.HasPrefix(path, "/api/") && a.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("PUT %s: Content-Type %q, want problem+json", path, a.header.Get("Content-Type"))
		}
	}
	// HEAD follows GET: on a path without GET it is a wrong method too.
	if a := d.send(t, http.MethodHead, "/api/v1/auth/token", nil); a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "POST" {
		t.Errorf("HEAD /api/v1/auth/token: %d, Allow %q; want 405, POST", a.status, a.header.Get("Allow"))
	}
}

func TestCORSIsOffByDefault(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	a := d.send(t, http.MethodOptions, "/api/v1/claims", http.Header{"Origin": {"https://tools.example.org"}, "Access-Control-Request-Method": {"POST"}})
	if a.status != http.StatusMethodNotAllowed || a.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("preflight with CORS off: %d, Access-Control-Allow-Origin %q", a.status, a.header.Get("Access-Control-Allow-Origin"))
	}
	if got := a.header.Get("Allow"); got != "GET, HEAD, POST" {
		t.Fatalf("Allow %q", got)
	}
}

func TestCORSAllowsConfiguredOrigins(t *testing.T) {
	t.Parallel()
	const origin = "https://tools.example.org"
	d := newDesk(t, func(c *app.Config) { c.Ops.CORSOrigins = []string{origin} })
	pre := d.send(t, http.MethodOptions, "/api/v1/claims", http.Header{"Origin": {origin}, "Access-Control-Request-Method": {"POST"}})
	if pre.status != http.StatusNoContent {
		t.Fatalf("preflight: status %d: %s", pre.status, pre.body)
	}
	if pre.header.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(pre.header.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight headers: %v", pre.header)
	}
	get := d.send(t, http.MethodGet, "/api/v1/claims", http.Header{"Origin": {origin}})
	if get.status != http.StatusOK || get.header.Get("Access-Control-Allow-Origin") != origin || !slices.Contains(get.header.Values("Vary"), "Origin") {
		t.Fatalf("GET from the origin: %d, %v", get.status, get.header)
	}
	other := d.send(t, http.MethodOptions, "/api/v1/claims", http.Header{"Origin": {"https://evil.example"}, "Access-Control-Request-Method": {"POST"}})
	if other.status != http.StatusMethodNotAllowed || other.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("preflight from another origin: %d, %v", other.status, other.header)
	}
	if a := d.send(t, http.MethodOptions, "/api/v1/claims", nil); !strings.Contains(a.header.Get("Allow"), "OPTIONS") {
		t.Fatalf("with CORS on, Allow should list OPTIONS: %q", a.header.Get("Allow"))
	}
	// Pages are never cross-origin.
	page := d.send(t, http.MethodGet, "/factchecks", http.Header{"Origin": {origin}})
	if page.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("a page answered with CORS headers")
	}
}
