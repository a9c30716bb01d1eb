package public_test

import (
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/handlers/public"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get fetches path from base with the given request headers. Unless they
// name an Accept-Encoding it asks for identity, as Go's client would
// otherwise ask for gzip on a GET (not on a HEAD) and hide it.
func get(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func TestPublicResponsesCarryValidators(t *testing.T) {
	t.Parallel()
	env := pubEnv(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The bridge carries 40,000 cars a day.")
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	env.WaitForJobs(t, "audit_checkpoint")

	for _, path := range []string{slugPath, "/factchecks", "/factchecks.json", "/factchecks.rss", "/.well-known/factdesk/checkpoint", "/.well-known/factdesk/checkpoint-key"} {
		t.Run(path, func(t *testing.T) {
			first, body := get(t, "GET", env.URL+path, nil)
			if first.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d: %s", path, first.StatusCode, body)
			}
			etag, modified := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
			if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
				t.Fatalf("ETag = %q, want a strong entity tag", etag)
			}
			lm, err := http.ParseTime(modified)
			if err != nil {
				t.Fatalf("Last-Modified = %q: %v", modified, err)
			}
			if cc := first.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=60") {
				t.Errorf("Cache-Control = %q", cc)
			}
			again, body2 := get(t, "GET", env.URL+path, nil)
			if again.Header.Get("ETag") != etag || body2 != body {
				t.Errorf("second GET: ETag %q, want %q; same body %v", again.Header.Get("ETag"), etag, body2 == body)
			}
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Content-Type"} {
				if again.Header.Get(h) != first.Header.Get(h) || first.Header.Get(h) == "" {
					t.Errorf("%s: first %q, from the cache %q", h, first.Header.Get(h), again.Header.Get(h))
				}
			}
			for _, cond := range []map[string]string{
				{"If-None-Match": etag},
				{"If-None-Match": `"other", W/` + etag},
				{"If-None-Match": "*"},
				{"If-Modified-Since": lm.Add(2 * time.Second).Format(http.TimeFormat)},
			} {
				res, b := get(t, "GET", env.URL+path, cond)
				if res.StatusCode != http.StatusNotModified || b != "" || res.Header.Get("ETag") != etag {
					t.Errorf("GET with %v = %d (%d bytes), ETag %q; want 304, no body", cond, res.StatusCode, len(b), res.Header.Get("ETag"))
				}
			}
			for _, cond := range []map[string]string{
				{"If-None-Match": `"other"`},
				{"If-Modified-Since": lm.Add(-time.Hour).Format(http.TimeFormat)},
				// If-None-Match wins over If-Modified-Since.
				{"If-None-Match": `"other"`, "If-Modified-Since": lm.Add(time.Hour).Format(http.TimeFormat)},
			} {
				if res, b := get(t, "GET", env.URL+path, cond); res.StatusCode != http.StatusOK || b != body {
					t.Errorf("GET with %v = %d, want 200 with the page", cond, res.StatusCode)
				}
			}
			head, b := get(t, "HEAD", env.URL+path, nil)
			if head.StatusCode != http.StatusOK || b != "" || head.Header.Get("ETag") != etag || head.ContentLength != int64(len(body)) {
				t.Errorf("HEAD = %d, %d bytes, ETag %q, Content-Length %d; want 200, none, %q, %d", head.StatusCode, len(b), head.Header.Get("ETag"), head.ContentLength, etag, len(body))
			}
			if head, _ := get(t, "HEAD", env.URL+path, map[string]string{"If-None-Match": etag}); head.StatusCode != http.StatusNotModified {
				t.Errorf("HEAD with If-None-Match = %d, want 304", head.StatusCode)
			}
		})
	}
	if hits, _, _ := env.App.PublicCache.Stats(); hits == 0 {
		t.Errorf("no request was answered from the cache")
	}
}

