package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
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

// articleClaimsRequest names the chosen candidates by their index in the
// article's candidate list.
type articleClaimsRequest struct {
	Candidates []int `json:"candidates"`
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
	claims, err := s.engine.FileCandidates(c.Request.Context(), actor(c), id, req.Candidates)
	if err != nil {
		s.respondError(c, err)
		return
	}
	for _, cl := range claims {
		normalize(cl)
	}
	c.JSON(http.StatusCreated, gin.H{"items": claims})
}
