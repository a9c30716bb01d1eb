package sources_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

// servePage starts a loopback server answering every request with h.
func servePage(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

const article = `<!doctype html><html><head><title>Jobs report</title></head><body>
<nav>Home | World | Business</nav>
<article><h1>Jobs report</h1>
<p>The minister said the rate “fell   by
three points” — the biggest drop in a decade.</p></article></body></html>`

func TestFetchExcerpt(t *testing.T) {
	t.Parallel()

	srv := servePage(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, article)
	})
	client := sources.NewClient(loopback, 5*time.Second)
	f := sources.FetchPage(t.Context(), client, srv.URL+"/jobs", time.Now())
	if !f.OK() {
		t.Fatalf("FetchPage = %+v, want a 200 page", f)
	}
	sum := sha256.Sum256([]byte(article))
	if f.SHA256 != hex.EncodeToString(sum[:]) || f.Title != "Jobs report" || f.FinalURL != srv.URL+"/jobs" ||
		!strings.HasPrefix(f.ContentType, "text/html") {
		t.Errorf("FetchPage = hash %s title %q final %q type %q", f.SHA256, f.Title, f.FinalURL, f.ContentType)
	}

	tests := []struct {
		name    string
		excerpt string
		want    sources.Status
	}{
		// Straight quotes, single spaces, a hyphen and other case against
		// the page's curly quotes, run of whitespace and em dash.
		{"curly quotes and whitespace", `"Fell by three points" - the biggest drop`, sources.StatusVerified},
		{"quoted whole", `“fell by three points”`, sources.StatusVerified},
		{"not there", `"fell by four points"`, sources.StatusExcerptMissing},
		{"none", "", sources.StatusVerified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := sources.Judge(&models.Evidence{Status: "pending", Excerpt: tt.excerpt}, f)
			if v.Status != tt.want {
				t.Fatalf("Judge(%q) = %s (%s), want %s", tt.excerpt, v.Status, v.Excerpt.Status, tt.want)
			}
			if v.Excerpt.Status == sources.ExcerptFound {
				if got := f.Text[v.Excerpt.Start:v.Excerpt.End]; !strings.Contains(got, "three points") {
					t.Errorf("excerpt position covers %q, want the quoted passage", got)
				}
			}
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	t.Parallel()

	// /hop/N redirects to /hop/N-1; /hop/0 is the page.
	var srv *httptest.Server
	srv = servePage(t, func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("%s/hop/%d", srv.URL, n-1), http.StatusFound)
			return
		}
		io.WriteString(w, "arrived")
	})
	client := sources.NewClient(loopback, 5*time.Second)

	f := sources.FetchPage(t.Context(), client, srv.URL+"/hop/5", time.Now())
	if !f.OK() || f.FinalURL != srv.URL+"/hop/0" || f.Text != "arrived" {
		t.Errorf("five redirects: FetchPage = %+v, want the page at /hop/0", f)
	}
	f = sources.FetchPage(t.Context(), client, srv.URL+"/hop/6", time.Now())
	if f.OK() || f.ErrClass != "redirect" {
		t.Errorf("six redirects: FetchPage = %+v, want a refused redirect", f)
	}
}

func TestFetchRedirectToDeniedAddress(t *testing.T) {
	t.Parallel()

	// The target listens on 127.0.0.2, outside the allow-list, and counts
	// any request that gets through.
	var hits atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.2: %v", err)
	}
	target := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "internal")
	}))
	target.Listener.Close()
	target.Listener = ln
	target.Start()
	t.Cleanup(target.Close)

	_, port, _ := net.SplitHostPort(ln.Addr().String())
	tests := []struct{ name, location string }{
		{"other loopback address", target.URL + "/secret"},
		{"IPv6 loopback", "http://[::1]:" + port + "/secret"},
		{"metadata address", "http://169.254.169.254/latest/meta-data/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := servePage(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tt.location, http.StatusMovedPermanently)
			})
			client := sources.NewClient([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, 5*time.Second)
			f := sources.FetchPage(t.Context(), client, start.URL+"/moved", time.Now())
			if f.OK() || f.ErrClass != "blocked" {
				t.Fatalf("FetchPage = %+v, want blocked", f)
			}
			if f.FinalURL != tt.location {
				t.Errorf("FinalURL = %q, want the refused hop %q", f.FinalURL, tt.location)
			}
			v := sources.Judge(&models.Evidence{Status: "pending"}, f)
			if v.Status != sources.StatusUnreachable {
				t.Errorf("Judge = %s, want unreachable", v.Status)
			}
		})
	}
	t.Cleanup(func() {
		if n := hits.Load(); n != 0 {
			t.Errorf("denied address got %d requests, want 0", n)
		}
	})
}

func TestFetchLimits(t *testing.T) {
	t.Parallel()

	t.Run("size", func(t *testing.T) {
		t.Parallel()
		srv := servePage(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			chunk := strings.Repeat("a", 64<<10)
			for written := 0; written <= sources.MaxPageBytes; written += len(chunk) {
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
			}
		})
		f := sources.FetchPage(t.Context(), sources.NewClient(loopback, 10*time.Second), srv.URL, time.Now())
		if f.OK() || f.ErrClass != "too_large" || f.HTTPStatus != 200 {
			t.Errorf("FetchPage(over 5 MiB) = class %q status %d, want too_large after a 200", f.ErrClass, f.HTTPStatus)
		}
	})
	t.Run("exactly the limit", func(t *testing.T) {
		t.Parallel()
		srv := servePage(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, strings.Repeat("b", sources.MaxPageBytes))
		})
		f := sources.FetchPage(t.Context(), sources.NewClient(loopback, 10*time.Second), srv.URL, time.Now())
		if !f.OK() {
			t.Errorf("FetchPage(5 MiB) = %+v, want it read", f.ErrClass)
		}
	})
	t.Run("time", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		srv := servePage(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
		t.Cleanup(func() { close(release) })
		start := time.Now()
		f := sources.FetchPage(t.Context(), sources.NewClient(loopback, 300*time.Millisecond), srv.URL, time.Now())
		if f.ErrClass != "timeout" {
			t.Errorf("FetchPage(slow) class = %q, want timeout", f.ErrClass)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("FetchPage(slow) took %s, want about the 300ms timeout", took)
		}
	})
	t.Run("statuses", func(t *testing.T) {
		t.Parallel()
		for _, code := range []int{404, 410, 500, 403} {
			srv := servePage(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) })
			f := sources.FetchPage(t.Context(), sources.NewClient(loopback, 5*time.Second), srv.URL, time.Now())
			want := sources.StatusUnreachable
			if code == 404 || code == 410 {
				want = sources.StatusGone
			}
			if v := sources.Judge(&models.Evidence{Status: "verified"}, f); f.HTTPStatus != code || v.Status != want {
				t.Errorf("status %d: FetchPage = %d, Judge = %s; want %d, %s", code, f.HTTPStatus, v.Status, code, want)
			}
		}
	})
}

func servePageB(b *testing.B, h http.HandlerFunc) string {
	b.Helper()
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL
}
