package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// claimDetail is a claim with its evidence always present, even when empty.
type claimDetail struct {
	*models.Claim
	Evidence []models.Evidence `json:"evidence"`
}

func normalize(c *models.Claim) *models.Claim {
	if c.Assignees == nil {
		c.Assignees = []models.Assignment{}
	}
	if c.Tags == nil {
		c.Tags = models.Tags{}
	}
	return c
}

func (s *Server) createClaim(c *gin.Context) {
	var req workflow.NewClaim
	var err error
	if req.InputErrors, err = bindJSONDates(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	claim, err := s.engine.CreateClaim(c.Request.Context(), actor(c), req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Location", "/api/v1/claims/"+strconv.FormatInt(claim.ID, 10))
	// The earlier claims this one resembles come with it, so the desk sees
	// at once whether it was checked before. The claim is already saved: a
	// failed lookup is logged and answered with no matches rather than an
	// error that would invite the client to create the claim again.
	matches, err := s.similarItems(c.Request.Context(), claim.Text, store.SimilarOptions{Limit: createMatches, Before: claim.ID})
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "similar claims for a new claim", "claim_id", claim.ID, "error", err)
		matches = []similarItem{}
	}
	prior, err := s.priorChecks(c.Request.Context(), claim.Text, createMatches)
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "prior checks for a new claim", "claim_id", claim.ID, "error", err)
		prior = []priorCheckItem{}
	}
	c.JSON(http.StatusCreated, struct {
		*models.Claim
		Matches     []similarItem    `json:"matches"`
		PriorChecks []priorCheckItem `json:"prior_checks"`
	}{normalize(claim), matches, prior})
}

func (s *Server) listClaims(c *gin.Context) {
	f, err := claimFilter(c)
	if err != nil {
		s.respondError(c, err)
		return
	}
	items, next, err := s.store.Claims(c.Request.Context(), f)
	if err != nil {
		s.respondError(c, err)
		return
	}
	for i := range items {
		normalize(&items[i])
	}
	if items == nil {
		items = []models.Claim{}
	}
	var cursor any
	if next != "" {
		cursor = next
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": cursor})
}

// claimFilter reads the listing's query parameters, rejecting unknown enum
// values rather than silently returning nothing.
func claimFilter(c *gin.Context) (store.ClaimFilter, error) {
	f := store.ClaimFilter{
		State:    models.State(c.Query("state")),
		Verdict:  models.Verdict(c.Query("verdict")),
		Priority: models.Priority(c.Query("priority")),
		Tag:      c.Query("tag"),
		Query:    c.Query("q"),
		Cursor:   c.Query("cursor"),
	}
	var fields []models.FieldError
	if f.State != "" && !f.State.Valid() {
		fields = append(fields, models.FieldError{Field: "state", Message: models.MustBeOneOf(models.States)})
	}
	if f.Verdict != "" && !f.Verdict.Valid() {
		fields = append(fields, models.FieldError{Field: "verdict", Message: models.MustBeOneOf(models.Verdicts)})
	}
	if f.Priority != "" && !f.Priority.Valid() {
		fields = append(fields, models.FieldError{Field: "priority", Message: models.MustBeOneOf(models.Priorities)})
	}
	var ok bool
	if f.Assignee, ok = param.Assignee(c, actor(c)); !ok {
		fields = append(fields, models.FieldError{Field: "assignee", Message: "must be a user id or me"})
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxPageSize {
			fields = append(fields, models.FieldError{Field: "limit", Message: "must be a number from 1 to " + strconv.Itoa(store.MaxPageSize)})
		}
		f.Limit = n
	}
	if len(fields) > 0 {
		return f, models.Invalid("the filter is not valid", fields...)
	}
	return f, nil
}

func (s *Server) getClaim(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	claim, err := s.store.ClaimWithEvidence(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, claimDetail{Claim: normalize(claim), Evidence: claim.Evidence})
}

func (s *Server) updateClaim(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req workflow.ClaimPatch
	if req.InputErrors, err = bindJSONDates(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	claim, err := s.engine.UpdateClaim(c.Request.Context(), actor(c), id, req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, normalize(claim))
}

func (s *Server) claimOptions(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	claim, err := s.store.Claim(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	opts, err := s.engine.OptionsFor(c.Request.Context(), actor(c), claim)
	if err != nil {
		s.respondError(c, err)
		return
	}
	if opts == nil {
		opts = []workflow.Option{}
	}
	// items are the transitions the claim's state allows; capabilities
	// are the other things this caller may do with the claim now.
	c.JSON(http.StatusOK, gin.H{"items": opts, "capabilities": workflow.Allowed(actor(c), claim)})
}

func (s *Server) transition(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req workflow.Request
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	claim, err := s.engine.Apply(c.Request.Context(), actor(c), id, req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	// Source warnings advise rather than block, so they ride along with a
	// successful verify instead of failing it.
	if req.Action != models.ActionVerify || s.sources == nil {
		c.JSON(http.StatusOK, normalize(claim))
		return
	}
	warnings, err := s.sources.Warnings(c.Request.Context(), claim.ID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, verifiedClaim{Claim: normalize(claim), Warnings: warnings})
}

// verifiedClaim is a claim just verified, with advice on its sources.
type verifiedClaim struct {
	*models.Claim
	Warnings []sources.Warning `json:"warnings"`
}

func (s *Server) history(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if _, err := s.store.Claim(c.Request.Context(), id); err != nil {
		s.respondError(c, err)
		return
	}
	items, err := s.store.History(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	if items == nil {
		items = []models.HistoryEntry{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) workflowTable(c *gin.Context) {
	type row struct {
		Action   models.Action  `json:"action"`
		From     []models.State `json:"from"`
		To       models.State   `json:"to"`
		Who      workflow.Who   `json:"who"`
		Requires []string       `json:"requires"`
	}
	rows := make([]row, 0, len(workflow.Table))
	for _, t := range workflow.Table {
		r := row{Action: t.Action, From: t.From, To: t.To, Who: t.Who, Requires: []string{}}
		for _, q := range t.Requires {
			r.Requires = append(r.Requires, q.Name)
		}
		rows = append(rows, r)
	}
	c.JSON(http.StatusOK, gin.H{"transitions": rows, "mermaid": workflow.Mermaid()})
}
