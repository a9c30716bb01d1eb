package api_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func TestTokenAndMe(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	u := env.User(t, models.RoleChecker)

	res := env.Do(t, "POST", "/api/v1/auth/token", "", map[string]string{"email": strings.ToUpper(u.Email), "password": u.Password})
	wantStatus(t, res, http.StatusCreated, "POST /auth/token")
	body := res.JSON(t)
	token, _ := body["token"].(string)
	if !strings.HasPrefix(token, "fd_") || body["user"].(map[string]any)["email"] != u.Email {
		t.Fatalf("token response = %s", res.Body)
	}
	me := env.Do(t, "GET", "/api/v1/me", token, nil)
	wantStatus(t, me, http.StatusOK, "GET /me")
	if me.JSON(t)["id"].(float64) != float64(u.ID) || strings.Contains(string(me.Body), "password") {
		t.Errorf("GET /me = %s", me.Body)
	}

	// The token is stored hashed: the raw token never appears in the table.
	var n int
	db := env.App.Store.SQL()
	if err := db.QueryRow("SELECT count(*) FROM api_tokens WHERE token_hash = convert_to($1, 'UTF8')", token).Scan(&n); err != nil || n != 0 {
		t.Errorf("raw token found in api_tokens (n=%d, err=%v)", n, err)
	}

	cases := []struct {
		name   string
		body   any
		status int
	}{
		{"wrong password", map[string]string{"email": u.Email, "password": "wrong-password"}, 401},
		{"unknown email", map[string]string{"email": "nobody@x.test", "password": "whatever-long"}, 401},
		{"malformed JSON", `{"email":`, 400},
		{"unknown field", map[string]string{"email": u.Email, "password": u.Password, "otp": "1"}, 400},
		{"two values", `{"email":"a"} {"email":"b"}`, 400},
	}
	for _, c := range cases {
		wantStatus(t, env.Do(t, "POST", "/api/v1/auth/token", "", c.body), c.status, c.name)
	}
	noToken := env.Do(t, "GET", "/api/v1/me", "", nil)
	wantStatus(t, noToken, 401, "GET /me without token")
	if noToken.Header.Get("WWW-Authenticate") == "" {
		t.Error("401 lacks WWW-Authenticate")
	}
	wantStatus(t, env.Do(t, "GET", "/api/v1/me", "fd_not-a-real-token", nil), 401, "GET /me with a bad token")
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	u := env.User(t, models.RoleChecker)
	for i := range 10 {
		wantStatus(t, env.Do(t, "POST", "/api/v1/auth/token", "", map[string]string{"email": u.Email, "password": "wrong-password"}), 401, "failed login "+itoa(int64(i)))
	}
	// Past the limit even the right password is refused until the window passes.
	res := env.Do(t, "POST", "/api/v1/auth/token", "", map[string]string{"email": u.Email, "password": u.Password})
	wantStatus(t, res, 429, "login past the limit")
	if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 900 {
		t.Errorf("429 Retry-After = %q, want whole seconds within the 15-minute window", res.Header.Get("Retry-After"))
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	admin := env.User(t, models.RoleAdmin)
	checker := env.User(t, models.RoleChecker)

	newUser := map[string]any{"email": "Nadia@desk.test", "name": "Nadia", "role": "editor", "password": "long-enough-pw"}
	res := env.Do(t, "POST", "/api/v1/users", admin.Token, newUser)
	wantStatus(t, res, http.StatusCreated, "POST /users")
	created := res.JSON(t)
	for _, k := range []string{"id", "email", "name", "role", "active"} {
		if _, ok := created[k]; !ok {
			t.Errorf("created user lacks %q: %s", k, res.Body)
		}
	}
	if strings.Contains(string(res.Body), "password") {
		t.Errorf("user JSON leaks the password hash: %s", res.Body)
	}
	id := int64(created["id"].(float64))

	dup := map[string]any{"email": "nadia@DESK.test", "name": "N2", "role": "checker", "password": "long-enough-pw"}
	wantStatus(t, env.Do(t, "POST", "/api/v1/users", admin.Token, dup), 409, "duplicate email, other case")
	bad := env.Do(t, "POST", "/api/v1/users", admin.Token, map[string]any{"email": "not-an-email", "name": "", "role": "chief", "password": "short"})
	wantStatus(t, bad, 422, "invalid user")
	if got := problemFields(t, bad); !slices.Equal(got, []string{"email", "name", "role", "password"}) {
		t.Errorf("invalid user fields = %v", got)
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/users", checker.Token, newUser), 403, "checker creates a user")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/users/"+itoa(id), checker.Token, map[string]any{"role": "admin"}), 403, "checker promotes")

	list := env.Do(t, "GET", "/api/v1/users", checker.Token, nil)
	wantStatus(t, list, 200, "GET /users")
	if items := list.JSON(t)["items"].([]any); len(items) != 3 {
		t.Errorf("GET /users has %d users, want 3", len(items))
	}
	wantStatus(t, env.Do(t, "GET", "/api/v1/users/"+itoa(id), checker.Token, nil), 200, "GET /users/{id}")
	wantStatus(t, env.Do(t, "GET", "/api/v1/users/999999", checker.Token, nil), 404, "GET unknown user")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/users/"+itoa(id), admin.Token, map[string]any{"role": "boss"}), 422, "PATCH invalid role")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/users/"+itoa(id), admin.Token, map[string]any{}), 422, "PATCH nothing")

	patched := env.Do(t, "PATCH", "/api/v1/users/"+itoa(id), admin.Token, map[string]any{"role": "checker"})
	wantStatus(t, patched, 200, "PATCH role")
	if patched.JSON(t)["role"] != "checker" {
		t.Errorf("PATCH role = %s", patched.Body)
	}

	// Deactivating revokes the user's tokens at once.
	wantStatus(t, env.Do(t, "GET", "/api/v1/me", checker.Token, nil), 200, "checker before deactivation")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/users/"+itoa(checker.ID), admin.Token, map[string]any{"active": false}), 200, "deactivate")
	wantStatus(t, env.Do(t, "GET", "/api/v1/me", checker.Token, nil), 401, "deactivated user's token")
	wantStatus(t, env.Do(t, "POST", "/api/v1/auth/token", "", map[string]string{"email": checker.Email, "password": checker.Password}), 401, "deactivated user's login")

	// The last active admin cannot remove their own access.
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/users/"+itoa(admin.ID), admin.Token, map[string]any{"role": "editor"}), 409, "demote the last admin")
}
