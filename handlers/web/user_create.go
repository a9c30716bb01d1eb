package web

import (
	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/models"
)

// webUserCreate adds a user (admins).
func (s *Server) webUserCreate(c *gin.Context) {
	in := auth.NewUser{Email: c.PostForm("email"), Name: c.PostForm("name"), Role: models.Role(c.PostForm("role")), Password: c.PostForm("password")}
	if _, err := s.auth.CreateUser(c.Request.Context(), actor(c), in); err != nil {
		s.userFormError(c, err)
		return
	}
	redirect(c, "/admin/users?done=user-created")
}
