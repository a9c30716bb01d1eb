package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/internal/smtptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/notify/mail"
	"github.com/factdesk/factdesk/workflow"
)

type inboxItem struct {
	ID        int64                   `json:"id"`
	Kind      models.NotificationKind `json:"kind"`
	ClaimID   *int64                  `json:"claim_id"`
	ActorID   *int64                  `json:"actor_id"`
	Read      bool                    `json:"read"`
	CreatedAt time.Time               `json:"created_at"`
	Path      string                  `json:"path"`
	Text      string                  `json:"text"`
}

type inboxPage struct {
	Items  []inboxItem `json:"items"`
	Unread int64       `json:"unread"`
}

func inbox(t *testing.T, env *apptest.Env, u apptest.User, query string) inboxPage {
	t.Helper()
	res := env.Do(t, "GET", "/api/v1/notifications"+query, u.Token, nil)
	wantStatus(t, res, http.StatusOK, "GET /notifications"+query)
	var p inboxPage
	res.Decode(t, &p)
	return p
}

// TestNotificationsAPI: a mention and an assignment reach the inbox newest
// first, filtered by kind and unread, and marking read (some, then all)
// changes the unread count; bad input is problem+json.
func TestNotificationsAPI(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ed := env.User(t, models.RoleEditor)
	kim := env.User(t, models.RoleChecker)
	other := env.User(t, models.RoleChecker)
	c := env.Claim(t, ed, "The port handled 40 million tonnes in 2025.")

	wantStatus(t, env.Do(t, "POST", "/api/v1/claims/"+itoa(c.ID)+"/assignments", ed.Token, map[string]any{"user_id": kim.ID, "role": "checker"}), http.StatusCreated, "assign")
	handle := notify.Handle(*kim.User)
	res := env.Do(t, "POST", "/api/v1/claims/"+itoa(c.ID)+"/comments", ed.Token, map[string]any{"body": "@" + handle + " can you look at the ministry's statement?"})
	wantStatus(t, res, http.StatusCreated, "comment")
	var cm models.Comment
	res.Decode(t, &cm)

	p := inbox(t, env, kim, "")
	if len(p.Items) != 2 || p.Unread != 2 {
		t.Fatalf("inbox = %+v, want 2 unread items", p)
	}
	if p.Items[0].Kind != models.NotifyMentioned || p.Items[1].Kind != models.NotifyAssigned {
		t.Fatalf("kinds = %s, %s; want mentioned (newest) then assigned", p.Items[0].Kind, p.Items[1].Kind)
	}
	m := p.Items[0]
	if m.ClaimID == nil || *m.ClaimID != c.ID || m.ActorID == nil || *m.ActorID != ed.ID || m.Read || m.CreatedAt.IsZero() {
		t.Errorf("mention item = %+v", m)
	}
	if want := "/claims/" + itoa(c.ID) + "#comment-" + itoa(cm.ID); m.Path != want {
		t.Errorf("mention path = %q, want %q", m.Path, want)
	}
	if got := inbox(t, env, kim, "?kind=assigned"); len(got.Items) != 1 || got.Items[0].Kind != models.NotifyAssigned {
		t.Errorf("kind=assigned = %+v", got.Items)
	}
	if got := inbox(t, env, kim, "?limit=1"); len(got.Items) != 1 || got.Items[0].ID != m.ID {
		t.Errorf("limit=1 = %+v", got.Items)
	}
	if got := inbox(t, env, kim, "?before="+itoa(m.ID)); len(got.Items) != 1 || got.Items[0].Kind != models.NotifyAssigned {
		t.Errorf("before = %+v", got.Items)
	}
	// Nobody hears of their own actions; others see nothing of Kim's.
	if got := inbox(t, env, ed, ""); len(got.Items) != 0 {
		t.Errorf("the actor's inbox = %+v, want empty", got.Items)
	}

	// Someone else's ids are ignored.
	res = env.Do(t, "POST", "/api/v1/notifications/read", other.Token, map[string]any{"ids": []int64{m.ID}})
	wantStatus(t, res, http.StatusOK, "mark another's read")
	if res.JSON(t)["marked"] != float64(0) {
		t.Errorf("marking another person's notification = %s", res.Body)
	}
	res = env.Do(t, "POST", "/api/v1/notifications/read", kim.Token, map[string]any{"ids": []int64{m.ID}})
	wantStatus(t, res, http.StatusOK, "mark read")
	if body := res.JSON(t); body["marked"] != float64(1) || body["unread"] != float64(1) {
		t.Errorf("mark read = %s", res.Body)
	}
	if got := inbox(t, env, kim, "?unread=true"); len(got.Items) != 1 || got.Items[0].Kind != models.NotifyAssigned {
		t.Errorf("unread=true after marking = %+v", got.Items)
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/notifications/read", kim.Token, map[string]any{"ids": []int64{}}), http.StatusOK, "mark all read")
	if got := inbox(t, env, kim, ""); got.Unread != 0 || !got.Items[0].Read || !got.Items[1].Read {
		t.Errorf("after mark all read = %+v", got)
	}

	for _, q := range []string{"?kind=nope", "?unread=maybe", "?limit=0", "?limit=500", "?before=x"} {
		wantStatus(t, env.Do(t, "GET", "/api/v1/notifications"+q, kim.Token, nil), http.StatusUnprocessableEntity, "GET "+q)
	}
	wantStatus(t, env.Do(t, "POST", "/api/v1/notifications/read", kim.Token, `{"ids":["x"]}`), http.StatusUnprocessableEntity, "ids of strings")
	wantStatus(t, env.Do(t, "POST", "/api/v1/notifications/read", kim.Token, `{"ids":[-1]}`), http.StatusUnprocessableEntity, "negative id")
	wantStatus(t, env.Do(t, "POST", "/api/v1/notifications/read", kim.Token, `{"idz":[]}`), http.StatusBadRequest, "unknown field")
	wantStatus(t, env.Do(t, "GET", "/api/v1/notifications", "", nil), http.StatusUnauthorized, "signed out")
}

// TestNotificationMentionRefused: a mention of an unknown or deactivated
// person rolls the comment back with a message naming them.
func TestNotificationMentionRefused(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ed := env.User(t, models.RoleEditor)
	gone := env.User(t, models.RoleChecker)
	admin := env.User(t, models.RoleAdmin)
	wantStatus(t, env.Do(t, "PATCH", "/api/v1/users/"+itoa(gone.ID), admin.Token, map[string]any{"active": false}), http.StatusOK, "deactivate")
	c := env.Claim(t, ed, "Claim with a refused mention.")
	for body, want := range map[string]string{
		"@nobody.here look":                       "nobody on the desk is called @nobody.here",
		"@" + notify.Handle(*gone.User) + " look": "is deactivated and cannot see this claim",
	} {
		res := env.Do(t, "POST", "/api/v1/claims/"+itoa(c.ID)+"/comments", ed.Token, map[string]any{"body": body})
		wantStatus(t, res, http.StatusUnprocessableEntity, "comment "+body)
		if !strings.Contains(string(res.Body), want) {
			t.Errorf("comment %q: %s, want %q", body, res.Body, want)
		}
	}
	res := env.Do(t, "GET", "/api/v1/claims/"+itoa(c.ID)+"/comments", ed.Token, nil)
	if items := res.JSON(t)["items"].([]any); len(items) != 0 {
		t.Errorf("refused comments were kept: %s", res.Body)
	}
}

// TestNotificationPreferencesFollowMembers covers the settings, following
// and the members autocomplete.
func TestNotificationPreferencesFollowMembers(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ed := env.User(t, models.RoleEditor)
	vic := env.User(t, models.RoleViewer)

	res := env.Do(t, "GET", "/api/v1/notifications/preferences", vic.Token, nil)
	wantStatus(t, res, http.StatusOK, "preferences")
	prefs := res.JSON(t)["preferences"].(map[string]any)
	if prefs["mentioned"] != "instant" || prefs["confirmed"] != "daily" || len(prefs) != len(models.NotificationKinds) {
		t.Errorf("default preferences = %v", prefs)
	}
	res = env.Do(t, "PUT", "/api/v1/notifications/preferences", vic.Token, map[string]any{"preferences": map[string]string{"mentioned": "off", "confirmed": "hourly"}})
	wantStatus(t, res, http.StatusOK, "set preferences")
	prefs = res.JSON(t)["preferences"].(map[string]any)
	if prefs["mentioned"] != "off" || prefs["confirmed"] != "hourly" || prefs["assigned"] != "instant" {
		t.Errorf("preferences after PUT = %v", prefs)
	}
	res = env.Do(t, "PUT", "/api/v1/notifications/preferences", vic.Token, map[string]any{"preferences": map[string]string{"mentioned": "weekly", "nope": "off"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "bad preferences")
	if f := strings.Join(problemFields(t, res), ","); !strings.Contains(f, "mentioned") || !strings.Contains(f, "nope") {
		t.Errorf("bad preference fields = %s", f)
	}
	wantStatus(t, env.Do(t, "PUT", "/api/v1/notifications/preferences", vic.Token, map[string]any{}), http.StatusUnprocessableEntity, "empty preferences")

	// A viewer follows a claim and hears it change state; after
	// unfollowing, not any more.
	c := env.Claim(t, ed, "Followed claim.")
	res = env.Do(t, "PUT", "/api/v1/claims/"+itoa(c.ID)+"/follow", vic.Token, nil)
	wantStatus(t, res, http.StatusOK, "follow")
	if res.JSON(t)["following"] != true {
		t.Errorf("follow = %s", res.Body)
	}
	c, err := env.App.Engine.Apply(context.Background(), ed.User, c.ID, workflow.Request{Action: models.ActionReject, Comment: "not check-worthy", Version: c.Version})
	if err != nil {
		t.Fatal(err)
	}
	if got := inbox(t, env, vic, "?kind=followed_state_changed"); len(got.Items) != 1 {
		t.Fatalf("follower's inbox = %+v, want one state change", got.Items)
	}
	wantStatus(t, env.Do(t, "DELETE", "/api/v1/claims/"+itoa(c.ID)+"/follow", vic.Token, nil), http.StatusOK, "unfollow")
	if _, err := env.App.Engine.Apply(context.Background(), ed.User, c.ID, workflow.Request{Action: models.ActionRestore, Version: c.Version}); err != nil {
		t.Fatal(err)
	}
	if got := inbox(t, env, vic, "?kind=followed_state_changed"); len(got.Items) != 1 {
		t.Errorf("after unfollowing, inbox = %+v, want still one", got.Items)
	}
	wantStatus(t, env.Do(t, "PUT", "/api/v1/claims/999999/follow", vic.Token, nil), http.StatusNotFound, "follow a missing claim")

	res = env.Do(t, "GET", "/api/v1/members?q=vie", ed.Token, nil)
	wantStatus(t, res, http.StatusOK, "members")
	items := res.JSON(t)["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["handle"] != notify.Handle(*vic.User) {
		t.Errorf("members?q=vie = %s", res.Body)
	}
}

// TestNotificationEmail: with SMTP configured, a mention is mailed to the
// loopback server through the notify queue, and its unsubscribe link turns
// that kind off without signing in.
func TestNotificationEmail(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	mc, err := mail.ParseConfig("smtp://"+srv.Addr()+"?tls=none", "Factdesk <desk@test.factdesk.test>")
	if err != nil {
		t.Fatal(err)
	}
	env := apptest.New(t, func(c *app.Config) {
		c.Notify.Mail = mc
		c.Notify.InstantDelay = time.Millisecond
		c.PublicURL = "https://desk.example.org"
	})
	ed := env.User(t, models.RoleEditor)
	kim := env.User(t, models.RoleChecker)
	c := env.Claim(t, ed, "Mailed claim about exports.")
	wantStatus(t, env.Do(t, "POST", "/api/v1/claims/"+itoa(c.ID)+"/comments", ed.Token, map[string]any{"body": "@" + notify.Handle(*kim.User) + " please check"}), http.StatusCreated, "comment")
	apptest.Eventually(t, 15*time.Second, "the mention's email", func() bool { return srv.Count() > 0 })
	msg := srv.Messages()[0]
	if len(msg.To) != 1 || msg.To[0] != kim.Email {
		t.Fatalf("mail to %v, want %s", msg.To, kim.Email)
	}
	text, _ := msg.Parts(t)
	if !strings.Contains(text, "please check") || !strings.Contains(text, "https://desk.example.org/claims/"+itoa(c.ID)) {
		t.Errorf("mail text lacks the comment or the claim link:\n%s", text)
	}
	unsub := msg.Parse(t).Header.Get("List-Unsubscribe")
	if !strings.HasPrefix(unsub, "<https://desk.example.org"+notify.UnsubscribePath+"?token=") {
		t.Fatalf("List-Unsubscribe = %q", unsub)
	}
	path := strings.TrimSuffix(strings.TrimPrefix(unsub, "<https://desk.example.org"), ">")
	// One-click, as a mail client sends it: no session, no CSRF token.
	req, _ := http.NewRequest("POST", env.URL+path, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hres, err := env.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hres.Body.Close()
	if hres.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe = %d", hres.StatusCode)
	}
	res := env.Do(t, "GET", "/api/v1/notifications/preferences", kim.Token, nil)
	if got := res.JSON(t)["preferences"].(map[string]any)["mentioned"]; got != "off" {
		t.Errorf("mentioned after unsubscribe = %v, want off", got)
	}
	// A forged token is refused.
	req, _ = http.NewRequest("POST", env.URL+notify.UnsubscribePath+"?token=forged.token", nil)
	hres, err = env.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hres.Body.Close()
	if hres.StatusCode < 400 {
		t.Errorf("forged unsubscribe = %d, want a refusal", hres.StatusCode)
	}

	// Digests, with an injected clock: Kim's confirmations go hourly.
	if err := notify.SetPrefs(context.Background(), env.App.Store, kim.ID, map[models.NotificationKind]models.Delivery{models.NotifyRejected: models.DeliveryHourly}); err != nil {
		t.Fatal(err)
	}
	c2 := env.Claim(t, kim, "Digested claim.")
	if _, err := env.App.Engine.Apply(context.Background(), ed.User, c2.ID, workflow.Request{Action: models.ActionReject, Comment: "out of scope", Version: c2.Version}); err != nil {
		t.Fatal(err)
	}
	before := srv.Count()
	sent, err := env.App.Notify.SendDigests(context.Background(), time.Now().Add(2*time.Hour))
	if err != nil || sent != 1 {
		t.Fatalf("SendDigests = %d, %v; want 1 digest", sent, err)
	}
	if srv.Count() != before+1 {
		t.Fatalf("server has %d messages, want %d", srv.Count(), before+1)
	}
	if subj := srv.Messages()[before].Subject(t); !strings.Contains(subj, "hourly") {
		t.Errorf("digest subject = %q", subj)
	}
}
