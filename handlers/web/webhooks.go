package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/webhooks"
)

// webhookLogSize is how many recent attempts the delivery log shows.
const webhookLogSize = 50

type webhooksView struct {
	Endpoints  []webhooks.Endpoint
	EventTypes []events.Type
	Formats    []webhooks.Format
	AllEvents  string
	// Created is the endpoint just created, with its secret: the only
	// time the secret is ever shown. The page is not stored (no-store).
	Created *webhooks.Endpoint
	// Log is the endpoint whose recent deliveries are shown, if any.
	Log      *webhooks.Endpoint
	Attempts []webhooks.Attempt
	// Checked keeps the event boxes of a failed create form ticked.
	Checked map[string]bool
	// Duplicate is set when the form was refused as a repeat of an
	// existing endpoint: the form then offers to add it anyway.
	Duplicate bool
}

// revealCookie carries a just-made signing secret, sealed by the webhooks
// service, across the redirect after a create or rotate form to the one
// page that shows it; that page clears it, so a reload shows it no more.
const revealCookie = "factdesk_webhook_secret"

func webhookPath(id int64) string { return "/admin/webhooks/" + strconv.FormatInt(id, 10) }

// setReveal stores e's new secret for its page; the cookie is scoped to
// that page, unreadable by scripts, and expires with the token.
func (s *Server) setReveal(c *gin.Context, e *webhooks.Endpoint) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: revealCookie, Value: s.webhooks.RevealToken(e.ID, e.Secret), Path: webhookPath(e.ID),
		MaxAge: int(webhooks.RevealTTL.Seconds()), HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteStrictMode,
	})
}

// takeReveal returns the secret waiting for endpoint id's page, if any,
// and clears it.
func (s *Server) takeReveal(c *gin.Context, id int64) (string, bool) {
	token, err := c.Cookie(revealCookie)
	if err != nil {
		return "", false
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: revealCookie, Path: webhookPath(id), MaxAge: -1, HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteStrictMode})
	return s.webhooks.OpenReveal(id, token)
}

// webWebhooks lists the webhook endpoints (admins).
func (s *Server) webWebhooks(c *gin.Context) {
	p := &page{Title: "Webhooks", Nav: "webhooks"}
	p.flash(c)
	s.renderWebhooks(c, http.StatusOK, p, &webhooksView{})
}

