package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

type viewJSON struct {
	ID        int64  `json:"id"`
	OwnerID   int64  `json:"owner_id"`
	OwnerName string `json:"owner_name"`
	Name      string `json:"name"`
	Page      string `json:"page"`
	Query     string `json:"query"`
	Shared    bool   `json:"shared"`
	URL       string `json:"url"`
	CanChange bool   `json:"can_change"`
}

func listViews(t *testing.T, env *apptest.Env, token string) []viewJSON {
	t.Helper()
	res := env.Do(t, "GET", "/api/v1/views", token, nil)
	wantStatus(t, res, http.StatusOK, "GET /views")
	var out struct{ Items []viewJSON }
	res.Decode(t, &out)
	return out.Items
}

func TestViewsAPI(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	other := env.User(t, models.RoleChecker)
	admin := env.User(t, models.RoleAdmin)

	// The filter is stored canonical: sorted, empty values dropped, "me"
	// kept so a shared view means whoever opens it.
	res := env.Do(t, "POST", "/api/v1/views", checker.Token, map[string]any{
		"name": "  My   urgent ", "page": "list", "query": "?priority=urgent&tag=&assignee=me&sort=due&dir=asc"})
	wantStatus(t, res, http.StatusCreated, "create view")
	var mine viewJSON
	res.Decode(t, &mine)
	if mine.Name != "My urgent" || mine.Query != "assignee=me&dir=asc&priority=urgent&sort=due" || mine.URL != "/claims?"+mine.Query ||
		!mine.CanChange || mine.Shared || res.Header.Get("Location") != "/api/v1/views/"+itoa(mine.ID) {
		t.Fatalf("created view = %+v (Location %q)", mine, res.Header.Get("Location"))
	}

	// A private view is the owner's alone.
	if got := listViews(t, env, other.Token); len(got) != 0 {
		t.Fatalf("another user sees %+v, want no views", got)
	}
	wantStatus(t, env.Do(t, "GET", "/api/v1/views/"+itoa(mine.ID), other.Token, nil), http.StatusNotFound, "another's private view")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/views/"+itoa(mine.ID), admin.Token, map[string]any{"name": "x"}), http.StatusNotFound, "admin patches a private view")

	// Shared, everyone sees it, marked shared; only the owner or an admin
	// changes it.
	res = env.Do(t, "PATCH", "/api/v1/views/"+itoa(mine.ID), checker.Token, map[string]any{"shared": true})
	wantStatus(t, res, http.StatusOK, "share")
	seen := listViews(t, env, other.Token)
	if len(seen) != 1 || !seen[0].Shared || seen[0].CanChange || seen[0].OwnerName != checker.Name {
		t.Fatalf("another user sees %+v, want the shared view, not changeable", seen)
	}
	res = env.Do(t, "PATCH", "/api/v1/views/"+itoa(mine.ID), other.Token, map[string]any{"name": "Mine now"})
	wantStatus(t, res, http.StatusForbidden, "another user renames a shared view")
	wantStatus(t, env.Do(t, "DELETE", "/api/v1/views/"+itoa(mine.ID), other.Token, nil), http.StatusForbidden, "another user deletes")
	res = env.Do(t, "PATCH", "/api/v1/views/"+itoa(mine.ID), admin.Token, map[string]any{"name": "Urgent, soonest due"})
	wantStatus(t, res, http.StatusOK, "admin renames a shared view")
	if v := listViews(t, env, admin.Token); len(v) != 1 || !v[0].CanChange || v[0].Name != "Urgent, soonest due" {
		t.Fatalf("admin sees %+v", v)
	}

	// Bad filters are refused with the parser's own words, field by field.
	for _, tc := range []struct {
		body   map[string]any
		fields []string
	}{
		{map[string]any{"name": "x", "page": "board", "query": "state=new"}, []string{"query"}},
		{map[string]any{"name": "x", "page": "list", "query": "state=lost&priority=soon"}, []string{"query.priority", "query.state"}},
		{map[string]any{"name": "x", "page": "list", "query": "cursor=abc"}, []string{"query"}},
		{map[string]any{"name": "x", "page": "list", "query": "assignee=nobody"}, []string{"query.assignee"}},
		{map[string]any{"name": "x", "page": "list", "query": "tag=a&tag=b"}, []string{"query.tag"}},
		{map[string]any{"name": "x", "page": "list", "query": "%zz"}, []string{"query"}},
		{map[string]any{"name": "x", "page": "map", "query": ""}, []string{"page"}},
		{map[string]any{"name": " ", "page": "board"}, []string{"name"}},
		{map[string]any{"page": "board"}, []string{"name"}},
	} {
		res := env.Do(t, "POST", "/api/v1/views", checker.Token, tc.body)
		wantStatus(t, res, http.StatusUnprocessableEntity, "create view")
		if got := problemFields(t, res); !slices.Equal(got, tc.fields) {
			t.Errorf("create %v: fields %v, want %v", tc.body, got, tc.fields)
		}
	}
	// A PATCH of the filter alone is checked against the view's page.
	res = env.Do(t, "PATCH", "/api/v1/views/"+itoa(mine.ID), checker.Token, map[string]any{"page": "board"})
	wantStatus(t, res, http.StatusUnprocessableEntity, "move a sorted view to the board")
	wantStatus(t, env.Do(t, "POST", "/api/v1/views", checker.Token, map[string]any{"name": "x", "page": "list", "colour": "red"}),
		http.StatusBadRequest, "unknown field")

	// One name per owner, whatever the case.
	res = env.Do(t, "POST", "/api/v1/views", admin.Token, map[string]any{"name": "urgent, SOONEST due", "page": "board", "query": ""})
	wantStatus(t, res, http.StatusCreated, "a name another user has")
	res = env.Do(t, "POST", "/api/v1/views", checker.Token, map[string]any{"name": "URGENT, soonest due", "page": "board"})
	wantStatus(t, res, http.StatusConflict, "a name the owner has")

	wantStatus(t, env.Do(t, "DELETE", "/api/v1/views/"+itoa(mine.ID), checker.Token, nil), http.StatusNoContent, "delete")
	wantStatus(t, env.Do(t, "GET", "/api/v1/views/"+itoa(mine.ID), checker.Token, nil), http.StatusNotFound, "deleted view")
	wantStatus(t, env.Do(t, "GET", "/api/v1/views", "", nil), http.StatusUnauthorized, "anonymous")
}
