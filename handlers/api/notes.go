package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

func (s *Server) addEvidence(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req workflow.NewEvidence
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	ev, err := s.engine.AddEvidence(c.Request.Context(), actor(c), id, req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusCreated, ev)
}

func (s *Server) listEvidence(c *gin.Context) {
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
	c.JSON(http.StatusOK, gin.H{"items": claim.Evidence})
}

type commentRequest struct {
	Body string `json:"body"`
}

func (s *Server) addComment(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req commentRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	cm, err := s.engine.AddComment(c.Request.Context(), actor(c), id, req.Body)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusCreated, cm)
}

func (s *Server) listComments(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if _, err := s.store.Claim(c.Request.Context(), id); err != nil {
		s.respondError(c, err)
		return
	}
	items, err := s.store.Comments(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	if items == nil {
		items = []models.Comment{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}
