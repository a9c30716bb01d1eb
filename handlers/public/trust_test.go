package public_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// Hole 3: the public page showed the desk's check statuses and could name
// the desk's people.
func TestPublicPageShowsOnlyPublicSources(t *testing.T) {
	t.Parallel()
	env := pubEnv(t)
	checker, editor, admin := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleAdmin)
	// The quote is not on the cited page: the desk's business.
	site := apptest.NewSourcePage(t, apptest.SourceArticle("Fares", "Fares rose a little in 2025."))
	c := env.ClaimIn(t, models.StateVerifying, checker, editor, "Bus fares doubled in 2025.")
	ev := env.AddEvidence(t, checker, c.ID, map[string]any{"url": site.URL() + "/fares", "stance": "supports", "excerpt": "fares doubled"})
	apptest.Eventually(t, 15*time.Second, "the first source check", func() bool {
		for _, e := range env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID), checker.Token, nil).JSON(t)["evidence"].([]any) {
			if e := e.(map[string]any); int64(e["id"].(float64)) == ev.ID {
				return e["status"] == "excerpt_missing"
			}
		}
		return false
	})
	env.Transition(t, checker, c.ID, map[string]any{"action": "verify", "verdict": "true", "summary": "Checked."})
	env.Transition(t, editor, c.ID, map[string]any{"action": "confirm"})
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	body := string(env.Do(t, "GET", slugPath, "", nil).Body)
	if !strings.Contains(body, site.URL()+"/fares") {
		t.Fatalf("public page lacks its source:\n%s", body)
	}
	for _, leak := range []string{"Quote not found on page", "Not yet checked", "Source verified", "excerpt_missing", checker.Name, editor.Name, checker.Email} {
		if strings.Contains(body, leak) {
			t.Errorf("public page shows desk-internal %q", leak)
		}
	}
	// Bylines are the desk's choice.
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/settings", admin.Token, map[string]any{"bylines": true}), http.StatusOK, "turn bylines on")
	body = string(env.Do(t, "GET", slugPath, "", nil).Body)
	if !strings.Contains(body, "Checked by</dt><dd class=\"byline\">"+checker.Name) || !strings.Contains(body, editor.Name) {
		t.Errorf("with bylines on, the page should name the checker and editor:\n%s", body)
	}
	if strings.Contains(body, checker.Email) {
		t.Errorf("bylines must not show emails")
	}
}

// Hole 5: a published check reopened then rejected went 404.
func TestRetractionKeepsThePage(t *testing.T) {
	t.Parallel()
	env := pubEnv(t)
	checker, editor := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "The dam holds 3 billion litres.")
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	env.Transition(t, editor, c.ID, map[string]any{"action": "reopen", "comment": "The figure came from a hoax document."})
	reason := "Our source document was forged; the check should never have run."
	env.Transition(t, editor, c.ID, map[string]any{"action": "reject", "comment": reason})

	res := env.Do(t, "GET", slugPath, "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("retracted page = %d, want 200 with a notice", res.Status)
	}
	body := string(res.Body)
	notice := regexp.MustCompile(`(?s)<p class="retracted"[^>]*>.*?</p>`).FindString(body)
	if !strings.Contains(notice, "Retracted.") || !strings.Contains(notice, reason) || !regexp.MustCompile(`<time datetime="\d{4}-\d\d-\d\dT`).MatchString(notice) {
		t.Errorf("retraction notice lacks the date or reason: %q", notice)
	}
	if strings.Contains(body, "application/ld+json") {
		t.Errorf("a retracted page still carries ClaimReview")
	}
	wantStatus(t, env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/claimreview", checker.Token, nil), http.StatusNotFound, "claimreview of a retracted check")

	var feed struct {
		Items []struct {
			URL          string `json:"url"`
			Title        string `json:"title"`
			ContentText  string `json:"content_text"`
			DateModified string `json:"date_modified"`
		}
	}
	env.Do(t, "GET", "/factchecks.json", "", nil).Decode(t, &feed)
	if len(feed.Items) != 1 || !strings.HasPrefix(feed.Items[0].Title, "Retracted: ") || !strings.Contains(feed.Items[0].ContentText, reason) || feed.Items[0].DateModified == "" {
		t.Errorf("JSON Feed should carry the retraction: %+v", feed)
	}
	rss := string(env.Do(t, "GET", "/factchecks.rss", "", nil).Body)
	if !strings.Contains(rss, "<title>Retracted: The dam holds") || !strings.Contains(rss, "<category>Retracted</category>") {
		t.Errorf("RSS should carry the retraction:\n%s", rss)
	}

	// Hole 8: the change log is on the page, dated, from the history.
	log := regexp.MustCompile(`(?s)<section id="changelog">.*?</section>`).FindString(body)
	for _, want := range []string{"Published with the verdict True.", "Reopened for review. The figure came from a hoax document.", "Retracted. " + reason} {
		if !strings.Contains(log, want) {
			t.Errorf("change log lacks %q:\n%s", want, log)
		}
	}
	if n := strings.Count(log, "<time datetime="); n != 3 {
		t.Errorf("change log has %d dated entries, want 3", n)
	}
}

// Hole 8: verdict changes and corrections appear in the change log.
func TestChangeLogShowsVerdictChanges(t *testing.T) {
	t.Parallel()
	env := pubEnv(t)
	checker, editor, editor2 := env.User(t, models.RoleChecker), env.User(t, models.RoleEditor), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Turnout was 80%.")
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	env.Transition(t, editor, c.ID, map[string]any{"action": "reopen", "comment": "Revised turnout figures."})
	env.AddEvidence(t, checker, c.ID, map[string]any{"url": "https://commission.example/turnout", "stance": "refutes"})
	env.Transition(t, checker, c.ID, map[string]any{"action": "dispute", "verdict": "false", "summary": "Turnout was 61%."})
	env.Transition(t, editor2, c.ID, map[string]any{"action": "confirm"})
	body := string(env.Do(t, "GET", slugPath, "", nil).Body)
	log := regexp.MustCompile(`(?s)<section id="changelog">.*?</section>`).FindString(body)
	if !strings.Contains(log, "Published with the verdict True.") || !strings.Contains(log, "Verdict changed from True to False.") {
		t.Errorf("change log:\n%s", log)
	}
	ld := pubJSONLD(t, []byte(body))
	if b, _ := json.Marshal(ld); !strings.Contains(string(b), `"alternateName":"False"`) {
		t.Errorf("ClaimReview after the correction: %s", b)
	}
}
