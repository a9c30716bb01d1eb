// Package apptest starts a whole desk for a test: its own migrated
// database, the app wired exactly as in production, a real HTTP server on
// loopback, and fixture builders for users and claims.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/audit"
	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

func init() {
	// Fixture users sign in thousands of times across the suite; bcrypt's
	// production cost would dominate the run.
	auth.SetHashCost(bcrypt.MinCost)
}

// Env is one running desk.
type Env struct {
	App    *app.App
	Server *httptest.Server
	URL    string
	DBURL  string
	seq    atomic.Int64
}

// Option adjusts the Config before the desk is built.
type Option func(*app.Config)

// New starts a desk for t on a fresh database. Everything is torn down when
// t ends.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	dbURL := pgtest.URL(t)
	// Small pools: the suite runs several desks at once against one
	// server, whose max_connections is shared by all of them.
	cfg := app.Config{DatabaseURL: dbURL, Addr: "127.0.0.1:0", DBMaxConns: 6, Audit: AuditConfig(t)}
	for _, o := range opts {
		o(&cfg)
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatalf("apptest: open app: %v", err)
	}
	// Fixture sources point at hosts tests cannot reach, and their checks
	// land whenever the queue gets to them, so a blocking pre-publish check
	// would fail confirms at random. Each desk starts with every check set
	// to warn; tests of the blocking rules set the policy they test with
	// Env.SetPrePublish (workflow.DefaultPolicy for the shipped defaults).
	if err := setPrePublish(ctx, a, allWarn()); err != nil {
		t.Fatalf("apptest: pre-publish policy: %v", err)
	}
	// Every API exchange of a test is checked against the OpenAPI document
	// (contract.go). Benchmarks measure the server, so they get it bare:
	// a check costs about 2 ms (BenchmarkContractCheck).
	handler := a.Handler()
	if _, bench := t.(*testing.B); !bench {
		handler = validating(t, handler)
	}
	srv := httptest.NewServer(handler)
	runCtx, cancel := context.WithCancel(ctx)
	if err := a.Start(runCtx); err != nil {
		t.Fatalf("apptest: start workers: %v", err)
	}
	t.Cleanup(func() {
		stopCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		srv.Close()
		a.Stop(stopCtx)
		cancel()
		a.Close()
	})
	return &Env{App: a, Server: srv, URL: srv.URL, DBURL: dbURL}
}

func allWarn() workflow.Policy {
	p := workflow.Policy{}
	for _, c := range workflow.CheckNames {
		p[c] = workflow.SeverityWarn
	}
	return p
}

func setPrePublish(ctx context.Context, a *app.App, p workflow.Policy) error {
	return a.Store.WithTx(ctx, func(tx *store.Tx) error {
		s, err := tx.DeskSettings(ctx)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(p)
		if err != nil {
			return err
		}
		s.PrePublish, s.UpdatedAt = raw, time.Now().UTC()
		return tx.SaveDeskSettings(ctx, s)
	})
}

