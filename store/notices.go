package store

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/factdesk/factdesk/models"
)

// Notifications (Tx.Notify) are sent after their transaction commits, by
// one goroutine per Store that sends whatever has queued up in a single
// statement. Sending them inside the transaction, as pg_notify would,
// makes PostgreSQL hold one lock for the whole cluster from the moment a
// notifying transaction prepares to commit until its commit is flushed to
// disk: every claim change notifies, so every change's commit waited in
// line for that lock (in the write benchmark, most of the waiting the
// server did). Listeners still hear of a change only once it committed,
// never of one rolled back, a few milliseconds later than before. What
// they hear is a hint to refresh (live pages, the notification badge, the
// token cache's own triggers aside): a process that dies between commit
// and sending loses its hints, and listeners that reconnect refresh
// anyway.

// maxNoticeBatch caps the notifications sent in one statement.
const maxNoticeBatch = 1000

type announcer struct {
	db    *sql.DB
	log   *slog.Logger
	queue chan []notice
	stop  chan struct{}
	done  chan struct{}
}

func newAnnouncer(db *sql.DB, log *slog.Logger) *announcer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &announcer{db: db, log: log, queue: make(chan []notice, 1024), stop: make(chan struct{}), done: make(chan struct{})}
	go a.run()
	return a
}

// send queues the notifications of a committed transaction.
func (a *announcer) send(ns []notice) {
	select {
	case a.queue <- ns:
	case <-a.stop:
	}
}

func (a *announcer) run() {
	defer close(a.done)
	for {
		select {
		case ns := <-a.queue:
			a.flush(a.gather(ns))
		case <-a.stop:
			for {
				select {
				case ns := <-a.queue:
					a.flush(a.gather(ns))
				default:
					return
				}
			}
		}
	}
}

// gather adds to ns whatever else is already queued, up to a batch.
func (a *announcer) gather(ns []notice) []notice {
	for len(ns) < maxNoticeBatch {
		select {
		case more := <-a.queue:
			ns = append(ns, more...)
		default:
			return ns
		}
	}
	return ns
}

func (a *announcer) flush(ns []notice) {
	channels := make(models.StringArray, len(ns))
	payloads := make(models.StringArray, len(ns))
	for i, n := range ns {
		channels[i], payloads[i] = n.channel, n.payload
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// unnest yields the rows in array order, so each channel's
	// notifications keep the order of their commits.
	if _, err := a.db.ExecContext(ctx, `SELECT pg_notify(c, p) FROM unnest($1::text[], $2::text[]) AS n(c, p)`, channels, payloads); err != nil {
		a.log.Warn("store: could not send notifications; listeners miss this refresh", "count", len(ns), "error", err)
	}
}

// close sends what is queued and stops.
func (a *announcer) close() {
	select {
	case <-a.stop:
	default:
		close(a.stop)
	}
	<-a.done
}
