package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/live"
	"github.com/factdesk/factdesk/models"
)

// streamLifetime ends each event stream after a while; the browser
// reconnects by itself and refreshes on reconnect. It bounds how long a
// forgotten tab holds a connection and lets deploys drain.
const streamLifetime = 5 * time.Minute

// countsEvery spaces the "counts" events of one stream.
const countsEvery = time.Second

// webEvents is the server-sent-event stream of claim changes. With
// ?claim=ID only that claim's changes are sent. Each event is named
// "change" and carries the claim id, state and version as JSON. With
// ?shown=STAMP (live.ClaimStamp, live.DeskStamp: what the page was drawn
// from) a change is sent at once when the desk has moved on since.
func (s *Server) webEvents(c *gin.Context) {
	hub := s.dash.hub
	if hub == nil {
		s.respondError(c, models.Errorf(models.EUnavailable, "live updates are not running"))
		return
	}
	// ?badge=1 is the nav badge's own stream, on pages without another:
	// only badge events.
	badgeOnly := c.Query("badge") == "1"
	var only int64
	if q := c.Query("claim"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil || id <= 0 {
			s.respondError(c, models.Errorf(models.ENotFound, "claim %q not found", q))
			return
		}
		only = id
	}
	events, unsubscribe := hub.Subscribe()
	defer unsubscribe()

	w := c.Writer
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise hold events back
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 1000\n: connected\n\n")
	s.sendBadge(c)
	s.sendCounts(c)
	// Subscribed first, then compared: a change committing in between is
	// both missed by the page and seen here, or sent by the hub.
	if shown := c.Query("shown"); shown != "" && !badgeOnly && s.movedOn(c, only, shown) {
		data, _ := json.Marshal(live.Event{ClaimID: only})
		fmt.Fprintf(w, "event: change\ndata: %s\n\n", data)
	}
	w.Flush()

	ctx := c.Request.Context()
	keepalive := time.NewTicker(20 * time.Second)
	defer keepalive.Stop()
	lifetime := time.NewTimer(streamLifetime)
	defer lifetime.Stop()
	// The nav's queue counts follow claim changes, at most once per
	// countsEvery however busy the desk: counting is a query per stream.
	var countsDue <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-hub.Done():
			return
		case <-lifetime.C:
			return
		case <-keepalive.C:
			fmt.Fprint(w, ": keepalive\n\n")
			w.Flush()
		case <-countsDue:
			countsDue = nil
			s.sendCounts(c)
			w.Flush()
		case e := <-events:
			if e.UserID == 0 && countsDue == nil {
				countsDue = time.After(countsEvery)
			}
			if e.UserID != 0 || e.ClaimID == 0 {
				// The person's notifications changed, or the hub
				// reconnected and anything may have.
				if e.UserID == 0 || e.UserID == actor(c).ID {
					s.sendBadge(c)
					w.Flush()
				}
				if e.UserID != 0 {
					continue
				}
			}
			if badgeOnly {
				continue
			}
			if only != 0 && e.ClaimID != 0 && e.ClaimID != only {
				continue
			}
			data, _ := json.Marshal(e)
			fmt.Fprintf(w, "event: change\ndata: %s\n\n", data)
			w.Flush()
		}
	}
}

// movedOn reports whether claim only (0: the whole desk) now reads
// differently from the stamp its page was drawn from. A claim that cannot
// be read (deleted, say) has moved on: the refresh shows why.
func (s *Server) movedOn(c *gin.Context, only int64, shown string) bool {
	ctx := c.Request.Context()
	if only == 0 {
		latest, err := s.store.LatestHistoryID(ctx)
		return err != nil || live.DeskStamp(latest) != shown
	}
	claim, err := s.store.ClaimWithEvidence(ctx, only)
	return err != nil || live.ClaimStamp(claim) != shown
}