// webWebhookLog lists the endpoints with one endpoint's recent delivery log.
func (s *Server) webWebhookLog(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	ctx := c.Request.Context()
	e, err := s.webhooks.Get(ctx, id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	attempts, _, err := s.webhooks.Attempts(ctx, id, webhooks.AttemptFilter{Limit: webhookLogSize})
	if err != nil {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "Webhook deliveries", Nav: "webhooks"}
	p.flash(c)
	v := &webhooksView{Log: e, Attempts: attempts}
	done := c.Query("done")
	if secret, ok := s.takeReveal(c, id); ok {
		shown := *e
		shown.Secret = secret
		v.Created = &shown
		p.Notice, p.NoticeKind = "Webhook added. Copy its signing secret now: it is shown only this once.", "ok"
		if done == "webhook-rotated" {
			p.Notice = "New signing secret made. Copy it now: it is shown only this once. The old secret keeps signing for 24 hours."
		}
	} else if done == "webhook-created" || done == "webhook-rotated" {
		p.Notice, p.NoticeKind = "The signing secret was shown once and is hidden now. If it was not copied, rotate it to make a new one.", "warning"
	}
	s.renderWebhooks(c, http.StatusOK, p, v)
}

func (s *Server) renderWebhooks(c *gin.Context, status int, p *page, v *webhooksView) {
	items, err := s.webhooks.List(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	v.Endpoints = items
	v.EventTypes = events.Types
	v.Formats = webhooks.Formats
	v.AllEvents = webhooks.AllEvents
	p.Data = v
	s.render(c, status, "webhooks", p)
}

// webhookFormError re-renders the page for errors an admin can fix (an
// invalid field, a disabled endpoint pinged); the rest get error pages.
func (s *Server) webhookFormError(c *gin.Context, err error) {
	if code := models.CodeOf(err); code != models.EInvalid && code != models.EConflict {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "Webhooks", Nav: "webhooks", Form: c.Request.PostForm}
	status := s.withProblem(c, p, err)
	v := &webhooksView{Checked: map[string]bool{}, Duplicate: errors.Is(err, webhooks.ErrDuplicate)}
	for _, e := range c.PostFormArray("events") {
		v.Checked[e] = true
	}
	if v.Duplicate {
		p.Notice = "An endpoint already sends these events to this URL in this format, so every event would arrive twice. " +
			"Choose other events or another format, or tick “Add it anyway” to register a second one on purpose."
	}
	s.renderWebhooks(c, status, p, v)
}

// webWebhookCreate registers an endpoint (admins) and redirects to its page
// (post/redirect/get: a reload there creates nothing), where the signing
// secret is shown once.
func (s *Server) webWebhookCreate(c *gin.Context) {
	in := webhooks.NewEndpoint{
		URL: c.PostForm("url"), Events: c.PostFormArray("events"),
		Description: c.PostForm("description"), Format: webhooks.Format(c.PostForm("format")),
		AllowDuplicate: c.PostForm("allow_duplicate") == "true",
	}
	e, err := s.webhooks.Create(c.Request.Context(), actor(c), in)
	if err != nil {
		s.webhookFormError(c, err)
		return
	}
	s.setReveal(c, e)
	redirect(c, webhookPath(e.ID)+"?done=webhook-created")
}

// webWebhookRotate replaces an endpoint's signing secret (admins) and shows
// the new one once on the endpoint's page.
func (s *Server) webWebhookRotate(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	e, err := s.webhooks.RotateSecret(c.Request.Context(), id)
	if err != nil {
		s.webhookFormError(c, err)
		return
	}
	s.setReveal(c, e)
	redirect(c, webhookPath(id)+"?done=webhook-rotated")
}

// webWebhookRedeliver sends one event from the delivery log again
// (admins), with the same webhook-id, and shows the log.
func (s *Server) webWebhookRedeliver(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if _, err := s.webhooks.Redeliver(c.Request.Context(), id, c.PostForm("event_id")); err != nil {
		s.webhookFormError(c, err)
		return
	}
	redirect(c, webhookPath(id)+"?done=webhook-redelivered")
}

// webWebhookUpdate enables or disables an endpoint (admins).
func (s *Server) webWebhookUpdate(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var patch webhooks.EndpointPatch
	switch c.PostForm("active") {
	case "true":
		patch.Active = models.Some(true)
	case "false":
		patch.Active = models.Some(false)
	default:
		s.webhookFormError(c, models.Invalid("the change is not valid", models.FieldError{Field: "active", Message: "must be true or false"}))
		return
	}
	if _, err := s.webhooks.Update(c.Request.Context(), id, patch); err != nil {
		s.webhookFormError(c, err)
		return
	}
	redirect(c, "/admin/webhooks?done=webhook-saved")
}

// webWebhookDelete removes an endpoint with its delivery log (admins).
func (s *Server) webWebhookDelete(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if err := s.webhooks.Delete(c.Request.Context(), id); err != nil {
		s.webhookFormError(c, err)
		return
	}
	redirect(c, "/admin/webhooks?done=webhook-deleted")
}

// webWebhookPing queues a webhook.ping for one endpoint (admins) and shows
// its delivery log, where the attempt appears.
func (s *Server) webWebhookPing(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if _, err := s.webhooks.Ping(c.Request.Context(), id); err != nil {
		s.webhookFormError(c, err)
		return
	}
	redirect(c, webhookPath(id)+"?done=webhook-pinged")
}
