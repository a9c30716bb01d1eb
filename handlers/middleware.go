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

	"github.com/factdesk/factdesk/handlers/respond"
)

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
	c.Set(respond.RequestIDKey, id)
	c.Header("X-Request-Id", id)
	c.Next()
}

// accessLog logs one line per request. It never logs bodies, query strings
// or headers, which may carry secrets.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		level := slog.LevelInfo
		// A 503 is an outage the renderer has already logged once; an
		// ERROR per refused request would bury that line.
		if c.Writer.Status() >= 500 && c.Writer.Status() != http.StatusServiceUnavailable {
			level = slog.LevelError
		}
		log.LogAttrs(c.Request.Context(), level, "http",
			slog.String("request_id", respond.RequestID(c)), slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path), slog.Int("status", c.Writer.Status()),
			slog.Duration("duration", time.Since(start)))
	}
}

// recoverPanics turns a panic into a logged 500 instead of a dropped
// connection.
func recoverPanics(resp *respond.Renderer) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				resp.Error(c, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}

// noteRecovery ends an outage when a request to a route that reads the
// database (every API route and page but the probes and static files)
// succeeds again.
func noteRecovery(resp *respond.Renderer) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if !resp.InOutage() || c.Writer.Status() >= 500 || c.FullPath() == "" {
			return
		}
		if p := c.FullPath(); p == "/healthz" || strings.HasPrefix(p, "/static/") {
			return
		}
		resp.Recovered(c)
	}
}

// securityHeaders applies to every response.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}
