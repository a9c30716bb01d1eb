package web

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// webClaimEdit saves the claim's edit form through the engine's
// UpdateClaim, sending only the fields that differ from the claim the form
// was filled from, so the history names what really changed. The version
// from the form makes a claim changed meanwhile a conflict: the page comes
// back with the current claim, a notice, and the user's input kept.
func (s *Server) webClaimEdit(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	cur, err := s.store.Claim(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	p := workflow.ClaimPatch{Version: version}
	if v := strings.TrimSpace(c.PostForm("text")); v != cur.Text {
		p.Text = models.Some(v)
	}
	if v := strings.TrimSpace(c.PostForm("claimant")); v != cur.Claimant {
		p.Claimant = models.Some(v)
	}
	tags := splitTags(c.PostForm("tags"))
	if !slices.Equal(tags, []string(cur.Tags)) && !(len(tags) == 0 && len(cur.Tags) == 0) {
		p.Tags = models.Some(tags)
	}
	if v := models.Priority(c.PostForm("priority")); v != "" && v != cur.Priority {
		p.Priority = models.Some(v)
	}
	if v := strings.TrimSpace(c.PostForm("language")); v != cur.Language {
		p.Language = models.Some(v)
	}
	due := strings.TrimSpace(c.PostForm("due_at"))
	switch {
	case due == "" && cur.DueAt != nil:
		p.DueAt = models.Optional[time.Time]{Set: true, Null: true}
	case due != "":
		t, perr := time.ParseInLocation(dueLayout, due, zone(c))
		if perr != nil {
			s.rerenderClaim(c, id, models.Invalid("the due date is not valid", models.FieldError{Field: "due_at", Message: "use the date picker, or write 2026-12-01T17:00"}))
			return
		}
		if cur.DueAt == nil || !cur.DueAt.Equal(t) {
			p.DueAt = models.Some(t.UTC())
		}
	}
	updated, err := s.engine.UpdateClaim(c.Request.Context(), actor(c), id, p)
	if err != nil {
		s.rerenderClaim(c, id, err)
		return
	}
	done := "edited"
	if updated.State != cur.State {
		// The engine decides when an edit reopens the research (a changed
		// wording under a proposed verdict); the page only says so.
		done = "edited-state"
	}
	redirect(c, "/claims/"+strconv.FormatInt(id, 10)+"?done="+done)
}
