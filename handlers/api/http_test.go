package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/handlers/api"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// fieldNames are the fields a problem names, in order.
func fieldNames(t *testing.T, res *apptest.Response) []string {
	t.Helper()
	var p struct {
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	res.Decode(t, &p)
	var names []string
	for _, e := range p.Errors {
		names = append(names, e.Field)
	}
	return names
}

func TestUnknownQueryParametersAreRefused(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	c := env.Claim(t, admin, "Unemployment fell to 3 percent last year")

	wantStatus(t, env.Do(t, "GET", "/api/v1/claims?state=new&limit=5", admin.Token, nil), 200, "declared parameters")
	res := env.Do(t, "GET", "/api/v1/claims?stat=new&limit=5&zzz=1", admin.Token, nil)
	wantStatus(t, res, 400, "misspelt parameter")
	if got := fieldNames(t, res); !slices.Equal(got, []string{"stat", "zzz"}) {
		t.Fatalf("named %v, want [stat zzz]", got)
	}
	if !strings.Contains(string(res.Body), "stat") {
		t.Fatalf("the detail does not name the parameter: %s", res.Body)
	}
	// A route that reads no parameter takes none.
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"?expand=all", admin.Token, nil), 400, "parameter on a plain GET")
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/similar?limit=3", admin.Token, nil), 200, "declared limit")
}

// Every API route is in the query-parameter table's scope, and every
// declared route exists: a declaration left behind by a renamed route
// would otherwise refuse parameters on the new one silently.
func TestEveryDeclaredQueryRouteExists(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	routes := map[string]bool{}
	for _, r := range env.App.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	for _, route := range []string{"GET /api/v1/claims", "GET /api/v1/claims/:id/similar", "GET /api/v1/webhooks/:id/deliveries"} {
		if !routes[route] {
			t.Errorf("%s is declared but not routed", route)
		}
		if len(api.QueryParams(route)) == 0 {
			t.Errorf("%s declares no parameters", route)
		}
	}
	for route := range routes {
		for _, p := range api.QueryParams(route) {
			if p == "" {
				t.Errorf("%s declares an empty parameter", route)
			}
		}
	}
}

func TestBadDueAtIsReportedWithTheOtherFieldErrors(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	editor := env.User(t, models.RoleEditor)

	res := env.Do(t, "POST", "/api/v1/claims", editor.Token, map[string]any{"text": "", "due_at": "tomorrow", "priority": "whenever"})
	wantStatus(t, res, 422, "create with several bad fields")
	got := fieldNames(t, res)
	for _, f := range []string{"due_at", "text", "priority"} {
		if !slices.Contains(got, f) {
			t.Errorf("create: fields %v lack %s", got, f)
		}
	}

	c := env.Claim(t, editor, "The river rose two metres overnight")
	res = env.Do(t, "PATCH", "/api/v1/claims/"+itoa(c.ID), editor.Token, map[string]any{"version": c.Version, "due_at": "next week", "source_url": "ftp://x"})
	wantStatus(t, res, 422, "patch with several bad fields")
	got = fieldNames(t, res)
	for _, f := range []string{"due_at", "source_url"} {
		if !slices.Contains(got, f) {
			t.Errorf("patch: fields %v lack %s", got, f)
		}
	}
	// Only a bad date: still one 422 naming it, and nothing changed.
	res = env.Do(t, "PATCH", "/api/v1/claims/"+itoa(c.ID), editor.Token, map[string]any{"version": c.Version, "due_at": "soon"})
	wantStatus(t, res, 422, "patch with only a bad date")
	if got := fieldNames(t, res); !slices.Equal(got, []string{"due_at"}) {
		t.Errorf("fields %v, want [due_at]", got)
	}
	after := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID), editor.Token, nil).JSON(t)
	if after["version"].(float64) != float64(c.Version) {
		t.Fatalf("a refused patch changed the claim: version %v", after["version"])
	}
}
