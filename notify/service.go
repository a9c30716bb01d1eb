package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"sort"
	"strings"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify/mail"
	"github.com/factdesk/factdesk/store"
)

// InstantCatchUp is how long an instant notification may stay unmailed
// before the hourly digest takes it instead.
const InstantCatchUp = time.Hour

// Mailer sends one message; *mail.Sender is one.
type Mailer interface {
	Send(ctx context.Context, m *mail.Message) error
}

// Config is what the mail jobs need besides the store and the mailer.
type Config struct {
	// DashboardURL is the absolute base of the dashboard's links, such as
	// https://desk.example.org.
	DashboardURL string
	// UnsubscribeKey signs unsubscribe links (see SignUnsubscribe); keep it
	// stable, or old links stop working.
	UnsubscribeKey []byte
	// DailyAt is when, after midnight UTC, the daily digest goes out.
	DailyAt time.Duration
	// SettingsPath is the dashboard page of a person's email settings.
	SettingsPath string
	// Name is the desk's name where its settings set no brand name (the
	// configured publisher name; models.DefaultDeskName when empty). The
	// name the desk goes by opens every subject and names the digests.
	Name string
	// Now is the clock of the instant job (default time.Now).
	Now func() time.Time
	Log *slog.Logger
}

// Service mails notifications. Its two methods are job workers: the
// caller's queue runs them and retries them when they fail.
type Service struct {
	store  *store.Store
	mailer Mailer
	cfg    Config
}

// NewService returns a service sending through mailer.
func NewService(st *store.Store, mailer Mailer, cfg Config) *Service {
	cfg.DashboardURL = strings.TrimRight(cfg.DashboardURL, "/")
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SettingsPath == "" {
		cfg.SettingsPath = "/notifications/settings"
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, mailer: mailer, cfg: cfg}
}

// SendInstant mails one notification (queued by Notifier.EnqueueInstant).
// It sends nothing when the notification was mailed already, was read in
// the meantime, or its recipient now wants it in a digest (the digest
// takes it) or not at all. The row stays locked while the message is
// sent, so a burst cannot merge into it unseen; a failure leaves it
// pending for the job's retry.
func (s *Service) SendInstant(ctx context.Context, notificationID int64) error {
	return s.store.WithTx(ctx, func(tx *store.Tx) error {
		n, u, err := tx.LockNotificationForEmail(ctx, notificationID)
		if models.IsCode(err, models.ENotFound) {
			return nil
		}
		if err != nil || n.Email != "pending" {
			return err
		}
		now := s.cfg.Now()
		if !u.Active || u.IsService() || n.Read() {
			return tx.SetNotificationsEmail(ctx, []int64{n.ID}, "skipped", now)
		}
		prefs, err := tx.NotificationPrefs(ctx, []int64{u.ID})
		if err != nil {
			return err
		}
		switch deliveryOf(prefs[u.ID], n.Kind) {
		case models.DeliveryOff:
			return tx.SetNotificationsEmail(ctx, []int64{n.ID}, "skipped", now)
		case models.DeliveryHourly, models.DeliveryDaily:
			return nil
		}
		ctxs, err := s.context(ctx, tx, []models.Notification{*n})
		if err != nil {
			return err
		}
		msg := s.instantMessage(u, n, ctxs)
		if err := s.mailer.Send(ctx, msg); err != nil {
			return fmt.Errorf("notify: mail notification %d: %w", n.ID, err)
		}
		return tx.SetNotificationsEmail(ctx, []int64{n.ID}, "sent", now)
	})
}

// SendDigests mails each person's hourly and daily digests that are due at
// now: a digest holds the notifications of the kinds its person chose for
// that cadence, created before the current period began (the hour, or the
// day at DailyAt), still unread and unmailed. Run it at least hourly (a
// periodic job); a second run in the same period finds nothing left to
// send. Instant notifications still unmailed after InstantCatchUp go into
// the hourly digest. It returns how many digests went out; one person's
// failure does not stop the others.
func (s *Service) SendDigests(ctx context.Context, now time.Time) (int, error) {
	users, err := s.store.UsersWithPendingEmail(ctx, now)
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, uid := range users {
		for _, cadence := range []models.Delivery{models.DeliveryHourly, models.DeliveryDaily} {
			ok, err := s.digest(ctx, uid, cadence, now)
			if err != nil {
				errs = append(errs, err)
				s.cfg.Log.WarnContext(ctx, "notification digest failed", "user_id", uid, "cadence", cadence, "error", err)
			}
			if ok {
				sent++
			}
		}
	}
	return sent, errors.Join(errs...)
}

