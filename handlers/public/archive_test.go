package public_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/internal/tsatest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
)

// waitCapture waits for the first capture of an evidence item and returns
// the desk's captures of it.
func waitCapture(t *testing.T, env *apptest.Env, claimID, evidenceID int64) []sources.CaptureView {
	t.Helper()
	var caps []sources.CaptureView
	apptest.Eventually(t, 15*time.Second, "the first capture", func() bool {
		var err error
		caps, err = env.App.Sources.Captures(context.Background(), claimID, evidenceID)
		return err == nil && len(caps) > 0
	})
	return caps
}

// Hole 3, the archived copy: each public source links the desk's capture
// of it, a public read-only view that shows the capture's time, digests
// and text with the quote marked, never the captured HTML alive, and
// nothing of the desk's own judgement.
func TestPublicArchivedCopy(t *testing.T) {
	t.Parallel()
	env := pubEnv(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	site := apptest.NewSourcePage(t, `<!doctype html><html><head><title>Rail report</title></head><body><article>
<p>The rail report came out on Monday.</p><p>Trains ran on time 92% of the time last year. <b id="raw-marker">Bold</b>
<img src="x" onerror="alert(1)"><script>alert(2)</script></p></article></body></html>`)
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Trains were on time 92% of the time.")
	kept := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/report", "stance": "supports",
		"excerpt": "Trains ran on time 92% of the time", "note": "INTERNAL-NOTE call the operator", "internal": true})
	dropped := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/old", "stance": "supports"})
	caps := waitCapture(t, env, c.ID, kept.ID)
	waitCapture(t, env, c.ID, dropped.ID)
	ev := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID), checker.Token, nil).JSON(t)["evidence"].([]any)
	version := 0
	for _, e := range ev {
		if e := e.(map[string]any); int64(e["id"].(float64)) == dropped.ID {
			version = int(e["version"].(float64))
		}
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/claims/"+itoa(c.ID)+"/evidence/"+itoa(dropped.ID)+"/retract", checker.Token,
		map[string]any{"reason": "Wrong report.", "version": version}), http.StatusOK, "retract")

	// Not public before the check is.
	unpublished := "/factchecks/" + itoa(c.ID) + "/sources/" + itoa(kept.ID)
	if res := env.Do(t, "GET", unpublished, "", nil); res.Status != http.StatusNotFound {
		t.Errorf("archive of an unpublished check = %d, want 404", res.Status)
	}

	env.Transition(t, checker, c.ID, map[string]any{"action": "verify", "verdict": "true", "summary": "The report says so."})
	env.Transition(t, editor, c.ID, map[string]any{"action": "confirm"})
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	page := string(env.Do(t, "GET", slugPath, "", nil).Body)
	archivePath := slugPath + "/sources/" + itoa(kept.ID)
	if !strings.Contains(page, `<a class="archived" href="`+archivePath+`">Archived copy</a>`) {
		t.Fatalf("public page does not link the archived copy %s:\n%s", archivePath, page)
	}
	ld := pubJSONLD(t, []byte(page))
	cites, _ := ld["citation"].([]any)
	if len(cites) != 1 || cites[0].(map[string]any)["archivedAt"] != "https://checks.example.org"+archivePath ||
		cites[0].(map[string]any)["url"] != site.URL()+"/report" {
		t.Errorf("ClaimReview citation = %v, want the source with archivedAt %s", ld["citation"], archivePath)
	}

	res := env.Do(t, "GET", archivePath, "", nil)
	wantStatus(t, res, http.StatusOK, "GET archived copy")
	if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
		t.Errorf("archived copy Cache-Control = %q, want public", cc)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("archived copy CSP = %q", csp)
	}
	body := string(res.Body)
	mark := regexp.MustCompile(`<mark id="quote">(.*?)</mark>`).FindStringSubmatch(body)
	if mark == nil || mark[1] != "Trains ran on time 92% of the time" {
		t.Errorf("marked passage = %v, want the excerpt", mark)
	}
	for _, want := range []string{caps[0].CaptureSHA256, caps[0].PayloadDigest, site.URL() + "/report", slugPath,
		"none: no timestamp authority signed this capture"} {
		if !strings.Contains(body, want) {
			t.Errorf("archived copy lacks %q", want)
		}
	}
	for _, leak := range []string{`<b id="raw-marker">`, "<script>alert", "<img", "INTERNAL-NOTE", "Source verified", "verified",
		checker.Name, editor.Name, checker.Email} {
		if strings.Contains(body, leak) {
			t.Errorf("archived copy shows %q", leak)
		}
	}
	// The WARC download is the bytes the digest names.
	warc := env.Do(t, "GET", archivePath+"/captures/"+itoa(caps[0].ID)+"/warc", "", nil)
	sum := sha256.Sum256(warc.Body)
	if warc.Status != http.StatusOK || warc.Header.Get("Content-Type") != "application/warc" ||
		!strings.HasPrefix(warc.Header.Get("Content-Disposition"), "attachment") || hex.EncodeToString(sum[:]) != caps[0].CaptureSHA256 {
		t.Errorf("WARC download = %d %q %q, digest match %v", warc.Status, warc.Header.Get("Content-Type"),
			warc.Header.Get("Content-Disposition"), hex.EncodeToString(sum[:]) == caps[0].CaptureSHA256)
	}
	// A stale slug redirects to the one address.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := noFollow.Get(env.URL + unpublished)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != archivePath {
		t.Errorf("GET %s = %d to %q, want 301 to %s", unpublished, r.StatusCode, r.Header.Get("Location"), archivePath)
	}

	// Everything that is not a listed source's capture is a plain 404.
	other := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Another check.")
	for _, path := range []string{
		slugPath + "/sources/" + itoa(dropped.ID),                              // retracted
		slugPath + "/sources/" + itoa(dropped.ID) + "/captures/1/warc",         // retracted, WARC
		pubSlug(t, env, checker.Token, other.ID) + "/sources/" + itoa(kept.ID), // another check's source
		slugPath + "/sources/abc",                                              // not a number
		archivePath + "?capture=999999",                                        // no such capture
		archivePath + "/captures/999999/warc",                                  // no such capture
	} {
		res := env.Do(t, "GET", path, "", nil)
		if res.Status != http.StatusNotFound || strings.Contains(string(res.Body), "Wrong report") {
			t.Errorf("GET %s = %d, want a plain 404: %s", path, res.Status, res.Body)
		}
	}
	// Evidence added while the check is under review is not part of it.
	env.Transition(t, editor, c.ID, map[string]any{"action": "reopen", "comment": "New figures."})
	later := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/new", "stance": "supports"})
	waitCapture(t, env, c.ID, later.ID)
	if res := env.Do(t, "GET", slugPath+"/sources/"+itoa(later.ID), "", nil); res.Status != http.StatusNotFound {
		t.Errorf("archive of evidence added under review = %d, want 404", res.Status)
	}
	wantStatus(t, env.Do(t, "GET", archivePath, "", nil), http.StatusOK, "archive of a check under review")
	// A retracted check keeps its page and its sources, so their archived
	// copies stay, saying the check was retracted.
	env.Transition(t, editor, c.ID, map[string]any{"action": "reject", "comment": "The report was withdrawn."})
	res = env.Do(t, "GET", archivePath, "", nil)
	wantStatus(t, res, http.StatusOK, "archive of a retracted check")
	if !strings.Contains(string(res.Body), "(since retracted)") {
		t.Errorf("archived copy of a retracted check does not say so:\n%s", res.Body)
	}
}

