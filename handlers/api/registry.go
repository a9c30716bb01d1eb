package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/sources"
)

func (s *Server) listOutlets(c *gin.Context) {
	items, err := s.sources.Outlets(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) createOutlet(c *gin.Context) {
	var req sources.OutletInput
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	o, err := s.sources.CreateOutlet(c.Request.Context(), actor(c), req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Location", "/api/v1/sources/"+strconv.FormatInt(o.ID, 10))
	c.JSON(http.StatusCreated, o)
}

func (s *Server) updateOutlet(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req sources.OutletPatch
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	o, err := s.sources.UpdateOutlet(c.Request.Context(), actor(c), id, req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, o)
}

func (s *Server) deleteOutlet(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	if err := s.sources.DeleteOutlet(c.Request.Context(), actor(c), id); err != nil {
		s.respondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
