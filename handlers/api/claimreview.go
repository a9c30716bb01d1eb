package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
)

// claimReview returns a published claim's ClaimReview JSON-LD, the same
// document its public page embeds.
func (s *Server) claimReview(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	page, err := s.site.Load(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	if page.ClaimReview == nil {
		s.respondError(c, models.Errorf(models.ENotFound, "fact check %d was retracted on %s: its ClaimReview is withdrawn", id, page.RetractedAt.UTC().Format("2 January 2006")))
		return
	}
	body, err := publish.MarshalScriptSafe(page.ClaimReview)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Link", "<"+page.URL+">; rel=\"alternate\"; type=\"text/html\"")
	c.Header("X-Claim-Under-Review", strconv.FormatBool(page.UnderReview))
	c.Data(http.StatusOK, "application/ld+json", body)
}
