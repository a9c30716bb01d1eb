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
			// check's result: open pages refresh.
			return e.runSeen(ctx, tx, claim)
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
