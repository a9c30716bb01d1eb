package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/handlers/api"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

var ginParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestOpenAPICoversTheRouteTable keeps routes.go and openapi.yaml in step:
// every API route is a documented operation, every documented operation
// is a route, and each declares the same query parameters as
// queryparams.go. A route changed without the document fails here.
func TestOpenAPICoversTheRouteTable(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	c := apptest.OpenAPI(t)

	routes := map[string]bool{}
	for _, r := range env.App.Routes() {
		if !strings.HasPrefix(r.Path, apptest.APIPrefix+"/") || r.Method == http.MethodHead {
			continue
		}
		routes[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")] = true
		// The parameters the route reads are the ones it documents.
		path := strings.TrimPrefix(r.Path, apptest.APIPrefix)
		route, _, ok := c.Find(r.Method, ginParam.ReplaceAllString(path, "{$1}"))
		if !ok || route.Path != ginParam.ReplaceAllString(path, "{$1}") {
			continue // reported below
		}
		var documented []string
		params := append(route.PathItem.Parameters, route.Operation.Parameters...)
		for _, p := range params {
			if p.Value.In == "query" {
				documented = append(documented, p.Value.Name)
			}
		}
		declared := slices.Clone(api.QueryParams(r.Method + " " + r.Path))
		sort.Strings(documented)
		sort.Strings(declared)
		if !slices.Equal(documented, declared) {
			t.Errorf("%s %s: the document gives query parameters %v, queryparams.go %v", r.Method, r.Path, documented, declared)
		}
	}
	documented := map[string]bool{}
	for _, op := range c.Operations() {
		documented[op] = true
		if !routes[op] {
			t.Errorf("openapi.yaml documents %s, which is not in the route table (handlers/api/routes.go)", op)
		}
	}
	for r := range routes {
		if !documented[r] {
			t.Errorf("route %s is not in openapi.yaml: document it (see the comment at the top of the file)", r)
		}
	}
	if len(routes) < 60 {
		t.Fatalf("found only %d API routes; is the route table read?", len(routes))
	}

	// Every operation names itself and its errors are problem+json.
	ids := map[string]bool{}
	for path, item := range c.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" || ids[op.OperationID] {
				t.Errorf("%s %s: operationId %q is empty or not unique", method, path, op.OperationID)
			}
			ids[op.OperationID] = true
			for status, res := range op.Responses.Map() {
				if status < "400" {
					continue
				}
				mt := res.Value.Content.Get("application/problem+json")
				if len(res.Value.Content) != 1 || mt == nil || mt.Schema.Ref != "#/components/schemas/Problem" {
					t.Errorf("%s %s: response %s is not the Problem schema as application/problem+json", method, path, status)
				}
			}
		}
	}
}

// TestOpenAPIScopesEqualTheScopeTable: each operation's security names the
// scope scopes.go gives its route, so an integrator reads from the
// document what a token needs. No security member is any token, an empty
// one no token, the role person a person's token only.
func TestOpenAPIScopesEqualTheScopeTable(t *testing.T) {
	t.Parallel()
	c := apptest.OpenAPI(t)
	scopes := map[string]bool{}
	for _, sc := range models.Scopes {
		scopes[string(sc)] = true
	}
	for path, item := range c.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented := "(any token)"
			switch {
			case op.Security == nil:
			case len(*op.Security) == 0:
				documented = "(public)"
			case len(*op.Security) == 1 && len((*op.Security)[0]["bearerAuth"]) == 1:
				documented = (*op.Security)[0]["bearerAuth"][0]
				if documented == "person" {
					documented = "(person)"
				} else if !scopes[documented] {
					t.Errorf("%s %s: %q is not a scope", method, path, documented)
				}
			default:
				t.Errorf("%s %s: security %v is not one bearerAuth scope", method, path, *op.Security)
				continue
			}
			route := method + " " + apptest.APIPrefix + braced.ReplaceAllString(path, ":$1")
			if want, ok := api.RouteScope(route); ok && string(want) != documented {
				t.Errorf("%s: the document gives the scope %s, scopes.go %s", route, documented, want)
			}
		}
	}
}

