package handlers

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/metrics"
	"github.com/factdesk/factdesk/models"
)

// observe counts every request by its route template, so /claims/7 and
// /claims/8 are one series; unknown paths are one "unmatched" series.
func observe(m *metrics.Metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.ObserveHTTP(route, c.Request.Method, c.Writer.Status(), time.Since(start))
	}
}

// MetricsHandler serves m to callers presenting token as a bearer token,
// or to anyone when token is empty (a listen address of its own, which
// only the scraper's network reaches).
func MetricsHandler(m *metrics.Metrics, token string) http.Handler {
	h := m.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" && !bearerIs(r.Header.Get("Authorization"), token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="factdesk-metrics"`)
			http.Error(w, "send Authorization: Bearer <FACTDESK_METRICS_TOKEN>", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func bearerIs(header, token string) bool {
	scheme, got, ok := strings.Cut(header, " ")
	return ok && strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) == 1
}

// metricsRoute serves /metrics on the main listener when a token guards
// it; otherwise the path is refused, since metrics reveal the desk's
// activity and are off unless configured.
func metricsRoute(m *metrics.Metrics, token string, resp *respond.Renderer) gin.HandlerFunc {
	if m == nil || token == "" {
		return func(c *gin.Context) {
			resp.Error(c, models.Errorf(models.ENotFound, "metrics are off here; set FACTDESK_METRICS_TOKEN or FACTDESK_METRICS_ADDR"))
		}
	}
	return gin.WrapH(MetricsHandler(m, token))
}
