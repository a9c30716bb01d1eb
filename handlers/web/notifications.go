package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/store"
)

// inboxView is the notifications page.
type inboxView struct {
	Items  []notify.Item
	Kinds  []models.NotificationKind
	Kind   models.NotificationKind
	Unread bool
	// Older continues the listing below the last item shown.
	Older   string
	CSRF    string
	Query   string
	Filters bool
}

// notifyDone are the fixed confirmations of the notification forms.
var notifyDone = map[string]string{
	"read":       "Marked read.",
	"all-read":   "All notifications marked read.",
	"saved":      "Email settings saved.",
	"followed":   "You follow this claim: you hear of its changes of state and its sources.",
	"unfollowed": "You no longer follow this claim.",
}

func notifyFlash(c *gin.Context, p *page) {
	if msg, ok := notifyDone[c.Query("done")]; ok {
		p.Notice, p.NoticeKind = msg, "ok"
	}
}

const inboxPageSize = 50

// webNotifications is the inbox: ?kind= and ?unread=1 filter it, ?before=
// pages back.
func (s *Server) webNotifications(c *gin.Context) {
	u := actor(c)
	v := &inboxView{Kinds: models.NotificationKinds, Kind: models.NotificationKind(c.Query("kind")), Unread: c.Query("unread") == "1", CSRF: csrfToken(c)}
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	items, err := notify.List(c.Request.Context(), s.store, store.NotificationFilter{
		RecipientID: u.ID, Kind: v.Kind, Unread: v.Unread, Before: max(before, 0), Limit: inboxPageSize,
	})
	if err != nil {
		s.respondError(c, err)
		return
	}
	v.Items = items
	v.Filters = v.Kind != "" || v.Unread
	q := url.Values{}
	if v.Kind != "" {
		q.Set("kind", string(v.Kind))
	}
	if v.Unread {
		q.Set("unread", "1")
	}
	v.Query = q.Encode()
	if len(items) == inboxPageSize {
		q.Set("before", strconv.FormatInt(items[len(items)-1].ID, 10))
		v.Older = "/notifications?" + q.Encode()
	}
	p := &page{Title: "Inbox", Nav: "inbox", Data: v}
	notifyFlash(c, p)
	s.render(c, http.StatusOK, "notifications", p)
}

// webNotificationsRead marks the posted ids read (repeated "id" fields),
// or every notification with all=1, and returns to the inbox as filtered.
func (s *Server) webNotificationsRead(c *gin.Context) {
	var ids []int64
	for _, raw := range c.PostFormArray("id") {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			s.respondError(c, models.Invalid("that is not a notification", models.FieldError{Field: "id", Message: "must be a notification id"}))
			return
		}
		ids = append(ids, id)
	}
	all := c.PostForm("all") == "1"
	if len(ids) == 0 && !all {
		s.respondError(c, models.Invalid("choose what to mark read", models.FieldError{Field: "id", Message: "send an id, or all=1"}))
		return
	}
	if all {
		ids = nil
	}
	if _, err := notify.MarkRead(c.Request.Context(), s.store, actor(c).ID, ids, time.Now().UTC()); err != nil {
		s.respondError(c, err)
		return
	}
	q, _ := url.ParseQuery(c.PostForm("back"))
	done := "read"
	if all {
		done = "all-read"
	}
	back := url.Values{"done": {done}}
	for _, k := range []string{"kind", "unread"} {
		if v := q.Get(k); v != "" {
			back.Set(k, v)
		}
	}
	redirect(c, "/notifications?"+back.Encode())
}

// settingsView is the email settings page.
type settingsView struct {
	Rows        []settingsRow
	Deliveries  []models.Delivery
	MailEnabled bool
	CSRF        string
}

type settingsRow struct {
	Kind    models.NotificationKind
	Current models.Delivery
	Default models.Delivery
}

