package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/live"
	"github.com/factdesk/factdesk/models"
)

func srcCheckNow(t *testing.T, env *apptest.Env, token string, claimID, evidenceID int64) apptest.SourceEvidence {
	t.Helper()
	res := env.Do(t, "POST", "/api/v1/claims/"+itoa(claimID)+"/evidence/"+itoa(evidenceID)+"/check", token, nil)
	wantStatus(t, res, http.StatusOK, "POST check")
	var ev apptest.SourceEvidence
	res.Decode(t, &ev)
	return ev
}

func srcHistory(t *testing.T, env *apptest.Env, claimID int64, kind models.HistoryKind) []models.HistoryEntry {
	t.Helper()
	hs, err := env.App.Store.History(context.Background(), claimID)
	if err != nil {
		t.Fatal(err)
	}
	var out []models.HistoryEntry
	for _, h := range hs {
		if h.Kind == kind {
			out = append(out, h)
		}
	}
	return out
}

func srcDetail(t *testing.T, h models.HistoryEntry, key string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(h.Details, &m); err != nil {
		t.Fatalf("history details %s: %v", h.Details, err)
	}
	return m[key]
}

// srcCountChecks counts the source checks ever queued for an evidence item.
func srcCountChecks(t *testing.T, env *apptest.Env, evidenceID int64) int {
	t.Helper()
	var n int
	err := env.App.Store.SQL().QueryRow("SELECT count(*) FROM river_job WHERE kind = 'source_check' AND (args->>'evidence_id')::bigint = $1",
		evidenceID).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func srcCountEvents(t *testing.T, env *apptest.Env, claimID int64, typ string) int {
	t.Helper()
	var n int
	err := env.App.Store.SQL().QueryRow("SELECT count(*) FROM events WHERE claim_id = $1 AND type = $2", claimID, typ).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// srcWaitLive waits for a live-update notification about claimID.
func srcWaitLive(t *testing.T, updates <-chan live.Event, claimID int64) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-updates:
			if e.ClaimID == claimID {
				return
			}
		case <-deadline:
			t.Fatalf("no live update for claim %d after its source alert", claimID)
		}
	}
}

func TestSourceCheckOnEvidenceAdded(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	site := apptest.NewSourcePage(t, apptest.SourceArticle("Jobs report", "The minister said the rate “fell   by\n three points” — the biggest drop in a decade."))
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Unemployment fell by three points")

	found := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/jobs", "excerpt": `"Fell by three points" - the biggest drop`})
	missing := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/jobs", "excerpt": "fell by four points"})
	plain := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/jobs"})
	if found.Status != "pending" {
		t.Errorf("new evidence status = %q, want pending", found.Status)
	}

	ev := env.WaitChecked(t, checker.Token, c.ID, found.ID)
	if ev.Status != "verified" || ev.ExcerptStatus != "found" || ev.HTTPStatus == nil || *ev.HTTPStatus != 200 ||
		ev.FinalURL != site.URL()+"/jobs" || ev.PageTitle != "Jobs report" || len(ev.BodySHA256) != 64 ||
		ev.FetchedAt == nil || !strings.HasPrefix(ev.ContentType, "text/html") || ev.ExcerptStart == nil || ev.ExcerptEnd == nil {
		t.Fatalf("found excerpt: evidence = %+v", ev)
	}
	snap := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/evidence/"+itoa(found.ID)+"/snapshot", checker.Token, nil)
	wantStatus(t, snap, http.StatusOK, "GET snapshot")
	text, _ := snap.JSON(t)["text"].(string)
	if quote := text[*ev.ExcerptStart:*ev.ExcerptEnd]; !strings.Contains(quote, "fell by three points") || !strings.HasSuffix(quote, "drop") {
		t.Errorf("excerpt position %d..%d covers %q, want the quoted passage", *ev.ExcerptStart, *ev.ExcerptEnd, quote)
	}
	if strings.Contains(text, "Menu") {
		t.Errorf("snapshot %q keeps the navigation; want the article text", text)
	}

	if ev := env.WaitChecked(t, checker.Token, c.ID, missing.ID); ev.Status != "excerpt_missing" || ev.ExcerptStatus != "not_found" {
		t.Errorf("missing excerpt: status %q, excerpt %q; want excerpt_missing, not_found", ev.Status, ev.ExcerptStatus)
	}
	if ev := env.WaitChecked(t, checker.Token, c.ID, plain.ID); ev.Status != "verified" || ev.ExcerptStatus != "no_excerpt" {
		t.Errorf("no excerpt: status %q, excerpt %q; want verified, no_excerpt", ev.Status, ev.ExcerptStatus)
	}
	// First checks only set a status; nothing relied on has changed.
	if n := len(srcHistory(t, env, c.ID, models.HistoryEvidenceChanged)); n != 0 {
		t.Errorf("history has %d evidence_changed entries after first checks, want 0", n)
	}
}

