package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/migrations"
	"github.com/factdesk/factdesk/store"
)

// health serves the probes.
type health struct{ store *store.Store }

func (h *health) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// readyz reports whether this process can serve: the database answers and
// its schema is current. Load balancers route traffic by it.
func (h *health) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": "database unreachable"})
		return
	}
	pending, err := migrations.Pending(ctx, h.store.SQL())
	if err != nil || pending != 0 {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": "migrations pending", "pending": pending})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
