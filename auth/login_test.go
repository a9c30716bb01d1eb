package auth

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

const testPassword = "the-right-password"

// openService opens a Service on its own small pool over dbURL. It counts
// the attempts that reach the password check in *checks.
func openService(t *testing.T, dbURL string, checks *atomic.Int64) *Service {
	t.Helper()
	st, err := store.Open(context.Background(), dbURL, store.Options{MaxConns: 4})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	s := NewService(st)
	s.verify = func(hash, password string) bool {
		checks.Add(1)
		return CheckPassword(hash, password)
	}
	return s
}

func createUser(t *testing.T, s *Service, email string) {
	t.Helper()
	if _, err := s.CreateUser(context.Background(), nil, NewUser{Email: email, Name: "Target", Role: models.RoleChecker, Password: testPassword}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
}

// burst runs n wrong-password logins at once, spread over services, and
// counts the outcomes.
func burst(t *testing.T, services []*Service, n int, email, ip string) (unauthorized, limited int) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := services[i%len(services)].Login(context.Background(), email, "wrong-password", ip)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case models.IsCode(err, models.EUnauthorized):
				unauthorized++
			case models.IsCode(err, models.ERateLimited):
				limited++
				if wait, ok := models.RetryAfterOf(err); !ok || wait <= 0 || wait > AccountLimit.Window {
					t.Errorf("rate-limited login carries Retry-After %v (%v), want within (0, %v]", wait, ok, AccountLimit.Window)
				}
			default:
				t.Errorf("wrong-password login = %v, want unauthorized or rate limited", err)
			}
		}()
	}
	wg.Wait()
	return unauthorized, limited
}

func TestLoginLimitHoldsUnderParallelGuesses(t *testing.T) {
	t.Parallel()
	for _, n := range []int{40, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			var checks atomic.Int64
			s := openService(t, pgtest.URL(t), &checks)
			createUser(t, s, "ana@desk.test")
			unauthorized, limited := burst(t, []*Service{s}, n, "ana@desk.test", "192.0.2.1")
			if got := checks.Load(); got > int64(AccountLimit.Max) {
				t.Errorf("%d parallel guesses: %d reached the password check, want at most %d", n, got, AccountLimit.Max)
			}
			if unauthorized != AccountLimit.Max || limited != n-AccountLimit.Max {
				t.Errorf("%d parallel guesses: %d unauthorized, %d rate limited; want %d and %d", n, unauthorized, limited, AccountLimit.Max, n-AccountLimit.Max)
			}
			if _, err := s.Login(context.Background(), "ana@desk.test", testPassword, "192.0.2.1"); !models.IsCode(err, models.ERateLimited) {
				t.Errorf("right password after the burst = %v, want rate limited", err)
			}
		})
	}
}

// The attack of issue 11: the right password sent while wrong guesses are
// still being checked must be refused once the allowance is used up.
func TestLoginRightPasswordInsideBurstIsRefused(t *testing.T) {
	t.Parallel()
	var checks atomic.Int64
	s := openService(t, pgtest.URL(t), &checks)
	createUser(t, s, "ana@desk.test")
	full := make(chan struct{})
	var once sync.Once
	s.verify = func(hash, password string) bool {
		if checks.Add(1) >= int64(AccountLimit.Max) {
			once.Do(func() { close(full) })
		}
		return CheckPassword(hash, password)
	}
	var right error
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-full
		_, right = s.Login(context.Background(), "ana@desk.test", testPassword, "192.0.2.1")
	}()
	burst(t, []*Service{s}, 39, "ana@desk.test", "192.0.2.1")
	<-done
	if !models.IsCode(right, models.ERateLimited) {
		t.Errorf("right password inside the burst = %v, want rate limited", right)
	}
	if got := checks.Load(); got != int64(AccountLimit.Max) {
		t.Errorf("%d attempts reached the password check, want %d", got, AccountLimit.Max)
	}
}