// A browser (Accept-Encoding: gzip) gets the cached page compressed, once
// compressed at fill time: its own strong ETag, Vary on the encoding, the
// same bytes once decompressed, and 304s against that ETag. A client that
// refuses gzip (q=0) or names none gets the identity bytes.
func TestPublicResponsesGzip(t *testing.T) {
	t.Parallel()
	env := pubEnv(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	var slug string
	for i := range 4 { // a feed of one entry is too short to compress
		c := env.ClaimIn(t, models.StateConfirmed, checker, editor, fmt.Sprintf("The bridge carries %d0,000 cars a day.", i+1))
		slug = pubSlug(t, env, checker.Token, c.ID)
	}
	for _, path := range []string{slug, "/factchecks.json"} {
		plain, body := get(t, "GET", env.URL+path, nil)
		if plain.StatusCode != http.StatusOK || plain.Header.Get("Content-Encoding") != "" {
			t.Fatalf("GET %s = %d, Content-Encoding %q", path, plain.StatusCode, plain.Header.Get("Content-Encoding"))
		}
		zipped, raw := get(t, "GET", env.URL+path, map[string]string{"Accept-Encoding": "br;q=1.0, gzip;q=0.8, *;q=0.1"})
		if zipped.Header.Get("Content-Encoding") != "gzip" || zipped.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("GET %s with gzip: Content-Encoding %q, Vary %q", path, zipped.Header.Get("Content-Encoding"), zipped.Header.Get("Vary"))
		}
		zr, err := gzip.NewReader(strings.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil || string(unzipped) != body || len(raw) >= len(body) {
			t.Errorf("GET %s with gzip: %d bytes, %d unzipped (%v), want fewer than %d, the same page", path, len(raw), len(unzipped), err, len(body))
		}
		etag := zipped.Header.Get("ETag")
		if etag == plain.Header.Get("ETag") || !strings.HasPrefix(etag, `"`) || plain.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("ETags %q (gzip) and %q (identity, Vary %q): want two strong tags, both varying", etag, plain.Header.Get("ETag"), plain.Header.Get("Vary"))
		}
		if zipped.ContentLength != int64(len(raw)) {
			t.Errorf("gzip Content-Length = %d, want %d", zipped.ContentLength, len(raw))
		}
		if res, b := get(t, "GET", env.URL+path, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": etag}); res.StatusCode != http.StatusNotModified || b != "" {
			t.Errorf("GET with gzip and If-None-Match = %d (%d bytes), want 304", res.StatusCode, len(b))
		}
		if head, _ := get(t, "HEAD", env.URL+path, map[string]string{"Accept-Encoding": "gzip"}); head.ContentLength != int64(len(raw)) || head.Header.Get("ETag") != etag {
			t.Errorf("HEAD with gzip: Content-Length %d, ETag %q; want %d, %q", head.ContentLength, head.Header.Get("ETag"), len(raw), etag)
		}
		if res, b := get(t, "GET", env.URL+path, map[string]string{"Accept-Encoding": "gzip;q=0, deflate"}); res.Header.Get("Content-Encoding") != "" || b != body {
			t.Errorf("GET with gzip;q=0: Content-Encoding %q, want the identity page", res.Header.Get("Content-Encoding"))
		}
	}
}

// Nothing a signed-in caller or an error produced is kept, and private
// pages are never served from the cache.
func TestPublicCacheKeepsOnlyAnonymousPublicResponses(t *testing.T) {
	t.Parallel()
	env := pubEnv(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The tunnel is 12 km long.")
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	cache := env.App.PublicCache
	cache.Flush()

	for _, h := range []map[string]string{{"Authorization": "Bearer " + checker.Token}, {"Cookie": "factdesk_session=x"}} {
		if res, _ := get(t, "GET", env.URL+slugPath, h); res.StatusCode != http.StatusOK || res.Header.Get("ETag") == "" {
			t.Fatalf("GET with %v = %d, ETag %q", h, res.StatusCode, res.Header.Get("ETag"))
		}
	}
	for _, path := range []string{"/factchecks/999999-nothing-here", slugPath + "-wrong", slugPath + "?utm=x", "/api/v1/claims/" + itoa(c.ID), "/login", "/"} {
		get(t, "GET", env.URL+path, nil)
		get(t, "GET", env.URL+path, map[string]string{"Authorization": "Bearer " + checker.Token})
	}
	if _, _, size := cache.Stats(); size != 0 {
		t.Fatalf("cache holds %d bytes after only signed-in, failed and private requests", size)
	}
	// The API answer for a signed-in caller is never served from memory,
	// even at a path a public page was stored under.
	get(t, "GET", env.URL+slugPath, nil)
	hits0, _, size := cache.Stats()
	if size == 0 {
		t.Fatalf("an anonymous GET of a public page was not kept")
	}
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID), checker.Token, nil)
	if res.Status != http.StatusOK || res.Header.Get("ETag") != "" {
		t.Errorf("API GET = %d, ETag %q", res.Status, res.Header.Get("ETag"))
	}
	if hits, _, _ := cache.Stats(); hits != hits0 {
		t.Errorf("the API request was answered from the cache")
	}
}

