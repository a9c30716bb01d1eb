package live

import (
	"strconv"

	"github.com/factdesk/factdesk/models"
)

// A stamp names the state a page was drawn from. The page hands it back
// when its event stream opens, and the stream sends a change at once if
// the desk has moved on since: a change committed between the page's
// render and the stream's first open would otherwise not show until the
// next change. Stamps are compared for equality only.

// ClaimStamp stamps what a claim's page shows: the number of its newest
// history entry (every recorded change has one; a comment or new evidence
// does not bump the version) and the newest source check of its evidence,
// which changes the page without one (Seen). c must hold its evidence.
func ClaimStamp(c *models.Claim) string {
	var checked int64
	for _, e := range c.Evidence {
		if e.FetchedAt != nil {
			checked = max(checked, e.FetchedAt.UnixMicro())
		}
	}
	return "s" + strconv.Itoa(c.LastSeq) + "." + strconv.FormatInt(checked, 10)
}

// DeskStamp stamps a page that shows the whole desk, such as the board:
// the newest history entry's id. An entry that took its id before a later
// one and committed after it goes unseen until the next change; the
// window is a transaction's commit and the board also refreshes on any
// change.
func DeskStamp(latestHistoryID int64) string {
	return "h" + strconv.FormatInt(latestHistoryID, 10)
}
