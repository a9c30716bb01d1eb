package notify_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/smtptest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/notify/mail"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

var unsubKey = []byte("test unsubscribe key, 32 bytes..")

// mailer starts a loopback SMTP server and a Service sending to it.
func (d *desk) mailer(t *testing.T, cfg notify.Config) (*notify.Service, *smtptest.Server) {
	t.Helper()
	srv := smtptest.Start(t, smtptest.Options{})
	mc, err := mail.ParseConfig("smtp://"+srv.Addr()+"?tls=none", "Factdesk <desk@desk.test>")
	if err != nil {
		t.Fatal(err)
	}
	cfg.DashboardURL, cfg.UnsubscribeKey = "https://desk.example.org/", unsubKey
	return notify.NewService(d.st, mail.NewSender(mc), cfg), srv
}

var linkRE = regexp.MustCompile(`https://desk\.example\.org\S+`)

func links(text string) []string { return linkRE.FindAllString(text, -1) }

// unsubscribeToken returns the tokens of the unsubscribe links in text.
func unsubscribeToken(t *testing.T, text string) []string {
	t.Helper()
	var out []string
	for _, l := range links(text) {
		if strings.HasPrefix(l, "https://desk.example.org"+notify.UnsubscribePath+"?token=") {
			u, err := url.Parse(l)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, u.Query().Get("token"))
		}
	}
	return out
}

// TestSendInstant: an assignment is mailed once, with a link to the claim
// and an unsubscribe link that works; read or turned-off ones are not.
func TestSendInstant(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	svc, srv := d.mailer(t, notify.Config{})
	c := d.claim(t, d.ana, "Exports grew 40% in a year.")
	d.assign(t, d.ed, c, d.kim)
	q := d.takeEnqueued()
	if len(q) != 1 {
		t.Fatalf("queued = %v, want Kim's assignment", q)
	}
	if err := svc.SendInstant(ctx, q[0]); err != nil {
		t.Fatal(err)
	}
	if err := svc.SendInstant(ctx, q[0]); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1 (the second run sends nothing)", len(msgs))
	}
	m := msgs[0]
	h := m.Parse(t).Header
	if m.To[0] != "kim@desk.test" || h.Get("To") != `"Kim Checker" <kim@desk.test>` || h.Get("From") != `"Factdesk" <desk@desk.test>` {
		t.Errorf("addresses: envelope %v, To %q, From %q", m.To, h.Get("To"), h.Get("From"))
	}
	if got := m.Subject(t); got != "[factdesk] Ed Editor assigned you to claim #"+itoa(c.ID)+" as checker: Exports grew 40% in a year." {
		t.Errorf("subject = %q", got)
	}
	text, html := m.Parts(t)
	claimLink := "https://desk.example.org/claims/" + itoa(c.ID) + "#history-2"
	if !strings.Contains(text, claimLink) || !strings.Contains(html, claimLink) || !strings.Contains(text, "Exports grew 40% in a year.") {
		t.Errorf("text part lacks the claim link %s:\n%s", claimLink, text)
	}
	tokens := unsubscribeToken(t, text)
	if len(tokens) != 1 || h.Get("List-Unsubscribe") != "<https://desk.example.org"+notify.UnsubscribePath+"?token="+tokens[0]+">" ||
		h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("unsubscribe: text tokens %v, header %q", tokens, h.Get("List-Unsubscribe"))
	}
	uid, kind, err := notify.VerifyUnsubscribe(unsubKey, tokens[0])
	if err != nil || uid != d.kim.ID || kind != models.NotifyAssigned {
		t.Fatalf("VerifyUnsubscribe = %d, %s, %v", uid, kind, err)
	}
	u, kind, err := notify.Unsubscribe(ctx, d.st, unsubKey, tokens[0])
	if err != nil || u.ID != d.kim.ID || kind != models.NotifyAssigned {
		t.Fatalf("Unsubscribe = %v, %s, %v", u, kind, err)
	}
	prefs, _ := notify.Prefs(ctx, d.st, d.kim.ID)
	if prefs[models.NotifyAssigned] != models.DeliveryOff || prefs[models.NotifyMentioned] != models.DeliveryInstant {
		t.Errorf("prefs after unsubscribe = %v", prefs)
	}

	// Off now: the next assignment reaches the inbox and no mailbox.
	c2 := d.claim(t, d.ana, "Second.")
	d.assign(t, d.eva, c2, d.kim)
	if q := d.takeEnqueued(); len(q) != 0 {
		t.Errorf("queued %v for a kind turned off", q)
	}
	d.only(t, d.kim, models.NotifyAssigned, 2)

	// Read before the job runs: skipped.
	d.comment(t, d.ana, c2, "@kim look")
	q = d.takeEnqueued()
	if len(q) != 1 {
		t.Fatalf("queued = %v, want the mention", q)
	}
	if _, err := markAllRead(d, d.kim); err != nil {
		t.Fatal(err)
	}
	if err := svc.SendInstant(ctx, q[0]); err != nil || srv.Count() != 1 {
		t.Errorf("SendInstant of a read notification = %v, %d messages; want it skipped", err, srv.Count())
	}
}

