package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
)

type loginView struct {
	Next  string
	Email string
}

// webLoginPage shows the sign-in form; a signed-in user goes straight on.
func (s *Server) webLoginPage(c *gin.Context) {
	next := safeNext(c.Query("next"))
	if actor(c) != nil {
		redirect(c, next)
		return
	}
	s.render(c, http.StatusOK, "login", &page{Title: "Sign in", Data: loginView{Next: next}})
}

// webLogin checks the password through auth.Service.Login, which also
// limits attempts per account and per address, and starts a session.
func (s *Server) webLogin(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)
	email, next := c.PostForm("email"), safeNext(c.PostForm("next"))
	u, err := s.auth.Login(c.Request.Context(), email, c.PostForm("password"), s.clientIP(c))
	if err != nil {
		code := models.CodeOf(err)
		if code != models.EUnauthorized && code != models.ERateLimited {
			s.respondError(c, err)
			return
		}
		p := &page{Title: "Sign in", Data: loginView{Next: next, Email: email}}
		status := s.withProblem(c, p, err)
		if code == models.EUnauthorized {
			p.Notice = "Wrong email or password, or the account is deactivated."
		} else {
			p.Notice = "Too many failed sign-ins. " + p.Notice + "."
		}
		s.render(c, status, "login", p)
		return
	}
	// A fresh id at every sign-in, so a session id planted before sign-in
	// (session fixation) is worthless.
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		s.endSession(c, old)
	}
	if err := s.startSession(c, u); err != nil {
		s.respondError(c, err)
		return
	}
	redirect(c, next)
}
