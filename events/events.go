// Package events records what happened on the desk as events that other
// systems subscribe to. Emit writes an event together with its webhook
// deliveries and their River jobs inside the caller's transaction, so an
// event exists exactly when the change that caused it commits.
package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Type names what happened. Subscribers filter on it.
type Type string

const (
	// ClaimCreated: a claim was added to the desk.
	ClaimCreated Type = "claim.created"
	// ClaimUpdated: a claim's text or metadata was edited.
	ClaimUpdated Type = "claim.updated"
	// ClaimAssigned: a checker or reviewer was assigned.
	ClaimAssigned Type = "claim.assigned"
	// ClaimUnassigned: an assignment was removed.
	ClaimUnassigned Type = "claim.unassigned"
	// ClaimTransitioned: a workflow action moved the claim to another state.
	ClaimTransitioned Type = "claim.transitioned"
	// ClaimConfirmed is sent in addition to claim.transitioned when an
	// editor confirms a verdict, for subscribers that only publish.
	ClaimConfirmed Type = "claim.confirmed"
	// ClaimDisputed is sent in addition to claim.transitioned when a checker
	// proposes a false, misleading or unverifiable verdict.
	ClaimDisputed Type = "claim.disputed"
	// ClaimEvidenceAdded: a source was attached to a claim.
	ClaimEvidenceAdded Type = "claim.evidence_added"
	// ClaimEvidenceEdited: an evidence item's stance, excerpt, note, title
	// or internal flag was corrected; details hold the old and new values.
	ClaimEvidenceEdited Type = "claim.evidence_edited"
	// ClaimEvidenceRetracted: an evidence item was withdrawn with a reason
	// (the event's comment); it stays on record.
	ClaimEvidenceRetracted Type = "claim.evidence_retracted"
	// ClaimCommentAdded: a desk-internal comment was posted.
	ClaimCommentAdded Type = "claim.comment_added"
	// EvidenceChanged: a watched source changed or disappeared.
	EvidenceChanged Type = "evidence.changed"
	// WebhookPing: an admin asked for a test delivery to one endpoint.
	WebhookPing Type = "webhook.ping"
	// WebhookDisabled: an endpoint was disabled automatically after failing.
	WebhookDisabled Type = "webhook.disabled"
)

// Types lists every event type, in the order the documentation shows them.
var Types = []Type{
	ClaimCreated, ClaimUpdated, ClaimAssigned, ClaimUnassigned, ClaimTransitioned, ClaimConfirmed,
	ClaimDisputed, ClaimEvidenceAdded, ClaimEvidenceEdited, ClaimEvidenceRetracted, ClaimCommentAdded, EvidenceChanged,
	WebhookPing, WebhookDisabled,
}

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	for _, x := range Types {
		if x == t {
			return true
		}
	}
	return false
}

// Event is one thing that happened, ready to emit.
type Event struct {
	// ID is filled by Emit when empty; set it beforehand when the caller
	// must report the id (a ping does).
	ID   string
	Type Type
	// ClaimID and Seq tie a claim event to the history entry it reports.
	// Leave them zero for other events.
	ClaimID int64
	Seq     int
	// Data becomes the envelope's "data" member.
	Data any
	// OnlyEndpoint, when set, delivers the event to that endpoint alone,
	// whatever it subscribes to; pings use it.
	OnlyEndpoint int64
	// At is the event's timestamp; Emit uses the current time when zero.
	At time.Time
}

