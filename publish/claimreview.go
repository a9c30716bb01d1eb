package publish

import (
	"encoding/json"
	"time"

	"github.com/factdesk/factdesk/models"
)

// ClaimReview is schema.org's ClaimReview as Google documents it for fact
// checks (developers.google.com/search/docs/appearance/structured-data/factcheck).
// The struct fixes the field order so the output is stable.
type ClaimReview struct {
	Context       string       `json:"@context"`
	Type          string       `json:"@type"`
	URL           string       `json:"url"`
	ClaimReviewed string       `json:"claimReviewed"`
	DatePublished string       `json:"datePublished"`
	DateModified  string       `json:"dateModified,omitempty"`
	Author        Organization `json:"author"`
	ReviewRating  Rating       `json:"reviewRating"`
	ItemReviewed  Claim        `json:"itemReviewed"`
	// Citation lists the public sources, each with the desk's archived
	// copy (schema.org archivedAt) when the desk captured the page.
	Citation []CreativeWork `json:"citation,omitempty"`
}

// Organization is the publisher of the fact check.
type Organization struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Rating is the verdict. AlternateName is always set; the numbers only when
// the verdict sits on the true–false scale (see RatingValue).
type Rating struct {
	Type          string `json:"@type"`
	RatingValue   int    `json:"ratingValue,omitempty"`
	BestRating    int    `json:"bestRating,omitempty"`
	WorstRating   int    `json:"worstRating,omitempty"`
	AlternateName string `json:"alternateName"`
}

// Claim is the statement reviewed.
type Claim struct {
	Type          string         `json:"@type"`
	Author        *Person        `json:"author,omitempty"`
	DatePublished string         `json:"datePublished"`
	Appearance    []CreativeWork `json:"appearance,omitempty"`
}

// Person is who made the claim. Claimants may be people or organisations;
// the desk does not record which, and Person is the common case.
type Person struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// CreativeWork is a place the claim appeared, or a source the review
// cites (with its name and archived copy).
type CreativeWork struct {
	Type       string `json:"@type"`
	URL        string `json:"url"`
	Name       string `json:"name,omitempty"`
	ArchivedAt string `json:"archivedAt,omitempty"`
}

// Scale of reviewRating: 1 is false, 5 is true, as Google's documentation
// suggests.
const (
	BestRating  = 5
	WorstRating = 1
)

// RatingValue maps a verdict onto the 1–5 scale:
//
//	true 5, mostly_true 4, half_true 3, mostly_false 2, misleading 2, false 1.
//
// Misleading sits with mostly false: the facts may be right but the
// impression they leave is wrong. Unverifiable has no place on a scale of
// truthfulness: 3 would say "half true", which the desk did not find. It
// returns 0 for it, and the JSON-LD carries only alternateName
// "Unverifiable", which Google accepts.
func RatingValue(v models.Verdict) int {
	switch v {
	case models.VerdictTrue:
		return 5
	case models.VerdictMostlyTrue:
		return 4
	case models.VerdictHalfTrue:
		return 3
	case models.VerdictMostlyFalse, models.VerdictMisleading:
		return 2
	case models.VerdictFalse:
		return 1
	}
	return 0
}

// BuildClaimReview makes the JSON-LD of a publication. url is the absolute
// address of its public page.
func BuildClaimReview(p *Publication, url string, publisher Organization) ClaimReview {
	r := Rating{Type: "Rating", AlternateName: p.Verdict.Label()}
	if n := RatingValue(p.Verdict); n > 0 {
		r.RatingValue, r.BestRating, r.WorstRating = n, BestRating, WorstRating
	}
	// The desk does not record when the claim was first made; the day it
	// logged the claim is the closest date it has, and never later than the
	// truth by more than the desk's reaction time.
	item := Claim{Type: "Claim", DatePublished: isoDate(p.ClaimCreatedAt)}
	if p.Claimant != "" {
		item.Author = &Person{Type: "Person", Name: p.Claimant}
	}
	if p.SourceURL != "" {
		item.Appearance = []CreativeWork{{Type: "CreativeWork", URL: p.SourceURL}}
	}
	cr := ClaimReview{
		Context: "https://schema.org", Type: "ClaimReview", URL: url,
		ClaimReviewed: p.Text, DatePublished: isoDate(p.FirstPublishedAt),
		Author: publisher, ReviewRating: r, ItemReviewed: item,
	}
	if !p.PublishedAt.Equal(p.FirstPublishedAt) {
		cr.DateModified = isoDate(p.PublishedAt)
	}
	return cr
}

func isoDate(t time.Time) string { return t.UTC().Format("2006-01-02") }

// MarshalScriptSafe encodes v for a <script> element. encoding/json
// already writes <, > and & as \u003c, \u003e and \u0026, and U+2028 and
// U+2029 escaped, so no claim text can close the element or open a
// comment; this function exists so the reason is written down once.
func MarshalScriptSafe(v any) ([]byte, error) { return json.Marshal(v) }
