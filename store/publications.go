package store

import (
	"context"
	"fmt"

	"github.com/factdesk/factdesk/models"
)

// Publication loads the public record of a claim; not found when the claim
// was never confirmed.
func (q queries) Publication(ctx context.Context, claimID int64) (*models.Publication, error) {
	var ps []models.Publication
	if err := q.db.WithContext(ctx).Where("claim_id = ?", claimID).Limit(1).Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("store: load publication of %d: %w", claimID, err)
	}
	if len(ps) == 0 {
		return nil, models.Errorf(models.ENotFound, "no published fact check %d", claimID)
	}
	return &ps[0], nil
}

// SavePublication inserts or replaces a claim's public record.
func (tx *Tx) SavePublication(ctx context.Context, p *models.Publication) error {
	if err := tx.db.WithContext(ctx).Save(p).Error; err != nil {
		return fmt.Errorf("store: save publication of %d: %w", p.ClaimID, err)
	}
	return tx.PublicChanged(ctx)
}

// PublicChannel is the notification channel that says what the public
// pages show may have changed: every process empties its cache of rendered
// public pages when it hears it (handlers/public). The payload is empty.
const PublicChannel = "factdesk_public"

// PublicChanged tells every process, once the transaction commits, that the
// public pages may have changed. The writes of public data here call it
// themselves (publications, retractions, desk settings, checkpoints,
// outlets, people's names); call
// it from any other transaction that changes what a public page shows, such
// as the desk's public branding. PostgreSQL folds repeated calls within one
// transaction into one notification.
func (tx *Tx) PublicChanged(ctx context.Context) error {
	if tx.publicChanged {
		return nil
	}
	tx.publicChanged = true
	return tx.Notify(ctx, PublicChannel, "")
}

// Corrections lists a claim's corrections, oldest first.
func (q queries) Corrections(ctx context.Context, claimID int64) ([]models.Correction, error) {
	var out []models.Correction
	if err := q.db.WithContext(ctx).Where("claim_id = ?", claimID).Order("at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: corrections of %d: %w", claimID, err)
	}
	return out, nil
}

// AddCorrection records a correction.
func (tx *Tx) AddCorrection(ctx context.Context, c *models.Correction) error {
	if err := tx.db.WithContext(ctx).Create(c).Error; err != nil {
		return fmt.Errorf("store: record correction of %d: %w", c.ClaimID, err)
	}
	return nil
}

// ReopenReason is the comment of the claim's latest reopen, or "" when it
// was never reopened: the editor's account of what needed correcting.
func (q queries) ReopenReason(ctx context.Context, claimID int64) (string, error) {
	var comments []string
	err := q.db.WithContext(ctx).Raw(`SELECT comment FROM claim_history WHERE claim_id = ? AND kind = 'transitioned' AND action = 'reopen'
		ORDER BY seq DESC LIMIT 1`, claimID).Scan(&comments).Error
	if err != nil {
		return "", fmt.Errorf("store: reopen reason of %d: %w", claimID, err)
	}
	if len(comments) == 0 {
		return "", nil
	}
	return comments[0], nil
}

// PublishedClaim is a publication with its claim's current state.
type PublishedClaim struct {
	models.Publication
	State models.State
}

// RecentPublications lists publications, most recently (re)published
// first. A claim rejected since is listed only when its publication was
// retracted, so the feeds carry the retraction.
func (q queries) RecentPublications(ctx context.Context, limit int) ([]PublishedClaim, error) {
	var rows []PublishedClaim
	err := q.db.WithContext(ctx).Raw(`SELECT p.*, c.state FROM publications p JOIN claims c ON c.id = p.claim_id
		WHERE c.state <> 'rejected' OR p.retracted_at IS NOT NULL ORDER BY GREATEST(p.published_at, p.retracted_at) DESC, p.claim_id DESC LIMIT ?`, limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: recent publications: %w", err)
	}
	return rows, nil
}
