package public

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
)

// The log's responses change with each checkpoint (every publication, and
// periodically), so they are cached for a minute, not the pages' five.
const logCache = "public, max-age=60"

func (s *Server) checkpoint(c *gin.Context) {
	note, _, err := s.audit.LatestCheckpoint(c.Request.Context())
	if err != nil {
		s.logError(c, err)
		return
	}
	c.Header("Cache-Control", logCache)
	c.Data(http.StatusOK, "text/plain; charset=utf-8", note)
}

func (s *Server) checkpointKey(c *gin.Context) {
	c.Data(http.StatusOK, "text/plain; charset=utf-8", s.audit.PublicKey())
}

func (s *Server) consistency(c *gin.Context) {
	var sizes [2]int64
	for i, name := range []string{"from", "to"} {
		n, err := strconv.ParseInt(c.Query(name), 10, 64)
		if err != nil {
			s.logError(c, models.Invalid("give the two log sizes as whole numbers", models.FieldError{Field: name, Message: "must be a whole number"}))
			return
		}
		sizes[i] = n
	}
	proof, err := s.audit.ConsistencyProof(c.Request.Context(), sizes[0], sizes[1])
	if err != nil {
		s.logError(c, err)
		return
	}
	c.Header("Cache-Control", logCache)
	c.JSON(http.StatusOK, proof)
}

// pageProof serves the proof the page names in <link rel="factdesk-proof">:
// its change log's entries with their audit paths to the newest
// checkpoint. Only published checks have one.
func (s *Server) pageProof(c *gin.Context) {
	page, ok := s.loadPage(c)
	if !ok {
		return
	}
	proof, err := s.audit.PageProof(c.Request.Context(), page.ClaimID, nil)
	if err != nil {
		s.logError(c, err)
		return
	}
	c.Header("Cache-Control", logCache)
	c.JSON(http.StatusOK, proof)
}

// loadPage loads the published check a slug names, ending the request
// when there is none. A stale slug is not redirected here: a proof is
// fetched by the address its page gave.
func (s *Server) loadPage(c *gin.Context) (*publish.Page, bool) {
	id, ok := publish.ClaimIDFromSlug(c.Param("slug"))
	if !ok {
		s.logError(c, models.Errorf(models.ENotFound, "there is no published fact check at %s", c.Request.URL.Path))
		return nil, false
	}
	page, err := s.site.Load(c.Request.Context(), id)
	if err != nil {
		s.logError(c, err)
		return nil, false
	}
	return page, true
}

// record is what a page says about the log: where its proof is, and the
// checkpoint that covers it.
func (s *Server) record(c *gin.Context, page *publish.Page) (*publish.Record, error) {
	st, err := s.audit.PageStatement(c.Request.Context(), page.ClaimID)
	if err != nil {
		return nil, err
	}
	r := &publish.Record{ProofURL: "/factchecks/" + page.Slug + "/proof.json", Covered: st.Covered}
	if st.Checkpoint.Origin != "" {
		r.Size, r.Root = st.Checkpoint.Size, base64.StdEncoding.EncodeToString(st.Checkpoint.Root[:])
	}
	return r, nil
}

// logError ends a request for the log's machine-readable responses with
// problem+json, which the tools reading them understand.
func (s *Server) logError(c *gin.Context, err error) {
	respond.WriteProblem(c, s.resp.Problem(c, err))
}
