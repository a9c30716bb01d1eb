package api

import (
	"context"
	"errors"
	"math"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/factchecks"
	"github.com/factdesk/factdesk/match"
	"github.com/factdesk/factdesk/models"
)

// maxImportBytes bounds one fact-check import body. The reader streams, so
// this caps the transaction's size, not memory.
const maxImportBytes = 64 << 20

// priorCheckItem is one archived fact-check of another outlet that matches
// a lookup, with the line a checker reads ("already checked by …").
type priorCheckItem struct {
	Check    *models.PriorCheck `json:"check"`
	Summary  string             `json:"summary"`
	Score    float64            `json:"score"`
	Relation match.Relation     `json:"relation"`
	Reasons  []string           `json:"reasons"`
}

// priorChecks looks text up in the archive of published fact-checks.
func (s *Server) priorChecks(ctx context.Context, text string, limit int) ([]priorCheckItem, error) {
	found, err := s.store.SimilarPriorChecks(ctx, text, limit)
	if err != nil {
		return nil, err
	}
	out := make([]priorCheckItem, 0, len(found))
	for _, f := range found {
		it := priorCheckItem{Check: f.Check, Summary: f.Check.Summary(), Score: math.Round(f.Score*1000) / 1000, Relation: f.Relation, Reasons: f.Reasons}
		if it.Reasons == nil {
			it.Reasons = []string{}
		}
		out = append(out, it)
	}
	return out, nil
}

// importFactChecks archives the ClaimReview JSON-LD, claims:search JSON or
// CSV document in the body; Content-Type says which.
func (s *Server) importFactChecks(c *gin.Context) {
	f, ok := factchecks.FormatOf(c.ContentType())
	if !ok {
		s.respondError(c, models.Errorf(models.EInvalid, "send the fact-checks as application/json, application/ld+json or text/csv"))
		return
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, maxImportBytes)
	rep, err := factchecks.Import(c.Request.Context(), s.store, body, f)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		err = models.Errorf(models.ETooLarge, "the import is larger than %d MiB; split it", maxImportBytes>>20)
	}
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}
