package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// User is a person or machine account on the desk.
type User struct {
	ID     int64    `json:"id" gorm:"primaryKey"`
	Email  string   `json:"email"`
	Name   string   `json:"name"`
	Role   Role     `json:"role"`
	Active bool     `json:"active"`
	Kind   UserKind `json:"kind"`
	// TimeZone is the IANA zone the dashboard shows this user's times in;
	// "UTC" unless the user chose another.
	TimeZone     string    `json:"time_zone"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// APIToken is a bearer token. Only the SHA-256 of the token is stored, so a
// database leak does not hand out working credentials.
type APIToken struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     int64
	TokenHash  []byte
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	// Scopes make the token an integration token, which reaches only the
	// API routes whose scope it holds; nil is a person's sign-in token.
	Scopes StringArray `gorm:"type:text[]"`
	// RateLimit is requests per minute; nil is unlimited.
	RateLimit *int
	// CreatedBy is the admin who issued an integration token.
	CreatedBy *int64
	// LastUsedIP is the client address of the latest recorded use.
	LastUsedIP *string `gorm:"column:last_used_ip"`
}

// Integration reports whether t is an integration token (it has scopes).
func (t *APIToken) Integration() bool { return t != nil && t.Scopes != nil }

// HasScope reports whether t may call a route that needs scope. A
// person's sign-in token holds every scope its user's role can use.
func (t *APIToken) HasScope(scope Scope) bool {
	return !t.Integration() || slices.Contains(t.Scopes, string(scope))
}

// TableName keeps the table name explicit rather than inflected.
func (APIToken) TableName() string { return "api_tokens" }

// Tags are free-form labels on a claim, stored as a Postgres text[].
type Tags = StringArray

// NormalizeTag is a tag as stored: trimmed and lowercased, so "Election"
// and "election " file and filter together.
func NormalizeTag(t string) string { return strings.ToLower(strings.TrimSpace(t)) }

// Claim is one check-worthy statement and the state of its fact check.
type Claim struct {
	ID           int64      `json:"id" gorm:"primaryKey"`
	Text         string     `json:"text"`
	Claimant     string     `json:"claimant"`
	SourceURL    string     `json:"source_url"`
	State        State      `json:"state"`
	Verdict      Verdict    `json:"verdict"`
	Summary      string     `json:"summary"`
	Priority     Priority   `json:"priority"`
	PriorityRank int        `json:"-"`
	DueAt        *time.Time `json:"due_at"`
	Language     string     `json:"language"`
	Tags         Tags       `json:"tags" gorm:"type:text[]"`
	Version      int        `json:"version"`
	DuplicateOf  *int64     `json:"duplicate_of"`
	ArticleID    *int64     `json:"article_id"`    // the article the claim was taken from; null when entered by hand
	ArticleStart *int       `json:"article_start"` // the sentence's byte range [start, end) in the article's text
	ArticleEnd   *int       `json:"article_end"`
	// ArticleSentenceStart and ArticleSentenceEnd are the candidate
	// sentence the claim was filed from. The claim's own span is the same,
	// or narrower when the checker cut words from the sentence before
	// filing it; a sentence is filed only once.
	ArticleSentenceStart *int         `json:"article_sentence_start"`
	ArticleSentenceEnd   *int         `json:"article_sentence_end"`
	LastSeq              int          `json:"-"`
	Assignees            []Assignment `json:"assignees" gorm:"foreignKey:ClaimID"`
	Evidence             []Evidence   `json:"evidence,omitempty" gorm:"foreignKey:ClaimID"`
	CreatedBy            int64        `json:"created_by"`
	CreatedAt            time.Time    `json:"created_at"`
	UpdatedAt            time.Time    `json:"updated_at"`
}

// Sentence is the byte range of the article sentence the claim was filed
// from, and false for a claim entered by hand. A claim stored before the
// sentence was recorded apart has its own span as the sentence.
func (c *Claim) Sentence() (start, end int, ok bool) {
	switch {
	case c.ArticleSentenceStart != nil && c.ArticleSentenceEnd != nil:
		return *c.ArticleSentenceStart, *c.ArticleSentenceEnd, true
	case c.ArticleStart != nil && c.ArticleEnd != nil:
		return *c.ArticleStart, *c.ArticleEnd, true
	}
	return 0, 0, false
}

// Overdue reports whether the claim is still open past its due time.
func (c *Claim) Overdue(now time.Time) bool {
	return c.State.Open() && c.DueAt != nil && c.DueAt.Before(now)
}

// Assignment links a user to a claim in a role. Reviewer assignments are
// the editor expected to approve the verdict.
type Assignment struct {
	ClaimID    int64          `json:"-" gorm:"primaryKey"`
	UserID     int64          `json:"user_id" gorm:"primaryKey"`
	Role       AssignmentRole `json:"role"`
	AssignedBy int64          `json:"assigned_by"`
	CreatedAt  time.Time      `json:"assigned_at"`
}

// TableName keeps the table name explicit rather than inflected.
func (Assignment) TableName() string { return "claim_assignments" }

// Evidence is a source a checker cites for or against a claim.
type Evidence struct {
	ID      int64  `json:"id" gorm:"primaryKey"`
	ClaimID int64  `json:"claim_id"`
	URL     string `json:"url"`
	Title   string `json:"title"`
	Stance  Stance `json:"stance"`
	Excerpt string `json:"excerpt"`
	Note    string `json:"note"`
	// Internal marks the note as for the desk only; public pages omit it.
	Internal  bool      `json:"internal"`
	AddedBy   int64     `json:"added_by"`
	CreatedAt time.Time `json:"created_at"`

	// The fields below record the last check of the cited page; the
	// sources package writes them (see sources.Status for the values of
	// Status and docs/sources-and-publishing.md for what each means).
	// Status is pending until the first check has run.
	Status          string     `json:"status" gorm:"default:pending"`
	StatusChangedAt *time.Time `json:"status_changed_at"`
	HTTPStatus      *int       `json:"http_status" gorm:"column:http_status"`
	FinalURL        string     `json:"final_url"`
	FetchedAt       *time.Time `json:"fetched_at"`
	ContentType     string     `json:"content_type"`
	BodySHA256      string     `json:"body_sha256" gorm:"column:body_sha256"`
	PageTitle       string     `json:"page_title"`
	// ExcerptStatus is found, not_found or no_excerpt once checked; found
	// comes with the byte range of the quote in the page's readable text.
	ExcerptStatus string `json:"excerpt_status"`
	ExcerptStart  *int   `json:"excerpt_start"`
	ExcerptEnd    *int   `json:"excerpt_end"`
	// FetchError classifies a failed fetch (timeout, blocked, http_status,
	// …) and FetchDetail says what happened, for the desk.
	FetchError          string `json:"fetch_error"`
	FetchDetail         string `json:"fetch_detail"`
	ConsecutiveFailures int    `json:"consecutive_failures"`
	// OutletID and SourceRating come from the source registry entry that
	// matches the URL's host; unknown when no entry matches.
	OutletID     *int64 `json:"outlet_id"`
	SourceRating string `json:"source_rating" gorm:"default:unknown"`

	// Version counts edits of the item, for optimistic locking.
	Version int `json:"version" gorm:"default:1"`
	// RetractedAt is set when the desk withdrew the item: it stays on
	// record, but no longer counts for any requirement nor shows publicly.
	RetractedAt      *time.Time `json:"retracted_at"`
	RetractedBy      *int64     `json:"retracted_by"`
	RetractionReason string     `json:"retraction_reason"`
}

// Retracted reports whether the desk withdrew the item.
func (e *Evidence) Retracted() bool { return e.RetractedAt != nil }

// TableName keeps the table name explicit rather than inflected.
func (Evidence) TableName() string { return "evidence" }

// Comment is a note on a claim for the desk; comments are never published.
type Comment struct {
	ID        int64     `json:"id" gorm:"primaryKey"`
	ClaimID   int64     `json:"claim_id"`
	AuthorID  int64     `json:"author_id"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// HistoryEntry is one line of a claim's append-only history. Seq counts
// from 1 per claim with no gaps, so receivers of events can order them.
type HistoryEntry struct {
	ID        int64           `json:"-" gorm:"primaryKey"`
	ClaimID   int64           `json:"claim_id"`
	Seq       int             `json:"seq"`
	Kind      HistoryKind     `json:"kind"`
	Action    Action          `json:"action"`
	FromState State           `json:"from_state"`
	ToState   State           `json:"to_state"`
	ActorID   *int64          `json:"actor_id"`
	Comment   string          `json:"comment"`
	Verdict   Verdict         `json:"verdict"`
	Details   json.RawMessage `json:"details,omitempty" gorm:"type:jsonb"`
	At        time.Time       `json:"at"`
	// Hash is the SHA-256 of the entry's canonical form, which includes the
	// hash of the claim's previous entry (audit/chain); store seals it on
	// insert. LogIndex is the entry's place in the desk-wide log.
	Hash     []byte `json:"-"`
	LogIndex *int64 `json:"-"`
}

// TableName keeps the table name explicit rather than inflected.
func (HistoryEntry) TableName() string { return "claim_history" }

// Value stores an empty verdict as NULL: a claim without a verdict has none,
// rather than an empty one.
func (v Verdict) Value() (driver.Value, error) {
	if v == "" {
		return nil, nil
	}
	return string(v), nil
}

// Scan reads NULL as the empty verdict.
func (v *Verdict) Scan(src any) error {
	switch s := src.(type) {
	case nil:
		*v = ""
	case string:
		*v = Verdict(s)
	case []byte:
		*v = Verdict(s)
	default:
		return fmt.Errorf("models: cannot scan %T into Verdict", src)
	}
	return nil
}

// MarshalJSON writes the empty verdict as null.
func (v Verdict) MarshalJSON() ([]byte, error) {
	if v == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(v))
}

// Value stores an empty state as NULL (history rows that are not transitions).
func (s State) Value() (driver.Value, error) {
	if s == "" {
		return nil, nil
	}
	return string(s), nil
}

// Scan reads NULL as the empty state.
func (s *State) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*s = ""
	case string:
		*s = State(x)
	case []byte:
		*s = State(x)
	default:
		return fmt.Errorf("models: cannot scan %T into State", src)
	}
	return nil
}

// MarshalJSON writes the empty state (history rows that are not
// transitions) as null.
func (s State) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// MarshalJSON writes the empty action as null.
func (a Action) MarshalJSON() ([]byte, error) {
	if a == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(a))
}

// Value stores an empty action as NULL.
func (a Action) Value() (driver.Value, error) {
	if a == "" {
		return nil, nil
	}
	return string(a), nil
}

// Scan reads NULL as the empty action.
func (a *Action) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*a = ""
	case string:
		*a = Action(x)
	case []byte:
		*a = Action(x)
	default:
		return fmt.Errorf("models: cannot scan %T into Action", src)
	}
	return nil
}
