package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// NotificationKind says why someone is told about a claim.
type NotificationKind string

const (
	// NotifyAssigned: you were assigned to a claim, as checker or reviewer.
	NotifyAssigned NotificationKind = "assigned"
	// NotifyMentioned: someone @mentioned you in a comment on a claim.
	NotifyMentioned NotificationKind = "mentioned"
	// NotifySentBack: an editor sent the verdict you proposed (or the claim
	// you check) back to research; the payload carries the editor's comment.
	NotifySentBack NotificationKind = "sent_back"
	// NotifyConfirmed: a claim you created, proposed or work on was
	// confirmed and is published.
	NotifyConfirmed NotificationKind = "confirmed"
	// NotifyRejected: a claim you created or work on was rejected.
	NotifyRejected NotificationKind = "rejected"
	// NotifyReopened: a confirmed claim you created, proposed or work on
	// was reopened for a correction.
	NotifyReopened NotificationKind = "reopened"
	// NotifySourceChanged: a source cited on a claim you created, work on,
	// follow or cited yourself changed or vanished.
	NotifySourceChanged NotificationKind = "source_changed"
	// NotifyFollowedStateChanged: a claim you follow moved to another
	// state (and no more specific kind above told you so).
	NotifyFollowedStateChanged NotificationKind = "followed_state_changed"
	// NotifyOverdue: a claim assigned to you is past its due time and still
	// open.
	NotifyOverdue NotificationKind = "overdue"
)

// NotificationKinds lists every kind, in the order settings pages show them.
var NotificationKinds = []NotificationKind{
	NotifyAssigned, NotifyMentioned, NotifySentBack, NotifyConfirmed, NotifyRejected,
	NotifyReopened, NotifySourceChanged, NotifyFollowedStateChanged, NotifyOverdue,
}

// Valid reports whether k is a known kind.
func (k NotificationKind) Valid() bool {
	for _, x := range NotificationKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Label is the kind as a short phrase for people.
func (k NotificationKind) Label() string {
	switch k {
	case NotifyAssigned:
		return "Assigned to you"
	case NotifyMentioned:
		return "Mentioned you"
	case NotifySentBack:
		return "Sent back"
	case NotifyConfirmed:
		return "Confirmed"
	case NotifyRejected:
		return "Rejected"
	case NotifyReopened:
		return "Reopened"
	case NotifySourceChanged:
		return "A source changed"
	case NotifyFollowedStateChanged:
		return "A claim you follow changed"
	case NotifyOverdue:
		return "Overdue"
	}
	return string(k)
}

// Delivery is how a person wants one kind of notification by email. Every
// notification reaches the inbox whatever the delivery.
type Delivery string

const (
	// DeliveryInstant: one email per notification, shortly after it (a
	// burst is coalesced first).
	DeliveryInstant Delivery = "instant"
	// DeliveryHourly: at most one digest email an hour.
	DeliveryHourly Delivery = "hourly"
	// DeliveryDaily: at most one digest email a day.
	DeliveryDaily Delivery = "daily"
	// DeliveryOff: no email; the inbox only.
	DeliveryOff Delivery = "off"
)

// Deliveries lists every delivery, most to least frequent.
var Deliveries = []Delivery{DeliveryInstant, DeliveryHourly, DeliveryDaily, DeliveryOff}

// Valid reports whether d is a known delivery.
func (d Delivery) Valid() bool {
	return d == DeliveryInstant || d == DeliveryHourly || d == DeliveryDaily || d == DeliveryOff
}

// Notification is one thing one person should know about a claim.
type Notification struct {
	ID          int64            `json:"id" gorm:"primaryKey"`
	RecipientID int64            `json:"recipient_id"`
	Kind        NotificationKind `json:"kind"`
	ClaimID     *int64           `json:"claim_id"`
	ActorID     *int64           `json:"actor_id"`
	// Seq is the claim's history entry that caused it, for a link to the
	// exact place (the comment, the evidence).
	Seq       *int                `json:"seq"`
	Payload   NotificationPayload `json:"payload" gorm:"type:jsonb"`
	DedupeKey *string             `json:"-"`
	ReadAt    *time.Time          `json:"read_at"`
	// Email is pending, sent or skipped.
	Email     string     `json:"-"`
	EmailedAt *time.Time `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Read reports whether the recipient has marked it read.
func (n *Notification) Read() bool { return n.ReadAt != nil }

// NotificationPayload is what a notification shows without further queries.
type NotificationPayload struct {
	// ClaimText is the claim's text, shortened.
	ClaimText string `json:"claim_text,omitempty"`
	// Comment is the comment's or the action's text, shortened (the
	// mention, the editor's send-back reason).
	Comment   string `json:"comment,omitempty"`
	CommentID int64  `json:"comment_id,omitempty"`
	// FromState and ToState are set for state changes.
	FromState State `json:"from_state,omitempty"`
	ToState   State `json:"to_state,omitempty"`
	// Action is the workflow action, for state changes.
	Action Action `json:"action,omitempty"`
	// Role is the assignment role, for assigned.
	Role AssignmentRole `json:"role,omitempty"`
	// EvidenceID and URL name the source, for source_changed; Status is
	// what the check found.
	EvidenceID int64  `json:"evidence_id,omitempty"`
	URL        string `json:"url,omitempty"`
	Status     string `json:"status,omitempty"`
	// DueAt is set for overdue.
	DueAt *time.Time `json:"due_at,omitempty"`
	// Claims lists every claim of a coalesced burst, the first one
	// included; empty for a single claim.
	Claims []int64 `json:"claims,omitempty"`
}

// NotificationPref is one person's delivery for one kind.
type NotificationPref struct {
	UserID   int64            `json:"-" gorm:"primaryKey"`
	Kind     NotificationKind `json:"kind" gorm:"primaryKey"`
	Delivery Delivery         `json:"delivery"`
}

// TableName keeps the table name explicit rather than inflected.
func (NotificationPref) TableName() string { return "notification_prefs" }

// ClaimIDs lists the claims the notification is about: the burst's list, or
// the one claim.
func (n *Notification) ClaimIDs() []int64 {
	if len(n.Payload.Claims) > 0 {
		return n.Payload.Claims
	}
	if n.ClaimID != nil {
		return []int64{*n.ClaimID}
	}
	return nil
}

// Value stores the payload as JSON.
func (p NotificationPayload) Value() (driver.Value, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan reads the payload's JSON.
func (p *NotificationPayload) Scan(src any) error {
	*p = NotificationPayload{}
	switch s := src.(type) {
	case nil:
		return nil
	case string:
		return json.Unmarshal([]byte(s), p)
	case []byte:
		return json.Unmarshal(s, p)
	}
	return fmt.Errorf("models: cannot scan %T into NotificationPayload", src)
}
