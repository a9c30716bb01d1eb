package webhooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/app"
)

// TestSSRFGuardAtCreation: with no allow list, an endpoint pointing at an
// internal address, in any spelling, is refused with 422 and the reason,
// on create and on PATCH.
func TestSSRFGuardAtCreation(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *app.Config) {}) // no allow list: production defaults
	cases := []struct{ url, reason string }{
		{"http://169.254.169.254/latest/meta-data", "link-local"},
		{"http://127.0.0.1:8080/hook", "loopback"},
		{"http://[::1]/hook", "loopback"},
		{"http://[::ffff:127.0.0.1]/hook", "loopback"},
		{"http://[::ffff:169.254.169.254]/hook", "link-local"},
		{"http://0.0.0.0/hook", "unspecified"},
		{"http://10.0.0.1/hook", "private"},
		{"http://172.16.5.4/hook", "private"},
		{"http://192.168.1.1/hook", "private"},
		{"http://100.64.0.1/hook", "carrier-grade NAT"},
		{"http://2130706433/hook", "numeric host"},
		{"http://0x7f.1/hook", "numeric host"},
		{"http://127.1/hook", "numeric host"},
		{"http://0177.0.0.1/hook", "numeric host"},
		{"http://localhost/hook", "loopback"},
		{"http://LocalHost:9000/hook", "loopback"},
		{"http://[::]/hook", "unspecified"},
		{"http://[fe80::1]/hook", "link-local"},
		{"http://[fd00::1]/hook", "unique local"},
		{"http://[64:ff9b::7f00:1]/hook", "NAT64"},
		{"http://[2002:7f00:1::]/hook", "6to4"},
		{"https://user:pass@127.0.0.1/hook", "loopback"},
		{"ftp://example.org/hook", "http:// or https://"},
		{"file:///etc/passwd", "http:// or https://"},
		{"/relative/hook", "http:// or https://"},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			res := b.env.Do(t, "POST", "/api/v1/webhooks", b.admin.Token, map[string]any{"url": tc.url, "events": []string{"*"}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("create %s = %d, want 422: %s", tc.url, res.Status, res.Body)
			}
			var p struct {
				Errors []struct{ Field, Message string } `json:"errors"`
			}
			res.Decode(t, &p)
			if len(p.Errors) != 1 || p.Errors[0].Field != "url" || !strings.Contains(p.Errors[0].Message, tc.reason) {
				t.Fatalf("create %s: errors = %+v, want url: …%s…", tc.url, p.Errors, tc.reason)
			}
		})
	}
	res := b.env.Do(t, "GET", "/api/v1/webhooks", b.admin.Token, nil)
	if !strings.Contains(string(res.Body), `"items":[]`) {
		t.Fatalf("after refused creations, list = %s, want empty", res.Body)
	}
}

// TestSSRFGuardOnUpdate: a URL can only move to an allowed address.
func TestSSRFGuardOnUpdate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := newReceiver(t, nil)
	h := b.createHook(t, r.URL, "*")
	// Loopback is allowed in this desk; metadata addresses still are not.
	res := b.env.Do(t, "PATCH", b.path(h, ""), b.admin.Token, map[string]any{"url": "http://169.254.169.254/"})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "link-local") {
		t.Fatalf("PATCH to metadata address = %d %s, want 422 link-local", res.Status, res.Body)
	}
	if got := b.endpoint(t, h)["url"]; got != r.URL {
		t.Fatalf("url after refused PATCH = %v, want unchanged", got)
	}
}
