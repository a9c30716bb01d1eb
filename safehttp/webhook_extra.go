package safehttp

import "net/http"

// SetMaxIdleConnsPerHost sets how many idle keep-alive connections the
// client keeps per host. net/http's default of two suits fetching pages
// from many sites, but a webhook sender runs many concurrent requests to
// the same receiver, and with two idle slots most connections are closed
// after one request and reopened for the next. Call it before the client
// is first used.
func (c *Client) SetMaxIdleConnsPerHost(n int) {
	if t, ok := c.http.Transport.(*http.Transport); ok {
		t.MaxIdleConnsPerHost = n
		t.MaxIdleConns = max(t.MaxIdleConns, n)
	}
}
