package workflow

import (
	"context"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// EvidenceJudge decides what a source check means for an evidence item,
// given the row as it is once locked. It runs inside the transaction, so it
// must not do I/O; the fetch happens before.
type EvidenceJudge func(prev models.Evidence) EvidenceCheck

// EvidenceCheck is the outcome of one source check.
type EvidenceCheck struct {
	// Evidence is the row as the check leaves it.
	Evidence models.Evidence
	// Snapshot is the page's readable text to keep; nil when the fetch
	// read nothing.
	Snapshot *store.Snapshot
	// Capture is the fetch kept as WARC records (with its timestamps and
	// quote anchor); nil when no page was read.
	Capture *store.Capture
	// Alert, when set, is the evidence_changed entry telling the desk that
	// cited evidence changed or disappeared. Its At is the time of the
	// fetch, which is when the change was seen.
	Alert *models.HistoryEntry
}

// RecordEvidenceCheck writes the result of a source check on one evidence
// item of claimID in one transaction. It takes the claim's lock, then the
// evidence row's, and judges against the row as it is by then, so two
// concurrent checks cannot both raise one alert. An alert is recorded in
// the claim's history and runs the change hooks like any other change;
// any other result runs the OnSeen hooks, so open pages show it.
func (e *Engine) RecordEvidenceCheck(ctx context.Context, claimID, evidenceID int64, judge EvidenceJudge) (*models.Evidence, *models.HistoryEntry, error) {
	var out EvidenceCheck
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		claim, err := tx.LockClaim(ctx, claimID)
		if err != nil {
			return err
		}
		prev, err := tx.LockEvidence(ctx, evidenceID)
		if err != nil {
			return err
		}
		out = judge(*prev)
		if err := tx.SaveEvidenceCheck(ctx, &out.Evidence); err != nil {
			return err
		}
		if out.Snapshot != nil {
			if err := tx.SaveSnapshot(ctx, out.Snapshot); err != nil {
				return err
			}
		}
		if out.Capture != nil {
			if err := tx.SaveCapture(ctx, out.Capture); err != nil {
				return err
			}
		}
		if out.Alert == nil {
			// Nothing for the history, but the claim's page shows the
			// check's result: open pages refresh when it reads
			// differently (not on every unchanged daily recheck).
			if checkShows(*prev, out.Evidence) {
				return e.runSeen(ctx, tx, claim)
			}
			return nil
		}
		out.Alert.Kind = models.HistoryEvidenceChanged
		if err := tx.AppendHistory(ctx, claim, out.Alert); err != nil {
			return err
		}
		return e.runHooks(ctx, tx, Change{Claim: claim, Entry: out.Alert, Evidence: &out.Evidence})
	})
	if err != nil {
		return nil, nil, err
	}
	return &out.Evidence, out.Alert, nil
}

// checkShows reports whether a check's result changes what the claim page
// says of the item: the first check, or a new status, HTTP status, error,
// page title, address or quote finding.
func checkShows(prev, now models.Evidence) bool {
	return prev.FetchedAt == nil || prev.Status != now.Status || !equalPtr(prev.HTTPStatus, now.HTTPStatus) ||
		prev.FetchError != now.FetchError || prev.FetchDetail != now.FetchDetail || prev.PageTitle != now.PageTitle ||
		prev.FinalURL != now.FinalURL || prev.ExcerptStatus != now.ExcerptStatus
}

func equalPtr[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
