package models

import "time"

// Publication is the public record of a confirmed claim: what an editor
// confirmed last, copied when the confirmation commits.
type Publication struct {
	ClaimID          int64     `json:"claim_id" gorm:"primaryKey"`
	Slug             string    `json:"slug"`
	Text             string    `json:"text"`
	Claimant         string    `json:"claimant"`
	SourceURL        string    `json:"source_url"`
	Verdict          Verdict   `json:"verdict"`
	Summary          string    `json:"summary"`
	FirstPublishedAt time.Time `json:"first_published_at"`
	PublishedAt      time.Time `json:"published_at"`
	ClaimCreatedAt   time.Time `json:"claim_created_at"`
	// RetractedAt is set when the desk withdrew the check (reopened, then
	// rejected): the page stays, with the notice and its reason.
	RetractedAt      *time.Time `json:"retracted_at"`
	RetractionReason string     `json:"retraction_reason"`
}

// TableName keeps the table name explicit rather than inflected.
func (Publication) TableName() string { return "publications" }

// Updated reports whether a correction has republished the check since it
// first appeared.
func (p Publication) Updated() bool { return !p.PublishedAt.Equal(p.FirstPublishedAt) }

// Correction is a dated note left when a reopened claim is confirmed again.
type Correction struct {
	ID         int64     `json:"id" gorm:"primaryKey"`
	ClaimID    int64     `json:"claim_id"`
	OldVerdict Verdict   `json:"old_verdict"`
	NewVerdict Verdict   `json:"new_verdict"`
	Reason     string    `json:"reason"`
	At         time.Time `json:"at"`
}

// TableName keeps the table name explicit rather than inflected.
func (Correction) TableName() string { return "corrections" }
