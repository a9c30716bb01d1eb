package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/workflow"
)

// TestWebInbox: a mention shows in the badge and the inbox with a link to
// the comment, whose element id the claim page carries with the mention as
// a link; filtering, marking read and marking all read work.
func TestWebInbox(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ed := env.User(t, models.RoleEditor)
	kim := env.User(t, models.RoleChecker)
	c := env.Claim(t, ed, "Inbox claim about rail freight.")
	edb := webSignIn(t, env, ed)
	edb.submit("/claims/"+itoa(c.ID)+"/assign", url.Values{"user_id": {itoa(kim.ID)}, "role": {"checker"}}).status(t, http.StatusSeeOther)
	edb.submit("/claims/"+itoa(c.ID)+"/comments", url.Values{"body": {"@" + notify.Handle(*kim.User) + " see the freight figures"}}).status(t, http.StatusSeeOther)

	b := webSignIn(t, env, kim)
	page := b.get("/notifications").status(t, http.StatusOK)
	page.has(t, `id="unread-count" data-unread="2"`, "mentioned you on claim #"+itoa(c.ID), "assigned you to claim #"+itoa(c.ID), "see the freight figures", "Mark all read")
	m := regexp.MustCompile(`href="(/claims/\d+#comment-(\d+))"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no link to the comment in the inbox:\n%s", page.Body)
	}
	claimPage := b.get("/claims/"+itoa(c.ID)).status(t, http.StatusOK)
	claimPage.has(t, `id="comment-`+m[2]+`"`, `class="mention"`, `@`+notify.Handle(*kim.User)+`</a>`, `id="history-1"`, `data-mentions="/members"`)

	b.get("/notifications?kind=assigned").has(t, "assigned you").lacks(t, "mentioned you on")
	b.get("/notifications?kind=nope").status(t, http.StatusUnprocessableEntity)

	ids := regexp.MustCompile(`name="id" value="(\d+)"`).FindAllStringSubmatch(page.Body, -1)
	if len(ids) != 2 {
		t.Fatalf("%d mark-read forms, want 2", len(ids))
	}
	res := b.submit("/notifications/read", url.Values{"id": {ids[0][1]}, "back": {"kind=mentioned"}}).status(t, http.StatusSeeOther)
	if !strings.Contains(res.Location, "kind=mentioned") || !strings.Contains(res.Location, "done=read") {
		t.Errorf("mark read went to %q", res.Location)
	}
	b.get("/notifications?unread=1").has(t, `data-unread="1"`)
	b.submit("/notifications/read", url.Values{"all": {"1"}}).status(t, http.StatusSeeOther)
	b.get("/notifications?done=all-read").has(t, `data-unread="0"`, "All notifications marked read.").lacks(t, "Mark all read")
	b.post("/notifications/read", url.Values{"all": {"1"}}).status(t, http.StatusForbidden)
}

// TestWebMentionRefused: a mention of nobody is refused on the form, the
// text kept, with the reason.
func TestWebMentionRefused(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ed := env.User(t, models.RoleEditor)
	c := env.Claim(t, ed, "Claim.")
	b := webSignIn(t, env, ed)
	b.submit("/claims/"+itoa(c.ID)+"/comments", url.Values{"body": {"@ghost.writer please"}}).
		status(t, http.StatusUnprocessableEntity).
		has(t, "nobody on the desk is called @ghost.writer", ">@ghost.writer please</textarea>")
}

// TestWebNotificationSettings changes a preference, refuses a bad one, and
// says when email is not configured.
func TestWebNotificationSettings(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	kim := env.User(t, models.RoleChecker)
	b := webSignIn(t, env, kim)
	b.get("/notifications/settings").status(t, http.StatusOK).
		has(t, `id="pref-mentioned-instant" checked`, `id="pref-confirmed-daily" checked`, "Email is not set up on this desk")
	b.submit("/notifications/settings", url.Values{"mentioned": {"hourly"}, "overdue": {"off"}}).status(t, http.StatusSeeOther)
	b.get("/notifications/settings?done=saved").has(t, `id="pref-mentioned-hourly" checked`, `id="pref-overdue-off" checked`, "Email settings saved.")
	prefs, err := notify.Prefs(context.Background(), env.App.Store, kim.ID)
	if err != nil || prefs[models.NotifyMentioned] != models.DeliveryHourly {
		t.Errorf("stored mentioned = %v, %v", prefs[models.NotifyMentioned], err)
	}
	b.submit("/notifications/settings", url.Values{"mentioned": {"weekly"}}).status(t, http.StatusUnprocessableEntity).has(t, "must be one of instant, hourly, daily, off")
}

// TestWebUnsubscribe: the link works signed out; GET only asks, POST acts.
func TestWebUnsubscribe(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	kim := env.User(t, models.RoleChecker)
	token := notify.SignUnsubscribe(env.App.UnsubscribeKey, kim.ID, models.NotifyAssigned)
	anon := newWebBrowser(t, env)
	anon.get(notify.UnsubscribePath+"?token="+url.QueryEscape(token)).status(t, http.StatusOK).has(t, "Stop these emails?", kim.Name, "Assigned to you")
	prefs, _ := notify.Prefs(context.Background(), env.App.Store, kim.ID)
	if prefs[models.NotifyAssigned] != models.DeliveryInstant {
		t.Fatalf("GET changed the setting to %s", prefs[models.NotifyAssigned])
	}
	anon.post(notify.UnsubscribePath, url.Values{"token": {token}}).status(t, http.StatusOK).has(t, "Unsubscribed", "no longer get emails")
	prefs, _ = notify.Prefs(context.Background(), env.App.Store, kim.ID)
	if prefs[models.NotifyAssigned] != models.DeliveryOff {
		t.Errorf("after POST assigned = %s, want off", prefs[models.NotifyAssigned])
	}
	anon.get(notify.UnsubscribePath+"?token=bad").status(t, http.StatusUnprocessableEntity).has(t, "this unsubscribe link is not valid")
	anon.post(notify.UnsubscribePath, url.Values{"token": {"bad.token"}}).status(t, http.StatusUnprocessableEntity)
}

// TestWebFollowAndMembers: the follow button toggles; /members answers the
// autocomplete.
func TestWebFollowAndMembers(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ed := env.User(t, models.RoleEditor)
	vic := env.User(t, models.RoleViewer)
	c := env.Claim(t, ed, "Followable claim.")
	b := webSignIn(t, env, vic)
	b.get("/claims/"+itoa(c.ID)).has(t, `id="follow"`)
	b.submit("/claims/"+itoa(c.ID)+"/follow", url.Values{"follow": {"1"}}).status(t, http.StatusSeeOther)
	b.get("/claims/"+itoa(c.ID)+"?done=followed").has(t, `id="unfollow"`, "You follow this claim")
	if _, err := env.App.Engine.Apply(context.Background(), ed.User, c.ID, workflow.Request{Action: models.ActionReject, Comment: "no", Version: c.Version}); err != nil {
		t.Fatal(err)
	}
	b.get("/notifications").has(t, "you follow")
	b.submit("/claims/"+itoa(c.ID)+"/follow", url.Values{"follow": {"0"}}).status(t, http.StatusSeeOther)
	b.get("/claims/"+itoa(c.ID)).has(t, `id="follow"`)

	res := b.get("/members?q="+notify.Handle(*ed.User)[:3]).status(t, http.StatusOK)
	if !strings.Contains(res.Body, `"handle":"`+notify.Handle(*ed.User)+`"`) {
		t.Errorf("members = %s", res.Body)
	}
}

// TestWebBadgeEvents: a notification reaches only its recipient's event
// stream, as a badge event with the unread count.
func TestWebBadgeEvents(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	ed := env.User(t, models.RoleEditor)
	kim := env.User(t, models.RoleChecker)
	ana := env.User(t, models.RoleChecker)
	c := env.Claim(t, ed, "Badge claim.")
	stream := func(u apptest.User, query string) <-chan string {
		b := webSignIn(t, env, u)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, "GET", env.URL+"/events"+query, nil)
		res, err := b.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		lines := make(chan string, 64)
		go func() {
			sc := bufio.NewScanner(res.Body)
			// The queue counts ride the same streams; this test is about
			// the badge and changes, so they are left out.
			counts := false
			for sc.Scan() {
				switch l := sc.Text(); {
				case l == "event: counts":
					counts = true
				case strings.HasPrefix(l, "data: ") && counts:
					counts = false
				case strings.HasPrefix(l, "data: ") || strings.HasPrefix(l, "event: "):
					lines <- l
				}
			}
			close(lines)
		}()
		return lines
	}
	next := func(lines <-chan string, what string) string {
		t.Helper()
		// A deadline, not a latency target: on a busy machine under -race
		// an event can take seconds to come through.
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended before %s", what)
			}
			return l
		case <-time.After(15 * time.Second):
			t.Fatalf("nothing within 15s: %s", what)
		}
		return ""
	}
	kimLines := stream(kim, "?badge=1")
	anaLines := stream(ana, "?claim="+itoa(c.ID))
	if l := next(kimLines, "kim's first badge"); l != "event: badge" {
		t.Fatalf("first line %q, want the badge", l)
	}
	if l := next(kimLines, "kim's first count"); l != `data: {"unread":0}` {
		t.Fatalf("first count %q", l)
	}
	next(anaLines, "ana's first badge")
	next(anaLines, "ana's first count")
	if _, err := env.App.Engine.AddComment(context.Background(), ed.User, c.ID, "@"+notify.Handle(*kim.User)+" look"); err != nil {
		t.Fatal(err)
	}
	if l := next(kimLines, "kim's badge"); l != "event: badge" {
		t.Fatalf("kim got %q, want a badge event (the badge-only stream has no changes)", l)
	}
	if l := next(kimLines, "kim's count"); l != `data: {"unread":1}` {
		t.Fatalf("kim's count %q", l)
	}
	// Ana's claim stream sees the claim change but no badge of Kim's.
	if l := next(anaLines, "ana's change"); l != "event: change" {
		t.Fatalf("ana got %q, want the claim change", l)
	}
	next(anaLines, "ana's change data")
	select {
	case l := <-anaLines:
		t.Errorf("ana's stream got %q after the change; Kim's badge must not reach it", l)
	case <-time.After(300 * time.Millisecond):
	}
}