// TestOpenAPIEnumsEqualTheModels: the document's enums list exactly the
// values the desk's own lists hold, so a new role, state, scope or kind
// cannot go undocumented (or a documented one refused).
func TestOpenAPIEnumsEqualTheModels(t *testing.T) {
	t.Parallel()
	c := apptest.OpenAPI(t)
	schemas := c.Doc.Components.Schemas
	for name, want := range map[string][]string{
		"Role":              values(models.Roles),
		"State":             values(models.States),
		"Verdict":           values(models.Verdicts),
		"Stance":            values(models.Stances),
		"Priority":          values(models.Priorities),
		"AssignmentRole":    values(models.AssignmentRoles),
		"NotificationKind":  values(models.NotificationKinds),
		"Delivery":          values(models.Deliveries),
		"OutletRating":      values(models.OutletRatings),
		"Scope":             values(models.Scopes),
		"ViewPage":          values(models.ViewPages),
		"UserKind":          values([]models.UserKind{models.KindPerson, models.KindService}),
		"BulkAction":        values(workflow.BulkActions),
		"EventType":         values(events.Types),
		"HistoryEntry.kind": values(models.HistoryKinds),
	} {
		schema, member, _ := strings.Cut(name, ".")
		ref := schemas[schema]
		if ref == nil {
			t.Errorf("no schema %s", schema)
			continue
		}
		s := ref.Value
		if member != "" {
			s = s.Properties[member].Value
		}
		var got []string
		for _, v := range s.Enum {
			got = append(got, fmt.Sprint(v))
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the document lists %v, the desk %v", name, got, want)
		}
	}
}

func values[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

var braced = regexp.MustCompile(`\{([A-Za-z_]+)\}`)

// Every event type an endpoint can subscribe to is described under the
// document's webhooks, and nothing else is.
func TestOpenAPIDescribesEveryWebhookEvent(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	res := env.Do(t, "GET", "/api/v1/webhooks/event-types", admin.Token, nil)
	wantStatus(t, res, 200, "event types")
	var types struct {
		Items []string `json:"items"`
	}
	res.Decode(t, &types)
	c := apptest.OpenAPI(t)
	var described []string
	for name := range c.Doc.Webhooks {
		described = append(described, name)
	}
	sort.Strings(described)
	sort.Strings(types.Items)
	if !slices.Equal(described, types.Items) {
		t.Fatalf("webhooks in the document %v, event types %v", described, types.Items)
	}
	enum := c.Doc.Components.Schemas["EventType"].Value.Enum
	if len(enum) != len(types.Items) {
		t.Fatalf("EventType lists %d types, the desk %d", len(enum), len(types.Items))
	}
}

// The document is served as JSON, cacheable, with an ETag that answers
// 304, and HEAD works.
func TestOpenAPIIsServed(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	res := env.Do(t, "GET", "/api/v1/openapi.json", "", nil)
	wantStatus(t, res, 200, "GET openapi.json")
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
		t.Errorf("Cache-Control = %q, want it cacheable", cc)
	}
	var doc map[string]any
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc["openapi"] != "3.1.0" || doc["webhooks"] == nil {
		t.Fatalf("openapi = %v, webhooks present = %v", doc["openapi"], doc["webhooks"] != nil)
	}
	if _, ok := doc["x-fragments"]; ok {
		t.Error("the served document still carries the YAML fragments")
	}
	etag := res.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req, _ := http.NewRequest("GET", env.URL+"/api/v1/openapi.json", nil)
	req.Header.Set("If-None-Match", etag)
	got, err := env.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if got.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag = %d, want 304", got.StatusCode)
	}
	head, err := env.Server.Client().Head(env.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.StatusCode != 200 || head.ContentLength != int64(len(res.Body)) {
		t.Errorf("HEAD = %d with length %d, want 200 and %d", head.StatusCode, head.ContentLength, len(res.Body))
	}
}

