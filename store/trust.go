package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/models"
)

// DeskSettings loads the desk's settings (the one row the migration adds).
func (q queries) DeskSettings(ctx context.Context) (*models.DeskSettings, error) {
	var s models.DeskSettings
	if err := q.db.WithContext(ctx).First(&s, 1).Error; err != nil {
		return nil, fmt.Errorf("store: desk settings: %w", err)
	}
	return &s, nil
}

// SaveDeskSettings writes the desk's settings.
func (tx *Tx) SaveDeskSettings(ctx context.Context, s *models.DeskSettings) error {
	s.ID = 1
	err := tx.db.WithContext(ctx).Model(s).Select("bylines", "prepublish", "updated_at").Updates(s).Error
	if err != nil {
		return fmt.Errorf("store: save desk settings: %w", err)
	}
	// Bylines show on public pages.
	return tx.PublicChanged(ctx)
}

// LockClaimEvidence locks one evidence item of a claim; an item of another
// claim is not found. The claim must be locked first by this transaction.
func (tx *Tx) LockClaimEvidence(ctx context.Context, claimID, evidenceID int64) (*models.Evidence, error) {
	var ev models.Evidence
	err := tx.db.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("claim_id = ?", claimID).First(&ev, evidenceID).Error
	if err != nil {
		return nil, fmt.Errorf("store: lock evidence %d: %w", evidenceID, notFound(err, "evidence", evidenceID))
	}
	return &ev, nil
}

// editColumns are the evidence columns a correction writes: what the desk
// says about the source, and the check state an excerpt change resets.
var editColumns = []string{"title", "stance", "excerpt", "note", "internal", "version", "status", "status_changed_at",
	"excerpt_status", "excerpt_start", "excerpt_end"}

// SaveEvidenceEdit writes a corrected evidence item held in ev, bumping its
// version. The caller holds the row's lock.
func (tx *Tx) SaveEvidenceEdit(ctx context.Context, ev *models.Evidence) error {
	ev.Version++
	err := tx.db.WithContext(ctx).Model(&models.Evidence{ID: ev.ID}).Select(editColumns).Updates(ev).Error
	if err != nil {
		return fmt.Errorf("store: edit evidence %d: %w", ev.ID, err)
	}
	return nil
}

// RetractEvidence marks ev withdrawn, bumping its version. The caller holds
// the row's lock and has set the retraction fields.
func (tx *Tx) RetractEvidence(ctx context.Context, ev *models.Evidence) error {
	ev.Version++
	err := tx.db.WithContext(ctx).Model(&models.Evidence{ID: ev.ID}).
		Select("retracted_at", "retracted_by", "retraction_reason", "version").Updates(ev).Error
	if err != nil {
		return fmt.Errorf("store: retract evidence %d: %w", ev.ID, err)
	}
	return nil
}

// ActiveEvidence lists a claim's evidence that is not retracted, in order.
func (q queries) ActiveEvidence(ctx context.Context, claimID int64) ([]models.Evidence, error) {
	var out []models.Evidence
	err := q.db.WithContext(ctx).Where("claim_id = ? AND retracted_at IS NULL", claimID).Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: evidence of %d: %w", claimID, err)
	}
	return out, nil
}

// ChangersSinceProposal lists who changed the claim's text, claimant,
// source URL or evidence since its newest verify or dispute: four eyes asks
// that the confirming editor is none of them. Triage edits (priority, due
// date, language, tags) do not count.
func (q queries) ChangersSinceProposal(ctx context.Context, claimID int64) ([]int64, error) {
	var ids []int64
	err := q.db.WithContext(ctx).Raw(`
		SELECT DISTINCT h.actor_id FROM claim_history h
		WHERE h.claim_id = ? AND h.actor_id IS NOT NULL
		  AND (h.kind IN ('evidence_added', 'evidence_edited', 'evidence_retracted')
		       OR h.kind = 'updated' AND jsonb_exists_any(h.details->'changed', array['text', 'claimant', 'source_url']))
		  AND h.seq > COALESCE((SELECT max(p.seq) FROM claim_history p
		         WHERE p.claim_id = ? AND p.kind = 'transitioned' AND p.action IN ('verify', 'dispute')), 0)
		ORDER BY h.actor_id`, claimID, claimID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: changers of %d: %w", claimID, err)
	}
	return ids, nil
}

