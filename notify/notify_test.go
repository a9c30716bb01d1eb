package notify_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// TestEveryKind walks a claim through its life and checks who hears what.
func TestEveryKind(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	c := d.claim(t, d.ana, "The unemployment rate halved since 2020.")
	if len(d.inbox(t, d.ana)) != 0 {
		t.Fatalf("creating a claim notified its creator")
	}
	c = d.assign(t, d.ed, c, d.kim)
	a := d.only(t, d.kim, models.NotifyAssigned, 1)[0]
	if *a.ActorID != d.ed.ID || *a.ClaimID != c.ID || a.Payload.Role != models.AssignChecker || a.Payload.ClaimText != c.Text || a.Read() {
		t.Errorf("assigned = %+v", a)
	}
	if err := d.st.WithTx(ctx, func(tx *store.Tx) error { return tx.Follow(ctx, c.ID, time.Now(), d.vic.ID) }); err != nil {
		t.Fatal(err)
	}

	c = d.apply(t, d.kim, c, workflow.Request{Action: models.ActionStart})
	cm := d.comment(t, d.kim, c, "@ed can you look at the ministry's statement? Mail press@ministry.gov.")
	m := d.only(t, d.ed, models.NotifyMentioned, 1)[0]
	if m.Payload.CommentID != cm.ID || !strings.Contains(m.Payload.Comment, "ministry's statement") || notify.Path(&m) != "/claims/"+itoa(c.ID)+"#comment-"+itoa(cm.ID) {
		t.Errorf("mentioned = %+v, path %s", m, notify.Path(&m))
	}
	d.evidence(t, d.kim, c, models.StanceSupports)
	c = d.apply(t, d.kim, c, workflow.Request{Action: models.ActionVerify, Verdict: models.VerdictTrue, Summary: "Official series."})
	// Start and verify by the same person merge into one line per follower.
	for _, u := range []*models.User{d.ana, d.vic} {
		f := d.only(t, u, models.NotifyFollowedStateChanged, 1)[0]
		if f.Payload.FromState != models.StateNew || f.Payload.ToState != models.StateVerified || *f.ActorID != d.kim.ID {
			t.Errorf("%s: followed = %+v, want new → verified by Kim", u.Name, f.Payload)
		}
	}

	c = d.apply(t, d.ed, c, workflow.Request{Action: models.ActionSendBack, Comment: "Needs a second source."})
	sb := d.only(t, d.kim, models.NotifySentBack, 1)[0]
	if sb.Payload.Comment != "Needs a second source." || *sb.ActorID != d.ed.ID {
		t.Errorf("sent back = %+v", sb.Payload)
	}
	c = d.apply(t, d.kim, c, workflow.Request{Action: models.ActionVerify, Verdict: models.VerdictTrue, Summary: "Two series agree."})
	c = d.apply(t, d.eva, c, workflow.Request{Action: models.ActionConfirm})
	d.only(t, d.kim, models.NotifyConfirmed, 1)
	d.only(t, d.ana, models.NotifyConfirmed, 1)
	c = d.apply(t, d.ed, c, workflow.Request{Action: models.ActionReopen, Comment: "The 2020 figure was revised."})
	ro := d.only(t, d.kim, models.NotifyReopened, 1)[0]
	if ro.Payload.Comment != "The 2020 figure was revised." {
		t.Errorf("reopened = %+v", ro.Payload)
	}
	d.only(t, d.ana, models.NotifyReopened, 1)

	// The source watcher records an alert: no actor, and everyone on the
	// claim hears of it, the viewer following it included.
	ev := d.evidence(t, d.kim, c, models.StanceSupports)
	_, _, err := d.eng.RecordEvidenceCheck(ctx, c.ID, ev.ID, func(prev models.Evidence) workflow.EvidenceCheck {
		prev.Status = "gone"
		return workflow.EvidenceCheck{Evidence: prev, Alert: &models.HistoryEntry{Comment: "The page answers 404.", At: time.Now()}}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*models.User{d.kim, d.ana, d.vic} {
		s := d.only(t, u, models.NotifySourceChanged, 1)[0]
		if s.ActorID != nil || s.Payload.EvidenceID != ev.ID || s.Payload.Status != "gone" || !strings.Contains(notify.Describe(&s, "", time.UTC), "vanished") {
			t.Errorf("%s: source_changed = %+v", u.Name, s)
		}
	}

	r := d.claim(t, d.ana, "Crime doubled last year.")
	r = d.apply(t, d.ed, r, workflow.Request{Action: models.ActionReject, Comment: "Out of scope."})
	if rj := d.only(t, d.ana, models.NotifyRejected, 1)[0]; *rj.ClaimID != r.ID || rj.Payload.Comment != "Out of scope." {
		t.Errorf("rejected = %+v", rj)
	}

	// The viewer only follows: every change of state reaches them as such.
	for _, k := range d.kinds(t, d.vic) {
		if k != models.NotifyFollowedStateChanged && k != models.NotifySourceChanged {
			t.Errorf("Vic got %s, want only followed_state_changed and source_changed", k)
		}
	}
	if got := d.kinds(t, d.eva); len(got) != 0 {
		t.Errorf("Eva, who only confirmed, got %v", got)
	}
	assertNoSelfNotifications(t, d)
}

// TestOverdue: the sweep notifies each assignee once per due time.
func TestOverdue(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	past := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	c, err := d.eng.CreateClaim(ctx, d.ana, workflow.NewClaim{Text: "Due already.", DueAt: &past})
	if err != nil {
		t.Fatal(err)
	}
	d.assign(t, d.ed, c, d.kim)
	closed := d.claim(t, d.ana, "Rejected, so never overdue.")
	if _, err := d.eng.UpdateClaim(ctx, d.ana, closed.ID, workflow.ClaimPatch{Version: closed.Version, DueAt: models.Optional[time.Time]{Set: true, Value: past}}); err != nil {
		t.Fatal(err)
	}
	closed, _ = d.st.Claim(ctx, closed.ID)
	d.assign(t, d.ed, closed, d.kim)
	closed, _ = d.st.Claim(ctx, closed.ID)
	d.apply(t, d.ed, closed, workflow.Request{Action: models.ActionReject, Comment: "no"})

	d.takeEnqueued()
	now := time.Now()
	got, err := notify.SweepOverdue(ctx, d.st, now, d.notifier)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].RecipientID != d.kim.ID || *got[0].ClaimID != c.ID || got[0].Kind != models.NotifyOverdue {
		t.Fatalf("sweep = %+v, want one overdue for Kim on claim %d", got, c.ID)
	}
	if got[0].Payload.DueAt == nil || !got[0].Payload.DueAt.Equal(past) || !strings.Contains(notify.Describe(&got[0], "", time.UTC), "overdue") {
		t.Errorf("overdue payload = %+v", got[0].Payload)
	}
	again, err := notify.SweepOverdue(ctx, d.st, now.Add(time.Minute), d.notifier)
	if err != nil || len(again) != 0 {
		t.Errorf("second sweep = %+v, %v; want nothing new", again, err)
	}
	d.only(t, d.kim, models.NotifyOverdue, 1)
	if q := d.takeEnqueued(); len(q) != 0 {
		t.Errorf("overdue queued instant emails %v; it defaults to the daily digest", q)
	}
}

// TestNoSelfNotification: people never hear of their own actions.
func TestNoSelfNotification(t *testing.T) {
	t.Parallel()
	d, _ := setup(t)
	c := d.claim(t, d.ed, "Editors check too.")
	c = d.assign(t, d.ed, c, d.ed)
	c = d.apply(t, d.ed, c, workflow.Request{Action: models.ActionStart})
	d.comment(t, d.ed, c, "note to self @ed")
	if got := d.kinds(t, d.ed); len(got) != 0 {
		t.Errorf("Ed got %v for his own actions", got)
	}
	next, err := d.eng.TakeNext(context.Background(), d.kim)
	if err != nil || next != nil {
		t.Fatalf("TakeNext = %v, %v (queue should be empty)", next, err)
	}
	c2 := d.claim(t, d.ana, "Queue me.")
	if _, err := d.eng.TakeNext(context.Background(), d.kim); err != nil {
		t.Fatal(err)
	}
	if got := d.kinds(t, d.kim); len(got) != 0 {
		t.Errorf("Kim got %v for taking claim %d herself", got, c2.ID)
	}
	// Ana, its creator, hears that it started.
	d.only(t, d.ana, models.NotifyFollowedStateChanged, 1)
	assertNoSelfNotifications(t, d)
}

// TestCoalescing: ten bulk assignments become one notification listing ten
// claims, with one email queued; a read notification takes no more.
func TestCoalescing(t *testing.T) {
	t.Parallel()
	d, _ := setup(t)
	var ids []int64
	for i := 0; i < 10; i++ {
		c := d.claim(t, d.ana, "Bulk claim "+itoa(int64(i)))
		d.assign(t, d.ed, c, d.kim)
		ids = append(ids, c.ID)
	}
	a := d.only(t, d.kim, models.NotifyAssigned, 1)[0]
	if !slices.Equal(a.ClaimIDs(), ids) {
		t.Errorf("coalesced claims = %v, want %v", a.ClaimIDs(), ids)
	}
	if got := notify.Describe(&a, "Ed", time.UTC); got != "Ed assigned you to 10 claims as checker" {
		t.Errorf("Describe = %q", got)
	}
	if q := d.takeEnqueued(); len(q) != 1 || q[0] != a.ID {
		t.Errorf("queued emails = %v, want one for notification %d", q, a.ID)
	}
	// Another actor's assignment is another notification.
	c := d.claim(t, d.ana, "By Eva")
	d.assign(t, d.eva, c, d.kim)
	d.only(t, d.kim, models.NotifyAssigned, 2)
	// Once read, a notification is closed to the burst.
	if _, err := markAllRead(d, d.kim); err != nil {
		t.Fatal(err)
	}
	c = d.claim(t, d.ana, "After reading")
	d.assign(t, d.ed, c, d.kim)
	d.only(t, d.kim, models.NotifyAssigned, 3)
	// Mentions never merge: each carries its comment.
	d.comment(t, d.kim, c, "@ed one")
	d.comment(t, d.kim, c, "@ed two")
	d.only(t, d.ed, models.NotifyMentioned, 2)
}

// TestMentionRefused: mentions of people who cannot see the claim are
// refused with a message naming them, and the comment is not posted.
func TestMentionRefused(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	other := &models.User{Email: "kim@other.test", Name: "Kim Other", Role: models.RoleChecker, Active: true}
	if err := d.st.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, other) }); err != nil {
		t.Fatal(err)
	}
	c := d.claim(t, d.ana, "A claim.")
	for body, says := range map[string]string{
		"@dan please":        "@dan (Dan Gone) is deactivated",
		"ask @nobody":        "nobody on the desk is called @nobody",
		"@kim or @ana.lima?": "@kim matches 2 people",
	} {
		_, err := d.eng.AddComment(ctx, d.ana, c.ID, body)
		var de *models.Error
		if !models.IsCode(err, models.EInvalid) || !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Field != "body" || !strings.Contains(de.Fields[0].Message, says) {
			t.Errorf("AddComment(%q) = %v, want EInvalid saying %q", body, err, says)
		}
	}
	if cs, _ := d.st.Comments(ctx, c.ID); len(cs) != 0 {
		t.Errorf("refused comments were stored: %+v", cs)
	}
	// Handles ignore case; the viewer can be mentioned (viewers see every claim).
	d.comment(t, d.kim, c, "cc @Ana.Lima and @vic.")
	d.only(t, d.ana, models.NotifyMentioned, 1)
	d.only(t, d.vic, models.NotifyMentioned, 1)
	if ok, _ := d.st.IsFollowing(ctx, c.ID, d.kim.ID); !ok {
		t.Errorf("a commenter does not follow the claim")
	}
}