func TestSourceCheckRedirects(t *testing.T) {
	t.Parallel()

	// The allow-list holds only 127.0.0.1, so the hop to 127.0.0.2 is
	// refused when it is dialed; a listener there would count a leak.
	var leaked atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.2: %v", err)
	}
	internal := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { leaked.Add(1) }))
	internal.Listener.Close()
	internal.Listener = ln
	internal.Start()
	t.Cleanup(internal.Close)

	env := apptest.SourceDesk(t, func(c *app.Config) { c.FetchAllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	var site *httptest.Server
	site = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old":
			http.Redirect(w, r, site.URL+"/older", http.StatusMovedPermanently)
		case "/older":
			http.Redirect(w, r, "/new", http.StatusFound)
		case "/new":
			io.WriteString(w, apptest.SourceArticle("Moved", "Here now."))
		case "/to-internal":
			http.Redirect(w, r, internal.URL+"/admin", http.StatusFound)
		case "/to-v6":
			http.Redirect(w, r, "http://[::1]:"+site.Listener.Addr().(*net.TCPAddr).AddrPort().String()[len("127.0.0.1:"):]+"/new", http.StatusFound)
		}
	}))
	t.Cleanup(site.Close)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Redirects are followed")

	moved := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL + "/old", "excerpt": "here now"})
	denied := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL + "/to-internal"})
	v6 := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL + "/to-v6"})

	if ev := env.WaitChecked(t, checker.Token, c.ID, moved.ID); ev.Status != "verified" || ev.FinalURL != site.URL+"/new" {
		t.Errorf("redirected: status %q final %q; want verified at %s/new", ev.Status, ev.FinalURL, site.URL)
	}
	for _, id := range []int64{denied.ID, v6.ID} {
		ev := env.WaitChecked(t, checker.Token, c.ID, id)
		if ev.Status != "unreachable" || ev.FetchError != "blocked" {
			t.Errorf("redirect to a denied address: status %q error %q; want unreachable, blocked", ev.Status, ev.FetchError)
		}
	}
	if n := leaked.Load(); n != 0 {
		t.Errorf("the denied address got %d requests, want 0", n)
	}
}