// RetractPublication marks a claim's public record withdrawn. It reports
// whether the claim had one.
func (tx *Tx) RetractPublication(ctx context.Context, claimID int64, at time.Time, reason string) (bool, error) {
	res := tx.db.WithContext(ctx).Model(&models.Publication{}).Where("claim_id = ?", claimID).
		Updates(map[string]any{"retracted_at": at, "retraction_reason": reason})
	if res.Error != nil {
		return false, fmt.Errorf("store: retract publication of %d: %w", claimID, res.Error)
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	return true, tx.PublicChanged(ctx)
}

// PublicLog lists the entries of a claim's history a reader may see: its
// confirmations, reopenings and rejections, oldest first.
func (q queries) PublicLog(ctx context.Context, claimID int64) ([]models.HistoryEntry, error) {
	var hs []models.HistoryEntry
	err := q.db.WithContext(ctx).Where("claim_id = ? AND kind = 'transitioned' AND action IN ('confirm', 'reopen', 'reject')", claimID).
		Order("seq").Find(&hs).Error
	if err != nil {
		return nil, fmt.Errorf("store: public log of %d: %w", claimID, err)
	}
	return hs, nil
}

// UserNames maps user ids to display names (the email when a user has no
// name), for bylines.
func (q queries) UserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	var us []models.User
	if len(ids) == 0 {
		return map[int64]string{}, nil
	}
	if err := q.db.WithContext(ctx).Select("id", "name").Where("id IN ?", ids).Find(&us).Error; err != nil {
		return nil, fmt.Errorf("store: user names: %w", err)
	}
	out := make(map[int64]string, len(us))
	for _, u := range us {
		out[u.ID] = u.Name
	}
	return out, nil
}

// ArticleByKeys finds the article already imported with this URL key or
// text hash; not found when there is none.
func (q queries) ArticleByKeys(ctx context.Context, urlKey *string, textHash string) (*models.Article, error) {
	var as []models.Article
	db := q.db.WithContext(ctx).Where("text_hash = ?", textHash)
	if urlKey != nil {
		db = db.Or("url_key = ?", *urlKey)
	}
	if err := db.Order("id").Limit(1).Find(&as).Error; err != nil {
		return nil, fmt.Errorf("store: find article: %w", err)
	}
	if len(as) == 0 {
		return nil, models.Errorf(models.ENotFound, "no such article")
	}
	return &as[0], nil
}

// ImportArticle stores a, unless an article with the same URL key or text
// hash exists: then it returns that one and false. Concurrent imports of
// one article meet on the unique indexes, so exactly one row is created.
func (s *Store) ImportArticle(ctx context.Context, a *models.Article) (*models.Article, bool, error) {
	if len(a.Candidates) == 0 {
		a.Candidates = []byte("[]")
	}
	var out *models.Article
	created := false
	err := s.WithTx(ctx, func(tx *Tx) error {
		res := tx.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(a)
		if res.Error != nil {
			return fmt.Errorf("store: create article: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			out, created = a, true
			return nil
		}
		// The conflicting row committed before our insert gave up, so
		// this read sees it.
		var err error
		out, err = tx.ArticleByKeys(ctx, a.URLKey, *a.TextHash)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// LastProposer is who made the newest verify or dispute of a claim, or nil.
func (q queries) LastProposer(ctx context.Context, claimID int64) (*int64, error) {
	var ids []*int64
	err := q.db.WithContext(ctx).Raw(`SELECT actor_id FROM claim_history WHERE claim_id = ? AND kind = 'transitioned'
		AND action IN ('verify', 'dispute') ORDER BY seq DESC LIMIT 1`, claimID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: proposer of %d: %w", claimID, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids[0], nil
}
