package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
)

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) createToken(c *gin.Context) {
	var req tokenRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	token, u, err := s.auth.IssueToken(c.Request.Context(), req.Email, req.Password, s.clientIP(c))
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, gin.H{"token": token, "user": u, "expires_in": int(auth.TokenTTL.Seconds())})
}

func (s *Server) me(c *gin.Context) { c.JSON(http.StatusOK, actor(c)) }

func (s *Server) listUsers(c *gin.Context) {
	users, err := s.store.Users(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": users})
}

func (s *Server) getUser(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	u, err := s.store.User(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

func (s *Server) createUser(c *gin.Context) {
	var req auth.NewUser
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	u, err := s.auth.CreateUser(c.Request.Context(), actor(c), req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

func (s *Server) updateUser(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req auth.UserPatch
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	if !req.Name.Set && !req.Role.Set && !req.Active.Set && !req.Password.Set {
		s.respondError(c, models.Invalid("nothing to change", models.FieldError{Field: "body", Message: "send at least one of name, role, active, password"}))
		return
	}
	u, err := s.auth.UpdateUser(c.Request.Context(), actor(c), id, req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}
