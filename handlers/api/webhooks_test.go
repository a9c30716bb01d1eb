package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

func webhookDesk(t *testing.T) (*apptest.Env, apptest.User, string) {
	t.Helper()
	env := apptest.New(t, func(c *app.Config) {
		c.Webhooks.AllowCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		c.Webhooks.RetrySchedule = []time.Duration{0}
	})
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		apptest.CheckWebhook(t, r.Header, body)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rcv.Close)
	return env, env.User(t, models.RoleAdmin), rcv.URL
}

func TestWebhooksAreAdminOnly(t *testing.T) {
	t.Parallel()
	env, _, url := webhookDesk(t)
	editor := env.User(t, models.RoleEditor)
	wantStatus(t, env.Do(t, "GET", "/api/v1/webhooks", "", nil), http.StatusUnauthorized, "GET /webhooks without a token")
	wantStatus(t, env.Do(t, "GET", "/api/v1/webhooks", editor.Token, nil), http.StatusForbidden, "GET /webhooks as editor")
	wantStatus(t, env.Do(t, "POST", "/api/v1/webhooks", editor.Token, map[string]any{"url": url, "events": []string{"*"}}), http.StatusForbidden, "POST /webhooks as editor")
}

func TestWebhookCRUD(t *testing.T) {
	t.Parallel()
	env, admin, url := webhookDesk(t)
	res := env.Do(t, "POST", "/api/v1/webhooks", admin.Token, map[string]any{
		"url": url, "events": []string{"claim.confirmed", "claim.disputed", "claim.confirmed"}, "description": "CMS",
	})
	wantStatus(t, res, http.StatusCreated, "POST /webhooks")
	created := res.JSON(t)
	id := itoa(int64(created["id"].(float64)))
	if !strings.HasPrefix(created["secret"].(string), "whsec_") || created["format"] != "standard" || created["active"] != true ||
		len(created["events"].([]any)) != 2 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("created = %v", created)
	}
	got := env.Do(t, "GET", "/api/v1/webhooks/"+id, admin.Token, nil)
	wantStatus(t, got, http.StatusOK, "GET webhook")
	if strings.Contains(string(got.Body), "secret\"") || strings.Contains(string(got.Body), "whsec_") {
		t.Fatalf("GET shows the secret again: %s", got.Body)
	}
	list := env.Do(t, "GET", "/api/v1/webhooks", admin.Token, nil)
	if items := list.JSON(t)["items"].([]any); len(items) != 1 || strings.Contains(string(list.Body), "whsec_") {
		t.Fatalf("list = %s", list.Body)
	}
	patched := env.Do(t, "PATCH", "/api/v1/webhooks/"+id, admin.Token, map[string]any{"events": []string{"*"}, "description": "", "active": false})
	wantStatus(t, patched, http.StatusOK, "PATCH webhook")
	p := patched.JSON(t)
	if p["description"] != "" || p["active"] != false || p["disabled_reason"] != "disabled by an admin" || p["disabled_at"] == nil {
		t.Fatalf("patched = %v", p)
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/webhooks/"+id+"/ping", admin.Token, nil), http.StatusConflict, "ping a disabled webhook")
	wantStatus(t, env.Do(t, "DELETE", "/api/v1/webhooks/"+id, admin.Token, nil), http.StatusNoContent, "DELETE webhook")
	wantStatus(t, env.Do(t, "GET", "/api/v1/webhooks/"+id, admin.Token, nil), http.StatusNotFound, "GET deleted webhook")
	wantStatus(t, env.Do(t, "DELETE", "/api/v1/webhooks/"+id, admin.Token, nil), http.StatusNotFound, "DELETE twice")
	types := env.Do(t, "GET", "/api/v1/webhooks/event-types", admin.Token, nil)
	if !strings.Contains(string(types.Body), "claim.evidence_added") || !strings.Contains(string(types.Body), "webhook.disabled") {
		t.Fatalf("event types = %s", types.Body)
	}
}

