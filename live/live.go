// Package live tells open dashboards that a claim changed. Changes are
// announced with pg_notify inside the change's own transaction (so a page
// never refreshes for a change that rolled back, and every factdesk process
// hears every change); each process keeps one LISTEN connection and fans the
// notifications out to its server-sent-event clients.
package live

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// Channel is the Postgres notification channel.
const Channel = "factdesk_live"

// Event says which claim changed. ClaimID 0 means "anything may have
// changed" and is sent after the listener reconnects, since notifications
// sent while it was away are lost.
type Event struct {
	ClaimID int64        `json:"claim_id"`
	State   models.State `json:"state,omitempty"`
	Version int          `json:"version,omitempty"`
	// UserID, when set, makes this an event for one person (see
	// ListenUsers), not about a claim.
	UserID int64 `json:"-"`
}

// Notify is a workflow.Hook: it queues the notification in the change's
// transaction. Postgres delivers it only on commit.
func Notify(ctx context.Context, tx *store.Tx, ch workflow.Change) error {
	payload, err := json.Marshal(Event{ClaimID: ch.Claim.ID, State: ch.Claim.State, Version: ch.Claim.Version})
	if err != nil {
		return fmt.Errorf("live: encode: %w", err)
	}
	return tx.Notify(ctx, Channel, string(payload))
}

// Hub listens on one connection and hands events to subscribers.
type Hub struct {
	dsn string
	log *slog.Logger
	// userChannels are listened to beside Channel (ListenUsers).
	userChannels []string
	// handlers are called with the payloads of their channels (OnNotify).
	handlers map[string]func(string)

	mu   sync.Mutex
	subs map[chan Event]struct{}

	// closing is closed by Close: open streams end and new ones end at
	// once. It is apart from done because the HTTP server must see its
	// streams end before it can shut down, and only then is the listener
	// stopped.
	closing   chan struct{}
	closeOnce sync.Once

	cancel context.CancelFunc
	done   chan struct{}
}

// NewHub returns a hub that will listen through dsn once started.
func NewHub(dsn string, log *slog.Logger) *Hub {
	return &Hub{dsn: dsn, log: log, subs: map[chan Event]struct{}{}, closing: make(chan struct{}), done: make(chan struct{})}
}

// Subscribe returns a channel of events and a function to stop receiving.
// A slow subscriber loses events rather than stalling the others; since any
// event only means "refresh", one that gets through is enough.
func (h *Hub) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 16)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

func (h *Hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

// Start connects and begins listening. It returns once the first LISTEN is
// in place, so changes made after start-up are never missed, or with the
// error if the database cannot be reached within a few seconds.
func (h *Hub) Start(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	h.cancel = cancel
	connectCtx, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	conn, err := h.connect(connectCtx)
	if err != nil {
		cancel()
		h.Close()
		close(h.done)
		return err
	}
	go h.run(runCtx, conn)
	return nil
}

// Done is closed once the hub is closing (Close, or Stop, or a listener
// that never started): every event stream selects on it and ends, so the
// HTTP server can shut down.
func (h *Hub) Done() <-chan struct{} { return h.closing }

// Close ends every open event stream and any opened after it, without
// stopping the listener. Call it when the HTTP server begins shutting down
// (http.Server.RegisterOnShutdown): a stream otherwise lasts until its
// lifetime runs out, and Shutdown waits for it. Close is idempotent.
func (h *Hub) Close() {
	h.closeOnce.Do(func() { close(h.closing) })
}

// Stop ends the open streams and the listener.
func (h *Hub) Stop(ctx context.Context) error {
	h.Close()
	if h.cancel == nil {
		return nil
	}
	h.cancel()
	select {
	case <-h.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hub) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, h.dsn)
	if err != nil {
		return nil, fmt.Errorf("live: connect: %w", err)
	}
	channels := append([]string{Channel}, h.userChannels...)
	for ch := range h.handlers {
		channels = append(channels, ch)
	}
	for _, ch := range channels {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			conn.Close(context.Background())
			return nil, fmt.Errorf("live: listen %s: %w", ch, err)
		}
	}
	return conn, nil
}

// run waits for notifications and reconnects with backoff when the
// connection drops.
func (h *Hub) run(ctx context.Context, conn *pgx.Conn) {
	defer close(h.done)
	defer h.Close()
	backoff := 100 * time.Millisecond
	for {
		if conn == nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			var err error
			if conn, err = h.connect(ctx); err != nil {
				h.log.Warn("live: reconnect failed", "error", err)
				backoff = min(backoff*2, 10*time.Second)
				continue
			}
			backoff = 100 * time.Millisecond
			h.publish(Event{}) // whatever happened while away: refresh
			for _, fn := range h.handlers {
				fn("")
			}
		}
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			conn.Close(context.Background())
			conn = nil
			if ctx.Err() != nil {
				return
			}
			h.log.Warn("live: listener lost its connection", "error", err)
			continue
		}
		if fn, ok := h.handlers[n.Channel]; ok {
			fn(n.Payload)
			continue
		}
		if n.Channel != Channel {
			h.publishUser(n.Channel, n.Payload)
			continue
		}
		var e Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			h.log.Warn("live: bad payload", "payload", n.Payload, "error", err)
			continue
		}
		h.publish(e)
	}
}
