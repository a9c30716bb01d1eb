package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/export"
	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/live"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/web"
	"github.com/factdesk/factdesk/workflow"
)

// Config configures the dashboard.
type Config struct {
	// Hub feeds the live-update event stream.
	Hub *live.Hub
	// TrustForwardedProto treats X-Forwarded-Proto: https as TLS (session
	// cookies become Secure) and takes the client address from
	// X-Forwarded-For for the sign-in limiter. Set it only behind a proxy
	// that overwrites those headers.
	TrustForwardedProto bool
	// SessionTTL is how long a sign-in lasts; 12 hours when zero, one
	// working day plus slack.
	SessionTTL time.Duration
}

// dashboard is the state the dashboard's handlers share.
type dashboard struct {
	views      *web.Views
	hub        *live.Hub
	trustProxy bool
	sessionTTL time.Duration
	origin     *http.CrossOriginProtection
}

// New parses every page and builds the dashboard. It fails, and with it
// start-up, if a page is missing or does not parse. Install ErrorPage in
// resp so errors everywhere outside the API get the dashboard's pages.
func New(d Deps, cfg Config, resp *respond.Renderer) (*Server, error) {
	views, err := web.Load()
	if err != nil {
		return nil, err
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	s := &Server{store: d.Store, engine: d.Engine, auth: d.Auth, log: d.Log, sources: d.Sources, webhooks: d.Webhooks, resp: resp,
		exporter: &export.Exporter{Store: d.Store, Site: d.Site}, site: d.Site,
		unsubKey: d.UnsubscribeKey, mailEnabled: d.MailEnabled}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.dash = &dashboard{
		views: views, hub: cfg.Hub, trustProxy: cfg.TrustForwardedProto, sessionTTL: cfg.SessionTTL,
		origin: http.NewCrossOriginProtection(),
	}
	return s, nil
}

// page is what every dashboard template receives.
type page struct {
	Title string
	// Nav marks the current item of the main navigation.
	Nav  string
	User *models.User
	CSRF string
	// Unread is the signed-in user's unread notifications, for the badge.
	Unread int64
	// Counts and SavedViews fill the navigation (nav.go).
	Counts     store.QueueCounts
	SavedViews []navView
	// Notice is a one-line message above the content; NoticeKind is ok,
	// warning or error.
	Notice     string
	NoticeKind string
	// Problem carries the field errors of a failed form.
	Problem *respond.Problem
	// Form holds the submitted values so a failed form keeps its input.
	Form url.Values
	Data any
	// Brand is the desk's name and logo for the top bar and the title.
	Brand publish.Brand
}

// Can asks the workflow whether the signed-in user has a desk-wide
// capability, for the layout's navigation and buttons.
func (p *page) Can(cap workflow.Capability) bool { return workflow.Can(p.User, nil, cap) }

// FieldError is the message for one form field, or "".
func (p *page) FieldError(field string) string {
	if p.Problem == nil {
		return ""
	}
	for _, f := range p.Problem.Errors {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// render writes a whole page, rendered into a buffer first so a template
// error becomes an error page instead of half a page.
func (s *Server) render(c *gin.Context, status int, view string, p *page) {
	s.renderTemplate(c, status, view, "layout", p)
}

func (s *Server) renderTemplate(c *gin.Context, status int, view, tmpl string, data any) {
	if p, ok := data.(*page); ok {
		p.User = actor(c)
		p.CSRF = csrfToken(c)
		p.Unread = s.unreadCount(c)
		s.fillNav(c, p)
		p.Brand = s.brand(c)
	}
	body, err := s.dash.views.RenderIn(zone(c), view, tmpl, data)
	if err != nil {
		if view == "error" {
			// The error page itself failed: fall back to the plain one
			// rather than recursing.
			respond.Plain(c, s.problemFor(c, err))
			return
		}
		s.respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", body)
}

// withProblem turns a domain error into the notice and field errors of a
// re-rendered form.
func (s *Server) withProblem(c *gin.Context, p *page, err error) int {
	prob := s.problemFor(c, err)
	p.Problem = &prob
	p.Notice = prob.Detail
	p.NoticeKind = "error"
	return prob.Status
}

// doneMessages are the confirmations shown after a form redirects. Only
// these fixed texts are ever shown, so the query parameter cannot inject
// words into the page.
var doneMessages = map[string]string{
	"start": "Started: the claim is now being verified.", "verify": "Verified: the claim now waits for an editor.",
	"dispute": "Disputed: the claim now waits for an editor.", "confirm": "Confirmed: the verdict is approved.",
	"send_back": "Sent back to the checker.", "reject": "Rejected.", "reopen": "Reopened for a correction.",
	"restore": "Restored to new.", "evidence": "Evidence added.", "comment": "Comment posted.",
	"assigned": "Assignment saved.", "unassigned": "Assignment removed.", "created": "Claim created.",
	"taken": "This claim is yours now: it was taken from the queue and started.", "empty": "The queue is empty: nothing new waits for a checker.",
	"user-created": "User added.", "user-saved": "User updated.", "user-inactive": "That user is already deactivated.",
	"settings-saved": "Settings saved. Public pages show them from their next load (a browser or proxy may keep its copy for up to 5 minutes).",
	"checked":        "Source checked: its status below is the result of this check.",
	"outlet-created": "Outlet added to the source registry.", "outlet-saved": "Outlet updated.", "outlet-deleted": "Outlet deleted.",
	"webhook-saved": "Webhook updated.", "webhook-deleted": "Webhook deleted.",
	"account-created": "Service account added. Issue it a token below.",
	"token-revoked":   "Token revoked: its next request is refused.",
	"webhook-pinged":  "Ping queued: it appears in the delivery log below once sent.",
	"reimported":      "This article was imported before, so nothing was stored twice: sentences already filed link to their claims.",
	"evidence-saved":  "Evidence corrected.", "evidence-retracted": "Evidence retracted: it stays on record but no longer counts.",
	"webhook-redelivered": "Delivery queued again: the new attempt appears in the log below once sent.",
	"edited":              "Claim updated: the history below lists what changed.",
	"edited-state":        "Claim updated. The edit changed what was checked, so the claim went back to verifying.",
	"followed":            notifyDone["followed"], "unfollowed": notifyDone["unfollowed"],
	"view-saved": "View saved: it is in the Views menu.", "view-updated": "View updated.", "view-deleted": "View deleted.",
	"profile-saved":   "Your settings are saved.",
	"model-activated": "Model switched on: the next import everywhere uses it.",
}

func (p *page) flash(c *gin.Context) {
	if msg, ok := doneMessages[c.Query("done")]; ok {
		p.Notice, p.NoticeKind = msg, "ok"
	}
}

// redirect ends a successful form post (post/redirect/get), so reloading
// the result never resubmits.
func redirect(c *gin.Context, to string) {
	c.Redirect(http.StatusSeeOther, to)
	c.Abort()
}

// maxNext caps a post-login destination; real dashboard paths are far
// shorter, and an unbounded one would be echoed into Location.
const maxNext = 2 << 10

// safeNext accepts only a same-origin relative path as a post-login
// destination, so the login form cannot bounce people to another site. A
// browser strips tabs and newlines from a URL, reads a backslash as a slash
// and "//" as the start of another host, so any of those, raw or
// percent-encoded, sends the user to "/" instead. The result is re-encoded,
// so Location never carries a raw space or control character.
func safeNext(next string) string {
	if len(next) > maxNext || !localPath(next) {
		return "/"
	}
	if decoded, err := url.PathUnescape(next); err != nil || !localPath(decoded) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return (&url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery, Fragment: u.Fragment}).String()
}

// localPath reports whether p starts with exactly one slash and holds
// nothing a browser would strip or reinterpret.
func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || !utf8.ValidString(p) {
		return false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

// brand is the desk's branding for the dashboard's top bar. Should the
// settings not load, the page still renders under the configured
// publisher name (the failure shows on the page's own queries).
func (s *Server) brand(c *gin.Context) publish.Brand {
	b, err := s.site.Brand(c.Request.Context())
	if err != nil {
		return publish.Brand{Name: s.site.Publisher().Name}
	}
	return b
}