func TestSourceChangesAndDisappears(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	site := apptest.NewSourcePage(t, apptest.SourceArticle("Budget", "The budget grew by 4% this year."))
	claimID, evID := env.ConfirmedWith(t, checker, editor, "The budget grew by 4%", site.URL()+"/budget", "grew by 4%")
	if ev := env.WaitChecked(t, checker.Token, claimID, evID); ev.Status != "verified" {
		t.Fatalf("first check: status %q, want verified", ev.Status)
	}
	alerts := func() []any {
		res := env.Do(t, "GET", "/api/v1/source-alerts", checker.Token, nil)
		wantStatus(t, res, http.StatusOK, "GET source-alerts")
		items, _ := res.JSON(t)["items"].([]any)
		return items
	}
	if n := len(alerts()); n != 0 {
		t.Fatalf("source alerts before any change = %d, want 0", n)
	}

	// The page is edited and the quote is gone.
	updates, stop := env.App.Live.Subscribe()
	defer stop()
	site.Set(http.StatusOK, apptest.SourceArticle("Budget", "The budget shrank by 1% this year."))
	ev := srcCheckNow(t, env, checker.Token, claimID, evID)
	if ev.Status != "changed" || ev.ExcerptStatus != "not_found" {
		t.Fatalf("after the edit: status %q excerpt %q; want changed, not_found", ev.Status, ev.ExcerptStatus)
	}
	// The alert goes through the engine, whose hooks tell open dashboards.
	srcWaitLive(t, updates, claimID)
	entries := srcHistory(t, env, claimID, models.HistoryEvidenceChanged)
	if len(entries) != 1 || srcDetail(t, entries[0], "to") != "changed" || srcDetail(t, entries[0], "from") != "verified" {
		t.Fatalf("evidence_changed history = %+v, want one entry to changed", entries)
	}
	if n := srcCountEvents(t, env, claimID, "evidence.changed"); n != 1 {
		t.Errorf("evidence.changed events = %d, want 1", n)
	}
	items := alerts()
	if len(items) != 1 || items[0].(map[string]any)["claim_id"].(float64) != float64(claimID) {
		t.Fatalf("source alerts = %v, want claim %d", items, claimID)
	}
	if ids, _ := items[0].(map[string]any)["evidence_ids"].([]any); len(ids) != 1 || ids[0].(float64) != float64(evID) {
		t.Fatalf("source alert evidence_ids = %v, want [%d]", items[0].(map[string]any)["evidence_ids"], evID)
	}
	flags, err := env.App.Store.NeedsSourceReview(context.Background(), []int64{claimID, claimID + 1000})
	if err != nil || !flags[claimID] || len(flags) != 1 {
		t.Errorf("NeedsSourceReview = %v, %v; want only claim %d", flags, err, claimID)
	}

	// Checking again without a change raises nothing new.
	srcCheckNow(t, env, checker.Token, claimID, evID)
	if n := len(srcHistory(t, env, claimID, models.HistoryEvidenceChanged)); n != 1 {
		t.Errorf("history after an unchanged recheck has %d evidence_changed entries, want 1", n)
	}

	// The page is removed.
	site.Set(http.StatusGone, "gone")
	if ev := srcCheckNow(t, env, checker.Token, claimID, evID); ev.Status != "gone" || ev.HTTPStatus == nil || *ev.HTTPStatus != 410 {
		t.Fatalf("after removal: %+v, want gone with 410", ev)
	}
	if n := len(srcHistory(t, env, claimID, models.HistoryEvidenceChanged)); n != 2 {
		t.Errorf("evidence_changed entries = %d, want 2", n)
	}
	if n := srcCountEvents(t, env, claimID, "evidence.changed"); n != 2 {
		t.Errorf("evidence.changed events = %d, want 2", n)
	}
	// The last good reading stays for the desk to compare.
	if ev := env.EvidenceOf(t, checker.Token, claimID, evID); ev.PageTitle != "Budget" || ev.BodySHA256 == "" {
		t.Errorf("after removal the evidence lost its last good reading: %+v", ev)
	}

	// An editor reviews and confirms again: the flag clears, while the
	// evidence keeps its gone status.
	env.Transition(t, editor, claimID, map[string]any{"action": "reopen", "comment": "Source page was removed."})
	env.Transition(t, checker, claimID, map[string]any{"action": "verify", "verdict": "mostly_true", "summary": "Archived copy agrees."})
	env.Transition(t, editor, claimID, map[string]any{"action": "confirm"})
	if items := alerts(); len(items) != 0 {
		t.Errorf("source alerts after re-confirmation = %v, want none", items)
	}
	if ev := env.EvidenceOf(t, checker.Token, claimID, evID); ev.Status != "gone" {
		t.Errorf("evidence status after re-confirmation = %q, want gone", ev.Status)
	}
}

func TestSourceUnreachableRepeatedlyIsGone(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	site := apptest.NewSourcePage(t, apptest.SourceArticle("Report", "All figures are final."))
	claimID, evID := env.ConfirmedWith(t, checker, editor, "The figures are final", site.URL()+"/r", "figures are final")
	env.WaitChecked(t, checker.Token, claimID, evID)

	site.Srv.Close() // the site goes offline: connections are refused
	want := []string{"unreachable", "unreachable", "gone"}
	for i, w := range want {
		ev := srcCheckNow(t, env, checker.Token, claimID, evID)
		if ev.Status != w || ev.ConsecutiveFailures != i+1 || ev.FetchError != "refused" {
			t.Fatalf("check %d of an offline site: status %q failures %d error %q; want %s, %d, refused",
				i+1, ev.Status, ev.ConsecutiveFailures, ev.FetchError, w, i+1)
		}
	}
	if n := len(srcHistory(t, env, claimID, models.HistoryEvidenceChanged)); n != 1 {
		t.Errorf("evidence_changed entries = %d, want 1 (when it became gone)", n)
	}
}

