package models

import (
	"slices"
	"time"
)

// OutletRating is how far the desk trusts an outlet.
type OutletRating string

const (
	// RatingReliable: the outlet has a record of accuracy and corrections.
	RatingReliable OutletRating = "reliable"
	// RatingMixed: sometimes accurate, sometimes not; corroborate.
	RatingMixed OutletRating = "mixed"
	// RatingUnreliable: known for fabrication or distortion; never cite
	// alone.
	RatingUnreliable OutletRating = "unreliable"
	// RatingUnknown: not assessed. Evidence whose host matches no registry
	// entry is shown as unknown too.
	RatingUnknown OutletRating = "unknown"
)

// OutletRatings lists every rating from most to least trusted, unknown last.
var OutletRatings = []OutletRating{RatingReliable, RatingMixed, RatingUnreliable, RatingUnknown}

// Valid reports whether r is a known rating.
func (r OutletRating) Valid() bool { return slices.Contains(OutletRatings, r) }

// Outlet is one entry of the source registry: a domain the editors have
// rated. It matches the domain itself and every host below it, so
// "example.org" rates news.example.org too, while a more specific entry
// ("blogs.example.org") wins over it.
type Outlet struct {
	ID        int64        `json:"id" gorm:"primaryKey"`
	Domain    string       `json:"domain"`
	Name      string       `json:"name"`
	Rating    OutletRating `json:"rating"`
	Note      string       `json:"note"`
	CreatedBy int64        `json:"created_by"`
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// TableName keeps the table name explicit rather than inflected.
func (Outlet) TableName() string { return "outlets" }
