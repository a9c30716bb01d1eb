package store

import (
	"context"
	"fmt"
	"time"

	"github.com/factdesk/factdesk/models"
)

// ModelVersion is a check-worthiness model stored for this desk.
type ModelVersion struct {
	Version   string
	Model     []byte
	Report    string
	Active    bool
	CreatedAt time.Time
}

// SaveModelVersion stores a model as inactive; a version already stored is
// a conflict.
func (tx *Tx) SaveModelVersion(ctx context.Context, version string, model []byte, report string) error {
	res := tx.db.WithContext(ctx).Exec(`INSERT INTO model_versions (version, model, report) VALUES (?, ?::jsonb, ?)
		ON CONFLICT (version) DO NOTHING`, version, string(model), report)
	if res.Error != nil {
		return fmt.Errorf("store: save model version: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return models.Errorf(models.EConflict, "model version %q is already stored", version)
	}
	return nil
}

// ActivateModelVersion makes version the one active model.
func (tx *Tx) ActivateModelVersion(ctx context.Context, version string) error {
	var n int64
	if err := tx.db.WithContext(ctx).Raw(`SELECT count(*) FROM model_versions WHERE version = ?`, version).Scan(&n).Error; err != nil {
		return fmt.Errorf("store: find model version: %w", err)
	}
	if n == 0 {
		return models.Errorf(models.ENotFound, "no model version %q; factdesk model versions lists them", version)
	}
	if err := tx.db.WithContext(ctx).Exec(`UPDATE model_versions SET active = false WHERE active AND version <> ?`, version).Error; err != nil {
		return fmt.Errorf("store: deactivate models: %w", err)
	}
	if err := tx.db.WithContext(ctx).Exec(`UPDATE model_versions SET active = true WHERE version = ?`, version).Error; err != nil {
		return fmt.Errorf("store: activate model: %w", err)
	}
	return nil
}

// ModelVersions lists the stored models, newest first, without their
// weights.
func (q queries) ModelVersions(ctx context.Context) ([]ModelVersion, error) {
	var out []ModelVersion
	err := q.db.WithContext(ctx).Raw(`SELECT version, report, active, created_at FROM model_versions ORDER BY created_at DESC, version`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: model versions: %w", err)
	}
	return out, nil
}

// ActiveModel returns the active model's version and file, or "" and nil
// when none is active.
func (q queries) ActiveModel(ctx context.Context) (string, []byte, error) {
	var rows []struct {
		Version string
		Model   string
	}
	if err := q.db.WithContext(ctx).Raw(`SELECT version, model::text AS model FROM model_versions WHERE active`).Scan(&rows).Error; err != nil {
		return "", nil, fmt.Errorf("store: active model: %w", err)
	}
	if len(rows) == 0 {
		return "", nil, nil
	}
	return rows[0].Version, []byte(rows[0].Model), nil
}
