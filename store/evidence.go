package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/models"
)

// Evidence loads one evidence item.
func (q queries) Evidence(ctx context.Context, id int64) (*models.Evidence, error) {
	var ev models.Evidence
	if err := q.db.WithContext(ctx).First(&ev, id).Error; err != nil {
		if e := notFound(err, "evidence", id); e != err {
			return nil, e
		}
		return nil, fmt.Errorf("store: load evidence %d: %w", id, err)
	}
	return &ev, nil
}

// ClaimEvidence loads one evidence item of a claim; an item of another
// claim is not found.
func (q queries) ClaimEvidence(ctx context.Context, claimID, evidenceID int64) (*models.Evidence, error) {
	var ev models.Evidence
	err := q.db.WithContext(ctx).Where("claim_id = ?", claimID).First(&ev, evidenceID).Error
	if err != nil {
		if e := notFound(err, "evidence", evidenceID); e != err {
			return nil, models.Errorf(models.ENotFound, "evidence %d of claim %d not found", evidenceID, claimID)
		}
		return nil, fmt.Errorf("store: evidence %d: %w", evidenceID, err)
	}
	return &ev, nil
}

// LockEvidence loads an evidence item and locks its row until the
// transaction ends.
func (tx *Tx) LockEvidence(ctx context.Context, id int64) (*models.Evidence, error) {
	var ev models.Evidence
	if err := tx.db.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).First(&ev, id).Error; err != nil {
		return nil, fmt.Errorf("store: lock evidence %d: %w", id, notFound(err, "evidence", id))
	}
	return &ev, nil
}

// checkColumns are the evidence columns a source check writes.
var checkColumns = []string{
	"fetched_at", "fetch_error", "fetch_detail", "consecutive_failures", "status", "status_changed_at", "http_status",
	"final_url", "content_type", "body_sha256", "page_title", "excerpt_status", "excerpt_start", "excerpt_end",
}

// SaveEvidenceCheck writes the result of a source check held in ev (the
// fetch, status and excerpt fields). The caller holds ev's row lock and
// started from the row as locked, so fields the check left alone are
// written back unchanged.
func (tx *Tx) SaveEvidenceCheck(ctx context.Context, ev *models.Evidence) error {
	err := tx.db.WithContext(ctx).Model(&models.Evidence{ID: ev.ID}).Select(checkColumns).Updates(ev).Error
	if err != nil {
		return fmt.Errorf("store: record check of evidence %d: %w", ev.ID, err)
	}
	return nil
}

// Snapshot is the readable text of a cited page as last fetched,
// gzip-compressed.
type Snapshot struct {
	EvidenceID int64
	FetchedAt  time.Time
	BodySHA256 string `gorm:"column:body_sha256"`
	TextGz     []byte
	// TextBytes is the length of the uncompressed text.
	TextBytes int
}

// SaveSnapshot keeps s as its evidence item's one snapshot, replacing the
// previous one.
func (tx *Tx) SaveSnapshot(ctx context.Context, s *Snapshot) error {
	err := tx.db.WithContext(ctx).Exec(`
		INSERT INTO evidence_snapshots (evidence_id, fetched_at, body_sha256, text_gz, text_bytes)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (evidence_id) DO UPDATE SET fetched_at = EXCLUDED.fetched_at,
			body_sha256 = EXCLUDED.body_sha256, text_gz = EXCLUDED.text_gz, text_bytes = EXCLUDED.text_bytes`,
		s.EvidenceID, s.FetchedAt, s.BodySHA256, s.TextGz, s.TextBytes).Error
	if err != nil {
		return fmt.Errorf("store: save snapshot of evidence %d: %w", s.EvidenceID, err)
	}
	return nil
}

// Snapshot returns an evidence item's snapshot; not found until a check has
// read the page successfully.
func (q queries) Snapshot(ctx context.Context, evidenceID int64) (*Snapshot, error) {
	var row Snapshot
	res := q.db.WithContext(ctx).Raw(`SELECT evidence_id, fetched_at, body_sha256, text_gz, text_bytes
		FROM evidence_snapshots WHERE evidence_id = ?`, evidenceID).Scan(&row)
	if res.Error != nil {
		return nil, fmt.Errorf("store: snapshot of %d: %w", evidenceID, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, models.Errorf(models.ENotFound, "evidence %d has no snapshot yet: its page has not been read successfully", evidenceID)
	}
	return &row, nil
}

// EvidenceDueForCheck lists evidence of confirmed claims last checked
// before the given time (or never), the longest unchecked first, at most
// limit.
func (q queries) EvidenceDueForCheck(ctx context.Context, before time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := q.db.WithContext(ctx).Raw(`
		SELECT e.id FROM evidence e JOIN claims c ON c.id = e.claim_id
		WHERE c.state = 'confirmed' AND e.retracted_at IS NULL AND (e.fetched_at IS NULL OR e.fetched_at < ?)
		ORDER BY e.fetched_at NULLS FIRST, e.id
		LIMIT ?`, before, limit).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: find evidence due for a check: %w", err)
	}
	return ids, nil
}