// Two processes on one database: a correction or retraction made through
// one is on the other's public pages and feeds once the announcement
// arrives. Entries live an hour here, so only the announcement can pass
// the waits below, which are deadlines for a busy machine, not latency
// targets.
func TestPublicCacheInvalidatedAcrossProcesses(t *testing.T) {
	t.Parallel()
	env := pubEnv(t, func(c *app.Config) { c.PublicCache = public.CacheConfig{TTL: time.Hour} })
	ctx := context.Background()
	other, err := app.Open(ctx, env.App.Config, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(other.Handler())
	runCtx, cancel := context.WithCancel(ctx)
	if err := other.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		srv.Close()
		other.Stop(stopCtx)
		cancel()
		other.Close()
	})

	checker, editor, editor2 := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Turnout was 80%.")
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	// The checkpoint the publication asked for changes every page.
	env.WaitForJobs(t, "audit_checkpoint")
	// The other process keeps the page, the list and the feed.
	watch := func(path, want string) func() bool {
		return func() bool {
			_, body := get(t, "GET", srv.URL+path, nil)
			return strings.Contains(body, want)
		}
	}
	for _, path := range []string{slugPath, "/factchecks", "/factchecks.json"} {
		get(t, "GET", srv.URL+path, nil)
	}
	if hits0, _, _ := other.PublicCache.Stats(); !watch(slugPath, "Published with the verdict True.")() {
		t.Fatal("the other process does not show the published check")
	} else if hits, _, _ := other.PublicCache.Stats(); hits == hits0 {
		t.Fatal("the other process did not serve the page from its cache")
	}

	// A correction.
	env.Transition(t, editor, c.ID, map[string]any{"action": "reopen", "comment": "Revised turnout figures."})
	apptest.Eventually(t, 15*time.Second, "the other process to show the page under review", watch(slugPath, "Reopened for review."))
	env.AddEvidence(t, checker, c.ID, map[string]any{"url": "https://commission.example/turnout", "stance": "refutes"})
	env.Transition(t, checker, c.ID, map[string]any{"action": "dispute", "verdict": "false", "summary": "Turnout was 61%."})
	env.Transition(t, editor2, c.ID, map[string]any{"action": "confirm"})
	apptest.Eventually(t, 15*time.Second, "the other process to show the correction", watch(slugPath, "Verdict changed from True to False."))
	apptest.Eventually(t, 15*time.Second, "the other process's feed to carry the new verdict", watch("/factchecks.json", "False"))

	// A retraction.
	env.Transition(t, editor, c.ID, map[string]any{"action": "reopen", "comment": "The commission withdrew its figures."})
	env.Transition(t, editor, c.ID, map[string]any{"action": "reject", "comment": "Both figures were unreliable."})
	apptest.Eventually(t, 15*time.Second, "the other process to show the retraction", watch(slugPath, "Both figures were unreliable."))
	apptest.Eventually(t, 15*time.Second, "the other process's list to mark the retraction", watch("/factchecks", `<span class="retracted">retracted</span>`))
}

// A missed announcement costs at most the TTL: entries expire.
func TestPublicCacheEntriesExpire(t *testing.T) {
	t.Parallel()
	env := pubEnv(t, func(c *app.Config) { c.PublicCache = public.CacheConfig{TTL: time.Second} })
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The lake is 300 m deep.")
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	get(t, "GET", env.URL+slugPath, nil)
	// Change the page behind the cache's back, announcing nothing.
	db, err := sql.Open("pgx", env.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE publications SET text = 'The lake is 310 m deep.' WHERE claim_id = $1", c.ID); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 15*time.Second, "the page to show the unannounced change", func() bool {
		_, body := get(t, "GET", env.URL+slugPath, nil)
		return strings.Contains(body, "310 m")
	})
}
