package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/models"
)

// SaveBranding writes the branding columns of the desk's settings (name,
// colours, the logo's type and hash).
func (tx *Tx) SaveBranding(ctx context.Context, s *models.DeskSettings) error {
	s.ID = 1
	err := tx.db.WithContext(ctx).Model(s).
		Select("brand_name", "brand_color", "brand_text_color", "link_color", "logo_type", "logo_sha256", "updated_at").Updates(s).Error
	if err != nil {
		return fmt.Errorf("store: save branding: %w", err)
	}
	// Every public page carries the branding: their cached copies go.
	return tx.PublicChanged(ctx)
}

// LockDeskSettings loads the desk's settings and locks the row until the
// transaction ends, so two admins saving at once take turns.
func (tx *Tx) LockDeskSettings(ctx context.Context) (*models.DeskSettings, error) {
	var s models.DeskSettings
	if err := tx.db.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).First(&s, 1).Error; err != nil {
		return nil, fmt.Errorf("store: lock desk settings: %w", err)
	}
	return &s, nil
}

// SaveLogo stores the desk's logo, replacing any earlier one.
func (tx *Tx) SaveLogo(ctx context.Context, l *models.Logo) error {
	l.ID = 1
	err := tx.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(l).Error
	if err != nil {
		return fmt.Errorf("store: save logo: %w", err)
	}
	return nil
}

// DeleteLogo removes the desk's logo, if there is one.
func (tx *Tx) DeleteLogo(ctx context.Context) error {
	if err := tx.db.WithContext(ctx).Where("id = 1").Delete(&models.Logo{}).Error; err != nil {
		return fmt.Errorf("store: delete logo: %w", err)
	}
	return nil
}

// Logo loads the desk's logo; without one it is not found.
func (q queries) Logo(ctx context.Context) (*models.Logo, error) {
	var l models.Logo
	err := q.db.WithContext(ctx).First(&l, 1).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, models.Errorf(models.ENotFound, "the desk has no logo")
	}
	if err != nil {
		return nil, fmt.Errorf("store: logo: %w", err)
	}
	return &l, nil
}
