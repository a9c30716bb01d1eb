package live_test

import (
	"testing"
	"time"

	"github.com/factdesk/factdesk/live"
	"github.com/factdesk/factdesk/models"
)

// TestClaimStamp: the stamp moves with every history entry and with a
// source check, which changes the page without an entry, and only then.
func TestClaimStamp(t *testing.T) {
	t.Parallel()
	checked := time.Date(2026, 5, 3, 10, 0, 0, 0, time.UTC)
	claim := models.Claim{LastSeq: 3, Version: 2, Evidence: []models.Evidence{{}, {FetchedAt: &checked}}}
	base := live.ClaimStamp(&claim)
	same := claim
	same.Evidence = []models.Evidence{{}, {FetchedAt: &checked}}
	if got := live.ClaimStamp(&same); got != base {
		t.Errorf("same claim: %s, want %s", got, base)
	}
	commented := claim
	commented.LastSeq++
	later := checked.Add(time.Microsecond)
	rechecked := claim
	rechecked.Evidence = []models.Evidence{{FetchedAt: &later}, {FetchedAt: &checked}}
	for name, c := range map[string]models.Claim{"new history entry": commented, "new source check": rechecked} {
		if got := live.ClaimStamp(&c); got == base {
			t.Errorf("%s: stamp %s did not move", name, got)
		}
	}
	if live.DeskStamp(41) == live.DeskStamp(42) {
		t.Error("desk stamps of two history entries are equal")
	}
}
