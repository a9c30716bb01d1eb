package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/handlers/api"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// access is the authorization matrix, written down once: for every route
// of the API, the dashboard and the public pages, the least role that gets
// past authorization. "anyone" includes callers without credentials;
// "viewer" is every signed-in user. Roles rank viewer < checker < editor <
// admin (workflow's capability table). Claim routes are asked about a
// claim the checker created and is assigned to, so "checker" there means
// "a checker related to the claim". A route missing here fails the test.
var access = map[string]string{
	// API: sign-in and the public workflow table.
	"POST /api/v1/auth/token": "credentials",
	"GET /api/v1/workflow":    "anyone",
	// The OpenAPI document and its browsable docs.
	"GET /api/v1/openapi.json":   "anyone",
	"GET /api/docs":              "anyone",
	"GET /api/docs/assets/:file": "anyone",
	// API: users.
	"GET /api/v1/me":          "viewer",
	"GET /api/v1/users":       "viewer",
	"GET /api/v1/users/:id":   "viewer",
	"POST /api/v1/users":      "admin",
	"PATCH /api/v1/users/:id": "admin",
	// API: claims.
	"POST /api/v1/claims":                                      "checker",
	"GET /api/v1/claims":                                       "viewer",
	"GET /api/v1/claims/:id":                                   "viewer",
	"PATCH /api/v1/claims/:id":                                 "checker",
	"GET /api/v1/claims/:id/options":                           "viewer",
	"POST /api/v1/claims/:id/assignments":                      "editor",
	"DELETE /api/v1/claims/:id/assignments/:user_id":           "editor",
	"POST /api/v1/queue/next":                                  "checker",
	"GET /api/v1/claims/:id/evidence":                          "viewer",
	"POST /api/v1/claims/:id/evidence":                         "checker",
	"POST /api/v1/claims/:id/transitions":                      "checker",
	"GET /api/v1/claims/:id/history":                           "viewer",
	"GET /api/v1/claims/:id/comments":                          "viewer",
	"POST /api/v1/claims/:id/comments":                         "checker",
	"GET /api/v1/claims/:id/similar":                           "viewer",
	"POST /api/v1/claims/similar":                              "viewer",
	"POST /api/v1/articles":                                    "checker",
	"GET /api/v1/articles/:id":                                 "viewer",
	"POST /api/v1/articles/:id/claims":                         "checker",
	"POST /api/v1/claims/:id/evidence/:eid/check":              "checker",
	"GET /api/v1/claims/:id/evidence/:eid/snapshot":            "viewer",
	"GET /api/v1/claims/:id/source-warnings":                   "viewer",
	"GET /api/v1/claims/:id/claimreview":                       "viewer",
	"GET /api/v1/source-alerts":                                "viewer",
	"GET /api/v1/sources":                                      "viewer",
	"POST /api/v1/sources":                                     "editor",
	"PATCH /api/v1/sources/:id":                                "editor",
	"DELETE /api/v1/sources/:id":                               "editor",
	"GET /api/v1/webhooks/event-types":                         "admin",
	"POST /api/v1/webhooks":                                    "admin",
	"GET /api/v1/webhooks":                                     "admin",
	"GET /api/v1/webhooks/:id":                                 "admin",
	"PATCH /api/v1/webhooks/:id":                               "admin",
	"DELETE /api/v1/webhooks/:id":                              "admin",
	"POST /api/v1/webhooks/:id/rotate-secret":                  "admin",
	"POST /api/v1/webhooks/:id/ping":                           "admin",
	"GET /api/v1/webhooks/:id/deliveries":                      "admin",
	"POST /api/v1/webhooks/:id/deliveries/:event_id/redeliver": "admin",
	"POST /api/v1/webhooks/:id/recover":                        "admin",
	// API: integration tokens (admins signed in as people).
	"GET /api/v1/tokens/scopes":      "admin",
	"GET /api/v1/tokens":             "admin",
	"POST /api/v1/tokens":            "admin",
	"GET /api/v1/tokens/:id":         "admin",
	"POST /api/v1/tokens/:id/revoke": "admin",
	// API: bulk changes and exports, evidence corrections, captures and
	// packets, desk settings, the fact-check archive, notifications.
	"POST /api/v1/claims/bulk":                                "viewer",
	"GET /api/v1/claims/export":                               "viewer",
	"PATCH /api/v1/claims/:id/evidence/:eid":                  "checker",
	"POST /api/v1/claims/:id/evidence/:eid/retract":           "checker",
	"GET /api/v1/claims/:id/evidence/:eid/captures":           "viewer",
	"GET /api/v1/claims/:id/evidence/:eid/captures/:cid":      "viewer",
	"GET /api/v1/claims/:id/evidence/:eid/captures/:cid/warc": "viewer",
	"GET /api/v1/claims/:id/evidence-packet":                  "viewer",
	"GET /api/v1/settings":                                    "viewer",
	"PATCH /api/v1/settings":                                  "admin",
	"POST /api/v1/factchecks/import":                          "editor",
	"GET /api/v1/notifications":                               "viewer",
	"POST /api/v1/notifications/read":                         "viewer",
	"GET /api/v1/notifications/preferences":                   "viewer",
	"PUT /api/v1/notifications/preferences":                   "viewer",
	"PUT /api/v1/claims/:id/follow":                           "viewer",
	"DELETE /api/v1/claims/:id/follow":                        "viewer",
	"GET /api/v1/members":                                     "viewer",
	"GET /api/v1/views":                                       "viewer",
	"POST /api/v1/views":                                      "viewer",
	"GET /api/v1/views/:id":                                   "viewer",
	"PATCH /api/v1/views/:id":                                 "viewer",
	"DELETE /api/v1/views/:id":                                "viewer",
	// Probes and public pages.
	"GET /healthz":          "anyone",
	"GET /readyz":           "anyone",
	"GET /factchecks":       "anyone",
	"GET /brand/logo":       "anyone",
	"GET /factchecks.json":  "anyone",
	"GET /factchecks.rss":   "anyone",
	"GET /factchecks/:slug": "anyone",
	"GET /static/*path":     "anyone",
	"GET /login":            "anyone",
	"POST /login":           "credentials",
	// The audit log, proofs, unsubscribe links (their token is the
	// credential), metrics (refused unless a token is configured) and
	// the icon.
	"GET /factchecks/:slug/proof.json":         "anyone",
	"GET /.well-known/factdesk/checkpoint":     "anyone",
	"GET /.well-known/factdesk/checkpoint-key": "anyone",
	"GET /.well-known/factdesk/consistency":    "anyone",
	"GET /notifications/unsubscribe":           "anyone",
	"POST /notifications/unsubscribe":          "credentials",
	"GET /metrics":                             "anyone",
	"GET /favicon.ico":                         "anyone",

	// The desk's archived copies of published sources.
	"GET /factchecks/:slug/sources/:eid":                    "anyone",
	"GET /factchecks/:slug/sources/:eid/captures/:cid/warc": "anyone",

	// Dashboard.
	"POST /logout":                                     "viewer",
	"GET /":                                            "viewer",
	"POST /queue/next":                                 "checker",
	"GET /board":                                       "viewer",
	"GET /board/columns":                               "viewer",
	"GET /review":                                      "editor",
	"GET /overview":                                    "viewer",
	"GET /events":                                      "viewer",
	"GET /claims/new":                                  "checker",
	"POST /claims/new":                                 "checker",
	"GET /claims/:id":                                  "viewer",
	"GET /claims/:id/live":                             "viewer",
	"POST /claims/:id/actions":                         "checker",
	"POST /claims/:id/evidence":                        "checker",
	"POST /claims/:id/comments":                        "checker",
	"POST /claims/:id/assign":                          "editor",
	"POST /claims/:id/unassign":                        "editor",
	"POST /claims/:id/evidence/:eid/check":             "checker",
	"GET /claims/:id/related":                          "viewer",
	"GET /import":                                      "checker",
	"POST /import":                                     "checker",
	"GET /import/:id":                                  "checker",
	"POST /import/:id/claims":                          "checker",
	"GET /sources":                                     "viewer",
	"POST /sources":                                    "editor",
	"POST /sources/:id":                                "editor",
	"POST /sources/:id/delete":                         "editor",
	"GET /admin/users":                                 "admin",
	"POST /admin/users":                                "admin",
	"POST /admin/users/:id":                            "admin",
	"GET /admin/users/:id/deactivate":                  "admin",
	"GET /admin/settings":                              "admin",
	"POST /admin/settings":                             "admin",
	"GET /admin/models":                                "admin",
	"POST /admin/models/activate":                      "admin",
	"GET /admin/webhooks":                              "admin",
	"POST /admin/webhooks":                             "admin",
	"GET /admin/webhooks/:id":                          "admin",
	"POST /admin/webhooks/:id":                         "admin",
	"POST /admin/webhooks/:id/ping":                    "admin",
	"POST /admin/webhooks/:id/rotate":                  "admin",
	"POST /admin/webhooks/:id/redeliver":               "admin",
	"POST /admin/webhooks/:id/delete":                  "admin",
	"GET /admin/integrations":                          "admin",
	"POST /admin/integrations/accounts":                "admin",
	"POST /admin/integrations/tokens":                  "admin",
	"POST /admin/integrations/tokens/:id/revoke":       "admin",
	"GET /claims":                                      "viewer",
	"GET /claims/export":                               "viewer",
	"POST /claims/export":                              "viewer",
	"POST /claims/bulk":                                "viewer",
	"GET /board/column":                                "viewer",
	"POST /claims/:id/edit":                            "checker",
	"POST /claims/:id/evidence/:eid":                   "checker",
	"POST /claims/:id/evidence/:eid/retract":           "checker",
	"GET /claims/:id/evidence/:eid/captures":           "viewer",
	"GET /claims/:id/evidence/:eid/captures/:cid/warc": "viewer",
	"GET /claims/:id/evidence-packet":                  "viewer",
	"POST /claims/:id/follow":                          "viewer",
	"GET /notifications":                               "viewer",
	"POST /notifications/read":                         "viewer",
	"GET /notifications/settings":                      "viewer",
	"POST /notifications/settings":                     "viewer",
	"GET /members":                                     "viewer",
	"GET /views":                                       "viewer",
	"POST /views":                                      "viewer",
	"POST /views/:id":                                  "viewer",
	"POST /views/:id/delete":                           "viewer",
	"GET /settings":                                    "viewer",
	"POST /settings":                                   "viewer",
}

