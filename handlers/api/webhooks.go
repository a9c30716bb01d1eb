package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/events"
	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/webhooks"
)

func (s *Server) webhookEventTypes(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"items": events.Types})
}

func (s *Server) createWebhook(c *gin.Context) {
	var req webhooks.NewEndpoint
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	e, err := s.webhooks.Create(c.Request.Context(), actor(c), req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	// The response carries the signing secret, shown this once.
	c.Header("Cache-Control", "no-store")
	c.Header("Location", "/api/v1/webhooks/"+strconv.FormatInt(e.ID, 10))
	c.JSON(http.StatusCreated, e)
}

func (s *Server) listWebhooks(c *gin.Context) {
	items, err := s.webhooks.List(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) getWebhook(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	e, err := s.webhooks.Get(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, e)
}

func (s *Server) updateWebhook(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req webhooks.EndpointPatch
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	e, err := s.webhooks.Update(c.Request.Context(), id, req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, e)
}

func (s *Server) deleteWebhook(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if err := s.webhooks.Delete(c.Request.Context(), id); err != nil {
		s.respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) rotateWebhookSecret(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	e, err := s.webhooks.RotateSecret(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, e)
}

func (s *Server) pingWebhook(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	evID, err := s.webhooks.Ping(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"event_id": evID})
}

func (s *Server) webhookDeliveries(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	f := webhooks.AttemptFilter{Status: c.Query("status"), EventType: c.Query("event_type"), Cursor: c.Query("cursor")}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			s.respondError(c, models.Invalid("the filter is not valid", models.FieldError{Field: "limit", Message: "must be a number from 1 to " + strconv.Itoa(webhooks.MaxPageSize)}))
			return
		}
		f.Limit = n
	}
	items, next, err := s.webhooks.Attempts(c.Request.Context(), id, f)
	if err != nil {
		s.respondError(c, err)
		return
	}
	var cursor any
	if next != "" {
		cursor = next
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": cursor})
}

func (s *Server) redeliverWebhook(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	eventID := c.Param("event_id")
	if !strings.HasPrefix(eventID, "evt_") {
		s.respondError(c, models.Errorf(models.ENotFound, "event %q not found", eventID))
		return
	}
	attempt, err := s.webhooks.Redeliver(c.Request.Context(), id, eventID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"event_id": eventID, "attempt": attempt})
}

// recoverRequest takes since as a string so a malformed time is reported
// against the since field.
type recoverRequest struct {
	Since string `json:"since"`
}

func (s *Server) recoverWebhook(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req recoverRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	var since time.Time
	if req.Since != "" {
		if since, err = time.Parse(time.RFC3339Nano, req.Since); err != nil {
			s.respondError(c, models.Invalid("since is not a time", models.FieldError{Field: "since", Message: "send an RFC 3339 time such as 2026-11-26T00:00:00Z"}))
			return
		}
	}
	n, err := s.webhooks.Recover(c.Request.Context(), id, since)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"queued": n, "limit": webhooks.RecoverLimit})
}
