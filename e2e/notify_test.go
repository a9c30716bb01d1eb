package e2e_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/internal/smtptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/notify/mail"
	"github.com/factdesk/factdesk/workflow"
)

// mentionByAutocomplete types "@" and the start of to's handle in the
// comment box, picks them from the autocomplete with Enter, finishes the
// comment and posts it.
func (p *person) mentionByAutocomplete(to apptest.User, rest string) {
	p.t.Helper()
	handle := notify.Handle(*to.User)
	p.do("type a mention",
		chromedp.Click(chromedp.ID("comment-body")),
		chromedp.SendKeys(chromedp.ID("comment-body"), "Hi @"+handle[:4]),
		chromedp.WaitVisible(chromedp.CSS(`#comment-body-mentions li[data-handle="`+handle+`"]`)),
	)
	p.screenshot("mention-autocomplete")
	// Arrow keys move through the list; the pick is a click (CDP's Enter
	// also types a newline that a real keyboard's prevented Enter does not).
	p.do("pick the person",
		chromedp.SendKeys(chromedp.ID("comment-body"), kb.ArrowDown),
		chromedp.Click(chromedp.CSS(`#comment-body-mentions li[data-handle="`+handle+`"]`)),
	)
	got := get(p, "read the comment box", chromedp.Value(chromedp.ID("comment-body")))
	if got != "Hi @"+handle+" " {
		p.t.Fatalf("after picking, the comment box holds %q, want %q", got, "Hi @"+handle+" ")
	}
	p.do("post the comment",
		chromedp.SendKeys(chromedp.ID("comment-body"), rest),
		chromedp.Click(chromedp.CSS(`#comment-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.comment a.mention`)),
	)
}

// TestNotifyLiveBadge: A mentions B through the autocomplete; B's badge
// counts up without a reload in two tabs, one on a page with its own live
// stream (the board) and one without (the inbox, which also lists it).
func TestNotifyLiveBadge(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	a := env.User(t, models.RoleEditor)
	b := env.User(t, models.RoleChecker)
	c := env.Claim(t, a, "The ministry says exports rose 12 percent in 2025.")

	onBoard := open(t, env)
	onBoard.signIn(b)
	onBoard.visit("/board", ".board-columns")
	inInbox := open(t, env)
	inInbox.signIn(b)
	inInbox.visit("/notifications", "#inbox-list")
	for _, p := range []*person{onBoard, inInbox} {
		if !get(p, "badge hidden", chromedp.Evaluate[bool](`document.getElementById("unread-count").hidden`)) {
			t.Fatalf("the badge shows with nothing unread")
		}
	}

	writer := open(t, env)
	writer.signIn(a)
	writer.visit(fmt.Sprintf("/claims/%d", c.ID), "#comment-body")
	writer.mentionByAutocomplete(b, "can you look?")
	href := get(writer, "read the mention link", chromedp.AttributeValue(chromedp.CSS(`.comment a.mention`), "href"))
	if !href.Exists || href.Value == "" {
		t.Errorf("the mention is not a link")
	}

	for name, p := range map[string]*person{"board": onBoard, "inbox": inInbox} {
		get(p, "see the badge count up on the "+name, chromedp.Poll[bool](`(function(){var e=document.getElementById("unread-count");return !e.hidden && e.getAttribute("data-unread")==="1"})()`))
	}
	inInbox.do("see the mention listed", chromedp.WaitVisible(chromedp.CSS(`.inbox-item[data-kind="mentioned"]`)))
	inInbox.do("open it",
		chromedp.Click(chromedp.CSS(`.inbox-item[data-kind="mentioned"] a.inbox-link`)),
		chromedp.WaitVisible(chromedp.CSS(`.comment:target, [id^="comment-"]`)),
	)
	loc := get(inInbox, "where the link went", chromedp.Location())
	if !regexp.MustCompile(fmt.Sprintf(`/claims/%d#comment-\d+$`, c.ID)).MatchString(loc) {
		t.Errorf("the inbox link went to %s, want the comment", loc)
	}
	get(onBoard, "see the badge clear once read", chromedp.Poll[bool](`document.getElementById("unread-count").hidden`))
}

