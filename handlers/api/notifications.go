package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/notify"
	"github.com/factdesk/factdesk/store"
)

// listNotifications is the caller's inbox, newest first:
// ?kind=, ?unread=true, ?before=<id> (the next page), ?limit= (1-200).
func (s *Server) listNotifications(c *gin.Context) {
	f := store.NotificationFilter{RecipientID: actor(c).ID, Kind: models.NotificationKind(c.Query("kind"))}
	var fields []models.FieldError
	if u := c.Query("unread"); u != "" {
		b, err := strconv.ParseBool(u)
		if err != nil {
			fields = append(fields, models.FieldError{Field: "unread", Message: "must be true or false"})
		}
		f.Unread = b
	}
	for _, q := range []struct {
		name     string
		dst      *int64
		max      int64
		mustBeOK string
	}{{"before", &f.Before, 1 << 62, "must be a notification id"}, {"limit", nil, 200, "must be a whole number from 1 to 200"}} {
		raw := c.Query(q.name)
		if raw == "" {
			continue
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 || n > q.max {
			fields = append(fields, models.FieldError{Field: q.name, Message: q.mustBeOK})
			continue
		}
		if q.dst != nil {
			*q.dst = n
		} else {
			f.Limit = int(n)
		}
	}
	if len(fields) > 0 {
		s.respondError(c, models.Invalid("the filter is not valid", fields...))
		return
	}
	items, err := notify.List(c.Request.Context(), s.store, f)
	if err != nil {
		s.respondError(c, err)
		return
	}
	unread, err := s.store.UnreadNotifications(c.Request.Context(), f.RecipientID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	var next any
	limit := f.Limit
	if limit == 0 {
		limit = 50
	}
	if len(items) == limit {
		next = items[len(items)-1].ID
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "unread": unread, "next_before": next})
}

type markReadRequest struct {
	IDs []int64 `json:"ids"`
}

// markNotificationsRead marks the listed notifications read, or all of the
// caller's when ids is empty or absent.
func (s *Server) markNotificationsRead(c *gin.Context) {
	var req markReadRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			s.respondError(c, err)
			return
		}
	}
	for _, id := range req.IDs {
		if id <= 0 {
			s.respondError(c, models.Invalid("the ids are not valid", models.FieldError{Field: "ids", Message: "must be notification ids (positive numbers)"}))
			return
		}
	}
	n, err := notify.MarkRead(c.Request.Context(), s.store, actor(c).ID, req.IDs, time.Now().UTC())
	if err != nil {
		s.respondError(c, err)
		return
	}
	unread, err := s.store.UnreadNotifications(c.Request.Context(), actor(c).ID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"marked": n, "unread": unread})
}

type preferencesBody struct {
	Preferences map[models.NotificationKind]models.Delivery `json:"preferences"`
}

// notificationPreferences is how the caller gets each kind by email.
func (s *Server) notificationPreferences(c *gin.Context) {
	prefs, err := notify.Prefs(c.Request.Context(), s.store, actor(c).ID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"preferences": prefs})
}

// setNotificationPreferences changes the kinds named; the others keep
// theirs. The answer is every kind's delivery.
func (s *Server) setNotificationPreferences(c *gin.Context) {
	var req preferencesBody
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	if req.Preferences == nil {
		s.respondError(c, models.Invalid("nothing to change", models.FieldError{Field: "preferences", Message: "send an object of kind to delivery, such as {\"mentioned\":\"instant\"}"}))
		return
	}
	if err := notify.SetPrefs(c.Request.Context(), s.store, actor(c).ID, req.Preferences); err != nil {
		s.respondError(c, err)
		return
	}
	s.notificationPreferences(c)
}

func (s *Server) follow(c *gin.Context)   { s.setFollowing(c, true) }
func (s *Server) unfollow(c *gin.Context) { s.setFollowing(c, false) }

func (s *Server) setFollowing(c *gin.Context, on bool) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if err := notify.SetFollowing(c.Request.Context(), s.store, actor(c), id, on, time.Now().UTC()); err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"claim_id": id, "following": on})
}

// members feeds mention autocomplete: active people whose handle or name
// starts with ?q=.
func (s *Server) members(c *gin.Context) {
	items, err := notify.Members(c.Request.Context(), s.store, c.Query("q"), 10)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}
