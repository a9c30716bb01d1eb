package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// articleRequest is the body of POST /articles. published_at is read as a
// string so a bad date is reported against its own field.
type articleRequest struct {
	Text        string `json:"text"`
	URL         string `json:"url"`
	Title       string `json:"title"`
	Outlet      string `json:"outlet"`
	PublishedAt string `json:"published_at"`
}

func (s *Server) createArticle(c *gin.Context) {
	var req articleRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	v, err := s.engine.ImportArticle(c.Request.Context(), actor(c), workflow.NewArticle(req))
	if err != nil {
		s.respondError(c, err)
		return
	}
	if err := s.engine.WithPriorChecks(c.Request.Context(), v); err != nil {
		s.log.ErrorContext(c.Request.Context(), "prior checks of an imported article", "article_id", v.ID, "error", err)
	}
	c.Header("Location", "/api/v1/articles/"+strconv.FormatInt(v.ID, 10))
	status := http.StatusCreated
	if v.Existing {
		// Imported before: nothing new was stored, and filed says which
		// sentences are claims already.
		status = http.StatusOK
	}
	c.JSON(status, gin.H{"id": v.ID, "candidates": v.Candidates, "existing": v.Existing, "filed": v.Filed, "prior_checks": v.PriorChecks})
}

func (s *Server) getArticle(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	v, err := s.engine.Article(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	for i := range v.Claims {
		normalize(&v.Claims[i])
	}
	if err := s.engine.WithPriorChecks(c.Request.Context(), v); err != nil {
		s.log.ErrorContext(c.Request.Context(), "prior checks of an article", "article_id", v.ID, "error", err)
	}
	c.JSON(http.StatusOK, v)
}

// articleClaimsRequest names the chosen candidates. Each item is either
// the candidate's index in the article's candidate list (0, 2) or an object
// with the index and the checker's edits:
// {"index":0,"text":"…","claimant":"…","tags":["…"],"priority":"high"}.
type articleClaimsRequest struct {
	Candidates []json.RawMessage `json:"candidates"`
}

// candidateEdit is the object form of one chosen candidate.
type candidateEdit struct {
	Index    *int     `json:"index"`
	Text     *string  `json:"text"`
	Claimant *string  `json:"claimant"`
	Tags     []string `json:"tags"`
	Priority string   `json:"priority"`
}

// readChoices reads every item of the request, so one answer names every
// item that is not a number or a well-formed object.
func readChoices(items []json.RawMessage) ([]workflow.CandidateChoice, error) {
	out := make([]workflow.CandidateChoice, 0, len(items))
	var fields []models.FieldError
	for i, raw := range items {
		field := fmt.Sprintf("candidates[%d]", i)
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] != '{' {
			var n int
			if err := json.Unmarshal(raw, &n); err != nil || string(raw) == "null" {
				fields = append(fields, models.FieldError{Field: field, Message: "must be a candidate index (a whole number) or an object with an index"})
				continue
			}
			out = append(out, workflow.CandidateChoice{Index: n})
			continue
		}
		var ed candidateEdit
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ed); err != nil {
			fields = append(fields, models.FieldError{Field: field, Message: candidateDecodeMessage(err)})
			continue
		}
		if ed.Index == nil {
			fields = append(fields, models.FieldError{Field: field + ".index", Message: "required: the candidate's index in the article's list"})
			continue
		}
		out = append(out, workflow.CandidateChoice{Index: *ed.Index, Text: ed.Text, Claimant: ed.Claimant, Tags: ed.Tags, Priority: models.Priority(ed.Priority)})
	}
	if len(fields) > 0 {
		return nil, models.Invalid(fmt.Sprintf("%d of the %d candidates cannot be read", len(fields), len(items)), fields...)
	}
	return out, nil
}

// candidateDecodeMessage says what is wrong with one candidate object.
func candidateDecodeMessage(err error) string {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fmt.Sprintf("%s must be a %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ") + ": use index, text, claimant, tags and priority"
	}
	return "must be a candidate index or an object {index, text, claimant, tags, priority}"
}

func (s *Server) createArticleClaims(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req articleClaimsRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	chosen, err := readChoices(req.Candidates)
	if err != nil {
		s.respondError(c, err)
		return
	}
	claims, err := s.engine.FileCandidates(c.Request.Context(), actor(c), id, chosen)
	if err != nil {
		s.respondError(c, err)
		return
	}
	for _, cl := range claims {
		normalize(cl)
	}
	c.JSON(http.StatusCreated, gin.H{"items": claims})
}
