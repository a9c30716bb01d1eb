package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// abuseValues are what an attacker puts into a field: NUL, raw invalid
// UTF-8, an overlong NUL, an encoded surrogate, and a value far past any
// limit. Each is sent raw (JSON strings carry the bytes as they are).
var abuseValues = map[string]string{
	"nul":       "a\x00b",
	"0xff":      "a\xffb",
	"overlong":  "a\xc0\x80b",
	"surrogate": "a\xed\xa0\x80b",
	"huge":      strings.Repeat("x", 1<<20+10),
}

// TestAbuseInputs sends every abuse value in every JSON field, form field
// and query parameter below, and duplicate and case-variant keys in every
// JSON body: no answer is a 5xx and nothing is stored.
func TestAbuseInputs(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	admin := env.User(t, models.RoleAdmin)
	web, csrf := signInWeb(t, env, checker)
	adminWeb, adminCSRF := signInWeb(t, env, admin)

	jsonBodies := []struct {
		path, token string
		fields      map[string]string
	}{
		{"/api/v1/claims", checker.Token, map[string]string{"text": "A claim", "claimant": "Someone", "source_url": "https://example.org/a", "language": "en", "priority": "normal"}},
		{"/api/v1/auth/token", "", map[string]string{"email": checker.Email, "password": "wrong-password"}},
		{"/api/v1/users", admin.Token, map[string]string{"email": "new@x.test", "name": "New", "role": "viewer", "password": "long-enough-pw"}},
		{"/api/v1/claims/similar", checker.Token, map[string]string{"text": "A claim"}},
		{"/api/v1/articles", checker.Token, map[string]string{"text": "An article. It says things.", "title": "T", "url": "https://example.org/t"}},
	}
	forms := []struct {
		path   string
		client *http.Client
		csrf   string
		fields map[string]string
	}{
		{"/login", nil, "", map[string]string{"email": checker.Email, "password": "wrong-password", "next": "/"}},
		{"/claims/new", web, csrf, map[string]string{"text": "A claim", "claimant": "Someone", "source_url": "https://example.org/a"}},
		{"/admin/users", adminWeb, adminCSRF, map[string]string{"email": "form@x.test", "name": "Form", "role": "viewer", "password": "long-enough-pw"}},
	}
	queries := []struct {
		path   string
		token  string
		client *http.Client
		params []string
	}{
		{"/api/v1/claims", checker.Token, nil, []string{"q", "state", "tag", "assignee", "cursor", "limit", "sort"}},
		{"/api/v1/sources", checker.Token, nil, []string{"q", "cursor"}},
		{"/board", "", web, []string{"q", "tag", "assignee"}},
		{"/", "", web, []string{"q", "done"}},
		{"/factchecks", "", nil, []string{"page", "q"}},
		{"/login", "", nil, []string{"next"}},
	}

	cases := 0
	check := func(what string, res *http.Response, err error) {
		t.Helper()
		cases++
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Errorf("%s = %d, want no server error", what, res.StatusCode)
		}
	}
	plain := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	postJSON := func(path, token, body string) (*http.Response, error) {
		req, _ := http.NewRequest("POST", env.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return plain.Do(req)
	}
	for _, b := range jsonBodies {
		for field := range b.fields {
			for name, v := range abuseValues {
				body := jsonObject(b.fields, field, v, "")
				res, err := postJSON(b.path, b.token, body)
				check(fmt.Sprintf("POST %s with %s in %s", b.path, name, field), res, err)
			}
			// The same key twice, the second one winning in encoding/json.
			res, err := postJSON(b.path, b.token, jsonObject(b.fields, field, b.fields[field], `,"`+field+`":"x"`))
			check(fmt.Sprintf("POST %s with %s twice", b.path, field), res, err)
			res, err = postJSON(b.path, b.token, strings.Replace(jsonObject(b.fields, field, b.fields[field], ""), `"`+field+`"`, `"`+strings.ToUpper(field)+`"`, 1))
			check(fmt.Sprintf("POST %s with %s in capitals", b.path, field), res, err)
		}
	}
	for _, f := range forms {
		client := f.client
		if client == nil {
			client = plain
		}
		for field := range f.fields {
			for name, v := range abuseValues {
				form := url.Values{"csrf_token": {f.csrf}}
				for k, fv := range f.fields {
					form.Set(k, fv)
				}
				form.Set(field, v)
				res, err := client.PostForm(env.URL+f.path, form)
				check(fmt.Sprintf("POST %s form with %s in %s", f.path, name, field), res, err)
			}
		}
	}
	for _, q := range queries {
		client := q.client
		if client == nil {
			client = plain
		}
		for _, p := range q.params {
			for name, v := range abuseValues {
				req, _ := http.NewRequest("GET", env.URL+q.path+"?"+url.QueryEscape(p)+"="+url.QueryEscape(v), nil)
				if q.token != "" {
					req.Header.Set("Authorization", "Bearer "+q.token)
				}
				res, err := client.Do(req)
				check(fmt.Sprintf("GET %s with %s in %s", q.path, name, p), res, err)
			}
		}
	}

	var claims, users, articles int64
	db := env.App.Store.SQL()
	db.QueryRow("SELECT count(*) FROM claims").Scan(&claims)
	db.QueryRow("SELECT count(*) FROM users").Scan(&users)
	db.QueryRow("SELECT count(*) FROM articles").Scan(&articles)
	if claims != 0 || users != 2 || articles != 0 {
		t.Errorf("stored %d claims, %d users (2 fixtures), %d articles; want nothing new", claims, users, articles)
	}
	t.Logf("abuse inputs: %d requests", cases)
}

// jsonObject writes fields as a JSON object with field set to v, its bytes
// as they are (not escaped), and extra appended inside the braces.
func jsonObject(fields map[string]string, field, v, extra string) string {
	var b strings.Builder
	b.WriteByte('{')
	first := true
	for k, fv := range fields {
		if !first {
			b.WriteByte(',')
		}
		first = false
		if k == field {
			fv = v
		}
		b.WriteString(`"` + k + `":"` + strings.ReplaceAll(fv, "\x00", `\u0000`) + `"`)
	}
	b.WriteString(extra + "}")
	return b.String()
}
