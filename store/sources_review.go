package store

import (
	"context"
	"fmt"
	"time"

	"github.com/factdesk/factdesk/models"
)

// SourceAlert is a confirmed claim whose cited evidence changed or
// disappeared after its last confirmation: the published check may no
// longer stand and an editor should look at it.
type SourceAlert struct {
	ClaimID int64        `json:"claim_id"`
	Text    string       `json:"text"`
	State   models.State `json:"state"`
	// EvidenceIDs are the items now changed or gone.
	EvidenceIDs []int64   `json:"evidence_ids"`
	Since       time.Time `json:"since"`
}

// needsReviewSQL selects the evidence behind a source alert. A re-confirm
// clears the flag: the editor who confirms again has seen the change.
const needsReviewSQL = `
	FROM claims c
	JOIN evidence e ON e.claim_id = c.id AND e.status IN ('changed', 'gone')
	WHERE c.state = 'confirmed'
	  AND e.status_changed_at > COALESCE((
	      SELECT max(h.at) FROM claim_history h
	      WHERE h.claim_id = c.id AND h.kind = 'transitioned' AND h.action = 'confirm'), '-infinity')`

// sourceAlertRow is a SourceAlert as scanned.
type sourceAlertRow struct {
	ClaimID     int64
	Text        string
	State       models.State
	EvidenceIDs int64Array `gorm:"column:evidence_ids"`
	Since       time.Time
}

// SourceAlerts lists confirmed claims needing review because of their
// sources, most recent change first. The overview and the board show it.
func (q queries) SourceAlerts(ctx context.Context, limit int) ([]SourceAlert, error) {
	if limit <= 0 || limit > MaxPageSize {
		limit = 50
	}
	var rows []sourceAlertRow
	err := q.db.WithContext(ctx).Raw(`
	SELECT c.id AS claim_id, c.text, c.state, array_agg(e.id ORDER BY e.id) AS evidence_ids, max(e.status_changed_at) AS since`+
		needsReviewSQL+`
	GROUP BY c.id
	ORDER BY since DESC, c.id DESC
	LIMIT ?`, limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: source alerts: %w", err)
	}
	out := make([]SourceAlert, len(rows))
	for i, r := range rows {
		out[i] = SourceAlert{ClaimID: r.ClaimID, Text: r.Text, State: r.State, EvidenceIDs: []int64(r.EvidenceIDs), Since: r.Since}
	}
	return out, nil
}

// NeedsSourceReview reports which of claimIDs carry a source alert, for
// marking cards on the board in one query.
func (q queries) NeedsSourceReview(ctx context.Context, claimIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(claimIDs) == 0 {
		return out, nil
	}
	var ids []int64
	err := q.db.WithContext(ctx).Raw(`SELECT DISTINCT c.id`+needsReviewSQL+` AND c.id IN ?`, claimIDs).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: needs source review: %w", err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
