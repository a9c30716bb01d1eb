package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/migrations"
	"github.com/factdesk/factdesk/store"
)

// JobStatus reports on the process's job client (jobs.Client.Status).
type JobStatus interface {
	Status() (started bool, id string)
}

// health serves the probes.
type health struct {
	store *store.Store
	jobs  JobStatus
}

func (h *health) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

type readiness struct {
	Status     string          `json:"status"`
	Database   readyDatabase   `json:"database"`
	Migrations readyMigrations `json:"migrations"`
	Jobs       *readyJobs      `json:"jobs,omitempty"`
}

type readyDatabase struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

type readyMigrations struct {
	OK      bool `json:"ok"`
	Pending int  `json:"pending"`
}

type readyJobs struct {
	OK      bool `json:"ok"`
	Started bool `json:"started"`
	// Leader is whether this process is the one inserting periodic jobs;
	// informative only, since exactly one process is.
	Leader bool `json:"leader"`
}

// readyz reports whether this process can serve: the database answers, its
// schema is current and the job client works its queues. Load balancers
// route traffic by it, so any part failing answers 503. The reasons name
// no host, user or error text beyond what an operator needs.
func (h *health) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	r := readiness{Status: "ready"}
	if err := h.store.Ping(ctx); err != nil {
		r.Database.Error = "database unreachable"
	} else {
		r.Database.OK = true
		pending, err := migrations.Pending(ctx, h.store.SQL())
		r.Migrations = readyMigrations{OK: err == nil && pending == 0, Pending: pending}
	}
	ok := r.Database.OK && r.Migrations.OK
	if h.jobs != nil {
		started, id := h.jobs.Status()
		r.Jobs = &readyJobs{OK: started, Started: started}
		if started && r.Database.OK {
			leader, err := h.store.JobLeader(ctx)
			r.Jobs.Leader = err == nil && leader == id
		}
		ok = ok && started
	}
	c.Header("Cache-Control", "no-store")
	if !ok {
		r.Status = "unavailable"
		c.JSON(http.StatusServiceUnavailable, r)
		return
	}
	c.JSON(http.StatusOK, r)
}