func TestParseMentions(t *testing.T) {
	t.Parallel()
	for text, want := range map[string][]string{
		"@elena can you look?":         {"elena"},
		"thanks @ana.lima.":            {"ana.lima"},
		"mail press@ministry.gov":      nil,
		"(@kim) and @Ed, @ed":          {"kim", "ed", "ed"},
		"@ alone, @@double, end @":     nil,
		"über@x @jo-el- @a_b+c":        {"jo-el", "a_b+c"},
		"first line\n@kim second line": {"kim"},
	} {
		var got []string
		for _, m := range notify.ParseMentions(text) {
			got = append(got, m.Handle)
			if text[m.Start] != '@' {
				t.Errorf("ParseMentions(%q): mention starts at %q", text, text[m.Start])
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("ParseMentions(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestRenderMentions(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	r, err := notify.NewRenderer(ctx, d.st)
	if err != nil {
		t.Fatal(err)
	}
	got := string(r.Render("<b>hi</b> @kim & @dan & @nobody\nok"))
	want := `&lt;b&gt;hi&lt;/b&gt; <a class="mention" href="/board?assignee=` + itoa(d.kim.ID) + `" title="Kim Checker">@kim</a> &amp; @dan &amp; @nobody` + "\nok"
	if got != want {
		t.Errorf("Render =\n%s\nwant\n%s", got, want)
	}
	ms, err := notify.Members(ctx, d.st, "@E", 10)
	if err != nil {
		t.Fatal(err)
	}
	var handles []string
	for _, m := range ms {
		handles = append(handles, m.Handle)
	}
	// Ed and Eva by handle, and everyone whose name has a word starting
	// with "e" (Ed Editor, Eva Editor); not Dan, who is deactivated.
	if !slices.Equal(handles, []string{"ed", "eva"}) {
		t.Errorf("Members(@E) = %v", handles)
	}
	if ms, _ := notify.Members(ctx, d.st, "lim", 10); len(ms) != 1 || ms[0].Handle != "ana.lima" {
		t.Errorf("Members(lim) = %+v, want Ana by her surname", ms)
	}
}

// TestInboxReads: listing newest first, filters, and marking read only
// one's own.
func TestInboxReads(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	c := d.claim(t, d.ana, "Read me.")
	d.assign(t, d.ed, c, d.kim)
	d.comment(t, d.ana, c, "@kim hello")
	ns := d.inbox(t, d.kim)
	if len(ns) != 2 || ns[0].Kind != models.NotifyMentioned || ns[1].Kind != models.NotifyAssigned {
		t.Fatalf("inbox = %+v, want mention then assignment", ns)
	}
	if n, _ := d.st.UnreadNotifications(ctx, d.kim.ID); n != 2 {
		t.Errorf("unread = %d, want 2", n)
	}
	var changed int64
	err := d.st.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		// Ana cannot mark Kim's notifications read.
		if changed, err = tx.MarkNotificationsRead(ctx, d.ana.ID, []int64{ns[0].ID}, time.Now()); err != nil || changed != 0 {
			return err
		}
		changed, err = tx.MarkNotificationsRead(ctx, d.kim.ID, []int64{ns[0].ID}, time.Now())
		return err
	})
	if err != nil || changed != 1 {
		t.Fatalf("mark read = %d, %v", changed, err)
	}
	unread, _ := d.st.Notifications(ctx, store.NotificationFilter{RecipientID: d.kim.ID, Unread: true})
	if len(unread) != 1 || unread[0].ID != ns[1].ID {
		t.Errorf("unread = %+v", unread)
	}
	byKind, _ := d.st.Notifications(ctx, store.NotificationFilter{RecipientID: d.kim.ID, Kind: models.NotifyMentioned})
	if len(byKind) != 1 || !byKind[0].Read() {
		t.Errorf("mentions = %+v", byKind)
	}
	if _, err := d.st.Notification(ctx, d.ana.ID, ns[0].ID); !models.IsCode(err, models.ENotFound) {
		t.Errorf("Ana reading Kim's notification = %v, want not found", err)
	}
}

func assertNoSelfNotifications(t *testing.T, d *desk) {
	t.Helper()
	for _, u := range []*models.User{d.ed, d.eva, d.kim, d.ana, d.vic, d.dan} {
		for _, n := range d.inbox(t, u) {
			if n.ActorID != nil && *n.ActorID == u.ID {
				t.Errorf("%s was notified of their own %s", u.Name, n.Kind)
			}
		}
	}
	if len(d.inbox(t, d.dan)) != 0 {
		t.Errorf("a deactivated user got notifications")
	}
}

func markAllRead(d *desk, u *models.User) (int64, error) {
	var n int64
	err := d.st.WithTx(context.Background(), func(tx *store.Tx) error {
		var err error
		n, err = tx.MarkNotificationsRead(context.Background(), u.ID, nil, time.Now())
		return err
	})
	return n, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestListAndFollow: the inbox items the API shows, mark read through
// notify, and following by hand.
func TestListAndFollow(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	c := d.claim(t, d.ana, "List me.")
	d.assign(t, d.ed, c, d.kim)
	cm := d.comment(t, d.ana, c, "@kim over to you")
	items, err := notify.List(ctx, d.st, store.NotificationFilter{RecipientID: d.kim.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("items = %+v", items)
	}
	m := items[0]
	if m.Kind != models.NotifyMentioned || m.Actor != "Ana Lima" || m.Text != "Ana Lima mentioned you on claim #"+itoa(c.ID) ||
		m.Path != "/claims/"+itoa(c.ID)+"#comment-"+itoa(cm.ID) || m.Read || !slices.Equal(m.ClaimIDs, []int64{c.ID}) || m.Payload.Comment != "@kim over to you" {
		t.Errorf("mention item = %+v", m)
	}
	if _, err := notify.List(ctx, d.st, store.NotificationFilter{RecipientID: d.kim.ID, Kind: "shouting"}); !models.IsCode(err, models.EInvalid) {
		t.Errorf("List with an unknown kind = %v, want EInvalid", err)
	}
	if n, err := notify.MarkRead(ctx, d.st, d.kim.ID, nil, time.Now()); err != nil || n != 2 {
		t.Errorf("MarkRead all = %d, %v", n, err)
	}
	if n, _ := d.st.UnreadNotifications(ctx, d.kim.ID); n != 0 {
		t.Errorf("unread after mark all = %d", n)
	}

	// Vic follows by hand, hears of the start; unfollows, hears nothing more.
	if err := notify.SetFollowing(ctx, d.st, d.vic, c.ID, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	c, _ = d.st.Claim(ctx, c.ID)
	c = d.apply(t, d.kim, c, workflow.Request{Action: models.ActionStart})
	d.only(t, d.vic, models.NotifyFollowedStateChanged, 1)
	if err := notify.SetFollowing(ctx, d.st, d.vic, c.ID, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	d.apply(t, d.ed, c, workflow.Request{Action: models.ActionReject, Comment: "dup"})
	d.only(t, d.vic, models.NotifyFollowedStateChanged, 1)
	if err := notify.SetFollowing(ctx, d.st, d.vic, 999999, true, time.Now()); !models.IsCode(err, models.ENotFound) {
		t.Errorf("following a missing claim = %v, want not found", err)
	}
	if err := notify.SetFollowing(ctx, d.st, d.dan, c.ID, true, time.Now()); !models.IsCode(err, models.EForbidden) {
		t.Errorf("a deactivated user following = %v, want forbidden", err)
	}
}

// TestCoalescingUnderConcurrency: changes committing at once must not
// multiply the notifications they merge into. Each change used to lock
// every open notification of the burst, so the changes beside it found
// all of them locked and each inserted one more; every later change then
// read and locked them all, and a busy desk's writes slowed down as the
// burst grew. Now a change takes the newest open one it can lock, so
// there are never more than there are changes in flight.
func TestCoalescingUnderConcurrency(t *testing.T) {
	t.Parallel()
	d, _ := setup(t)
	const workers, each = 4, 15
	claims := make([]*models.Claim, workers*each)
	for i := range claims {
		claims[i] = d.claim(t, d.ana, "Concurrent claim "+itoa(int64(i)))
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				d.assign(t, d.ed, claims[w*each+i], d.kim)
			}
		}()
	}
	wg.Wait()
	var open []models.Notification
	seen := map[int64]int{}
	for _, n := range d.inbox(t, d.kim) {
		if n.Kind == models.NotifyAssigned {
			open = append(open, n)
			for _, id := range n.ClaimIDs() {
				seen[id]++
			}
		}
	}
	if len(open) > workers {
		t.Errorf("%d concurrent writers left %d assignment notifications, want at most %d", workers, len(open), workers)
	}
	for _, c := range claims {
		if seen[c.ID] != 1 {
			t.Errorf("claim %d is in %d notifications, want 1", c.ID, seen[c.ID])
		}
	}
}

// TestSendBackReachesActiveRecipientsOnly: a send-back's notes never merge,
// so they are written in one statement that also decides who is active and
// how they want mail; a deactivated proposer gets nothing, an active
// checker gets the note, mailed at once only while they choose so.
func TestSendBackReachesActiveRecipientsOnly(t *testing.T) {
	t.Parallel()
	d, ctx := setup(t)
	c := d.claim(t, d.ana, "Rents doubled in a decade.")
	c = d.assign(t, d.ed, c, d.kim)
	c = d.apply(t, d.kim, c, workflow.Request{Action: models.ActionStart})
	d.evidence(t, d.kim, c, models.StanceSupports)
	// An editor proposes, then leaves the desk.
	c = d.apply(t, d.eva, c, workflow.Request{Action: models.ActionVerify, Verdict: models.VerdictTrue, Summary: "Census data."})
	if _, err := d.st.SQL().ExecContext(ctx, `UPDATE users SET active = false WHERE id = $1`, d.eva.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.st.WithTx(ctx, func(tx *store.Tx) error {
		return tx.SetNotificationPref(ctx, d.kim.ID, models.NotifySentBack, models.DeliveryInstant)
	}); err != nil {
		t.Fatal(err)
	}
	d.takeEnqueued()
	d.apply(t, d.ed, c, workflow.Request{Action: models.ActionSendBack, Comment: "Which census?"})
	sb := d.only(t, d.kim, models.NotifySentBack, 1)[0]
	if sb.Payload.Comment != "Which census?" || *sb.ActorID != d.ed.ID || *sb.ClaimID != c.ID || sb.Email != "pending" {
		t.Errorf("sent back = %+v", sb)
	}
	if got := d.kinds(t, d.eva); len(got) != 0 {
		t.Errorf("the deactivated proposer got %v", got)
	}
	if q := d.takeEnqueued(); len(q) != 1 || q[0] != sb.ID {
		t.Errorf("queued = %v, want Kim's send-back %d mailed (Kim chose instant)", q, sb.ID)
	}

	// Turned off: the next send-back reaches the inbox, not the mailbox.
	if err := d.st.WithTx(ctx, func(tx *store.Tx) error {
		return tx.SetNotificationPref(ctx, d.kim.ID, models.NotifySentBack, models.DeliveryOff)
	}); err != nil {
		t.Fatal(err)
	}
	c, err := d.st.Claim(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	c = d.apply(t, d.kim, c, workflow.Request{Action: models.ActionVerify, Verdict: models.VerdictTrue, Summary: "The 2021 census."})
	d.takeEnqueued()
	d.apply(t, d.ed, c, workflow.Request{Action: models.ActionSendBack, Comment: "And the table?"})
	d.only(t, d.kim, models.NotifySentBack, 2)
	if q := d.takeEnqueued(); len(q) != 0 {
		t.Errorf("queued %v for a kind turned off", q)
	}
}