func TestSourceWatcherRechecksConfirmedClaims(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t, func(c *app.Config) { c.SourceRecheckInterval = 150 * time.Millisecond })
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	watched := apptest.NewSourcePage(t, apptest.SourceArticle("Census", "Population reached 10 million."))
	open := apptest.NewSourcePage(t, apptest.SourceArticle("Draft", "Nothing final."))
	claimID, evID := env.ConfirmedWith(t, checker, editor, "Population reached 10 million", watched.URL()+"/census", "reached 10 million")
	other := env.ClaimIn(t, models.StateVerifying, checker, editor, "Still being checked")
	draft := env.AddEvidence(t, checker, other.ID, map[string]any{"url": open.URL() + "/draft"})

	// The unconfirmed claim's evidence gets its first check, queued when it
	// was added, like any other; it runs whenever the queue gets to it,
	// which on a busy machine can be after the watcher has rechecked the
	// confirmed claim several times, so it is waited for, not assumed.
	env.WaitChecked(t, checker.Token, other.ID, draft.ID)
	// Two rechecks of the watched page that start after that first check:
	// the sweep that queued the second ran at least an interval after the
	// draft was fetched, so a watcher that wrongly watched unconfirmed
	// claims would have queued the draft's recheck in that same commit.
	after := watched.Hits.Load()
	apptest.Eventually(t, 15*time.Second, "the watcher to recheck the confirmed claim's source", func() bool {
		return watched.Hits.Load() >= after+2
	})
	if n := srcCountChecks(t, env, draft.ID); n != 1 {
		t.Errorf("%d checks queued for evidence of an unconfirmed claim, want 1 (its first; no watching)", n)
	}
	if n := open.Hits.Load(); n != 1 {
		t.Errorf("evidence of an unconfirmed claim was fetched %d times, want once (no watching)", n)
	}

	watched.Set(http.StatusNotFound, "not here")
	apptest.Eventually(t, 15*time.Second, "the watcher to notice the page is gone", func() bool {
		return env.EvidenceOf(t, checker.Token, claimID, evID).Status == "gone"
	})
	apptest.Eventually(t, 5*time.Second, "the evidence.changed event", func() bool {
		return srcCountEvents(t, env, claimID, "evidence.changed") == 1
	})
	if n := len(srcHistory(t, env, claimID, models.HistoryEvidenceChanged)); n != 1 {
		t.Errorf("evidence_changed entries = %d, want 1", n)
	}
}

func TestManualCheckRules(t *testing.T) {
	t.Parallel()
	env := apptest.SourceDesk(t)
	checker, editor, viewer := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleViewer)
	site := apptest.NewSourcePage(t, apptest.SourceArticle("A", "b"))
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Manual checks")
	ev := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL()})
	other := env.ClaimIn(t, models.StateNew, checker, editor, "Another claim")

	path := "/api/v1/claims/" + itoa(c.ID) + "/evidence/" + itoa(ev.ID) + "/check"
	wantStatus(t, env.Do(t, "POST", path, viewer.Token, nil), http.StatusForbidden, "viewer check")
	wantStatus(t, env.Do(t, "POST", path, "", nil), http.StatusUnauthorized, "anonymous check")
	wrong := "/api/v1/claims/" + itoa(other.ID) + "/evidence/" + itoa(ev.ID) + "/check"
	wantStatus(t, env.Do(t, "POST", wrong, checker.Token, nil), http.StatusNotFound, "check via another claim")
	if got := srcCheckNow(t, env, editor.Token, c.ID, ev.ID); got.Status != "verified" {
		t.Errorf("manual check status = %q, want verified", got.Status)
	}
}
