package sources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/factdesk/factdesk/archive/warc"
	"github.com/factdesk/factdesk/safehttp"
)

// Limits on a source fetch. The size cap is generous for an article and far
// below anything that would strain the server; five redirects cover
// http→https→www→canonical chains with room to spare.
const (
	MaxPageBytes     = 5 << 20
	MaxRedirects     = 5
	DefaultTimeout   = 20 * time.Second
	fetchUserAgent   = "factdesk-source-check/1 (+fact-checking; reads cited pages)"
	fetchAcceptTypes = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"
)

// NewClient returns the guarded client source checks use: public addresses
// only (plus allow), MaxPageBytes, MaxRedirects with every hop's address
// checked again when it is dialed, and timeout for the whole exchange.
func NewClient(allow []netip.Prefix, timeout time.Duration) *safehttp.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return safehttp.New(safehttp.Config{
		AllowCIDRs:   allow,
		Timeout:      timeout,
		MaxBodyBytes: MaxPageBytes,
		MaxRedirects: MaxRedirects,
		UserAgent:    fetchUserAgent,
	})
}

// Fetch is what one request for a cited page found. Either Err is set (no
// usable answer: the page could not be reached or read) or HTTPStatus is.
type Fetch struct {
	At          time.Time
	HTTPStatus  int
	FinalURL    string
	ContentType string
	SHA256      string
	Title       string
	Text        string
	// ErrClass is a stable label for a failure ("timeout", "blocked",
	// "http_status", …) and Detail a sentence for the desk.
	ErrClass string
	Detail   string
	// Exchange is the request and response as sent and received, for the
	// WARC capture; set only when OK.
	Exchange *warc.Fetch
}

// OK reports whether the page answered with a 2xx body that was read.
func (f Fetch) OK() bool { return f.ErrClass == "" && f.HTTPStatus >= 200 && f.HTTPStatus < 300 }

// Missing reports an answer that says the page is not there.
func (f Fetch) Missing() bool {
	return f.HTTPStatus == http.StatusNotFound || f.HTTPStatus == http.StatusGone
}

// ClassHTTPStatus labels an answer whose status is not 2xx.
const ClassHTTPStatus = "http_status"

// FetchPage requests rawURL through client and reduces the answer to a
// Fetch. It never returns an error: every failure is a result to record.
func FetchPage(ctx context.Context, client *safehttp.Client, rawURL string, now time.Time) Fetch {
	return fetchPage(ctx, client, rawURL, now, DefaultTimeout)
}

// fetchPage is FetchPage with the client's timeout, recorded in the
// capture's metadata with the other fetch settings.
func fetchPage(ctx context.Context, client *safehttp.Client, rawURL string, now time.Time, timeout time.Duration) Fetch {
	f := Fetch{At: now}
	// The trace records the address the guard let the final hop connect to.
	ctx, remote := warc.TraceRemoteIP(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return failed(f, err)
	}
	req.Header.Set("Accept", fetchAcceptTypes)
	resp, err := client.Do(req)
	if err != nil {
		return failed(f, err)
	}
	defer resp.Body.Close()
	f.HTTPStatus = resp.StatusCode
	f.FinalURL = resp.Request.URL.String()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		f.ErrClass = ClassHTTPStatus
		f.Detail = fmt.Sprintf("the page answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		return f
	}
	// Read the whole body, not a prefix: the hash has to describe the page,
	// and a page over the cap is refused rather than half-checked.
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return failed(f, err)
	}
	f.ContentType = resp.Header.Get("Content-Type")
	sum := sha256.Sum256(body)
	f.SHA256 = hex.EncodeToString(sum[:])
	f.Title, f.Text = Readable(body, f.ContentType)
	f.Exchange = warc.FromResponse(resp, body, remote(), now, warc.Settings{
		UserAgent: fetchUserAgent, MaxBodyBytes: MaxPageBytes, Timeout: timeout, MaxRedirects: MaxRedirects,
	})
	return f
}

// failed records err. The URL in a *url.Error is the hop that failed, which
// for a refused redirect is the place it pointed to.
func failed(f Fetch, err error) Fetch {
	f.ErrClass = string(safehttp.Classify(err))
	if f.ErrClass == "" {
		f.ErrClass = string(safehttp.ClassHTTP)
	}
	f.Detail = err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		if f.FinalURL == "" {
			f.FinalURL = ue.URL
		}
		f.Detail = ue.Err.Error()
	}
	if len(f.Detail) > 500 {
		// Cut on a byte count, then drop a split rune: Postgres rejects
		// invalid UTF-8.
		f.Detail = strings.ToValidUTF8(f.Detail[:500], "")
	}
	return f
}
