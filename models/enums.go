// Package models holds factdesk's domain types: the GORM structs that mirror
// the schema in migrations/, the typed enumerations of the workflow, and the
// domain error codes every layer shares.
package models

import (
	"slices"
	"strings"
)

// Join lists an enumeration's values for people: "low, normal, high".
func Join[T ~string](values []T) string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// MustBeOneOf is the field message for a value outside an enumeration.
func MustBeOneOf[T ~string](values []T) string { return "must be one of " + Join(values) }

// Role is what a user may do on the desk. Roles are ordered: each includes
// the powers of the ones below it (admin > editor > checker > viewer).
type Role string

const (
	// RoleAdmin manages users and integrations, and can do everything an
	// editor can.
	RoleAdmin Role = "admin"
	// RoleEditor assigns work and approves, sends back, rejects, reopens and
	// restores claims. Editors can also work claims like a checker.
	RoleEditor Role = "editor"
	// RoleChecker creates claims, takes them from the queue, and works the
	// claims assigned to them.
	RoleChecker Role = "checker"
	// RoleViewer reads everything and changes nothing.
	RoleViewer Role = "viewer"
)

// Roles lists every role from most to least powerful.
var Roles = []Role{RoleAdmin, RoleEditor, RoleChecker, RoleViewer}

func (r Role) rank() int {
	switch r {
	case RoleAdmin:
		return 4
	case RoleEditor:
		return 3
	case RoleChecker:
		return 2
	case RoleViewer:
		return 1
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r carries at least the powers of other.
func (r Role) AtLeast(other Role) bool { return r.Valid() && r.rank() >= other.rank() }

// State is where a claim stands in the workflow.
type State string

const (
	// StateNew is a claim nobody has started working yet.
	StateNew State = "new"
	// StateVerifying is a claim a checker is researching.
	StateVerifying State = "verifying"
	// StateVerified is a claim a checker proposes to rate true or mostly
	// true; it waits for an editor.
	StateVerified State = "verified"
	// StateDisputed is a claim a checker proposes to rate false, misleading
	// or unverifiable; it waits for an editor.
	StateDisputed State = "disputed"
	// StateConfirmed is a claim whose verdict an editor approved. It is the
	// only state that is published.
	StateConfirmed State = "confirmed"
	// StateRejected is a claim the desk decided not to check (not
	// check-worthy, out of scope, or a duplicate).
	StateRejected State = "rejected"
)

// States lists every state in workflow order.
var States = []State{StateNew, StateVerifying, StateVerified, StateDisputed, StateConfirmed, StateRejected}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// Closed lists the terminal states: work on the claim has ended.
var Closed = []State{StateConfirmed, StateRejected}

// Open reports whether work on the claim is still ongoing.
func (s State) Open() bool { return !slices.Contains(Closed, s) }

// Action is a workflow transition a user asks for.
type Action string

const (
	// ActionStart moves a new claim into research.
	ActionStart Action = "start"
	// ActionVerify proposes a true or mostly true verdict.
	ActionVerify Action = "verify"
	// ActionDispute proposes a false, misleading or unverifiable verdict.
	ActionDispute Action = "dispute"
	// ActionConfirm approves the proposed verdict (four eyes).
	ActionConfirm Action = "confirm"
	// ActionSendBack returns a proposed verdict to research with a comment.
	ActionSendBack Action = "send_back"
	// ActionReject closes a claim without a verdict.
	ActionReject Action = "reject"
	// ActionReopen reopens a confirmed claim for a correction.
	ActionReopen Action = "reopen"
	// ActionRestore brings a rejected claim back to new.
	ActionRestore Action = "restore"
)

// Verb is the action as words for messages: "send back", not "send_back".
func (a Action) Verb() string { return strings.ReplaceAll(string(a), "_", " ") }

// Verdict is the rating a fact check gives a claim.
type Verdict string

const (
	// VerdictTrue: accurate, nothing significant missing.
	VerdictTrue Verdict = "true"
	// VerdictMostlyTrue: accurate but needs clarification or detail.
	VerdictMostlyTrue Verdict = "mostly_true"
	// VerdictHalfTrue: partially accurate, leaves out important context.
	VerdictHalfTrue Verdict = "half_true"
	// VerdictMostlyFalse: contains an element of truth but ignores facts
	// that would change the impression.
	VerdictMostlyFalse Verdict = "mostly_false"
	// VerdictFalse: not accurate.
	VerdictFalse Verdict = "false"
	// VerdictMisleading: the facts may be right but the impression is wrong.
	VerdictMisleading Verdict = "misleading"
	// VerdictUnverifiable: the available evidence can neither prove nor
	// disprove the claim.
	VerdictUnverifiable Verdict = "unverifiable"
)

// Verdicts lists every verdict from most to least accurate.
var Verdicts = []Verdict{VerdictTrue, VerdictMostlyTrue, VerdictHalfTrue, VerdictMostlyFalse, VerdictFalse, VerdictMisleading, VerdictUnverifiable}

// Valid reports whether v is a known verdict.
func (v Verdict) Valid() bool { return slices.Contains(Verdicts, v) }

// Label is the reader-facing name of the verdict.
func (v Verdict) Label() string {
	switch v {
	case VerdictTrue:
		return "True"
	case VerdictMostlyTrue:
		return "Mostly true"
	case VerdictHalfTrue:
		return "Half true"
	case VerdictMostlyFalse:
		return "Mostly false"
	case VerdictFalse:
		return "False"
	case VerdictMisleading:
		return "Misleading"
	case VerdictUnverifiable:
		return "Unverifiable"
	}
	return string(v)
}

// Stance is how a piece of evidence bears on the claim.
type Stance string

const (
	// StanceSupports: the evidence backs the claim.
	StanceSupports Stance = "supports"
	// StanceRefutes: the evidence contradicts the claim.
	StanceRefutes Stance = "refutes"
	// StanceContext: the evidence neither backs nor contradicts, but frames
	// the claim.
	StanceContext Stance = "context"
)

// Stances lists every stance.
var Stances = []Stance{StanceSupports, StanceRefutes, StanceContext}

// Valid reports whether s is a known stance.
func (s Stance) Valid() bool { return slices.Contains(Stances, s) }

// Priority orders the queue.
type Priority string

const (
	// PriorityLow can wait.
	PriorityLow Priority = "low"
	// PriorityNormal is the default.
	PriorityNormal Priority = "normal"
	// PriorityHigh goes before normal work.
	PriorityHigh Priority = "high"
	// PriorityUrgent goes first: a claim spreading right now.
	PriorityUrgent Priority = "urgent"
)

// Priorities lists every priority from least to most urgent.
var Priorities = []Priority{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { return slices.Contains(Priorities, p) }

// Rank orders priorities; higher is more urgent. The database stores the
// same number in claims.priority_rank so the queue can sort on an index.
func (p Priority) Rank() int {
	switch p {
	case PriorityUrgent:
		return 3
	case PriorityHigh:
		return 2
	case PriorityNormal:
		return 1
	}
	return 0
}

// AssignmentRole is the part a user plays on one claim.
type AssignmentRole string

const (
	// AssignChecker researches the claim and proposes the verdict.
	AssignChecker AssignmentRole = "checker"
	// AssignReviewer is the editor expected to approve the verdict.
	AssignReviewer AssignmentRole = "reviewer"
)

// AssignmentRoles lists every assignment role.
var AssignmentRoles = []AssignmentRole{AssignChecker, AssignReviewer}

// Valid reports whether r is a known assignment role.
func (r AssignmentRole) Valid() bool { return slices.Contains(AssignmentRoles, r) }

// HistoryKind says what a history entry records.
type HistoryKind string

const (
	// HistoryCreated: the claim was created.
	HistoryCreated HistoryKind = "created"
	// HistoryUpdated: the claim's text or metadata was edited.
	HistoryUpdated HistoryKind = "updated"
	// HistoryAssigned: a user was assigned.
	HistoryAssigned HistoryKind = "assigned"
	// HistoryUnassigned: an assignment was removed.
	HistoryUnassigned HistoryKind = "unassigned"
	// HistoryTransitioned: a workflow action moved the claim.
	HistoryTransitioned HistoryKind = "transitioned"
	// HistoryEvidenceAdded: evidence was attached.
	HistoryEvidenceAdded HistoryKind = "evidence_added"
	// HistoryCommentAdded: a comment was posted.
	HistoryCommentAdded HistoryKind = "comment_added"
	// HistoryEvidenceChanged: a watched source changed or disappeared.
	HistoryEvidenceChanged HistoryKind = "evidence_changed"
	// HistoryEvidenceEdited: an editor or checker corrected an evidence
	// item's stance, excerpt, note or title.
	HistoryEvidenceEdited HistoryKind = "evidence_edited"
	// HistoryEvidenceRetracted: an evidence item was withdrawn, with a
	// reason; it stays on record.
	HistoryEvidenceRetracted HistoryKind = "evidence_retracted"
)

// HistoryKinds lists every history kind; each one emits a webhook event
// (a test in events keeps it so).
var HistoryKinds = []HistoryKind{
	HistoryCreated, HistoryUpdated, HistoryAssigned, HistoryUnassigned, HistoryTransitioned, HistoryEvidenceAdded,
	HistoryCommentAdded, HistoryEvidenceChanged, HistoryEvidenceEdited, HistoryEvidenceRetracted,
}
