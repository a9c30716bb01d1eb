package web

import (
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
	s.renderWebhooks(c, http.StatusOK, p, &webhooksView{Log: e, Attempts: attempts})
}

func (s *Server) renderWebhooks(c *gin.Context, status int, p *page, v *webhooksView) {
	items, err := s.webhooks.List(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	v.Endpoints = items
	v.EventTypes = events.Types
	v.Formats = []webhooks.Format{webhooks.FormatStandard, webhooks.FormatSlack}
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
	v := &webhooksView{Checked: map[string]bool{}}
	for _, e := range c.PostFormArray("events") {
		v.Checked[e] = true
	}
	s.renderWebhooks(c, status, p, v)
}

// webWebhookCreate registers an endpoint (admins). Unlike the other forms
// it answers with the page itself rather than a redirect: the signing
// secret is shown this once and is never stored where a redirect could
// fetch it again.
func (s *Server) webWebhookCreate(c *gin.Context) {
	in := webhooks.NewEndpoint{
		URL: c.PostForm("url"), Events: c.PostFormArray("events"),
		Description: c.PostForm("description"), Format: webhooks.Format(c.PostForm("format")),
	}
	e, err := s.webhooks.Create(c.Request.Context(), actor(c), in)
	if err != nil {
		s.webhookFormError(c, err)
		return
	}
	p := &page{Title: "Webhooks", Nav: "webhooks", NoticeKind: "ok",
		Notice: "Webhook added. Copy its signing secret now: it is shown only this once."}
	s.renderWebhooks(c, http.StatusCreated, p, &webhooksView{Created: e})
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
	redirect(c, "/admin/webhooks/"+strconv.FormatInt(id, 10)+"?done=webhook-pinged")
}
