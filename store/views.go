package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/models"
)

// viewColumns read a saved view with its owner's name.
const viewColumns = `v.id, v.owner_id, v.name, v.page, v.query, v.shared, v.created_at, v.updated_at, u.name AS owner_name`

// SavedViews lists the views userID sees: their own and those shared with
// the desk, their own first, then by name.
func (q queries) SavedViews(ctx context.Context, userID int64) ([]models.SavedView, error) {
	out := []models.SavedView{}
	err := q.db.WithContext(ctx).Raw(`SELECT `+viewColumns+` FROM saved_views v JOIN users u ON u.id = v.owner_id
		WHERE v.owner_id = ? OR v.shared
		ORDER BY v.owner_id <> ?, lower(v.name), v.id`, userID, userID).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: saved views of %d: %w", userID, err)
	}
	return out, nil
}

// SavedView loads one view.
func (q queries) SavedView(ctx context.Context, id int64) (*models.SavedView, error) {
	var out []models.SavedView
	err := q.db.WithContext(ctx).Raw(`SELECT `+viewColumns+` FROM saved_views v JOIN users u ON u.id = v.owner_id WHERE v.id = ?`, id).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: saved view %d: %w", id, err)
	}
	if len(out) == 0 {
		return nil, models.Errorf(models.ENotFound, "view %d not found", id)
	}
	return &out[0], nil
}

// LockSavedView loads a view and locks its row until the transaction ends.
func (tx *Tx) LockSavedView(ctx context.Context, id int64) (*models.SavedView, error) {
	var v models.SavedView
	if err := tx.db.WithContext(ctx).Table("saved_views").Clauses(clause.Locking{Strength: "UPDATE"}).First(&v, id).Error; err != nil {
		if e := notFound(err, "view", id); e != err {
			return nil, e
		}
		return nil, fmt.Errorf("store: lock saved view %d: %w", id, err)
	}
	return &v, nil
}

// CreateSavedView inserts v; a name the owner already uses is a conflict.
func (tx *Tx) CreateSavedView(ctx context.Context, v *models.SavedView) error {
	err := tx.db.WithContext(ctx).Table("saved_views").Select("owner_id", "name", "page", "query", "shared", "created_at", "updated_at").Create(v).Error
	return viewWriteError(err, v)
}

// UpdateSavedView writes v's name, filter and sharing.
func (tx *Tx) UpdateSavedView(ctx context.Context, v *models.SavedView) error {
	err := tx.db.WithContext(ctx).Table("saved_views").Where("id = ?", v.ID).
		Updates(map[string]any{"name": v.Name, "page": v.Page, "query": v.Query, "shared": v.Shared, "updated_at": v.UpdatedAt}).Error
	return viewWriteError(err, v)
}

// DeleteSavedView removes a view.
func (tx *Tx) DeleteSavedView(ctx context.Context, id int64) error {
	if err := tx.db.WithContext(ctx).Exec(`DELETE FROM saved_views WHERE id = ?`, id).Error; err != nil {
		return fmt.Errorf("store: delete saved view %d: %w", id, err)
	}
	return nil
}

func viewWriteError(err error, v *models.SavedView) error {
	if err == nil {
		return nil
	}
	if isUniqueViolation(err) {
		return &models.Error{Code: models.EConflict, Message: fmt.Sprintf("you already have a view named %q", v.Name),
			Fields: []models.FieldError{{Field: "name", Message: "you already have a view with this name"}}}
	}
	return fmt.Errorf("store: write saved view %q: %w", v.Name, err)
}

// SetTimeZone records the zone a user's dashboard shows times in.
func (tx *Tx) SetTimeZone(ctx context.Context, userID int64, zone string) error {
	if err := tx.db.WithContext(ctx).Exec(`UPDATE users SET time_zone = ?, updated_at = now() WHERE id = ?`, zone, userID).Error; err != nil {
		return fmt.Errorf("store: time zone of %d: %w", userID, err)
	}
	return nil
}

// CountSavedViews counts the views ownerID owns.
func (q queries) CountSavedViews(ctx context.Context, ownerID int64) (int64, error) {
	var n int64
	if err := q.db.WithContext(ctx).Raw(`SELECT count(*) FROM saved_views WHERE owner_id = ?`, ownerID).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count saved views of %d: %w", ownerID, err)
	}
	return n, nil
}