// PeriodStart is the start of the digest period holding now: the hour, or
// the day beginning at dailyAt after midnight UTC.
func PeriodStart(cadence models.Delivery, now time.Time, dailyAt time.Duration) time.Time {
	now = now.UTC()
	if cadence == models.DeliveryHourly {
		return now.Truncate(time.Hour)
	}
	d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Add(dailyAt)
	if d.After(now) {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

func (s *Service) digest(ctx context.Context, userID int64, cadence models.Delivery, now time.Time) (bool, error) {
	start := PeriodStart(cadence, now, s.cfg.DailyAt)
	sent := false
	err := s.store.WithTx(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, userID)
		if err != nil {
			return err
		}
		rows, err := tx.LockPendingEmail(ctx, userID, start)
		if err != nil || len(rows) == 0 {
			return err
		}
		prefs, err := tx.NotificationPrefs(ctx, []int64{userID})
		if err != nil {
			return err
		}
		var skip []int64
		var take []models.Notification
		for _, n := range rows {
			d := deliveryOf(prefs[userID], n.Kind)
			switch {
			case !u.Active || u.IsService() || n.Read() || d == models.DeliveryOff:
				skip = append(skip, n.ID)
			case d == cadence:
				take = append(take, n)
			case d == models.DeliveryInstant && cadence == models.DeliveryHourly && n.CreatedAt.Before(now.Add(-InstantCatchUp)):
				// Its instant job never got it out (the server was down
				// past the job's retries, or the job was lost): the
				// hourly digest does.
				take = append(take, n)
			}
		}
		if err := tx.SetNotificationsEmail(ctx, skip, "skipped", now); err != nil {
			return err
		}
		if len(take) == 0 {
			return nil
		}
		ctxs, err := s.context(ctx, tx, take)
		if err != nil {
			return err
		}
		if err := s.mailer.Send(ctx, s.digestMessage(u, cadence, take, ctxs)); err != nil {
			return fmt.Errorf("notify: mail %s digest of user %d: %w", cadence, userID, err)
		}
		ids := make([]int64, len(take))
		for i, n := range take {
			ids[i] = n.ID
		}
		sent = true
		return tx.SetNotificationsEmail(ctx, ids, "sent", now)
	})
	return sent, err
}

// mailContext is what messages show beyond the rows: claims, actors and
// the desk's name, read in the sending transaction so that a renamed
// desk's next email carries the new name.
type mailContext struct {
	claims map[int64]models.Claim
	users  map[int64]models.User
	desk   string
}

func (s *Service) context(ctx context.Context, tx *store.Tx, ns []models.Notification) (mailContext, error) {
	var claimIDs, userIDs []int64
	for i := range ns {
		claimIDs = append(claimIDs, ns[i].ClaimIDs()...)
		if ns[i].ActorID != nil {
			userIDs = append(userIDs, *ns[i].ActorID)
		}
	}
	var mc mailContext
	settings, err := tx.DeskSettings(ctx)
	if err != nil {
		return mc, err
	}
	mc.desk = settings.DeskName(s.cfg.Name)
	if mc.claims, err = tx.ClaimSummaries(ctx, claimIDs); err != nil {
		return mc, err
	}
	mc.users, err = tx.UsersByID(ctx, userIDs)
	return mc, err
}

func (mc mailContext) actor(n *models.Notification) string {
	if n.ActorID == nil {
		return ""
	}
	return mc.users[*n.ActorID].Name
}

func (s *Service) url(path string) string { return s.cfg.DashboardURL + path }

func (s *Service) unsubscribeURL(userID int64, kind models.NotificationKind) string {
	return s.url(UnsubscribePath + "?token=" + SignUnsubscribe(s.cfg.UnsubscribeKey, userID, kind))
}

func recipient(u *models.User) netmail.Address {
	return netmail.Address{Name: u.Name, Address: u.Email}
}

