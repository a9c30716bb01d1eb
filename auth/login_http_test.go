package auth_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// postToken sends one sign-in to env's API and returns the status, or 0
// after reporting a transport error (it runs on many goroutines, so it
// cannot stop the test).
func postToken(t *testing.T, env *apptest.Env, email, password string) int {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	res, err := env.Server.Client().Post(env.URL+"/api/v1/auth/token", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Errorf("POST /api/v1/auth/token: %v", err)
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// The attack of issue 11 over HTTP: parallel guesses against one account,
// spread over two desks that share a database, as two `factdesk serve`
// processes would.
func TestTokenLimitOverHTTP(t *testing.T) {
	t.Parallel()
	a := apptest.New(t)
	b := apptest.New(t, func(c *app.Config) { c.DatabaseURL = a.DBURL })
	u := a.User(t, models.RoleChecker)

	var mu sync.Mutex
	var wg sync.WaitGroup
	statuses := map[int]int{}
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := postToken(t, []*apptest.Env{a, b}[i%2], u.Email, "wrong-password")
			mu.Lock()
			statuses[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[http.StatusUnauthorized] != 10 || statuses[http.StatusTooManyRequests] != 50 {
		t.Errorf("60 parallel wrong passwords over two desks: statuses %v, want 10 × 401 and 50 × 429", statuses)
	}
	for _, env := range []*apptest.Env{a, b} {
		if code := postToken(t, env, u.Email, u.Password); code != http.StatusTooManyRequests {
			t.Errorf("right password after the burst = %d, want 429 on both desks", code)
		}
	}
}