func (s *Server) settingsView(c *gin.Context) (*settingsView, error) {
	prefs, err := notify.Prefs(c.Request.Context(), s.store, actor(c).ID)
	if err != nil {
		return nil, err
	}
	v := &settingsView{Deliveries: models.Deliveries, MailEnabled: s.mailEnabled, CSRF: csrfToken(c)}
	for _, k := range models.NotificationKinds {
		v.Rows = append(v.Rows, settingsRow{Kind: k, Current: prefs[k], Default: notify.DefaultDelivery(k)})
	}
	return v, nil
}

// webNotificationSettings shows how each kind is mailed.
func (s *Server) webNotificationSettings(c *gin.Context) {
	v, err := s.settingsView(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "Notification settings", Nav: "inbox", Data: v}
	notifyFlash(c, p)
	s.render(c, http.StatusOK, "notification_settings", p)
}

// webNotificationSettingsSave records one delivery per kind (fields named
// after the kinds).
func (s *Server) webNotificationSettingsSave(c *gin.Context) {
	prefs := map[models.NotificationKind]models.Delivery{}
	for _, k := range models.NotificationKinds {
		if d := c.PostForm(string(k)); d != "" {
			prefs[k] = models.Delivery(d)
		}
	}
	if err := notify.SetPrefs(c.Request.Context(), s.store, actor(c).ID, prefs); err != nil {
		v, loadErr := s.settingsView(c)
		if loadErr != nil {
			s.respondError(c, loadErr)
			return
		}
		p := &page{Title: "Notification settings", Nav: "inbox", Data: v, Form: c.Request.PostForm}
		s.render(c, s.withProblem(c, p, err), "notification_settings", p)
		return
	}
	redirect(c, "/notifications/settings?done=saved")
}

// unsubscribeView is the page an email's unsubscribe link opens.
type unsubscribeView struct {
	Token string
	Kind  models.NotificationKind
	Name  string
	Done  bool
}

// webUnsubscribePage asks to confirm: a link opened by a mail scanner
// must not unsubscribe anyone, so only the POST acts.
func (s *Server) webUnsubscribePage(c *gin.Context) {
	token := c.Query("token")
	id, kind, err := notify.VerifyUnsubscribe(s.unsubKey, token)
	if err != nil {
		s.respondError(c, err)
		return
	}
	u, err := s.store.User(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	s.render(c, http.StatusOK, "unsubscribe", &page{Title: "Unsubscribe", Data: &unsubscribeView{Token: token, Kind: kind, Name: u.Name}})
}

// webUnsubscribe turns the token's kind of email off. The token is the
// credential, so it needs no session and no CSRF token: it answers both
// the confirm form and RFC 8058 one-click POSTs from mail clients.
func (s *Server) webUnsubscribe(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, param.MaxBodyBytes)
	token := c.PostForm("token")
	if token == "" {
		token = c.Query("token")
	}
	u, kind, err := notify.Unsubscribe(c.Request.Context(), s.store, s.unsubKey, token)
	if err != nil {
		s.respondError(c, err)
		return
	}
	s.render(c, http.StatusOK, "unsubscribe", &page{Title: "Unsubscribed", Data: &unsubscribeView{Kind: kind, Name: u.Name, Done: true}})
}

// webMembers feeds the comment box's mention autocomplete, as JSON.
func (s *Server) webMembers(c *gin.Context) {
	items, err := notify.Members(c.Request.Context(), s.store, c.Query("q"), 8)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// webClaimFollow follows (follow=1) or unfollows (follow=0) the claim.
func (s *Server) webClaimFollow(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	on := c.PostForm("follow") == "1"
	if err := notify.SetFollowing(c.Request.Context(), s.store, actor(c), id, on, time.Now().UTC()); err != nil {
		s.respondError(c, err)
		return
	}
	done := "unfollowed"
	if on {
		done = "followed"
	}
	redirect(c, "/claims/"+strconv.FormatInt(id, 10)+"?done="+done)
}