// Two processes on one database share one allowance.
func TestLoginLimitSharedBetweenInstances(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	var checks atomic.Int64
	a, b := openService(t, dbURL, &checks), openService(t, dbURL, &checks)
	createUser(t, a, "ana@desk.test")
	unauthorized, limited := burst(t, []*Service{a, b}, 60, "ana@desk.test", "192.0.2.1")
	if unauthorized != AccountLimit.Max || limited != 60-AccountLimit.Max || checks.Load() != int64(AccountLimit.Max) {
		t.Errorf("60 guesses over two instances: %d unauthorized, %d rate limited, %d password checks; want %d, %d, %d",
			unauthorized, limited, checks.Load(), AccountLimit.Max, 60-AccountLimit.Max, AccountLimit.Max)
	}
	for _, s := range []*Service{a, b} {
		if _, err := s.Login(context.Background(), "ana@desk.test", testPassword, "192.0.2.1"); !models.IsCode(err, models.ERateLimited) {
			t.Errorf("right password after the burst = %v, want rate limited on both instances", err)
		}
	}
}

func TestLoginLimitPerAddress(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.URL(t)
	var checks atomic.Int64
	a, b := openService(t, dbURL, &checks), openService(t, dbURL, &checks)
	for _, s := range []*Service{a, b} {
		// Unknown accounts only: the count is what matters, not bcrypt.
		s.verify = func(string, string) bool { checks.Add(1); return false }
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	limited := 0
	for i := range 70 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := []*Service{a, b}[i%2]
			_, err := s.Login(context.Background(), fmt.Sprintf("guess%d@desk.test", i), "wrong-password", "198.51.100.7")
			if models.IsCode(err, models.ERateLimited) {
				mu.Lock()
				limited++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if checks.Load() != int64(IPLimit.Max) || limited != 70-IPLimit.Max {
		t.Errorf("70 guesses from one address: %d password checks, %d rate limited; want %d and %d", checks.Load(), limited, IPLimit.Max, 70-IPLimit.Max)
	}
	if _, err := a.Login(context.Background(), "other@desk.test", "x", "198.51.100.8"); !models.IsCode(err, models.EUnauthorized) {
		t.Errorf("guess from another address = %v, want unauthorized (its own allowance)", err)
	}
}

func TestLoginWindowAndSuccess(t *testing.T) {
	t.Parallel()
	var checks atomic.Int64
	s := openService(t, pgtest.URL(t), &checks)
	createUser(t, s, "ana@desk.test")
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	now := start
	s.now = func() time.Time { return now }
	ctx := context.Background()
	login := func(password string) error {
		_, err := s.Login(ctx, "ANA@desk.test ", password, "192.0.2.1")
		return err
	}

	// A success clears the account's failures.
	for range AccountLimit.Max - 1 {
		if err := login("wrong-password"); !models.IsCode(err, models.EUnauthorized) {
			t.Fatalf("wrong password = %v, want unauthorized", err)
		}
	}
	if err := login(testPassword); err != nil {
		t.Fatalf("right password with one attempt left = %v", err)
	}
	for i := range AccountLimit.Max {
		if err := login("wrong-password"); !models.IsCode(err, models.EUnauthorized) {
			t.Fatalf("wrong password %d after a success = %v, want unauthorized", i, err)
		}
	}

	// Blocked: the wait counts down to the end of the window, which opened
	// at the first failure after the success.
	now = start.Add(5 * time.Minute)
	err := login(testPassword)
	if wait, ok := models.RetryAfterOf(err); !models.IsCode(err, models.ERateLimited) || !ok || wait != 10*time.Minute {
		t.Errorf("right password past the limit = %v, Retry-After %v; want rate limited, 10m", err, wait)
	}

	// When the window closes the account may try again.
	now = start.Add(AccountLimit.Window)
	if err := login(testPassword); err != nil {
		t.Errorf("right password once the window closed = %v", err)
	}
}