// instantMessage is the email of one notification.
func (s *Service) instantMessage(u *models.User, n *models.Notification, mc mailContext) *mail.Message {
	headline := Describe(n, mc.actor(n), u.Location())
	unsub := s.unsubscribeURL(u.ID, n.Kind)
	var t strings.Builder
	fmt.Fprintf(&t, "%s.\n\n", headline)
	writeDetails(&t, n)
	for _, id := range n.ClaimIDs() {
		c := mc.claims[id]
		fmt.Fprintf(&t, "Claim #%d (%s): %s\n%s\n\n", id, c.State, shorten(c.Text, 200), s.url(ClaimPath(id)+claimFragment(n, id)))
	}
	fmt.Fprintf(&t, "Your inbox: %s\n\n-- \n", s.url("/notifications"))
	fmt.Fprintf(&t, "You get an email for each \"%s\" notification.\nStop these emails: %s\nAll email settings: %s\n",
		n.Kind.Label(), unsub, s.url(s.cfg.SettingsPath))
	h := htmlMail{Title: headline, Settings: s.url(s.cfg.SettingsPath), Inbox: s.url("/notifications")}
	h.Unsubscribe = []htmlLink{{Label: "Stop \u201c" + n.Kind.Label() + "\u201d emails", URL: unsub}}
	g := htmlGroup{}
	g.Lines = append(g.Lines, htmlLine{Text: headline, Detail: detail(n)})
	for _, id := range n.ClaimIDs() {
		c := mc.claims[id]
		g.Claims = append(g.Claims, htmlLink{Label: fmt.Sprintf("Claim #%d: %s", id, shorten(c.Text, 200)), URL: s.url(ClaimPath(id) + claimFragment(n, id))})
	}
	h.Groups = []htmlGroup{g}
	subject := "[" + mc.desk + "] " + headline
	if ids := n.ClaimIDs(); len(ids) == 1 {
		subject += ": " + shorten(mc.claims[ids[0]].Text, 60)
	}
	return &mail.Message{
		To: recipient(u), Subject: subject, Text: t.String(), HTML: renderHTML(h),
		Headers: map[string]string{"List-Unsubscribe": "<" + unsub + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
	}
}

// claimFragment points a one-claim notification at its exact place.
func claimFragment(n *models.Notification, id int64) string {
	if len(n.ClaimIDs()) == 1 {
		return fragment(n)
	}
	return ""
}

func detail(n *models.Notification) string {
	p := n.Payload
	switch {
	case p.Comment != "" && (n.Kind == models.NotifyMentioned || n.Kind == models.NotifySentBack):
		return "\u201c" + p.Comment + "\u201d"
	case p.Comment != "":
		return p.Comment
	case p.URL != "":
		return "Source: " + p.URL
	}
	return ""
}

func writeDetails(t *strings.Builder, n *models.Notification) {
	if d := detail(n); d != "" {
		fmt.Fprintf(t, "%s\n\n", d)
	}
}

// digestMessage groups a digest by claim: each claim once, with every line
// about it underneath, and one unsubscribe link per kind it holds.
func (s *Service) digestMessage(u *models.User, cadence models.Delivery, ns []models.Notification, mc mailContext) *mail.Message {
	type line struct {
		n    *models.Notification
		text string
	}
	byClaim := map[int64][]line{}
	var order []int64
	kinds := map[models.NotificationKind]bool{}
	for i := range ns {
		n := &ns[i]
		kinds[n.Kind] = true
		for _, id := range n.ClaimIDs() {
			if _, ok := byClaim[id]; !ok {
				order = append(order, id)
			}
			byClaim[id] = append(byClaim[id], line{n, describeOne(n, mc.actor(n), u.Location())})
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	title := "Your hourly " + mc.desk + " digest"
	if cadence == models.DeliveryDaily {
		title = "Your daily " + mc.desk + " digest"
	}
	summary := fmt.Sprintf("%d update%s on %d claim%s", len(ns), plural(len(ns)), len(order), plural(len(order)))
	var t strings.Builder
	fmt.Fprintf(&t, "%s: %s.\n\n", title, summary)
	h := htmlMail{Title: title + ": " + summary, Settings: s.url(s.cfg.SettingsPath), Inbox: s.url("/notifications")}
	for _, id := range order {
		c := mc.claims[id]
		link := s.url(ClaimPath(id))
		fmt.Fprintf(&t, "Claim #%d (%s): %s\n%s\n", id, c.State, shorten(c.Text, 200), link)
		g := htmlGroup{Claims: []htmlLink{{Label: fmt.Sprintf("Claim #%d: %s", id, shorten(c.Text, 200)), URL: link}}}
		for _, l := range byClaim[id] {
			fmt.Fprintf(&t, "  - %s\n", l.text)
			d := detail(l.n)
			if d != "" {
				fmt.Fprintf(&t, "    %s\n", d)
			}
			g.Lines = append(g.Lines, htmlLine{Text: l.text, Detail: d, URL: s.url(ClaimPath(id) + claimFragment(l.n, id))})
		}
		t.WriteString("\n")
		h.Groups = append(h.Groups, g)
	}
	fmt.Fprintf(&t, "Your inbox: %s\n\n-- \nStop emails of one kind:\n", s.url("/notifications"))
	var first string
	for _, k := range models.NotificationKinds {
		if !kinds[k] {
			continue
		}
		unsub := s.unsubscribeURL(u.ID, k)
		if first == "" {
			first = unsub
		}
		fmt.Fprintf(&t, "  %s: %s\n", k.Label(), unsub)
		h.Unsubscribe = append(h.Unsubscribe, htmlLink{Label: "Stop \u201c" + k.Label() + "\u201d emails", URL: unsub})
	}
	fmt.Fprintf(&t, "All email settings: %s\n", s.url(s.cfg.SettingsPath))
	return &mail.Message{
		To: recipient(u), Subject: "[" + mc.desk + "] " + title + ": " + summary, Text: t.String(), HTML: renderHTML(h),
		// The header can carry one link; it stops the first kind listed
		// (the body lists every kind's own).
		Headers: map[string]string{"List-Unsubscribe": "<" + first + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
	}
}

// describeOne is Describe for one claim's line in a digest grouped by
// claim, where a burst's count would mislead.
func describeOne(n *models.Notification, actor string, loc *time.Location) string {
	one := *n
	one.Payload.Claims = nil
	return Describe(&one, actor, loc)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
