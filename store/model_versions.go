package store

import (
	"context"
	"fmt"
	"time"

	"github.com/factdesk/factdesk/models"
)

// ModelVersion is a check-worthiness model stored for this desk.
type ModelVersion struct {
	Version string
	Model   []byte
	Report  string
	Active  bool
	// TrainedUntil is the newest desk decision the model learned from;
	// the decisions after it are held out for measuring it. Nil for a
	// model trained on the public corpora alone.
	TrainedUntil *time.Time
	// Decisions is how many desk decisions it learned from.
	Decisions int
	CreatedBy *int64
	CreatedAt time.Time
}

// NewModelVersion is a model to store.
type NewModelVersion struct {
	Version      string
	Model        []byte
	Report       string
	TrainedUntil *time.Time
	Decisions    int
	// CreatedBy is nil for the command line and the periodic job.
	CreatedBy *int64
}

// SaveModelVersion stores a model as inactive; a version already stored is
// a conflict.
func (tx *Tx) SaveModelVersion(ctx context.Context, v NewModelVersion) error {
	res := tx.db.WithContext(ctx).Exec(`INSERT INTO model_versions (version, model, report, trained_until, decisions, created_by)
		VALUES (?, ?::jsonb, ?, ?, ?, ?)
		ON CONFLICT (version) DO NOTHING`, v.Version, string(v.Model), v.Report, v.TrainedUntil, v.Decisions, v.CreatedBy)
	if res.Error != nil {
		return fmt.Errorf("store: save model version: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return models.Errorf(models.EConflict, "model version %q is already stored", v.Version)
	}
	return nil
}

// ActivateModelVersion makes version the one active model, or, with
// version "", none (imports use the model shipped in the binary), and
// records who switched (by nil: the command line) in model_activations.
// The active row is locked first, so two switches at once queue and each
// records the model it replaced.
func (tx *Tx) ActivateModelVersion(ctx context.Context, version string, by *int64) error {
	db := tx.db.WithContext(ctx)
	var prev []string
	if err := db.Raw(`SELECT version FROM model_versions WHERE active FOR UPDATE`).Scan(&prev).Error; err != nil {
		return fmt.Errorf("store: lock the active model: %w", err)
	}
	if version != "" {
		var n int64
		if err := db.Raw(`SELECT count(*) FROM model_versions WHERE version = ?`, version).Scan(&n).Error; err != nil {
			return fmt.Errorf("store: find model version: %w", err)
		}
		if n == 0 {
			return models.Errorf(models.ENotFound, "no model version %q; factdesk model versions lists them", version)
		}
	}
	if err := db.Exec(`UPDATE model_versions SET active = false WHERE active AND version <> ?`, version).Error; err != nil {
		return fmt.Errorf("store: deactivate models: %w", err)
	}
	if version != "" {
		if err := db.Exec(`UPDATE model_versions SET active = true WHERE version = ?`, version).Error; err != nil {
			return fmt.Errorf("store: activate model: %w", err)
		}
	}
	var previous *string
	if len(prev) > 0 {
		previous = &prev[0]
	}
	if err := db.Exec(`INSERT INTO model_activations (version, previous, activated_by) VALUES (nullif(?, ''), ?, ?)`, version, previous, by).Error; err != nil {
		return fmt.Errorf("store: record model activation: %w", err)
	}
	return nil
}

// ModelVersions lists up to limit stored models (all when limit is 0),
// newest first, without their weights.
func (q queries) ModelVersions(ctx context.Context, limit int) ([]ModelVersion, error) {
	var out []ModelVersion
	sql := `SELECT version, report, active, trained_until, decisions, created_by, created_at FROM model_versions ORDER BY created_at DESC, version`
	if limit > 0 {
		sql += fmt.Sprintf(" LIMIT %d", limit)
	}
	if err := q.db.WithContext(ctx).Raw(sql).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("store: model versions: %w", err)
	}
	return out, nil
}

// ModelVersion loads one stored model with its weights.
func (q queries) ModelVersion(ctx context.Context, version string) (*ModelVersion, error) {
	var rows []struct {
		ModelVersion
		Model string
	}
	err := q.db.WithContext(ctx).Raw(`SELECT version, model::text AS model, report, active, trained_until, decisions, created_by, created_at
		FROM model_versions WHERE version = ?`, version).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: model version: %w", err)
	}
	if len(rows) == 0 {
		return nil, models.Errorf(models.ENotFound, "no model version %q", version)
	}
	v := rows[0].ModelVersion
	v.Model = []byte(rows[0].Model)
	return &v, nil
}

// ActiveModelVersion names the active model, "" for the shipped one. It
// reads one row of a tiny table, so the extractor asks before every import
// and so notices a switch made by any process.
func (q queries) ActiveModelVersion(ctx context.Context) (string, error) {
	var vs []string
	if err := q.db.WithContext(ctx).Raw(`SELECT version FROM model_versions WHERE active`).Scan(&vs).Error; err != nil {
		return "", fmt.Errorf("store: active model version: %w", err)
	}
	if len(vs) == 0 {
		return "", nil
	}
	return vs[0], nil
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

// ModelActivation is one switch of the active model.
type ModelActivation struct {
	// Version is "" for the model shipped in the binary; so is Previous.
	Version, Previous string
	// By is who switched, "" for the command line.
	By          string
	ActivatedAt time.Time
}

// ModelActivations lists the latest limit switches, newest first.
func (q queries) ModelActivations(ctx context.Context, limit int) ([]ModelActivation, error) {
	var out []ModelActivation
	err := q.db.WithContext(ctx).Raw(`SELECT coalesce(a.version, '') AS version, coalesce(a.previous, '') AS previous,
			coalesce(u.name, '') AS by, a.activated_at
		FROM model_activations a LEFT JOIN users u ON u.id = a.activated_by
		ORDER BY a.activated_at DESC, a.id DESC LIMIT ?`, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: model activations: %w", err)
	}
	return out, nil
}

// DecisionsSince counts the candidate decisions made after t (all when t
// is nil): how much the desk has taught since a model was trained.
func (q queries) DecisionsSince(ctx context.Context, t *time.Time) (int64, error) {
	var n int64
	db := q.db.WithContext(ctx).Table("candidate_decisions")
	if t != nil {
		db = db.Where("decided_at > ?", *t)
	}
	if err := db.Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count decisions: %w", err)
	}
	return n, nil
}

// LatestTrainedUntil is the newest trained_until of the stored models, nil
// when none learned from the desk.
func (q queries) LatestTrainedUntil(ctx context.Context) (*time.Time, error) {
	var t []time.Time
	if err := q.db.WithContext(ctx).Raw(`SELECT max(trained_until) FROM model_versions HAVING max(trained_until) IS NOT NULL`).Scan(&t).Error; err != nil {
		return nil, fmt.Errorf("store: latest trained model: %w", err)
	}
	if len(t) == 0 {
		return nil, nil
	}
	return &t[0], nil
}
