package sources

import "github.com/factdesk/factdesk/models"

// Verdict is what a check concludes about one evidence item, given what
// the previous check left on it and what the fetch found.
type Verdict struct {
	Status   Status
	Failures int
	// Excerpt is the excerpt search on the fetched text; zero when the
	// fetch did not return a page.
	Excerpt ExcerptResult
}

// Judge decides an evidence item's next status. It is pure, so every rule
// below is tested without a network or a database:
//
//   - 404 or 410: gone.
//   - any other failure: unreachable, or gone once GoneAfterFailures checks
//     in a row have failed.
//   - a 2xx page: verified when the excerpt is found or there is none;
//     otherwise changed if an earlier check had found it, else
//     excerpt_missing.
func Judge(prev *models.Evidence, f Fetch) Verdict {
	if !f.OK() {
		v := Verdict{Failures: prev.ConsecutiveFailures + 1, Status: StatusUnreachable}
		if f.Missing() || v.Failures >= GoneAfterFailures {
			v.Status = StatusGone
		}
		return v
	}
	v := Verdict{Excerpt: FindExcerpt(f.Text, prev.Excerpt)}
	switch {
	case v.Excerpt.Status != ExcerptNotFound:
		v.Status = StatusVerified
	case prev.ExcerptStatus == string(ExcerptFound) || prev.Status == string(StatusChanged):
		v.Status = StatusChanged
	default:
		v.Status = StatusExcerptMissing
	}
	return v
}

// Alerts reports whether moving from prev to next must be told to the desk
// (history entry, evidence.changed event, review flag). The first check of
// new evidence only sets a status: nothing that was relied on has changed.
func Alerts(prev, next Status) bool {
	return prev != next && prev != StatusPending && next.Alerting()
}