func TestWebhookValidation(t *testing.T) {
	t.Parallel()
	env, admin, url := webhookDesk(t)
	cases := []struct {
		body   any
		status int
		fields []string
	}{
		{map[string]any{"url": url}, 422, []string{"events"}},
		{map[string]any{"url": url, "events": []string{"claim.exploded"}}, 422, []string{"events"}},
		{map[string]any{"url": url, "events": []string{"*"}, "format": "xml"}, 422, []string{"format"}},
		{map[string]any{"events": []string{"*"}}, 422, []string{"url"}},
		{map[string]any{"url": url, "events": []string{"*"}, "secret": "mine"}, 400, []string{"secret"}},
		{map[string]any{"url": url, "events": []string{"*"}, "description": strings.Repeat("d", 501)}, 422, []string{"description"}},
	}
	for _, c := range cases {
		res := env.Do(t, "POST", "/api/v1/webhooks", admin.Token, c.body)
		wantStatus(t, res, c.status, "POST /webhooks")
		if got := problemFields(t, res); strings.Join(got, ",") != strings.Join(c.fields, ",") {
			t.Errorf("POST %v: fields %v, want %v", c.body, got, c.fields)
		}
	}
	res := env.Do(t, "POST", "/api/v1/webhooks", admin.Token, map[string]any{"url": url, "events": []string{"*"}})
	id := itoa(int64(res.JSON(t)["id"].(float64)))
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/webhooks/"+id, admin.Token, map[string]any{}), 422, "empty PATCH")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/webhooks/"+id, admin.Token, map[string]any{"events": []string{}}), 422, "PATCH no events")
	wantStatus(t, env.Do(t, "POST", "/api/v1/webhooks/"+id+"/recover", admin.Token, map[string]any{}), 422, "recover without since")
	wantStatus(t, env.Do(t, "POST", "/api/v1/webhooks/"+id+"/recover", admin.Token, map[string]any{"since": time.Now().Add(time.Hour)}), 422, "recover from the future")
	bad := env.Do(t, "POST", "/api/v1/webhooks/"+id+"/recover", admin.Token, map[string]any{"since": "yesterday"})
	wantStatus(t, bad, 422, "recover since yesterday")
	if got := problemFields(t, bad); len(got) != 1 || got[0] != "since" {
		t.Errorf("recover since yesterday: fields %v, want since", got)
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/webhooks/"+id+"/deliveries/evt_01ABC/redeliver", admin.Token, nil), 404, "redeliver an unknown event")
	wantStatus(t, env.Do(t, "POST", "/api/v1/webhooks/999/ping", admin.Token, nil), 404, "ping an unknown webhook")
	wantStatus(t, env.Do(t, "GET", "/api/v1/webhooks/"+id+"/deliveries?status=maybe", admin.Token, nil), 422, "bad status filter")
	wantStatus(t, env.Do(t, "GET", "/api/v1/webhooks/"+id+"/deliveries?cursor=zzz", admin.Token, nil), 422, "bad cursor")
	wantStatus(t, env.Do(t, "GET", "/api/v1/webhooks/"+id+"/deliveries?event_type=nope", admin.Token, nil), 422, "bad event type")
}

func TestWebhookDeliveryLogPages(t *testing.T) {
	t.Parallel()
	env, admin, url := webhookDesk(t)
	res := env.Do(t, "POST", "/api/v1/webhooks", admin.Token, map[string]any{"url": url, "events": []string{"webhook.ping"}})
	id := itoa(int64(res.JSON(t)["id"].(float64)))
	for range 5 {
		wantStatus(t, env.Do(t, "POST", "/api/v1/webhooks/"+id+"/ping", admin.Token, nil), http.StatusAccepted, "ping")
	}
	apptest.Eventually(t, 10*time.Second, "five logged pings", func() bool {
		return strings.Count(string(env.Do(t, "GET", "/api/v1/webhooks/"+id+"/deliveries", admin.Token, nil).Body), `"status":"succeeded"`) == 5
	})
	seen := map[string]bool{}
	path := "/api/v1/webhooks/" + id + "/deliveries?limit=2"
	for pages := 0; ; pages++ {
		page := env.Do(t, "GET", path, admin.Token, nil)
		wantStatus(t, page, http.StatusOK, "GET deliveries")
		body := page.JSON(t)
		for _, it := range body["items"].([]any) {
			a := it.(map[string]any)
			if a["event_type"] != "webhook.ping" || a["status_code"].(float64) != 204 || a["trigger"] != "auto" || a["attempt"].(float64) != 1 {
				t.Errorf("log line = %v", a)
			}
			seen[a["event_id"].(string)] = true
		}
		next, _ := body["next_cursor"].(string)
		if next == "" {
			break
		}
		if pages > 5 {
			t.Fatal("the cursor never ends")
		}
		path = "/api/v1/webhooks/" + id + "/deliveries?limit=2&cursor=" + next
	}
	if len(seen) != 5 {
		t.Fatalf("paged through %d distinct events, want 5", len(seen))
	}
}

