package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/respond"
)

// corsPolicy lets the listed browser origins call the API. It is off (no
// origin) by default: the dashboard is same-origin and needs none, and the
// API's bearer tokens are not cookies, so only an integrator's browser
// page needs it. Only the API answers cross-origin requests.
type corsPolicy struct{ origins []string }

func (p *corsPolicy) enabled() bool { return p != nil && len(p.origins) > 0 }

func (p *corsPolicy) allows(origin string) bool {
	return origin != "" && p.enabled() && (slices.Contains(p.origins, "*") || slices.Contains(p.origins, origin))
}

// corsMaxAge is how long a browser may cache a preflight answer, in
// seconds.
const corsMaxAge = "600"

// middleware adds the CORS headers to API responses for an allowed origin
// and answers its preflight requests. A preflight reaches it through the
// router's 405 chain (no route takes OPTIONS), where gin has listed the
// path's methods in Allow.
func (p *corsPolicy) middleware(c *gin.Context) {
	if !p.enabled() || !respond.IsAPI(c) {
		c.Next()
		return
	}
	h := c.Writer.Header()
	h.Add("Vary", "Origin")
	origin := c.GetHeader("Origin")
	if !p.allows(origin) {
		c.Next()
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	if c.Request.Method != http.MethodOptions || c.GetHeader("Access-Control-Request-Method") == "" {
		h.Set("Access-Control-Expose-Headers", "Location, Retry-After, X-Request-Id")
		c.Next()
		return
	}
	allowed := allowedMethods(h.Get("Allow"))
	if len(allowed) == 0 {
		// Not a known path: the 404 follows, without CORS approval.
		h.Del("Access-Control-Allow-Origin")
		c.Next()
		return
	}
	if slices.Contains(allowed, http.MethodGet) {
		allowed = append(allowed, http.MethodHead)
	}
	h.Set("Access-Control-Allow-Methods", strings.Join(allowed, ", "))
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id")
	h.Set("Access-Control-Max-Age", corsMaxAge)
	h.Del("Allow")
	c.AbortWithStatus(http.StatusNoContent)
}
