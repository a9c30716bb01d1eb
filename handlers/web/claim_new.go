package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// webClaimNewPage shows the form to enter a claim by hand.
func (s *Server) webClaimNewPage(c *gin.Context) {
	if err := workflow.CanDo(actor(c), nil, workflow.FileClaims); err != nil {
		s.respondError(c, err)
		return
	}
	s.render(c, http.StatusOK, "claim_new", &page{Title: "New claim", Nav: "new"})
}

// dueLayout is what <input type=datetime-local> sends: a wall-clock time
// in the user's zone, which the form names.
const dueLayout = "2006-01-02T15:04"

// webClaimCreate creates the claim and opens it.
func (s *Server) webClaimCreate(c *gin.Context) {
	in := workflow.NewClaim{
		Text: c.PostForm("text"), Claimant: c.PostForm("claimant"), SourceURL: c.PostForm("source_url"),
		Priority: models.Priority(c.PostForm("priority")), Language: c.PostForm("language"),
	}
	in.Tags = splitTags(c.PostForm("tags"))
	var err error
	if due := strings.TrimSpace(c.PostForm("due_at")); due != "" {
		t, perr := time.ParseInLocation(dueLayout, due, zone(c))
		if perr != nil {
			err = models.Invalid("the due date is not valid", models.FieldError{Field: "due_at", Message: "use the date picker, or write 2026-12-01T17:00"})
		}
		in.DueAt = &t
	}
	var claim *models.Claim
	if err == nil {
		claim, err = s.engine.CreateClaim(c.Request.Context(), actor(c), in)
	}
	if err != nil {
		if code := models.CodeOf(err); code != models.EInvalid {
			s.respondError(c, err)
			return
		}
		p := &page{Title: "New claim", Nav: "new", Form: c.Request.PostForm}
		status := s.withProblem(c, p, err)
		s.render(c, status, "claim_new", p)
		return
	}
	redirect(c, "/claims/"+strconv.FormatInt(claim.ID, 10)+"?done=created")
}

// splitTags reads a comma-separated tags field: each tag normalised, each
// once, in the order written.
func splitTags(field string) []string {
	var tags []string
	for _, t := range strings.Split(field, ",") {
		if t = models.NormalizeTag(t); t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}
