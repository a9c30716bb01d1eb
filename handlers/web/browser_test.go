package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
)

// webBrowser is a signed-in (or not) HTTP client with its own cookie jar,
// the way a person's webBrowser talks to the dashboard.
type webBrowser struct {
	t    testing.TB
	env  *apptest.Env
	http *http.Client
	csrf string
}

type webPage struct {
	Status   int
	Location string
	Header   http.Header
	Body     string
}

func newWebBrowser(t testing.TB, env *apptest.Env) *webBrowser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &webBrowser{t: t, env: env, http: &http.Client{
		Jar: jar,
		// Redirects are checked by the tests, not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signedIn returns a webBrowser signed in as u.
func webSignIn(t testing.TB, env *apptest.Env, u apptest.User) *webBrowser {
	t.Helper()
	b := newWebBrowser(t, env)
	res := b.post("/login", url.Values{"email": {u.Email}, "password": {u.Password}, "next": {"/"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("sign in as %s = %d, want 303:\n%s", u.Email, res.Status, res.Body)
	}
	b.refreshCSRF()
	return b
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// refreshCSRF reads the session's form token from a page.
func (b *webBrowser) refreshCSRF() {
	b.t.Helper()
	res := b.get("/")
	m := csrfInput.FindStringSubmatch(res.Body)
	if m == nil {
		b.t.Fatalf("no CSRF token on /: %d\n%s", res.Status, res.Body)
	}
	b.csrf = m[1]
}

func (b *webBrowser) do(req *http.Request) *webPage {
	b.t.Helper()
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return &webPage{Status: res.StatusCode, Location: res.Header.Get("Location"), Header: res.Header, Body: string(body)}
}

func (b *webBrowser) get(path string) *webPage {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.env.URL+path, nil)
	return b.do(req)
}

// post sends a form as is (no token added).
func (b *webBrowser) post(path string, form url.Values) *webPage {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.env.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// submit sends a form with the session's CSRF token, like a page's form.
func (b *webBrowser) submit(path string, form url.Values) *webPage {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", b.csrf)
	return b.post(path, form)
}

func (p *webPage) has(t testing.TB, what ...string) *webPage {
	t.Helper()
	for _, w := range what {
		if !strings.Contains(p.Body, w) {
			t.Errorf("page (status %d) does not contain %q", p.Status, w)
		}
	}
	if t.Failed() {
		t.Logf("body:\n%s", p.Body)
	}
	return p
}

func (p *webPage) lacks(t testing.TB, what ...string) *webPage {
	t.Helper()
	for _, w := range what {
		if strings.Contains(p.Body, w) {
			t.Errorf("page (status %d) contains %q, want it absent", p.Status, w)
		}
	}
	return p
}

func (p *webPage) status(t testing.TB, want int) *webPage {
	t.Helper()
	if p.Status != want {
		t.Fatalf("status = %d, want %d; location %q\n%s", p.Status, want, p.Location, p.Body)
	}
	return p
}
