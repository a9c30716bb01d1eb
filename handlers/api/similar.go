package api

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/match"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// similarItem is one match of a similar-claims lookup. ConfirmedVerdict is
// the match's verdict once an editor has confirmed it, and null before:
// only an approved verdict is worth reusing.
type similarItem struct {
	Claim            *models.Claim   `json:"claim"`
	Score            float64         `json:"score"`
	Relation         match.Relation  `json:"relation"`
	Reasons          []string        `json:"reasons"`
	ConfirmedVerdict *models.Verdict `json:"confirmed_verdict"`
}

// createMatches is how many matches the create response carries.
const createMatches = 3

func (s *Server) similarItems(ctx context.Context, text string, opts store.SimilarOptions) ([]similarItem, error) {
	found, err := s.store.SimilarClaims(ctx, text, opts)
	if err != nil {
		return nil, err
	}
	items := make([]similarItem, 0, len(found))
	for _, f := range found {
		it := similarItem{
			Claim: normalize(f.Claim), Score: math.Round(f.Score*1000) / 1000, Relation: f.Relation, Reasons: f.Reasons,
		}
		if it.Reasons == nil {
			it.Reasons = []string{}
		}
		if f.Claim.State == models.StateConfirmed && f.Claim.Verdict != "" {
			v := f.Claim.Verdict
			it.ConfirmedVerdict = &v
		}
		items = append(items, it)
	}
	return items, nil
}

// similarLimit reads ?limit=, 1 to store.MaxSimilarLimit.
func similarLimit(raw string) (int, error) {
	if raw == "" {
		return store.DefaultSimilarLimit, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > store.MaxSimilarLimit {
		return 0, models.Invalid("the limit is not valid", models.FieldError{Field: "limit", Message: "must be a number from 1 to " + strconv.Itoa(store.MaxSimilarLimit)})
	}
	return n, nil
}

// similarToClaim lists the earlier claims that resemble claim {id}.
func (s *Server) similarToClaim(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	limit, err := similarLimit(c.Query("limit"))
	if err != nil {
		s.respondError(c, err)
		return
	}
	claim, err := s.store.Claim(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	items, err := s.similarItems(c.Request.Context(), claim.Text, store.SimilarOptions{Limit: limit, Before: claim.ID})
	if err != nil {
		s.respondError(c, err)
		return
	}
	prior, err := s.priorChecks(c.Request.Context(), claim.Text, limit)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "prior_checks": prior})
}

type similarRequest struct {
	Text  string `json:"text"`
	Limit int    `json:"limit"`
}

// similarToText lists the stored claims that resemble a text not yet
// filed: "has anyone checked this already?".
func (s *Server) similarToText(c *gin.Context) {
	var req similarRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	var fields []models.FieldError
	if strings.TrimSpace(req.Text) == "" || len(req.Text) > 5000 {
		fields = append(fields, models.FieldError{Field: "text", Message: "send the claim's text, at most 5000 bytes"})
	}
	if req.Limit < 0 || req.Limit > store.MaxSimilarLimit {
		fields = append(fields, models.FieldError{Field: "limit", Message: "must be a number from 1 to " + strconv.Itoa(store.MaxSimilarLimit)})
	}
	if len(fields) > 0 {
		s.respondError(c, models.Invalid("the lookup is not valid", fields...))
		return
	}
	items, err := s.similarItems(c.Request.Context(), req.Text, store.SimilarOptions{Limit: req.Limit})
	if err != nil {
		s.respondError(c, err)
		return
	}
	prior, err := s.priorChecks(c.Request.Context(), req.Text, req.Limit)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "prior_checks": prior})
}