// TestWebhookDuplicate: the same URL with the same events (in any order)
// and format is refused as a conflict, also when both arrive at once; a
// different event set or format is another subscription, and
// allow_duplicate registers a second one on purpose.
func TestWebhookDuplicate(t *testing.T) {
	t.Parallel()
	env, admin, url := webhookDesk(t)
	body := map[string]any{"url": url, "events": []string{"claim.confirmed", "claim.disputed"}}
	// Three at once, as a form resubmitted in a hurry: one wins.
	statuses := make(chan int, 3)
	for range 3 {
		go func() { statuses <- env.Do(t, "POST", "/api/v1/webhooks", admin.Token, body).Status }()
	}
	created := 0
	for range 3 {
		switch s := <-statuses; s {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
		default:
			t.Errorf("concurrent create answered %d", s)
		}
	}
	if created != 1 {
		t.Fatalf("%d of three identical concurrent registrations were created, want 1", created)
	}
	again := env.Do(t, "POST", "/api/v1/webhooks", admin.Token, map[string]any{"url": url, "events": []string{"claim.disputed", "claim.confirmed"}})
	wantStatus(t, again, http.StatusConflict, "the same endpoint again")
	if ct := again.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("conflict Content-Type = %q", ct)
	}
	if p := again.JSON(t); p["type"] != "urn:factdesk:problem:conflict" || !strings.Contains(p["detail"].(string), "allow_duplicate") {
		t.Errorf("conflict = %v", p)
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/webhooks", admin.Token, map[string]any{"url": url, "events": []string{"claim.confirmed"}}),
		http.StatusCreated, "the same URL with other events")
	wantStatus(t, env.Do(t, "POST", "/api/v1/webhooks", admin.Token, map[string]any{"url": url, "events": []string{"claim.confirmed", "claim.disputed"}, "format": "slack"}),
		http.StatusCreated, "the same URL and events in another format")
	wantStatus(t, env.Do(t, "POST", "/api/v1/webhooks", admin.Token, map[string]any{"url": url, "events": []string{"claim.confirmed", "claim.disputed"}, "allow_duplicate": true}),
		http.StatusCreated, "a duplicate on purpose")
	if items := env.Do(t, "GET", "/api/v1/webhooks", admin.Token, nil).JSON(t)["items"].([]any); len(items) != 4 {
		t.Errorf("%d endpoints, want 4", len(items))
	}
}

// TestWebhookPatchIntoDuplicate: changing an endpoint's URL or events so
// it repeats another is refused the same way, unless allow_duplicate.
func TestWebhookPatchIntoDuplicate(t *testing.T) {
	t.Parallel()
	env, admin, url := webhookDesk(t)
	first := env.Do(t, "POST", "/api/v1/webhooks", admin.Token, map[string]any{"url": url, "events": []string{"claim.confirmed"}})
	second := env.Do(t, "POST", "/api/v1/webhooks", admin.Token, map[string]any{"url": url, "events": []string{"claim.disputed"}})
	wantStatus(t, first, http.StatusCreated, "first")
	wantStatus(t, second, http.StatusCreated, "second")
	id := itoa(int64(second.JSON(t)["id"].(float64)))
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/webhooks/"+id, admin.Token, map[string]any{"events": []string{"claim.confirmed"}}),
		http.StatusConflict, "PATCH into a duplicate")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/webhooks/"+id, admin.Token, map[string]any{"description": "still fine"}),
		http.StatusOK, "PATCH of the description alone")
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/webhooks/"+id, admin.Token, map[string]any{"events": []string{"claim.confirmed"}, "allow_duplicate": true}),
		http.StatusOK, "PATCH into a duplicate on purpose")
}