// SetPrePublish sets the desk's pre-publish policy.
func (e *Env) SetPrePublish(t testing.TB, p workflow.Policy) {
	t.Helper()
	if err := setPrePublish(context.Background(), e.App, p); err != nil {
		t.Fatalf("apptest: set pre-publish policy: %v", err)
	}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// User is a fixture account with a live API token.
type User struct {
	*models.User
	Password string
	Token    string
}

// User creates an active user of role with a token.
func (e *Env) User(t testing.TB, role models.Role) User {
	t.Helper()
	n := e.seq.Add(1)
	password := "password-" + fmt.Sprint(n)
	u, err := e.App.Auth.CreateUser(context.Background(), nil, auth.NewUser{
		Email: fmt.Sprintf("%s%d@test.factdesk.test", role, n), Name: fmt.Sprintf("%s %d", role, n), Role: role, Password: password,
	})
	if err != nil {
		t.Fatalf("apptest: create %s: %v", role, err)
	}
	token, _, err := e.App.Auth.IssueToken(context.Background(), u.Email, password, "fixture")
	if err != nil {
		t.Fatalf("apptest: token for %s: %v", role, err)
	}
	return User{User: u, Password: password, Token: token}
}

// Integration creates a service account of role with an integration
// token holding scopes, issued by admin; limit is its requests per minute
// (0: unlimited). The User's Token is the integration token.
func (e *Env) Integration(t testing.TB, admin User, role models.Role, limit int, scopes ...models.Scope) User {
	t.Helper()
	ctx := context.Background()
	n := e.seq.Add(1)
	u, err := e.App.Auth.CreateUser(ctx, admin.User, auth.NewUser{Name: fmt.Sprintf("integration %d", n), Role: role, Kind: models.KindService})
	if err != nil {
		t.Fatalf("apptest: create service account: %v", err)
	}
	token, _, err := e.App.Auth.CreateIntegrationToken(ctx, admin.User, auth.NewIntegrationToken{
		UserID: u.ID, Name: fmt.Sprintf("fixture %d", n), Scopes: scopes, RateLimit: &limit})
	if err != nil {
		t.Fatalf("apptest: integration token: %v", err)
	}
	return User{User: u, Token: token}
}

// Claim creates a claim as by.
func (e *Env) Claim(t testing.TB, by User, text string) *models.Claim {
	t.Helper()
	c, err := e.App.Engine.CreateClaim(context.Background(), by.User, workflow.NewClaim{Text: text})
	if err != nil {
		t.Fatalf("apptest: create claim: %v", err)
	}
	return c
}

// ClaimIn creates a claim and walks it into state, with checker doing the
// research and editor the approvals. It returns the claim as it ends up.
func (e *Env) ClaimIn(t testing.TB, state models.State, checker, editor User, text string) *models.Claim {
	t.Helper()
	ctx := context.Background()
	c := e.Claim(t, checker, text)
	must := func(got *models.Claim, err error) *models.Claim {
		t.Helper()
		if err != nil {
			t.Fatalf("apptest: walk claim to %s: %v", state, err)
		}
		return got
	}
	apply := func(by User, r workflow.Request) {
		t.Helper()
		r.Version = c.Version
		c = must(e.App.Engine.Apply(ctx, by.User, c.ID, r))
	}
	if state == models.StateNew {
		return c
	}
	if state == models.StateRejected {
		apply(editor, workflow.Request{Action: models.ActionReject, Comment: "not check-worthy"})
		return c
	}
	c = must(e.App.Engine.Assign(ctx, editor.User, c.ID, workflow.AssignRequest{UserID: checker.ID, Role: models.AssignChecker}))
	apply(checker, workflow.Request{Action: models.ActionStart})
	if state == models.StateVerifying {
		return c
	}
	stance, action, verdict := models.StanceSupports, models.ActionVerify, models.VerdictTrue
	if state == models.StateDisputed {
		stance, action, verdict = models.StanceRefutes, models.ActionDispute, models.VerdictFalse
	}
	if _, err := e.App.Engine.AddEvidence(ctx, checker.User, c.ID, workflow.NewEvidence{URL: "https://example.org/source", Stance: stance}); err != nil {
		t.Fatalf("apptest: add evidence: %v", err)
	}
	apply(checker, workflow.Request{Action: action, Verdict: verdict, Summary: "checked against the source"})
	if state == models.StateConfirmed {
		apply(editor, workflow.Request{Action: models.ActionConfirm})
	}
	return c
}

// Response is a decoded HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r *Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("apptest: body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Decode decodes the body into v.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("apptest: decode body: %v\n%s", err, r.Body)
	}
}

// Do sends a request with a bearer token (empty for none). body may be nil,
// a string or []byte sent as is, or anything else sent as JSON.
func (e *Env) Do(t testing.TB, method, path, token string, body any) *Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("apptest: encode body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatalf("apptest: request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.Server.Client().Do(req)
	if err != nil {
		t.Fatalf("apptest: %s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("apptest: read body: %v", err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// Eventually polls cond every 10ms until it holds or the deadline passes.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// AuditConfig is a desk's audit configuration for a test: a checkpoint key
// created in the test's temporary directory, never in the user's.
func AuditConfig(t testing.TB) audit.Config {
	return audit.Config{KeyFile: filepath.Join(t.TempDir(), "audit", "checkpoint.key"), Origin: "desk.test/audit"}
}

// WaitForJobs waits until no job of kind is waiting or running, such as
// the checkpoint jobs publications queue ("audit_checkpoint"), so that
// what a test then counts stays put.
func (e *Env) WaitForJobs(t testing.TB, kind string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var waiting int
		err := e.App.Store.SQL().QueryRow(`SELECT count(*) FROM river_job WHERE kind = $1 AND state NOT IN ('completed', 'cancelled', 'discarded')`,
			kind).Scan(&waiting)
		if err != nil {
			t.Fatalf("apptest: count %s jobs: %v", kind, err)
		}
		if waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("apptest: %d %s jobs still waiting after 15s", waiting, kind)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
