package public_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func pubEnv(t *testing.T, opts ...apptest.Option) *apptest.Env {
	t.Helper()
	return apptest.SourceDesk(t, append([]apptest.Option{func(c *app.Config) {
		c.PublicURL = "https://checks.example.org"
		c.PublisherName = "Example Desk"
		c.PublisherURL = "https://example.org"
	}}, opts...)...)
}

var ldScript = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// pubJSONLD pulls the ClaimReview out of a public page, the way a search
// engine would.
func pubJSONLD(t *testing.T, body []byte) map[string]any {
	t.Helper()
	m := ldScript.FindAllSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("page has %d JSON-LD scripts, want 1:\n%s", len(m), body)
	}
	var ld map[string]any
	if err := json.Unmarshal(m[0][1], &ld); err != nil {
		t.Fatalf("embedded JSON-LD does not parse: %v\n%s", err, m[0][1])
	}
	return ld
}

func pubSlug(t *testing.T, env *apptest.Env, token string, claimID int64) string {
	t.Helper()
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(claimID)+"/claimreview", token, nil)
	wantStatus(t, res, http.StatusOK, "GET claimreview")
	url, _ := res.JSON(t)["url"].(string)
	return strings.TrimPrefix(url, "https://checks.example.org")
}

func TestPublicPage(t *testing.T) {
	t.Parallel()
	env := pubEnv(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	site := apptest.NewSourcePage(t, apptest.SourceArticle("Stats", "Crime fell 3% last year."))

	text := `Crime "doubled" </script><script>alert(1)</script> since 2020`
	c := env.Claim(t, checker, text)
	res := env.Do(t, "PATCH", "/api/v1/claims/"+itoa(c.ID), checker.Token, map[string]any{
		"version": c.Version, "claimant": "Jo Politician", "source_url": "https://tv.example/debate"})
	wantStatus(t, res, http.StatusOK, "PATCH claim")
	res = env.Do(t, "POST", "/api/v1/claims/"+itoa(c.ID)+"/assignments", editor.Token, map[string]any{"user_id": checker.ID, "role": "checker"})
	if res.Status >= 300 {
		t.Fatalf("assign = %d: %s", res.Status, res.Body)
	}
	env.Transition(t, checker, c.ID, map[string]any{"action": "start"})
	env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/stats", "stance": "refutes",
		"excerpt": "fell 3%", "note": "INTERNAL-ONLY phone the statistician", "internal": true})
	env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/stats2", "stance": "refutes", "note": "Official series."})
	env.Do(t, "POST", "/api/v1/claims/"+itoa(c.ID)+"/comments", checker.Token, map[string]any{"body": "SECRET-COMMENT do not publish"})

	path := "/factchecks/" + itoa(c.ID)
	if res := env.Do(t, "GET", path, "", nil); res.Status != http.StatusNotFound {
		t.Fatalf("page of a claim in research = %d, want 404", res.Status)
	}
	env.Transition(t, checker, c.ID, map[string]any{"action": "dispute", "verdict": "false", "summary": "Crime fell."})
	if res := env.Do(t, "GET", path, "", nil); res.Status != http.StatusNotFound {
		t.Fatalf("page of a disputed, unconfirmed claim = %d, want 404", res.Status)
	}
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/claimreview", checker.Token, nil), http.StatusNotFound, "claimreview before confirm")
	env.Transition(t, editor, c.ID, map[string]any{"action": "confirm"})

	slugPath := pubSlug(t, env, checker.Token, c.ID)
	if !strings.HasPrefix(slugPath, "/factchecks/"+itoa(c.ID)+"-crime-doubled") {
		t.Fatalf("public path = %q, want /factchecks/%d-crime-doubled…", slugPath, c.ID)
	}
	// The bare id redirects to the one canonical address.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	redirect, err := noFollow.Get(env.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	redirect.Body.Close()
	if redirect.StatusCode != http.StatusMovedPermanently || redirect.Header.Get("Location") != slugPath {
		t.Errorf("GET %s = %d to %q, want 301 to %s", path, redirect.StatusCode, redirect.Header.Get("Location"), slugPath)
	}

	res = env.Do(t, "GET", slugPath, "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", slugPath, res.Status, res.Body)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") || res.Header.Get("X-Frame-Options") != "DENY" ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("security headers: CSP %q, XFO %q, XCTO %q", csp, res.Header.Get("X-Frame-Options"), res.Header.Get("X-Content-Type-Options"))
	}
	body := string(res.Body)
	for _, want := range []string{"Jo Politician", "https://tv.example/debate", "False", "Crime fell.", "Official series.", "Corrections", "No corrections."} {
		if !strings.Contains(body, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	for _, leak := range []string{"INTERNAL-ONLY", "SECRET-COMMENT", "@test.factdesk.test", "<script>alert(1)"} {
		if strings.Contains(body, leak) {
			t.Errorf("public page leaks %q", leak)
		}
	}

	ld := pubJSONLD(t, res.Body)
	api := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/claimreview", checker.Token, nil)
	if api.Header.Get("Content-Type") != "application/ld+json" {
		t.Errorf("claimreview Content-Type = %q", api.Header.Get("Content-Type"))
	}
	if got, want := mustJSON(t, ld), mustJSON(t, api.JSON(t)); got != want {
		t.Errorf("embedded JSON-LD differs from the API's:\n%s\n%s", got, want)
	}
	if ld["claimReviewed"] != text || ld["@type"] != "ClaimReview" || ld["url"] != "https://checks.example.org"+slugPath {
		t.Errorf("JSON-LD claimReviewed %q type %v url %v", ld["claimReviewed"], ld["@type"], ld["url"])
	}
	rating := ld["reviewRating"].(map[string]any)
	if rating["alternateName"] != "False" || rating["ratingValue"] != 1.0 || rating["bestRating"] != 5.0 || rating["worstRating"] != 1.0 {
		t.Errorf("reviewRating = %v, want False 1 of 1..5", rating)
	}
	author := ld["author"].(map[string]any)
	if author["@type"] != "Organization" || author["name"] != "Example Desk" || author["url"] != "https://example.org" {
		t.Errorf("author = %v", author)
	}
	item := ld["itemReviewed"].(map[string]any)
	if item["@type"] != "Claim" || item["author"].(map[string]any)["name"] != "Jo Politician" || item["datePublished"] == "" ||
		item["appearance"].([]any)[0].(map[string]any)["url"] != "https://tv.example/debate" {
		t.Errorf("itemReviewed = %v", item)
	}
	if _, ok := ld["datePublished"].(string); !ok {
		t.Errorf("datePublished missing: %v", ld)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRejectedClaimIsNotPublic(t *testing.T) {
	t.Parallel()
	env := pubEnv(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	rejected := env.ClaimIn(t, models.StateRejected, checker, editor, "Not check-worthy")
	if res := env.Do(t, "GET", "/factchecks/"+itoa(rejected.ID), "", nil); res.Status != http.StatusNotFound {
		t.Errorf("rejected claim page = %d, want 404", res.Status)
	}
	// Published, then reopened and rejected: retracted, not removed (issue
	// 10, point 5). The page stays with the notice; unknown addresses stay
	// not found. TestRetractionKeepsThePage checks the notice in detail.
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Published then withdrawn")
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	if res := env.Do(t, "GET", slugPath, "", nil); res.Status != http.StatusOK {
		t.Fatalf("confirmed page = %d", res.Status)
	}
	env.Transition(t, editor, c.ID, map[string]any{"action": "reopen", "comment": "Duplicate of another check."})
	env.Transition(t, editor, c.ID, map[string]any{"action": "reject", "comment": "Duplicate."})
	for _, p := range []string{"/factchecks/not-a-slug", "/factchecks/99999"} {
		res := env.Do(t, "GET", p, "", nil)
		if res.Status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, res.Status)
		}
		if strings.Contains(string(res.Body), "Published then withdrawn") {
			t.Errorf("GET %s shows the withdrawn claim", p)
		}
	}
	if res := env.Do(t, "GET", slugPath, "", nil); res.Status != http.StatusOK || !strings.Contains(string(res.Body), "Retracted.") {
		t.Errorf("GET %s = %d, want the page with its retraction notice", slugPath, res.Status)
	}
	res := env.Do(t, "GET", "/factchecks.json", "", nil)
	if !strings.Contains(string(res.Body), `"title":"Retracted: Published then withdrawn"`) || strings.Contains(string(res.Body), "Not check-worthy") {
		t.Errorf("feed should list the retraction and not the never-published claim: %s", res.Body)
	}
}

func TestCorrectionFlow(t *testing.T) {
	t.Parallel()
	env := pubEnv(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Turnout was a record 80%")
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	get := func() string {
		t.Helper()
		res := env.Do(t, "GET", slugPath, "", nil)
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s = %d", slugPath, res.Status)
		}
		return string(res.Body)
	}
	if body := get(); !strings.Contains(body, "<strong>True</strong>") || strings.Contains(body, "Under review") {
		t.Fatalf("first publication does not show True plainly:\n%s", body)
	}

	reason := "The electoral commission revised turnout to 61%."
	env.Transition(t, editor, c.ID, map[string]any{"action": "reopen", "comment": reason})
	body := get()
	if !strings.Contains(body, "Under review") || !strings.Contains(body, "<strong>True</strong>") {
		t.Errorf("reopened page should stay up, under review, with the last confirmed verdict:\n%s", body)
	}
	env.AddEvidence(t, checker, c.ID, map[string]any{"url": "https://commission.example/turnout", "stance": "refutes"})
	env.Transition(t, checker, c.ID, map[string]any{"action": "dispute", "verdict": "false", "summary": "Turnout was 61%, not 80%."})
	// A proposed verdict is not public until an editor confirms it.
	if body := get(); !strings.Contains(body, "<strong>True</strong>") || strings.Contains(body, "61%, not 80%") {
		t.Errorf("the disputed proposal leaked before confirmation:\n%s", body)
	}
	ld := pubJSONLD(t, []byte(get()))
	if ld["reviewRating"].(map[string]any)["alternateName"] != "True" {
		t.Errorf("JSON-LD under review = %v, want the last confirmed True", ld["reviewRating"])
	}

	env.Transition(t, editor, c.ID, map[string]any{"action": "confirm"})
	body = get()
	if strings.Contains(body, "Under review") || !strings.Contains(body, "Turnout was 61%, not 80%.") {
		t.Errorf("re-confirmed page still under review or lacks the new summary:\n%s", body)
	}
	m := regexp.MustCompile(`(?s)<section id="corrections">.*?</section>`).FindString(body)
	if !strings.Contains(m, "changed from <strong>True</strong> to <strong>False</strong>") || !strings.Contains(m, reason) ||
		!regexp.MustCompile(`<time datetime="\d{4}-\d\d-\d\dT`).MatchString(m) {
		t.Errorf("correction note lacks old → new verdict, reason or date:\n%s", m)
	}
	ld = pubJSONLD(t, []byte(body))
	if r := ld["reviewRating"].(map[string]any); r["alternateName"] != "False" || r["ratingValue"] != 1.0 {
		t.Errorf("JSON-LD after correction = %v, want False", r)
	}
	if _, ok := ld["dateModified"]; !ok {
		t.Errorf("JSON-LD after correction has no dateModified: %v", ld)
	}

	// Feeds list the check with its current verdict.
	res := env.Do(t, "GET", "/factchecks.json", "", nil)
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/feed+json") {
		t.Fatalf("JSON Feed = %d %q", res.Status, res.Header.Get("Content-Type"))
	}
	var feed struct {
		Version string `json:"version"`
		Items   []struct {
			ID, URL, Title, DatePublished, DateModified string
		} `json:"items"`
	}
	res.Decode(t, &feed)
	if feed.Version != "https://jsonfeed.org/version/1.1" || len(feed.Items) != 1 ||
		feed.Items[0].URL != "https://checks.example.org"+slugPath || !strings.HasPrefix(feed.Items[0].Title, "False: ") {
		t.Errorf("JSON Feed = %+v", feed)
	}
	res = env.Do(t, "GET", "/factchecks.rss", "", nil)
	var rss struct {
		Version string `xml:"version,attr"`
		Items   []struct {
			Title string `xml:"title"`
			Link  string `xml:"link"`
			GUID  string `xml:"guid"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(res.Body, &rss); err != nil {
		t.Fatalf("RSS does not parse: %v\n%s", err, res.Body)
	}
	if rss.Version != "2.0" || len(rss.Items) != 1 || rss.Items[0].Link != "https://checks.example.org"+slugPath {
		t.Errorf("RSS = %+v", rss)
	}
	res = env.Do(t, "GET", "/factchecks", "", nil)
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `href="`+slugPath+`"`) {
		t.Errorf("list page = %d, lacks a link to %s", res.Status, slugPath)
	}
}
