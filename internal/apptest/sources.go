package apptest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
)

// SourceDesk starts a desk whose source client may reach loopback test
// servers, with a quick queue poll so checks start promptly. The tests of
// every HTTP surface that cite pages use it.
func SourceDesk(t *testing.T, opts ...Option) *Env {
	t.Helper()
	base := func(c *app.Config) {
		c.FetchAllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		c.FetchTimeout = 5 * time.Second
		c.SourcePollInterval = 50 * time.Millisecond
	}
	return New(t, append([]Option{base}, opts...)...)
}

// SourcePage is a loopback site whose answer the test changes as it goes.
type SourcePage struct {
	// Hits counts the requests the site answered.
	Hits atomic.Int64
	// Srv is the site; close it to take the site offline.
	Srv *httptest.Server

	mu     sync.Mutex
	status int
	body   string
}

// NewSourcePage serves body with 200 until Set changes it; the site closes
// when the test ends.
func NewSourcePage(t *testing.T, body string) *SourcePage {
	t.Helper()
	p := &SourcePage{status: http.StatusOK, body: body}
	p.Srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.Hits.Add(1)
		p.mu.Lock()
		status, body := p.status, p.body
		p.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(p.Srv.Close)
	return p
}

// URL is the site's base URL.
func (p *SourcePage) URL() string { return p.Srv.URL }

// Set changes what the site answers from now on.
func (p *SourcePage) Set(status int, body string) {
	p.mu.Lock()
	p.status, p.body = status, body
	p.mu.Unlock()
}

// SourceArticle is a news page holding text in its article, with a menu
// the readable-text extraction must leave out.
func SourceArticle(title, text string) string {
	return "<!doctype html><html><head><title>" + title + "</title></head><body><nav>Menu</nav><article><p>" +
		text + "</p></article></body></html>"
}
