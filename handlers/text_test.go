package handlers_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// TestBadTextRefusedAtTheEdge sends NUL bytes and invalid UTF-8 (raw,
// overlong, encoded surrogates) in JSON bodies, forms and query strings,
// on every surface, signed in and not. Each is a 422 naming the field,
// never a 500 from PostgreSQL, and nothing is stored.
func TestBadTextRefusedAtTheEdge(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	cases := []struct {
		name, method, path, ctype, body, token, field string
	}{
		{"claim text with escaped NUL", "POST", "/api/v1/claims", "application/json", `{"text":"nul\u0000byte"}`, checker.Token, "text"},
		{"claim text with raw 0xff", "POST", "/api/v1/claims", "application/json", "{\"text\":\"bad \xff byte\"}", checker.Token, "text"},
		{"claim text with overlong NUL", "POST", "/api/v1/claims", "application/json", "{\"text\":\"a\xc0\x80b\"}", checker.Token, "text"},
		{"claim text without content type", "POST", "/api/v1/claims", "", `{"text":"nul\u0000byte"}`, checker.Token, "text"},
		{"nested NUL", "POST", "/api/v1/claims", "application/json", `{"text":"fine","tags":["ok","n\u0000"]}`, checker.Token, "tags[1]"},
		{"token email with NUL", "POST", "/api/v1/auth/token", "application/json", `{"email":"a\u0000@x.test","password":"whatever-long"}`, "", "email"},
		{"list query NUL", "GET", "/api/v1/claims?q=%00", "", "", checker.Token, "q"},
		{"list query 0xff", "GET", "/api/v1/claims?q=%ff", "", "", checker.Token, "q"},
		{"list query overlong", "GET", "/api/v1/claims?q=%c0%80", "", "", checker.Token, "q"},
		{"list query surrogate", "GET", "/api/v1/claims?q=%ed%a0%80", "", "", checker.Token, "q"},
		{"anonymous API query", "GET", "/api/v1/workflow?x=%ff", "", "", "", "x"},
		{"login form email", "POST", "/login", "application/x-www-form-urlencoded", "email=a%ff%40x.test&password=x", "", "email"},
		{"login form NUL", "POST", "/login", "application/x-www-form-urlencoded", "email=a%00%40x.test&password=x", "", "email"},
		{"dashboard query", "GET", "/board?q=%00", "", "", "", "q"},
		{"dashboard query surrogate", "GET", "/?q=%ed%a0%80", "", "", "", "q"},
		{"public query", "GET", "/fact-checks?page=%c0%80", "", "", "", "page"},
		{"path", "GET", "/fact-checks/a%00b", "", "", "", "path"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, env.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			res, err := env.Server.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body := string(raw)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s %s = %d, want 422:\n%s", tc.method, tc.path, res.StatusCode, body)
			}
			if strings.HasPrefix(tc.path, "/api/") {
				if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type = %q, want application/problem+json", ct)
				}
				if !strings.Contains(body, `"field":"`+tc.field+`"`) {
					t.Errorf("the problem does not name field %q:\n%s", tc.field, body)
				}
			} else {
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type = %q, want a page", ct)
				}
				if !strings.Contains(body, "NUL byte") {
					t.Errorf("the page does not say what is wrong:\n%s", body)
				}
			}
		})
	}
	var n int64
	env.App.Store.SQL().QueryRow("SELECT count(*) FROM claims").Scan(&n)
	if n != 0 {
		t.Errorf("%d claims stored, want 0", n)
	}
}
