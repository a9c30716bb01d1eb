package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
)

const requestIDKey = "factdesk.request_id"

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// withRequestID tags each request with an id, taken from a trusted-looking
// X-Request-Id header or made fresh, and echoes it back.
func withRequestID(c *gin.Context) {
	id := c.GetHeader("X-Request-Id")
	if !safeRequestID.MatchString(id) {
		b := make([]byte, 8)
		rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-Id", id)
	c.Next()
}

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// accessLog logs one line per request. It never logs bodies, query strings
// or headers, which may carry secrets.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	level := slog.LevelInfo
	if c.Writer.Status() >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(c.Request.Context(), level, "http",
		slog.String("request_id", requestID(c)), slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path), slog.Int("status", c.Writer.Status()),
		slog.Duration("duration", time.Since(start)))
}

// recoverPanics turns a panic into a logged 500 instead of a dropped
// connection.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.respondError(c, fmt.Errorf("panic: %v", r))
		}
	}()
	c.Next()
}

// securityHeaders applies to every response.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}

// requireUser authenticates the API caller by bearer token.
func (s *Server) requireUser(c *gin.Context) {
	header := c.GetHeader("Authorization")
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		s.respondError(c, models.Errorf(models.EUnauthorized, "send Authorization: Bearer <token>; get a token from POST /api/v1/auth/token"))
		return
	}
	u, err := s.auth.Authenticate(c.Request.Context(), strings.TrimSpace(token))
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Set(actorKey, u)
	c.Next()
}

// requireRole lets only users of at least role through.
func (s *Server) requireRole(role models.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if u := actor(c); u == nil || !u.Role.AtLeast(role) {
			s.respondError(c, models.Errorf(models.EForbidden, "this needs the %s role", role))
			return
		}
		c.Next()
	}
}
