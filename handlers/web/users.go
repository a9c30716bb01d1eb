package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
)

type usersView struct{ Users []models.User }

// webUsers lists the desk's users with controls to change them (admins).
func (s *Server) webUsers(c *gin.Context) {
	p := &page{Title: "Users", Nav: "users"}
	p.flash(c)
	s.renderUsers(c, http.StatusOK, p)
}

func (s *Server) renderUsers(c *gin.Context, status int, p *page) {
	us, err := s.store.Users(c.Request.Context())
	if err != nil {
		s.respondError(c, err)
		return
	}
	p.Data = usersView{Users: us}
	s.render(c, status, "users", p)
}

// userFormError re-renders the users page for the errors a person can fix
// (invalid input, a taken email, the last admin); the rest get error pages.
func (s *Server) userFormError(c *gin.Context, err error) {
	if code := models.CodeOf(err); code != models.EInvalid && code != models.EConflict {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "Users", Nav: "users", Form: c.Request.PostForm}
	status := s.withProblem(c, p, err)
	s.renderUsers(c, status, p)
}