func TestUnsubscribeTokens(t *testing.T) {
	t.Parallel()
	tok := notify.SignUnsubscribe(unsubKey, 42, models.NotifyMentioned)
	if id, k, err := notify.VerifyUnsubscribe(unsubKey, tok); err != nil || id != 42 || k != models.NotifyMentioned {
		t.Fatalf("round trip = %d %s %v", id, k, err)
	}
	forged := notify.SignUnsubscribe([]byte("another key"), 42, models.NotifyMentioned)
	msg, mac, _ := strings.Cut(tok, ".")
	other, _, _ := strings.Cut(notify.SignUnsubscribe(unsubKey, 43, models.NotifyMentioned), ".")
	for _, bad := range []string{"", "x", tok + "x", forged, other + "." + mac, msg + ".", "." + mac} {
		if _, _, err := notify.VerifyUnsubscribe(unsubKey, bad); !models.IsCode(err, models.EInvalid) || !strings.Contains(err.Error(), "not valid") {
			t.Errorf("VerifyUnsubscribe(%q) = %v, want EInvalid", bad, err)
		}
	}
	if _, _, err := notify.VerifyUnsubscribe(nil, tok); err == nil {
		t.Errorf("an empty key verified a token")
	}
}

// TestDigests: hourly and daily digests go out when their period has
// passed (an injected clock), grouped by claim, once.
func TestDigests(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	start := time.Now().UTC()
	// The daily digest goes out five hours after the current hour began,
	// so the hourly one is due first whatever the time of day.
	dailyBoundary := start.Truncate(time.Hour).Add(5 * time.Hour)
	svc, srv := d.mailer(t, notify.Config{DailyAt: time.Duration(dailyBoundary.Hour()) * time.Hour})
	err := notify.SetPrefs(ctx, d.st, d.kim.ID, map[models.NotificationKind]models.Delivery{
		models.NotifyAssigned: models.DeliveryHourly, models.NotifyConfirmed: models.DeliveryOff,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := notify.SetPrefs(ctx, d.st, d.kim.ID, map[models.NotificationKind]models.Delivery{"nope": models.DeliveryOff, models.NotifyRejected: "weekly"}); !models.IsCode(err, models.EInvalid) {
		t.Errorf("SetPrefs with a bad kind and delivery = %v, want EInvalid", err)
	}
	a := d.claim(t, d.ana, "Claim A about wages.")
	b := d.claim(t, d.ana, "Claim B about prices.")
	d.assign(t, d.ed, a, d.kim)
	d.assign(t, d.eva, b, d.kim)
	d.comment(t, d.ed, a, "@kim start with the wage series")
	d.comment(t, d.ed, a, "@kim and the 2019 base year")
	// Mentions are instant by default; assignments are hourly for Kim now.
	if q := d.takeEnqueued(); len(q) != 2 {
		t.Fatalf("queued = %v, want Kim's two mentions only", q)
	}
	// Kim turns mentions into the daily digest too before the jobs run.
	if err := notify.SetPrefs(ctx, d.st, d.kim.ID, map[models.NotificationKind]models.Delivery{models.NotifyMentioned: models.DeliveryDaily}); err != nil {
		t.Fatal(err)
	}
	oldest, newest := start.Add(time.Hour), time.Time{}
	for _, n := range d.inbox(t, d.kim) {
		oldest, newest = minTime(oldest, n.CreatedAt), maxTime(newest, n.CreatedAt)
	}
	// In the hour the first notification was made, nothing is due yet.
	if n, err := svc.SendDigests(ctx, oldest.Truncate(time.Hour)); err != nil || n != 0 {
		t.Fatalf("SendDigests in the same hour = %d, %v; want nothing", n, err)
	}
	// The next hour: the hourly digest of Kim's two assignments (by two
	// editors, so two notifications on two claims).
	next := newest.Truncate(time.Hour).Add(time.Hour)
	if n, err := svc.SendDigests(ctx, next); err != nil || n != 1 {
		t.Fatalf("SendDigests at %s = %d, %v; want Kim's hourly digest", next, n, err)
	}
	if n, _ := svc.SendDigests(ctx, next.Add(time.Minute)); n != 0 {
		t.Errorf("a second run in the hour sent %d digests", n)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "kim@desk.test" {
		t.Fatalf("messages = %+v", msgs)
	}
	if got := msgs[0].Subject(t); got != "[factdesk] Your hourly factdesk digest: 2 updates on 2 claims" {
		t.Errorf("hourly subject = %q", got)
	}
	text, _ := msgs[0].Parts(t)
	for _, want := range []string{
		"Claim #" + itoa(a.ID) + " (new): Claim A about wages.\nhttps://desk.example.org/claims/" + itoa(a.ID) + "\n  - Ed Editor assigned you to claim #" + itoa(a.ID) + " as checker\n",
		"Claim #" + itoa(b.ID) + " (new): Claim B about prices.\nhttps://desk.example.org/claims/" + itoa(b.ID) + "\n  - Eva Editor assigned you to claim #" + itoa(b.ID) + " as checker\n",
	} {
		if !strings.Contains(text, strings.ReplaceAll(want, "\n", "\r\n")) {
			t.Errorf("hourly digest lacks %q:\n%s", want, text)
		}
	}
	if toks := unsubscribeToken(t, text); len(toks) != 1 {
		t.Errorf("hourly digest unsubscribe links = %v, want one (assigned)", toks)
	} else if _, k, err := notify.VerifyUnsubscribe(unsubKey, toks[0]); err != nil || k != models.NotifyAssigned {
		t.Errorf("hourly digest unsubscribe = %s, %v", k, err)
	}

	// The daily digest: Kim's two mentions, both on claim A, under it once.
	// Ana's daily digest is empty: nothing of hers changed state.
	if n, err := svc.SendDigests(ctx, dailyBoundary.Add(-time.Minute)); err != nil || n != 0 {
		t.Fatalf("SendDigests before the daily time = %d, %v", n, err)
	}
	if n, err := svc.SendDigests(ctx, dailyBoundary); err != nil || n != 1 {
		t.Fatalf("SendDigests at the daily time = %d, %v; want Kim's daily digest", n, err)
	}
	msgs = srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("server has %d messages, want 2", len(msgs))
	}
	text, html := msgs[1].Parts(t)
	if got := msgs[1].Subject(t); got != "[factdesk] Your daily factdesk digest: 2 updates on 1 claim" {
		t.Errorf("daily subject = %q", got)
	}
	if strings.Count(text, "Claim #"+itoa(a.ID)+" (new)") != 1 || strings.Count(text, "Ed Editor mentioned you on claim #"+itoa(a.ID)) != 2 ||
		!strings.Contains(text, "“@kim and the 2019 base year”") || !strings.Contains(html, "#comment-") {
		t.Errorf("daily digest:\n%s\n%s", text, html)
	}
	var mailed int
	for _, n := range d.inbox(t, d.kim) {
		if n.Kind == models.NotifyMentioned || n.Kind == models.NotifyAssigned {
			mailed++
		}
	}
	if mailed != 4 {
		t.Errorf("Kim has %d notifications, want 4", mailed)
	}
	// Ana was notified of nothing and got nothing.
	for _, m := range msgs {
		if m.To[0] != "kim@desk.test" {
			t.Errorf("unexpected message to %v", m.To)
		}
	}
}

// TestDigestSkipsOffAndRead: kinds turned off and notifications already read
// are not mailed, and are not considered again; an instant notification
// whose job never ran goes out with the hourly digest.
func TestDigestSkipsOffAndRead(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	svc, srv := d.mailer(t, notify.Config{})
	off := map[models.NotificationKind]models.Delivery{models.NotifyAssigned: models.DeliveryOff, models.NotifyFollowedStateChanged: models.DeliveryOff}
	if err := notify.SetPrefs(ctx, d.st, d.kim.ID, off); err != nil {
		t.Fatal(err)
	}
	if err := notify.SetPrefs(ctx, d.st, d.ana.ID, off); err != nil {
		t.Fatal(err)
	}
	c := d.claim(t, d.ana, "Off and read.")
	c = d.assign(t, d.ed, c, d.kim)
	if err := d.st.WithTx(ctx, func(tx *store.Tx) error { return tx.Follow(ctx, c.ID, time.Now(), d.vic.ID) }); err != nil {
		t.Fatal(err)
	}
	d.apply(t, d.kim, c, workflow.Request{Action: models.ActionStart})
	// Vic reads the change in the inbox before any digest.
	d.only(t, d.vic, models.NotifyFollowedStateChanged, 1)
	if n, err := markAllRead(d, d.vic); err != nil || n != 1 {
		t.Fatalf("mark read = %d, %v", n, err)
	}
	// The newest notification: Kim's mention, instant, whose job we never run.
	d.comment(t, d.ana, c, "@kim are you on it?")
	mention := d.only(t, d.kim, models.NotifyMentioned, 1)[0]

	// The next hour: every digest period holds all of it, and the mention
	// is not yet overdue for a catch-up.
	next := mention.CreatedAt.Truncate(time.Hour).Add(time.Hour)
	if n, err := svc.SendDigests(ctx, next); err != nil || n != 0 || srv.Count() != 0 {
		t.Fatalf("SendDigests = %d, %v, %d messages; want nothing", n, err, srv.Count())
	}
	left, err := d.st.UsersWithPendingEmail(ctx, next.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	// Kim's mention stays for its job; the rest is settled.
	if len(left) != 1 || left[0] != d.kim.ID {
		t.Errorf("pending email for %v, want only Kim's mention", left)
	}
	later := mention.CreatedAt.Add(notify.InstantCatchUp + time.Hour)
	if n, err := svc.SendDigests(ctx, later); err != nil || n != 1 || srv.Count() != 1 {
		t.Fatalf("SendDigests after the catch-up time = %d, %v, %d messages; want Kim's mention", n, err, srv.Count())
	}
	m := srv.Messages()[0]
	text, _ := m.Parts(t)
	if m.To[0] != "kim@desk.test" || !strings.Contains(m.Subject(t), "hourly") || !strings.Contains(text, "are you on it?") {
		t.Errorf("catch-up message to %v: %q\n%s", m.To, m.Subject(t), text)
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TestOverdueInRecipientZone: a due time is written in the recipient's
// own time zone, in the inbox and in the email, never as bare UTC.
func TestOverdueInRecipientZone(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	svc, srv := d.mailer(t, notify.Config{})
	if _, err := d.eng.SetTimeZone(ctx, d.kim, "Asia/Kolkata"); err != nil {
		t.Fatal(err)
	}
	if err := notify.SetPrefs(ctx, d.st, d.kim.ID, map[models.NotificationKind]models.Delivery{models.NotifyOverdue: models.DeliveryInstant}); err != nil {
		t.Fatal(err)
	}
	due := time.Now().Add(-time.Hour).UTC().Truncate(time.Minute)
	c, err := d.eng.CreateClaim(ctx, d.ana, workflow.NewClaim{Text: "Due in Kolkata.", DueAt: &due})
	if err != nil {
		t.Fatal(err)
	}
	d.assign(t, d.ed, c, d.kim)
	d.takeEnqueued()
	if _, err := notify.SweepOverdue(ctx, d.st, time.Now(), d.notifier); err != nil {
		t.Fatal(err)
	}
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	want := "(due " + due.In(kolkata).Format("2 Jan 15:04") + " IST)"

	items, err := notify.List(ctx, d.st, store.NotificationFilter{RecipientID: d.kim.ID, Kind: models.NotifyOverdue})
	if err != nil || len(items) != 1 {
		t.Fatalf("inbox = %v, %v", items, err)
	}
	if !strings.Contains(items[0].Text, want) {
		t.Errorf("inbox text = %q, want %q", items[0].Text, want)
	}
	q := d.takeEnqueued()
	if len(q) != 1 {
		t.Fatalf("queued = %v, want the overdue email", q)
	}
	if err := svc.SendInstant(ctx, q[0]); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	text, html := msgs[0].Parts(t)
	if subject := msgs[0].Subject(t); !strings.Contains(subject, want) || !strings.Contains(text, want) || !strings.Contains(html, want) {
		t.Errorf("email does not say %q: subject %q\n%s", want, subject, text)
	}
}

// TestMailNamesTheDesk: subjects and digest titles carry the name the desk
// goes by: the configured publisher name until an admin sets a brand name,
// and that name from the next email on.
func TestMailNamesTheDesk(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	svc, srv := d.mailer(t, notify.Config{Name: "Example Desk"})
	admin := &models.User{Email: "ada@desk.test", Name: "Ada Admin", Role: models.RoleAdmin, Active: true}
	if err := d.st.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, admin) }); err != nil {
		t.Fatal(err)
	}
	sendAssignment := func(text string) string {
		t.Helper()
		d.assign(t, d.ed, d.claim(t, d.ana, text), d.kim)
		q := d.takeEnqueued()
		if len(q) != 1 {
			t.Fatalf("queued = %v, want Kim's assignment", q)
		}
		if err := svc.SendInstant(ctx, q[0]); err != nil {
			t.Fatal(err)
		}
		msgs := srv.Messages()
		return msgs[len(msgs)-1].Subject(t)
	}
	if got, want := sendAssignment("Wages rose."), "[Example Desk] Ed Editor assigned you"; !strings.HasPrefix(got, want) {
		t.Errorf("subject before any branding = %q, want it to start %q", got, want)
	}
	if _, err := d.eng.UpdateBranding(ctx, admin, workflow.BrandingPatch{Name: models.Some("Harbour Desk")}); err != nil {
		t.Fatal(err)
	}
	if got, want := sendAssignment("Prices fell."), "[Harbour Desk] Ed Editor assigned you"; !strings.HasPrefix(got, want) {
		t.Errorf("subject after branding = %q, want it to start %q", got, want)
	}

	if err := notify.SetPrefs(ctx, d.st, d.kim.ID, map[models.NotificationKind]models.Delivery{models.NotifyAssigned: models.DeliveryHourly}); err != nil {
		t.Fatal(err)
	}
	d.assign(t, d.ed, d.claim(t, d.ana, "Rents doubled."), d.kim)
	if n, err := svc.SendDigests(ctx, time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("SendDigests = %d, %v; want Kim's hourly digest", n, err)
	}
	msgs := srv.Messages()
	digest := msgs[len(msgs)-1]
	if got, want := digest.Subject(t), "[Harbour Desk] Your hourly Harbour Desk digest: 1 update on 1 claim"; got != want {
		t.Errorf("digest subject = %q, want %q", got, want)
	}
	if text, html := digest.Parts(t); !strings.Contains(text, "Your hourly Harbour Desk digest") || !strings.Contains(html, "Your hourly Harbour Desk digest") {
		t.Errorf("digest title lacks the desk's name:\n%s\n%s", text, html)
	}
}
