package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/models"
)

// Outlets lists the source registry alphabetically by domain.
func (q queries) Outlets(ctx context.Context) ([]models.Outlet, error) {
	out := []models.Outlet{}
	if err := q.db.WithContext(ctx).Order("domain").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list outlets: %w", err)
	}
	return out, nil
}

// Outlet loads one registry entry.
func (q queries) Outlet(ctx context.Context, id int64) (*models.Outlet, error) {
	var o models.Outlet
	if err := q.db.WithContext(ctx).First(&o, id).Error; err != nil {
		return nil, outletError(err, id)
	}
	return &o, nil
}

// LockOutlet loads a registry entry and locks its row until the
// transaction ends.
func (tx *Tx) LockOutlet(ctx context.Context, id int64) (*models.Outlet, error) {
	var o models.Outlet
	if err := tx.db.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).First(&o, id).Error; err != nil {
		return nil, outletError(err, id)
	}
	return &o, nil
}

// CreateOutlet inserts a registry entry; a domain already registered is a
// conflict.
func (tx *Tx) CreateOutlet(ctx context.Context, o *models.Outlet) error {
	if err := tx.db.WithContext(ctx).Create(o).Error; err != nil {
		return outletWriteError(err, o.Domain)
	}
	return nil
}

// UpdateOutlet writes o's editable fields.
func (tx *Tx) UpdateOutlet(ctx context.Context, o *models.Outlet) error {
	err := tx.db.WithContext(ctx).Model(o).Select("domain", "name", "rating", "note", "updated_at").Updates(o).Error
	if err != nil {
		return outletWriteError(err, o.Domain)
	}
	// Public pages name their sources' outlets.
	return tx.PublicChanged(ctx)
}

// DeleteOutlet removes a registry entry.
func (tx *Tx) DeleteOutlet(ctx context.Context, id int64) error {
	if err := tx.db.WithContext(ctx).Delete(&models.Outlet{}, id).Error; err != nil {
		return fmt.Errorf("store: delete outlet %d: %w", id, err)
	}
	return tx.PublicChanged(ctx)
}

// rateSQL sets each selected evidence row's outlet and rating from the most
// specific registry entry covering its host. right(...) rather than LIKE,
// so a domain's characters are never read as a pattern.
const rateSQL = `
UPDATE evidence e SET
    outlet_id = m.id,
    source_rating = COALESCE(m.rating, 'unknown')
FROM evidence e2
LEFT JOIN LATERAL (
    SELECT o.id, o.rating FROM outlets o
    WHERE e2.host = o.domain OR right(e2.host, length(o.domain) + 1) = '.' || o.domain
    ORDER BY length(o.domain) DESC
    LIMIT 1
) m ON true
WHERE e.id = e2.id AND `

// RerateDomain refreshes the rating of every evidence item whose host is
// domain or below it, after the registry entry for domain changed.
func (tx *Tx) RerateDomain(ctx context.Context, domain string) error {
	err := tx.db.WithContext(ctx).Exec(rateSQL+`(e2.host = ? OR right(e2.host, length(?) + 1) = '.' || ?)`, domain, domain, domain).Error
	if err != nil {
		return fmt.Errorf("store: re-rate evidence under %s: %w", domain, err)
	}
	return nil
}

// RateEvidence stores host as ev's host, rates ev from the registry, and
// copies the outlet and rating onto ev so the response that created it
// shows them.
func (tx *Tx) RateEvidence(ctx context.Context, ev *models.Evidence, host string) error {
	db := tx.db.WithContext(ctx)
	if err := db.Exec("UPDATE evidence SET host = ? WHERE id = ?", host, ev.ID).Error; err != nil {
		return fmt.Errorf("store: set host of evidence %d: %w", ev.ID, err)
	}
	if err := db.Exec(rateSQL+"e2.id = ?", ev.ID).Error; err != nil {
		return fmt.Errorf("store: rate evidence %d: %w", ev.ID, err)
	}
	var row struct {
		OutletID     *int64
		SourceRating string
	}
	if err := db.Raw("SELECT outlet_id, source_rating FROM evidence WHERE id = ?", ev.ID).Scan(&row).Error; err != nil {
		return fmt.Errorf("store: read rating of evidence %d: %w", ev.ID, err)
	}
	ev.OutletID, ev.SourceRating = row.OutletID, row.SourceRating
	return nil
}

func outletWriteError(err error, domain string) error {
	if isUniqueViolation(err) {
		return models.Errorf(models.EConflict, "%s is already in the source registry", domain)
	}
	return fmt.Errorf("store: write outlet %s: %w", domain, err)
}

func outletError(err error, id int64) error {
	if e := notFound(err, "source", id); e != err {
		return e
	}
	return fmt.Errorf("store: outlet %d: %w", id, err)
}
