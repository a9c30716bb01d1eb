// Package safehttp is factdesk's only client for outbound HTTP to URLs that
// users supply: webhook endpoints and pages cited as sources. It refuses to
// connect to loopback, private, link-local and other internal addresses
// (SSRF protection) unless the operator allows them.
//
// The address check runs when a connection is dialed, against the IP that
// is actually dialed, so neither DNS rebinding nor a redirect can get past
// a check made earlier. CheckURL runs the same check up front, to reject a
// bad webhook endpoint while the user is still looking at the form.
package safehttp

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Client sends HTTP requests under the address policy. It is safe for
// concurrent use; create one per Config and reuse it so connections are
// pooled.
type Client struct {
	http         *http.Client
	policy       policy
	resolver     Resolver
	maxBodyBytes int64
	maxRedirects int
	userAgent    string
}

// New returns a Client for cfg, filling zero fields with the defaults
// documented on Config.
func New(cfg Config) *Client {
	c := &Client{
		policy:       policy{allow: cfg.AllowCIDRs},
		resolver:     cfg.Resolver,
		maxBodyBytes: cfg.MaxBodyBytes,
		maxRedirects: max(cfg.MaxRedirects, 0),
		userAgent:    cfg.UserAgent,
	}
	if c.resolver == nil {
		c.resolver = net.DefaultResolver
	}
	if c.maxBodyBytes <= 0 {
		c.maxBodyBytes = DefaultMaxBodyBytes
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}

	dialer := &net.Dialer{
		Timeout: timeout,
		// A second look at the address the socket is about to connect to.
		// dial only ever passes checked IPs, so this guards against future
		// changes to that code rather than against an attacker.
		Control: c.policy.control,
	}
	transport := &http.Transport{
		// Never honour HTTP_PROXY and friends: a proxy would make the
		// connection for us, to an address we never get to check.
		Proxy:                 nil,
		DialContext:           c.dialFunc(dialer),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	c.http = &http.Client{
		Transport:     transport,
		CheckRedirect: c.checkRedirect,
		Timeout:       timeout,
	}
	return c
}

// Do sends req. The response body fails with ErrTooLarge once more than
// Config.MaxBodyBytes have been read; the caller must close it as usual.
// A 3xx response is returned as is when Config.MaxRedirects is zero.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if err := checkScheme(req.URL); err != nil {
		return nil, err
	}
	if req.Header.Get("User-Agent") == "" {
		// Clone rather than set: the caller may reuse req, and
		// net/http asks that requests not be modified once sent.
		req = req.Clone(req.Context())
		if req.Header == nil {
			req.Header = make(http.Header)
		}
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: c.maxBodyBytes, max: c.maxBodyBytes}
	return resp, nil
}

// Get fetches rawURL with a GET request bound to ctx.
func (c *Client) Get(ctx context.Context, rawURL string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidURL, err)
	}
	return c.Do(req)
}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if c.maxRedirects == 0 {
		return http.ErrUseLastResponse
	}
	if len(via) > c.maxRedirects {
		return fmt.Errorf("%w: stopped after %d redirects", ErrRedirect, c.maxRedirects)
	}
	// The next hop's address is checked when it is dialed; only the scheme
	// needs checking here.
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: location %q does not use http or https", ErrRedirect, req.URL.Redacted())
	}
	return nil
}

func checkScheme(u *url.URL) error {
	if u == nil {
		return fmt.Errorf("%w: missing URL", ErrInvalidURL)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: scheme %q is not http or https", ErrInvalidURL, u.Scheme)
	}
	return nil
}
