package web

import (
	"net/http"

	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/gin-gonic/gin"
)

type errorLink struct{ Href, Text string }

type errorView struct {
	Status    int
	Heading   string
	Detail    string
	Fields    any
	Links     []errorLink
	RequestID string
}

// ErrorPage renders a problem as a page that says what happened and offers
// a way on. A signed-out visitor asking for a page is sent to sign in
// instead.
func (s *Server) ErrorPage(c *gin.Context, p respond.Problem) {
	if p.Status == http.StatusUnauthorized && c.Request.Method == http.MethodGet && c.GetHeader("HX-Request") == "" {
		redirect(c, "/login?next="+queryEscape(c.Request.URL.RequestURI()))
		return
	}
	v := errorView{Status: p.Status, Detail: p.Detail, Fields: p.Errors, RequestID: p.RequestID}
	switch p.Status {
	case http.StatusUnauthorized:
		v.Heading = "Please sign in"
		v.Links = []errorLink{{"/login", "Sign in"}}
	case http.StatusForbidden:
		v.Heading = "You cannot do that"
		v.Links = []errorLink{{"/", "Back to your queue"}, {"/board", "Go to the board"}}
	case http.StatusNotFound:
		v.Heading = "Not found"
		v.Links = []errorLink{{"/board", "Go to the board"}, {"/", "Back to your queue"}}
	case http.StatusConflict:
		v.Heading = "That clashes with a change someone just made"
		v.Links = []errorLink{{"/board", "Go to the board and reopen the claim"}, {"/", "Back to your queue"}}
	case http.StatusTooManyRequests:
		v.Heading = "Too many attempts"
		v.Links = []errorLink{{"/login", "Back to sign-in"}}
	default:
		v.Heading = http.StatusText(p.Status)
		v.Links = []errorLink{{"/", "Back to your queue"}}
	}
	s.renderTemplate(c, p.Status, "error", "layout", &page{Title: v.Heading, Data: v})
	c.Abort()
}