// Envelope is the JSON body every standard-format delivery carries.
type Envelope struct {
	ID        string          `json:"id"`
	Type      Type            `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// Emit records ev inside tx: the event row, and one delivery row and one
// River job for each active endpoint subscribed to its type. All of it
// commits or rolls back with tx. (Open dashboards refresh through the live
// package's own notification, so Emit sends none.)
//
// Claim changes made through workflow.Engine already emit their events
// through the engine hook (see ClaimChanged); call Emit directly only for
// changes made elsewhere, such as the source watcher.
func Emit(ctx context.Context, tx *store.Tx, ev Event) error {
	row, err := newRow(ev)
	if err != nil {
		return err
	}
	// Disabled endpoints get no delivery row: while an endpoint is off,
	// nothing is queued for it, and POST .../recover later finds the
	// events it missed in the events table.
	deliveries, err := tx.InsertEventFanOut(ctx, row, ev.OnlyEndpoint)
	if err != nil {
		return err
	}
	return QueueDeliveries(ctx, tx, deliveries)
}

// newRow is ev as stored: its envelope rendered, its id and time set.
func newRow(ev Event) (*store.EventRow, error) {
	if !ev.Type.Valid() {
		return nil, fmt.Errorf("events: emit: unknown type %q", ev.Type)
	}
	if ev.ID == "" {
		ev.ID = NewID()
	}
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	// Postgres keeps microseconds; truncating here makes the envelope's
	// timestamp equal to the stored one.
	ev.At = ev.At.UTC().Truncate(time.Microsecond)
	data, err := json.Marshal(ev.Data)
	if err != nil {
		return nil, fmt.Errorf("events: marshal %s data: %w", ev.Type, err)
	}
	body, err := json.Marshal(Envelope{ID: ev.ID, Type: ev.Type, Timestamp: ev.At.Format(time.RFC3339Nano), Data: data})
	if err != nil {
		return nil, fmt.Errorf("events: marshal %s envelope: %w", ev.Type, err)
	}
	return &store.EventRow{ID: ev.ID, Type: string(ev.Type), ClaimID: ev.ClaimID, Seq: ev.Seq, Payload: string(body), At: ev.At}, nil
}

// QueueDeliveries inserts in tx the job of each new delivery's first
// attempt.
func QueueDeliveries(ctx context.Context, tx *store.Tx, deliveries []int64) error {
	jobs := make([]Job, len(deliveries))
	for i, id := range deliveries {
		jobs[i] = Job{Args: DeliverArgs{DeliveryID: id, Attempt: 1, Try: 1}}
	}
	return Enqueue(ctx, tx, jobs...)
}

// ClaimData is the "data" of every claim.* event: the claim as the API
// renders it after the change, and the history entry that records it.
type ClaimData struct {
	Claim   *models.Claim `json:"claim"`
	Seq     int           `json:"seq"`
	ActorID *int64        `json:"actor_id"`
	// Actor names the actor, so a chat message can say who acted.
	Actor     *Actor          `json:"actor,omitempty"`
	Action    models.Action   `json:"action"`
	FromState models.State    `json:"from_state"`
	ToState   models.State    `json:"to_state"`
	Comment   string          `json:"comment"`
	Verdict   models.Verdict  `json:"verdict,omitempty"`
	Details   json.RawMessage `json:"details,omitempty"`
	// Evidence is the item after the change, on claim.evidence_added,
	// claim.evidence_edited and claim.evidence_retracted.
	Evidence *models.Evidence `json:"evidence,omitempty"`
}

// Actor is the user who made a change, as events show them: never their
// email, which receivers have no need for.
type Actor struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// typesFor maps a history entry to the event types it produces.
func typesFor(e *models.HistoryEntry) []Type {
	switch e.Kind {
	case models.HistoryCreated:
		return []Type{ClaimCreated}
	case models.HistoryUpdated:
		return []Type{ClaimUpdated}
	case models.HistoryAssigned:
		return []Type{ClaimAssigned}
	case models.HistoryUnassigned:
		return []Type{ClaimUnassigned}
	case models.HistoryTransitioned:
		switch e.Action {
		case models.ActionConfirm:
			return []Type{ClaimTransitioned, ClaimConfirmed}
		case models.ActionDispute:
			return []Type{ClaimTransitioned, ClaimDisputed}
		}
		return []Type{ClaimTransitioned}
	case models.HistoryEvidenceAdded:
		return []Type{ClaimEvidenceAdded}
	case models.HistoryEvidenceEdited:
		return []Type{ClaimEvidenceEdited}
	case models.HistoryEvidenceRetracted:
		return []Type{ClaimEvidenceRetracted}
	case models.HistoryCommentAdded:
		return []Type{ClaimCommentAdded}
	case models.HistoryEvidenceChanged:
		return []Type{EvidenceChanged}
	}
	return nil
}

// ClaimChanged emits the events for one history entry. The app wiring
// gives it to workflow.Engine.OnEvents, so it runs in the transaction of
// every claim change that is not a claim save (those store ClaimEvents
// with the save), after the entry has its seq. A transition to confirmed or disputed emits two events with the
// same seq: claim.transitioned and the shorthand type.
// actor, when not nil, is the user of entry.ActorID, already loaded.
func ClaimChanged(ctx context.Context, tx *store.Tx, claim *models.Claim, entry *models.HistoryEntry, evidence *models.Evidence, actor *models.User) error {
	rows, err := ClaimEvents(ctx, tx, claim, entry, evidence, actor)
	if err != nil {
		return err
	}
	for _, row := range rows {
		deliveries, err := tx.InsertEventFanOut(ctx, &row, 0)
		if err != nil {
			return err
		}
		if err := QueueDeliveries(ctx, tx, deliveries); err != nil {
			return err
		}
	}
	return nil
}

// ClaimEvents renders the events of one history entry, as ClaimChanged
// emits them, without storing them: a claim save stores them in its own
// statement (store.Tx.SaveClaimWithEvents), then queues their deliveries
// (QueueDeliveries). It reads the database only to name the actor when
// actor is nil.
func ClaimEvents(ctx context.Context, tx *store.Tx, claim *models.Claim, entry *models.HistoryEntry, evidence *models.Evidence, actor *models.User) ([]store.EventRow, error) {
	types := typesFor(entry)
	if len(types) == 0 {
		return nil, nil
	}
	// Render the claim the way the API does: empty lists, never null.
	c := *claim
	if c.Assignees == nil {
		c.Assignees = []models.Assignment{}
	}
	if c.Tags == nil {
		c.Tags = models.Tags{}
	}
	data := ClaimData{
		Claim: &c, Seq: entry.Seq, ActorID: entry.ActorID, Action: entry.Action,
		FromState: entry.FromState, ToState: entry.ToState, Comment: entry.Comment,
		Verdict: entry.Verdict, Details: entry.Details, Evidence: evidence,
	}
	if entry.ActorID != nil {
		u := actor
		if u == nil || u.ID != *entry.ActorID {
			var err error
			if u, err = tx.User(ctx, *entry.ActorID); err != nil {
				return nil, err
			}
		}
		data.Actor = &Actor{ID: u.ID, Name: u.Name}
	}
	rows := make([]store.EventRow, 0, len(types))
	for _, t := range types {
		row, err := newRow(Event{Type: t, ClaimID: c.ID, Seq: entry.Seq, Data: data, At: entry.At})
		if err != nil {
			return nil, err
		}
		rows = append(rows, *row)
	}
	return rows, nil
}
