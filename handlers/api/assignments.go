package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/workflow"
)

func (s *Server) assign(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req workflow.AssignRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	claim, err := s.engine.Assign(c.Request.Context(), actor(c), id, req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusCreated, normalize(claim))
}

func (s *Server) unassign(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	userID, err := param.ID(c, "user_id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	claim, err := s.engine.Unassign(c.Request.Context(), actor(c), id, userID)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, normalize(claim))
}

func (s *Server) takeNext(c *gin.Context) {
	claim, err := s.engine.TakeNext(c.Request.Context(), actor(c))
	if err != nil {
		s.respondError(c, err)
		return
	}
	if claim == nil {
		c.Status(http.StatusNoContent)
		return
	}
	c.JSON(http.StatusOK, normalize(claim))
}
