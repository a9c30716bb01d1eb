package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/handlers/param"
)

// Integration tokens of service accounts, for admins signed in as people
// (docs/integrations.md).

func (s *Server) tokenScopes(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"items": auth.ScopeInfos()})
}

func (s *Server) listTokens(c *gin.Context) {
	items, err := s.auth.IntegrationTokens(c.Request.Context(), actor(c))
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) getToken(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	t, err := s.auth.IntegrationToken(c.Request.Context(), actor(c), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

// createdToken is the one answer that carries the token itself.
type createdToken struct {
	*auth.Token
	Value string `json:"token"`
}

func (s *Server) createIntegrationToken(c *gin.Context) {
	var req auth.NewIntegrationToken
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	token, t, err := s.auth.CreateIntegrationToken(c.Request.Context(), actor(c), req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Location", "/api/v1/tokens/"+strconv.FormatInt(t.ID, 10))
	c.JSON(http.StatusCreated, createdToken{Token: t, Value: token})
}

func (s *Server) revokeToken(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	t, err := s.auth.RevokeIntegrationToken(c.Request.Context(), actor(c), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}
