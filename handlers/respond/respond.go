// Package respond is the one error renderer the HTTP surfaces share: a
// domain error becomes RFC 9457 problem+json for the API and machines, and
// a page made for people in the dashboard and on the public pages.
package respond

import (
	"errors"
	"html/template"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

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

// StatusOf is the one place that maps domain error codes to HTTP.
func StatusOf(code models.ErrorCode) int {
	switch code {
	case models.EBadRequest:
		return http.StatusBadRequest
	case models.EUnauthorized:
		return http.StatusUnauthorized
	case models.EForbidden:
		return http.StatusForbidden
	case models.ENotFound:
		return http.StatusNotFound
	case models.EMethodNotAllowed:
		return http.StatusMethodNotAllowed
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

// RequestIDKey is where the request-id middleware keeps the request's id.
const RequestIDKey = "factdesk.request_id"

// RequestID is the id the request was tagged with, or "".
func RequestID(c *gin.Context) string { return c.GetString(RequestIDKey) }

// Renderer ends failed requests. One is shared by every surface of a
// server, so a problem looks the same wherever it happens.
type Renderer struct {
	log *slog.Logger
	// HTML renders a problem as a page. It is Plain until the dashboard
	// installs its templated pages at start-up; it must not change once
	// the server is serving.
	HTML func(c *gin.Context, p Problem)
	// outageSince is when the first request of the current outage failed
	// (Unix nanoseconds), or zero while the dependencies answer.
	outageSince atomic.Int64
}

// New returns a renderer that logs unexpected errors to log.
func New(log *slog.Logger) *Renderer {
	if log == nil {
		log = slog.Default()
	}
	return &Renderer{log: log, HTML: Plain}
}

// Problem turns any error into a problem, and sets Retry-After when the
// error says when to come back. Errors without a domain code are
// bugs or outages: they are logged in full with the request id and the
// client sees only that something went wrong.
func (r *Renderer) Problem(c *gin.Context, err error) Problem {
	code := models.CodeOf(err)
	status := StatusOf(code)
	p := Problem{
		Type:      "urn:factdesk:problem:" + string(code),
		Title:     http.StatusText(status),
		Status:    status,
		Instance:  c.Request.URL.Path,
		RequestID: RequestID(c),
	}
	if wait, ok := models.RetryAfterOf(err); ok {
		// Every surface that refuses for a while says for how long, in
		// whole seconds rounded up (RFC 9110 section 10.2.3).
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	}
	if code == models.EUnavailable {
		r.noteOutage(c, err)
	}
	var de *models.Error
	if errors.As(err, &de) && code != models.EInternal {
		p.Detail = de.Message
		p.Errors = de.Fields
	} else {
		r.log.ErrorContext(c.Request.Context(), "request failed",
			slog.String("request_id", p.RequestID), slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path), slog.Any("error", err))
		p.Detail = "Something went wrong on our side. It has been logged; quote request id " + p.RequestID + " if you report it."
	}
	return p
}

// noteOutage logs the first request an outage fails, with its cause, and
// nothing for the rest: a stopped database otherwise wrote an ERROR line
// for every request until it came back.
func (r *Renderer) noteOutage(c *gin.Context, err error) {
	if r.outageSince.CompareAndSwap(0, time.Now().UnixNano()) {
		r.log.ErrorContext(c.Request.Context(), "a dependency is unavailable; requests are answered 503 until it is back",
			slog.String("request_id", RequestID(c)), slog.String("path", c.Request.URL.Path), slog.Any("error", err))
	}
}

// InOutage reports whether a request has failed as unavailable since the
// last recovery.
func (r *Renderer) InOutage() bool { return r.outageSince.Load() != 0 }

// Recovered ends the current outage, if any, and logs how long it lasted.
// The server calls it when a request that needed the database succeeded.
func (r *Renderer) Recovered(c *gin.Context) {
	since := r.outageSince.Swap(0)
	if since == 0 {
		return
	}
	r.log.InfoContext(c.Request.Context(), "dependencies answer again; the outage is over",
		slog.Duration("outage", time.Since(time.Unix(0, since))), slog.String("request_id", RequestID(c)))
}

// Error ends a request with err: problem+json for the API and machines, a
// page made for people everywhere else.
func (r *Renderer) Error(c *gin.Context, err error) {
	p := r.Problem(c, err)
	if !IsAPI(c) {
		r.HTML(c, p)
		return
	}
	if p.Status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="factdesk"`)
	}
	WriteProblem(c, p)
}

// WriteProblem sends p as problem+json and stops the handler chain.
func WriteProblem(c *gin.Context, p Problem) {
	c.Header("Content-Type", "application/problem+json")
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(p.Status, p)
}

// IsAPI tells the REST API's paths from the pages.
func IsAPI(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/")
}

var plainErrorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · factdesk</title></head>
<body><main><h1>{{.Title}}</h1><p>{{.Detail}}</p><p><a href="/">Back to your queue</a></p></main></body></html>`))

// Plain renders a problem as a bare page. It covers servers without the
// dashboard, and the dashboard's own error page failing.
func Plain(c *gin.Context, p Problem) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(p.Status)
	plainErrorPage.Execute(c.Writer, p)
	c.Abort()
}
