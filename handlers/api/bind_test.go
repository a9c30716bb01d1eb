package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// TestStrictJSONKeys: a key given twice, or a key that matches a field only
// when case is ignored, is refused naming the key, and nothing is stored.
// encoding/json alone lets the last duplicate win, so
// {"role":"viewer","role":"admin"} made an admin.
func TestStrictJSONKeys(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	checker := env.User(t, models.RoleChecker)
	cases := []struct {
		name, path, token, body string
		field                   string
	}{
		{"duplicate role", "/api/v1/users", admin.Token, `{"email":"dup@x.test","name":"Dup","role":"viewer","role":"admin","password":"long-enough-pw"}`, "role"},
		{"duplicate text", "/api/v1/claims", checker.Token, `{"text":"first","text":"second"}`, "text"},
		{"case-variant key", "/api/v1/claims", checker.Token, `{"TEXT":"shouting"}`, "TEXT"},
		{"case-variant second key", "/api/v1/users", admin.Token, `{"email":"case@x.test","Name":"Case","role":"viewer","password":"long-enough-pw"}`, "Name"},
		{"duplicate token email", "/api/v1/auth/token", "", `{"email":"a@x.test","email":"b@x.test","password":"p"}`, "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Do(t, "POST", tc.path, tc.token, tc.body)
			wantStatus(t, res, http.StatusBadRequest, "POST "+tc.path+" "+tc.body)
			if got := problemFields(t, res); !slices.Contains(got, tc.field) {
				t.Errorf("problem names fields %v, want %q", got, tc.field)
			}
		})
	}
	var users, claims int64
	env.App.Store.SQL().QueryRow("SELECT count(*) FROM users").Scan(&users)
	env.App.Store.SQL().QueryRow("SELECT count(*) FROM claims").Scan(&claims)
	if users != 2 || claims != 0 {
		t.Errorf("%d users and %d claims stored, want the 2 fixtures and none", users, claims)
	}
}