// rank orders the levels; "credentials" is a sign-in route, open to
// anyone, whose 401 answers a wrong password rather than refusing access.
var rank = map[string]int{"anyone": 0, "credentials": 0, "viewer": 1, "checker": 2, "editor": 3, "admin": 4}

// caller is one column of the matrix: anonymous or a signed-in role, with
// a token for the API and a session (and its form token) for the pages.
type caller struct {
	name  string
	token string
	web   *http.Client
	csrf  string
	// role and scopes describe an integration token's caller: it gets
	// past a route when its role is high enough and it holds the route's
	// scope (handlers/api/scopes.go). It calls only the API.
	role   string
	scopes []models.Scope
}

// integrationAllows says whether an integration token holding scopes may
// call an API route: public routes and any-token routes open to all, a
// person-only route to none, the rest need their scope.
func integrationAllows(key string, scopes []models.Scope) bool {
	sc, ok := api.RouteScope(key)
	if !ok {
		return false
	}
	switch sc {
	case "(public)", "(any token)":
		return true
	case "(person)":
		return false
	}
	return slices.Contains(scopes, sc)
}

var csrfValue = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func signInWeb(t *testing.T, env *apptest.Env, u apptest.User) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(env.URL+"/login", url.Values{"email": {u.Email}, "password": {u.Password}, "next": {"/"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %v %v", u.Email, err, res)
	}
	res.Body.Close()
	res, err = c.Get(env.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfValue.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no form token on / for %s", u.Email)
	}
	return c, string(m[1])
}

// TestAuthorizationMatrix asks every route of the router, as anonymous and
// as every role, and checks who gets past authorization against access:
// below the least role the API answers 401 (anonymous) or 403, the pages
// send anonymous callers to sign in and answer 403 to signed-in ones; from
// that role up nothing is refused and nothing fails with a 5xx.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(sink.Close)
	env := apptest.New(t, func(c *app.Config) {
		c.Webhooks.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	})
	ctx := context.Background()
	users := map[string]apptest.User{}
	for _, r := range []models.Role{models.RoleViewer, models.RoleChecker, models.RoleEditor, models.RoleAdmin} {
		users[string(r)] = env.User(t, r)
	}
	checker, editor, admin := users["checker"], users["editor"], users["admin"]
	claim := env.Claim(t, checker, "The matrix claim")
	if _, err := env.App.Engine.Assign(ctx, editor.User, claim.ID, workflow.AssignRequest{UserID: checker.ID, Role: models.AssignChecker}); err != nil {
		t.Fatal(err)
	}
	ev, err := env.App.Engine.AddEvidence(ctx, checker.User, claim.ID, workflow.NewEvidence{URL: "https://example.org/matrix", Stance: models.StanceSupports})
	if err != nil {
		t.Fatal(err)
	}
	target := env.User(t, models.RoleViewer) // edited by the user routes
	res := env.Do(t, "POST", "/api/v1/webhooks", admin.Token, map[string]any{"url": sink.URL, "events": []string{"*"}})
	if res.Status != http.StatusCreated {
		t.Fatalf("create webhook: %d %s", res.Status, res.Body)
	}
	hookID := fmt.Sprint(res.JSON(t)["id"])
	params := map[string]string{
		":id@claims": fmt.Sprint(claim.ID), ":eid": fmt.Sprint(ev.ID), ":user_id": fmt.Sprint(target.ID),
		":id@users": fmt.Sprint(target.ID), ":id@webhooks": hookID, ":id@sources": "999999",
		":id@articles": "999999", ":id@views": "999999", ":id@import": "999999", ":event_id": "evt_01ABC", ":slug": "no-such-check",
		"*path": "app.css", ":cid": "999999", ":id@tokens": "999999",
	}

	// Routes that validate their body before the claim's rules get one
	// that passes validation, so the cell asks the rules.
	start := map[string]any{"action": "start", "version": claim.Version}
	assignee := map[string]any{"user_id": target.ID, "role": "reviewer"}
	bodies := map[string]map[string]any{
		"POST /api/v1/claims/:id/transitions": start, "POST /claims/:id/actions": start,
		"POST /api/v1/claims/:id/assignments": assignee, "POST /claims/:id/assign": assignee,
		"POST /claims/:id/unassign": {"user_id": target.ID},
	}

	callers := []caller{{name: "anyone"}}
	for _, role := range []string{"viewer", "checker", "editor", "admin"} {
		web, csrf := signInWeb(t, env, users[role])
		callers = append(callers, caller{name: role, token: users[role].Token, web: web, csrf: csrf})
	}
	// Integration tokens: an editor machine account that reads and works
	// claims, and an admin one that manages webhooks and reads users.
	for _, in := range []struct {
		role   models.Role
		scopes []models.Scope
	}{
		{models.RoleEditor, []models.Scope{models.ScopeClaimsRead, models.ScopeClaimsWrite, models.ScopeEvidenceWrite}},
		{models.RoleAdmin, []models.Scope{models.ScopeWebhooksAdmin, models.ScopeUsersRead, models.ScopeExportRead}},
	} {
		tok := env.Integration(t, admin, in.role, 0, in.scopes...)
		callers = append(callers, caller{name: fmt.Sprintf("integration %s %v", in.role, in.scopes), token: tok.Token, role: string(in.role), scopes: in.scopes})
	}

	var routes []string
	for _, r := range env.App.Routes() {
		key := r.Method + " " + r.Path
		if _, ok := access[key]; !ok {
			t.Errorf("route %s has no entry in the authorization matrix (access)", key)
			continue
		}
		routes = append(routes, key)
	}
	// Ending a session and deleting things go last, so they do not change
	// what the other cells see.
	sort.SliceStable(routes, func(i, j int) bool { return weight(routes[i]) < weight(routes[j]) })

	cells, refusals := 0, 0
	for _, key := range routes {
		method, path, _ := strings.Cut(key, " ")
		concrete := fill(path, params)
		for _, who := range callers {
			if who.role != "" && !strings.HasPrefix(path, "/api/") {
				continue
			}
			cells++
			allowed := rank[who.name] >= rank[access[key]]
			if who.role != "" {
				allowed = rank[who.role] >= rank[access[key]] && integrationAllows(key, who.scopes)
			}
			status, location := call(t, env, who, method, concrete, bodies[key])
			refused := (status == http.StatusUnauthorized && access[key] != "credentials") || status == http.StatusForbidden ||
				(status == http.StatusSeeOther && strings.HasPrefix(location, "/login?next="))
			if !allowed {
				refusals++
			}
			switch {
			case status >= 500:
				t.Errorf("%s as %s = %d, want no server error", key, who.name, status)
			case allowed && refused:
				t.Errorf("%s as %s = %d %s, want it let through (least role %s)", key, who.name, status, location, access[key])
			case !allowed && !refused:
				t.Errorf("%s as %s = %d, want it refused (least role %s)", key, who.name, status, access[key])
			case !allowed && who.name == "anyone" && strings.HasPrefix(path, "/api/") && status != http.StatusUnauthorized:
				t.Errorf("%s anonymous = %d, want 401", key, status)
			case !allowed && who.name != "anyone" && status != http.StatusForbidden:
				t.Errorf("%s as %s = %d, want 403", key, who.name, status)
			}
		}
	}
	t.Logf("authorization matrix: %d routes × %d callers = %d cells, %d of them refusals", len(routes), len(callers), cells, refusals)
}