// TestNotifyEmailPreferencesUnsubscribe: B turns assignment emails off in
// the settings page; a mention then arrives by email at the loopback SMTP
// server, and its unsubscribe link, opened signed out, turns mentions off.
// It also saves the screenshots of the inbox and settings pages.
func TestNotifyEmailPreferencesUnsubscribe(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	srv := smtptest.Start(t, smtptest.Options{})
	mc, err := mail.ParseConfig("smtp://"+srv.Addr()+"?tls=none", "Factdesk <desk@test.factdesk.test>")
	if err != nil {
		t.Fatal(err)
	}
	env := apptest.New(t, func(c *app.Config) {
		c.Notify.Mail = mc
		c.Notify.InstantDelay = time.Millisecond
	})
	a := env.User(t, models.RoleEditor)
	b := env.User(t, models.RoleChecker)
	c := env.Claim(t, a, "Unemployment fell to 3 percent, the minister said.")
	ctx := context.Background()

	pb := open(t, env)
	pb.signIn(b)
	pb.visit("/notifications/settings", "#settings-form")
	pb.do("turn assignment emails off",
		chromedp.Click(chromedp.ID("pref-assigned-off")),
		chromedp.Click(chromedp.ID("save-settings")),
		chromedp.WaitVisible(chromedp.CSS(`.notice-ok`)),
	)
	if !get(pb, "read the saved choice", chromedp.Evaluate[bool](`document.getElementById("pref-assigned-off").checked`)) {
		t.Errorf("after saving, assignments are not off on the page")
	}
	prefs, err := notify.Prefs(ctx, env.App.Store, b.ID)
	if err != nil || prefs[models.NotifyAssigned] != models.DeliveryOff {
		t.Fatalf("stored assigned = %s, %v; want off", prefs[models.NotifyAssigned], err)
	}

	pa := open(t, env)
	pa.signIn(a)
	pa.visit(fmt.Sprintf("/claims/%d", c.ID), "#comment-body")
	pa.mentionByAutocomplete(b, "check the survey.")
	apptest.Eventually(t, 15*time.Second, "the mention's email", func() bool { return srv.Count() > 0 })
	msg := srv.Messages()[0]
	text, _ := msg.Parts(t)
	if !strings.Contains(text, "check the survey.") {
		t.Errorf("email text lacks the comment:\n%s", text)
	}
	m := regexp.MustCompile(`Stop these emails: (\S+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no unsubscribe link in the email:\n%s", text)
	}
	link, err := url.Parse(m[1])
	if err != nil {
		t.Fatal(err)
	}

	// Opened signed out, in a browser that never signed in.
	anon := open(t, env)
	anon.visit(link.Path+"?"+link.RawQuery, "#unsubscribe-form")
	anon.screenshot("unsubscribe-confirm")
	anon.do("confirm", chromedp.Click(chromedp.ID("confirm-unsubscribe")), chromedp.WaitVisible(chromedp.ID("unsubscribed")))
	prefs, _ = notify.Prefs(ctx, env.App.Store, b.ID)
	if prefs[models.NotifyMentioned] != models.DeliveryOff {
		t.Errorf("after unsubscribing, mentioned = %s, want off", prefs[models.NotifyMentioned])
	}
	pb.visit("/notifications/settings", "#settings-form")
	if !get(pb, "see mentions off", chromedp.Evaluate[bool](`document.getElementById("pref-mentioned-off").checked`)) {
		t.Errorf("the settings page does not show mentions off")
	}

	// Screenshots of the inbox and settings pages, with a few items.
	for i := range 3 {
		env.Claim(t, b, fmt.Sprintf("Claim %d filed by B about rail freight volumes.", i))
	}
	c2 := env.Claim(t, a, "The city planted 30 thousand trees in 2025.")
	if _, err := env.App.Engine.Assign(ctx, a.User, c2.ID, workflow.AssignRequest{UserID: b.ID, Role: models.AssignChecker}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Engine.AddComment(ctx, a.User, c2.ID, "@"+notify.Handle(*b.User)+" the parks office has the planting records; ask for the 2025 report."); err != nil {
		t.Fatal(err)
	}
	for _, shot := range []struct {
		name string
		size func()
	}{{"desktop", pb.desktop}, {"phone", pb.phone}} {
		shot.size()
		pb.visit("/notifications", "#inbox-list")
		pb.screenshot("notifications-inbox-" + shot.name)
		pb.visit("/notifications/settings", "#settings-form")
		pb.screenshot("notifications-settings-" + shot.name)
	}
}
