package sources

import "github.com/factdesk/factdesk/models"

// Status is what the last check of a cited page found. It is stored in
// models.Evidence.Status as a plain string, since models cannot import this
// package.
type Status string

const (
	// StatusPending: the page has not been checked yet.
	StatusPending Status = "pending"
	// StatusVerified: the page answered 2xx and the excerpt was found, or
	// the evidence quotes nothing so there was nothing to find.
	StatusVerified Status = "verified"
	// StatusExcerptMissing: the page answered, but the quoted excerpt is not
	// in it and never was as far as the desk has seen: the quote may be
	// inaccurate, or on a part of the page the text extraction skips.
	StatusExcerptMissing Status = "excerpt_missing"
	// StatusUnreachable: the last check could not read the page (timeout,
	// refused, blocked address, too large, or a status other than 2xx,
	// 404 and 410). It may be temporary.
	StatusUnreachable Status = "unreachable"
	// StatusChanged: the excerpt was found on an earlier check and is no
	// longer on the page.
	StatusChanged Status = "changed"
	// StatusGone: the page answered 404 or 410, or could not be read on
	// GoneAfterFailures checks in a row.
	StatusGone Status = "gone"
)

// Statuses lists every status, the order the docs use.
var Statuses = []Status{StatusPending, StatusVerified, StatusExcerptMissing, StatusUnreachable, StatusChanged, StatusGone}

// Label is the status as readers and checkers see it, on the claim page
// and on the public fact check alike.
func (s Status) Label() string {
	switch s {
	case StatusVerified:
		return "Source verified"
	case StatusExcerptMissing:
		return "Quote not found on page"
	case StatusUnreachable:
		return "Currently unreachable"
	case StatusChanged:
		return "Page changed since cited"
	case StatusGone:
		return "No longer available"
	}
	return "Not yet checked"
}

// Alerting reports whether a move into s should flag the claim for review:
// the published evidence no longer says what the desk cited it for.
func (s Status) Alerting() bool { return s == StatusChanged || s == StatusGone }

// GoneAfterFailures is how many checks in a row must fail before an
// unreachable page counts as gone. Three daily checks ride out an outage of
// a day or two without crying wolf.
const GoneAfterFailures = 3

// Rating is how far the desk trusts an outlet; models defines it so the
// store can return outlets.
type Rating = models.OutletRating

// The ratings, under the names this package has always used.
const (
	RatingReliable   = models.RatingReliable
	RatingMixed      = models.RatingMixed
	RatingUnreliable = models.RatingUnreliable
	RatingUnknown    = models.RatingUnknown
)

// Ratings lists every rating from most to least trusted, unknown last.
var Ratings = models.OutletRatings