// The archived copy names the timestamp authority and the time it signed
// the capture's digest, when the desk has one configured.
func TestPublicArchivedCopyTimestamp(t *testing.T) {
	t.Parallel()
	auth := tsatest.Start(t, tsatest.Options{})
	env := apptest.SourceDesk(t, func(c *app.Config) {
		c.TSAURLs = []string{auth.URL}
		c.TSARoots = auth.Roots
	})
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	site := apptest.NewSourcePage(t, apptest.SourceArticle("Budget", "The budget grew by 2% this year."))
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "The budget grew by 2%.")
	ev := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/budget", "excerpt": "grew by 2%"})
	caps := waitCapture(t, env, c.ID, ev.ID)
	if len(caps[0].Timestamps) != 1 {
		t.Fatalf("capture timestamps = %+v, want one token", caps[0].Timestamps)
	}
	env.Transition(t, checker, c.ID, map[string]any{"action": "verify", "verdict": "true", "summary": "Per the budget."})
	env.Transition(t, editor, c.ID, map[string]any{"action": "confirm"})
	res := env.Do(t, "GET", "/factchecks/"+itoa(c.ID)+"/sources/"+itoa(ev.ID), "", nil)
	if res.Status == http.StatusMovedPermanently {
		res = env.Do(t, "GET", res.Header.Get("Location"), "", nil)
	}
	wantStatus(t, res, http.StatusOK, "GET archived copy")
	ts := caps[0].Timestamps[0]
	want := "signed by " + ts.Authority + " at <time datetime=\"" + ts.Time.UTC().Format(time.RFC3339) + "\">"
	if !strings.Contains(string(res.Body), want) || !strings.Contains(string(res.Body), "(certificate chain verified)") {
		t.Errorf("archived copy does not show the timestamp %q:\n%s", want, res.Body)
	}
}