func weight(key string) int {
	switch {
	case key == "POST /logout":
		return 3
	case strings.HasPrefix(key, "DELETE ") || strings.HasSuffix(key, "/delete") || strings.HasSuffix(key, "/unassign"):
		return 2
	case strings.HasSuffix(key, "/rotate-secret"):
		return 1
	}
	return 0
}

// fill puts fixture ids into a route pattern; ":id" takes the resource
// named just before it.
func fill(path string, params map[string]string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if !strings.HasPrefix(p, ":") && !strings.HasPrefix(p, "*") {
			continue
		}
		if v, ok := params[p]; ok {
			parts[i] = v
			continue
		}
		parts[i] = params[p+"@"+parts[i-1]]
	}
	return strings.Join(parts, "/")
}

// call sends one request of the matrix: JSON {} to the API with the
// caller's token, an empty form with the form token to the pages.
func call(t *testing.T, env *apptest.Env, who caller, method, path string, fields map[string]any) (int, string) {
	t.Helper()
	var body io.Reader
	var req *http.Request
	var err error
	if strings.HasPrefix(path, "/api/") {
		if method != http.MethodGet {
			raw, _ := json.Marshal(fields)
			if fields == nil {
				raw = []byte("{}")
			}
			body = bytes.NewReader(raw)
		}
		req, err = http.NewRequest(method, env.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if who.token != "" {
			req.Header.Set("Authorization", "Bearer "+who.token)
		}
	} else {
		if method != http.MethodGet {
			form := url.Values{"csrf_token": {who.csrf}}
			for k, v := range fields {
				form.Set(k, fmt.Sprint(v))
			}
			body = strings.NewReader(form.Encode())
		}
		req, err = http.NewRequest(method, env.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	client := who.web
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if path == "/events" || strings.HasSuffix(path, "/live") {
		// Server-sent events stay open: the status is all the cell needs.
		cctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req = req.WithContext(cctx)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}
