package handlers

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []models.FieldError `json:"errors,omitempty"`
}

// statusOf is the one place that maps domain error codes to HTTP.
func statusOf(code models.ErrorCode) int {
	switch code {
	case models.EBadRequest:
		return http.StatusBadRequest
	case models.EUnauthorized:
		return http.StatusUnauthorized
	case models.EForbidden:
		return http.StatusForbidden
	case models.ENotFound:
		return http.StatusNotFound
	case models.EConflict:
		return http.StatusConflict
	case models.EInvalid:
		return http.StatusUnprocessableEntity
	case models.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case models.ERateLimited:
		return http.StatusTooManyRequests
	case models.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// problemFor turns any error into a problem. Errors without a domain code
// are bugs or outages: they are logged in full with the request id and the
// client sees only that something went wrong.
func (s *Server) problemFor(c *gin.Context, err error) Problem {
	code := models.CodeOf(err)
	status := statusOf(code)
	p := Problem{
		Type:      "urn:factdesk:problem:" + string(code),
		Title:     http.StatusText(status),
		Status:    status,
		Instance:  c.Request.URL.Path,
		RequestID: requestID(c),
	}
	var de *models.Error
	if errors.As(err, &de) && code != models.EInternal {
		p.Detail = de.Message
		p.Errors = de.Fields
	} else {
		s.log.ErrorContext(c.Request.Context(), "request failed",
			slog.String("request_id", p.RequestID), slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path), slog.Any("error", err))
		p.Detail = "Something went wrong on our side. It has been logged; quote request id " + p.RequestID + " if you report it."
	}
	return p
}

// respondError ends a request with err: problem+json for the API and
// machines, a page made for people in the dashboard.
func (s *Server) respondError(c *gin.Context, err error) {
	p := s.problemFor(c, err)
	if p.Status == http.StatusUnauthorized && isAPI(c) {
		c.Header("WWW-Authenticate", `Bearer realm="factdesk"`)
	}
	if isAPI(c) {
		writeProblem(c, p)
		return
	}
	s.HTMLError(c, p)
}

func writeProblem(c *gin.Context, p Problem) {
	c.Header("Content-Type", "application/problem+json")
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(p.Status, p)
}

func isAPI(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/")
}

var plainErrorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · factdesk</title></head>
<body><main><h1>{{.Title}}</h1><p>{{.Detail}}</p><p><a href="/">Back to your queue</a></p></main></body></html>`))

// HTMLError renders a problem as a page. The dashboard replaces it with its
// own templated pages; this plain one covers paths outside it.
func (s *Server) defaultHTMLError(c *gin.Context, p Problem) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(p.Status)
	plainErrorPage.Execute(c.Writer, p)
	c.Abort()
}