// The harness that checks every API test's exchanges refuses what the
// document does not allow: a wrong body, an undocumented status, an error
// that is not problem+json, an undocumented route, and a request the
// document forbids that the server accepted. A refused request is not
// held to the document, but its problem is.
func TestContractRefusesWhatTheDocumentDoesNot(t *testing.T) {
	t.Parallel()
	c := apptest.OpenAPI(t)
	const at = "2026-12-01T10:00:00Z"
	user := `{"id":1,"email":"a@b.test","name":"A","role":"admin","active":true,"kind":"person","time_zone":"UTC","created_at":"` + at + `","updated_at":"` + at + `"}`
	problem := `{"type":"urn:factdesk:problem:not_found","title":"Not Found","status":404,"detail":"no claim 9"}`
	invalid := `{"type":"urn:factdesk:problem:invalid","title":"Unprocessable Entity","status":422,"errors":[{"field":"text","message":"required"}]}`
	claim := `{"id":9,"text":"t","claimant":"","source_url":"","state":"new","verdict":null,"summary":"","priority":"normal","due_at":null,` +
		`"language":"en","tags":[],"version":1,"duplicate_of":null,"article_id":null,"article_start":null,"article_end":null,"article_sentence_start":null,"article_sentence_end":null,"assignees":[],` +
		`"evidence":[],"created_by":1,"created_at":"` + at + `","updated_at":"` + at + `"}`
	problemJSON := http.Header{"Content-Type": {"application/problem+json"}}
	appJSON := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	for _, tc := range []struct {
		name, method, path, reqBody string
		status                      int
		header                      http.Header
		body                        string
		wantErr                     string
	}{
		{"valid", "GET", "/api/v1/me", "", 200, appJSON, user, ""},
		{"wrong type in the body", "GET", "/api/v1/me", "", 200, appJSON, strings.Replace(user, `"id":1`, `"id":"1"`, 1), "id"},
		{"missing required member", "GET", "/api/v1/me", "", 200, appJSON, `{"id":1}`, "email"},
		{"undocumented member", "GET", "/api/v1/me", "", 200, appJSON, strings.Replace(user, `"id":1`, `"id":1,"colour":"red"`, 1), "colour"},
		{"valid claim", "GET", "/api/v1/claims/9", "", 200, appJSON, claim, ""},
		{"undocumented member of a composed answer", "GET", "/api/v1/claims/9", "", 200, appJSON, strings.Replace(claim, `"id":9`, `"id":9,"colour":"red"`, 1), "colour"},
		{"claim without its evidence", "GET", "/api/v1/claims/9", "", 200, appJSON, strings.Replace(claim, `"evidence":[],`, ``, 1), "evidence"},
		{"wrong enum", "GET", "/api/v1/claims/9", "", 200, appJSON, strings.Replace(claim, `"state":"new"`, `"state":"draft"`, 1), "state"},
		{"undocumented status", "GET", "/api/v1/me", "", 418, appJSON, `{}`, "status"},
		{"error not problem+json", "GET", "/api/v1/claims/9", "", 404, appJSON, problem, "Content-Type"},
		{"problem without title", "GET", "/api/v1/claims/9", "", 404, problemJSON, `{"type":"urn:factdesk:problem:not_found","status":404}`, "title"},
		{"problem with another status", "GET", "/api/v1/claims/9", "", 404, problemJSON, strings.Replace(problem, "404", "409", 1), "says status 409"},
		{"documented problem", "GET", "/api/v1/claims/9", "", 404, problemJSON, problem, ""},
		{"undocumented route", "GET", "/api/v1/nowhere", "", 200, appJSON, `{}`, "no such operation"},
		{"unknown route answered 404", "GET", "/api/v1/nowhere", "", 404, problemJSON, problem, ""},
		{"accepted request the document forbids", "POST", "/api/v1/comments-less", "", 201, appJSON, `{}`, "no such operation"},
		{"accepted request with an unknown field", "POST", "/api/v1/claims/9/comments", `{"body":"x","colour":"red"}`, 201, appJSON,
			`{"id":1,"claim_id":9,"author_id":1,"body":"x","created_at":"` + at + `"}`, "colour"},
		{"refused request is not held to the document", "POST", "/api/v1/claims/9/comments", `{"colour":"red"}`, 422, problemJSON, invalid, ""},
		{"refused request's problem still is", "POST", "/api/v1/claims/9/comments", `{"colour":"red"}`, 422, problemJSON, `{"status":422}`, "type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, "http://desk.test"+tc.path, strings.NewReader(tc.reqBody))
			req.Header.Set("Authorization", "Bearer fixture")
			if tc.reqBody != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			err := c.Check(req, []byte(tc.reqBody), tc.status, tc.header, []byte(tc.body))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Check = %v, want nil", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("Check = nil, want an error about %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("Check = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

// /api/docs is a page of the desk's own files only: the HTML, the
// vendored Swagger UI and its starter, each with its content type, under
// a policy that allows nothing from elsewhere. (e2e/apidocs_test.go opens
// it in Chromium.)
func TestAPIDocsServesItsAssets(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	res := env.Do(t, "GET", "/api/docs", "", nil)
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /api/docs = %d %q", res.Status, res.Header.Get("Content-Type"))
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") {
		t.Errorf("CSP %q allows more than the desk's own files", csp)
	}
	srcs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(res.Body), -1)
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	assets := 0
	for _, m := range srcs {
		ref := m[1]
		if strings.HasPrefix(ref, "http") || strings.HasPrefix(ref, "//") {
			t.Errorf("the docs page loads %s from elsewhere", ref)
			continue
		}
		if !strings.HasPrefix(ref, "/api/docs/assets/") {
			continue
		}
		assets++
		got := env.Do(t, "GET", ref, "", nil)
		want := types[ref[strings.LastIndex(ref, "."):]]
		if got.Status != 200 || got.Header.Get("Content-Type") != want || len(got.Body) == 0 {
			t.Errorf("GET %s = %d %q (%d bytes), want 200 %q", ref, got.Status, got.Header.Get("Content-Type"), len(got.Body), want)
		}
		if got.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s lacks nosniff", ref)
		}
	}
	if assets != 4 {
		t.Errorf("the page loads %d assets, want Swagger UI's script and style and their starters (4)", assets)
	}
	for _, path := range []string{"/api/docs/assets/LICENSE", "/api/docs/assets/docs.go", "/api/docs/assets/..%2fopenapi.yaml"} {
		if got := env.Do(t, "GET", path, "", nil); got.Status != 404 {
			t.Errorf("GET %s = %d, want 404", path, got.Status)
		}
	}
}

// BenchmarkContractCheck is what the validating wrapper adds to one API
// exchange of a test (a claim answer), against decoding the same body
// once as the reference.
func BenchmarkContractCheck(b *testing.B) {
	c := apptest.OpenAPI(b)
	const at = "2026-12-01T10:00:00Z"
	body := []byte(`{"id":9,"text":"Unemployment fell to 3 percent last year","claimant":"the minister","source_url":"","state":"new","verdict":null,` +
		`"summary":"","priority":"normal","due_at":null,"language":"en","tags":["economy"],"version":1,"duplicate_of":null,"article_id":null,` +
		`"article_start":null,"article_end":null,"article_sentence_start":null,"article_sentence_end":null,"assignees":[],"evidence":[],"created_by":1,"created_at":"` + at + `","updated_at":"` + at + `"}`)
	header := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	req, _ := http.NewRequest("GET", "http://desk.test/api/v1/claims/9", nil)
	req.Header.Set("Authorization", "Bearer fixture")
	// The reference, in the same run: decoding the body once.
	start := time.Now()
	const decodes = 2000
	for range decodes {
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			b.Fatal(err)
		}
	}
	ref := time.Since(start) / decodes
	start = time.Now()
	for b.Loop() {
		if err := c.Check(req, nil, 200, header, body); err != nil {
			b.Fatal(err)
		}
	}
	check := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(ref.Microseconds()), "reference-decode-µs")
	b.ReportMetric(float64(check)/float64(ref), "x-reference")
}
