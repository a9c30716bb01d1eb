package public_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/handlers/public"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// TestPublicBrandNamesThePublisher: the ClaimReview's author (on the page
// and from the API) and the feed go by the desk's brand name once an admin
// sets one, and by the configured publisher name (FACTDESK_PUBLISHER_NAME)
// again when it is cleared. Cached pages live an hour here, so only the
// branding change emptying the cache can bring the new name in time.
func TestPublicBrandNamesThePublisher(t *testing.T) {
	t.Parallel()
	env := pubEnv(t, func(c *app.Config) { c.PublicCache = public.CacheConfig{TTL: time.Hour} })
	admin, checker, editor := env.User(t, models.RoleAdmin), env.User(t, models.RoleChecker), env.User(t, models.RoleEditor)
	c := env.ClaimIn(t, models.StateConfirmed, checker, editor, "Turnout was 80%.")
	slugPath := pubSlug(t, env, checker.Token, c.ID)
	// The checkpoint the publication asked for changes every page, and so
	// does the first check of the claim's source (the page shows its
	// status): both are done before the cache is filled.
	env.WaitForJobs(t, "audit_checkpoint")
	env.WaitForJobs(t, "source_check")

	// names reads the publisher's name where each reader finds it.
	names := func() (page, api, feed string) {
		_, body := get(t, "GET", env.URL+slugPath, nil)
		page, _ = pubJSONLD(t, []byte(body))["author"].(map[string]any)["name"].(string)
		res := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/claimreview", checker.Token, nil)
		wantStatus(t, res, http.StatusOK, "GET claimreview")
		api, _ = res.JSON(t)["author"].(map[string]any)["name"].(string)
		_, body = get(t, "GET", env.URL+"/factchecks.json", nil)
		var f struct {
			Authors []struct {
				Name string `json:"name"`
			} `json:"authors"`
		}
		if err := json.Unmarshal([]byte(body), &f); err != nil || len(f.Authors) != 1 {
			t.Fatalf("feed authors: %v\n%s", err, body)
		}
		return page, api, f.Authors[0].Name
	}
	named := func(want string) func() bool {
		return func() bool {
			page, api, feed := names()
			return page == want && api == want && feed == want
		}
	}
	if !named("Example Desk")() {
		page, api, feed := names()
		t.Fatalf("before any branding the publisher is %q (page), %q (API), %q (feed); want the configured Example Desk", page, api, feed)
	}
	hits0, _, _ := env.App.PublicCache.Stats()
	names()
	if hits, _, _ := env.App.PublicCache.Stats(); hits == hits0 {
		t.Fatal("the page and feed were not served from the cache, so the test proves nothing about emptying it")
	}

	// Renamed as the dashboard's settings page does it, then cleared
	// through the API.
	if _, err := env.App.Engine.UpdateBranding(context.Background(), admin.User, workflow.BrandingPatch{Name: models.Some("Harbour Desk")}); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 15*time.Second, "the brand name as the publisher", named("Harbour Desk"))

	wantStatus(t, env.Do(t, "PATCH", "/api/v1/settings", admin.Token, map[string]any{"brand_name": nil}), http.StatusOK, "clear the name")
	apptest.Eventually(t, 15*time.Second, "the configured publisher name back", named("Example Desk"))
}
