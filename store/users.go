package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/models"
)

// User loads one user.
func (q queries) User(ctx context.Context, id int64) (*models.User, error) {
	var u models.User
	if err := q.db.WithContext(ctx).First(&u, id).Error; err != nil {
		return nil, fmt.Errorf("store: user %d: %w", id, notFound(err, "user", id))
	}
	return &u, nil
}

// UserByEmail loads a user by email, ignoring case.
func (q queries) UserByEmail(ctx context.Context, email string) (*models.User, error) {
	var u models.User
	err := q.db.WithContext(ctx).Where("lower(email) = lower(?)", email).First(&u).Error
	if err != nil {
		return nil, fmt.Errorf("store: user by email: %w", notFound(err, "user", email))
	}
	return &u, nil
}

// Users lists every user, oldest first.
func (q queries) Users(ctx context.Context) ([]models.User, error) {
	var us []models.User
	if err := q.db.WithContext(ctx).Order("id").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return us, nil
}

// CountUsers tells whether the desk has been set up yet.
func (q queries) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := q.db.WithContext(ctx).Model(&models.User{}).Count(&n).Error
	return n, err
}

// UserByToken finds the active user holding a live token and marks the
// token used. last_used_at is only written when it is a minute stale, so a
// busy API client does not turn every read into a write.
func (q queries) UserByToken(ctx context.Context, hash []byte, now time.Time) (*models.User, error) {
	var u models.User
	err := q.db.WithContext(ctx).
		Joins("JOIN api_tokens t ON t.user_id = users.id").
		Where("t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND users.active", hash, now).
		First(&u).Error
	if err != nil {
		return nil, notFound(err, "token", "")
	}
	q.db.WithContext(ctx).Exec(`UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?
		AND (last_used_at IS NULL OR last_used_at < ?)`, now, hash, now.Add(-time.Minute))
	return &u, nil
}

// CreateUser inserts u; a taken email is a conflict.
func (tx *Tx) CreateUser(ctx context.Context, u *models.User) error {
	err := tx.db.WithContext(ctx).Create(u).Error
	if isUniqueViolation(err) {
		return models.Errorf(models.EConflict, "a user with email %s already exists", u.Email)
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

// LockUser loads a user for update.
func (tx *Tx) LockUser(ctx context.Context, id int64) (*models.User, error) {
	var u models.User
	err := tx.db.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).First(&u, id).Error
	if err != nil {
		return nil, fmt.Errorf("store: lock user %d: %w", id, notFound(err, "user", id))
	}
	return &u, nil
}

// SaveUser writes the role, name, active flag and password hash of u.
func (tx *Tx) SaveUser(ctx context.Context, u *models.User) error {
	err := tx.db.WithContext(ctx).Model(u).
		Select("name", "role", "active", "password_hash", "updated_at").
		Updates(map[string]any{"name": u.Name, "role": u.Role, "active": u.Active, "password_hash": u.PasswordHash, "updated_at": gorm.Expr("now()")}).Error
	if err != nil {
		return fmt.Errorf("store: save user %d: %w", u.ID, err)
	}
	// A byline on a public page may name them.
	return tx.PublicChanged(ctx)
}

// CreateToken stores a token's hash.
func (tx *Tx) CreateToken(ctx context.Context, t *models.APIToken) error {
	if err := tx.db.WithContext(ctx).Create(t).Error; err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// RevokeTokens revokes every live token of a user.
func (tx *Tx) RevokeTokens(ctx context.Context, userID int64, now time.Time) error {
	err := tx.db.WithContext(ctx).Model(&models.APIToken{}).
		Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", now).Error
	if err != nil {
		return fmt.Errorf("store: revoke tokens of %d: %w", userID, err)
	}
	return nil
}

// CountActiveAdmins counts admins who can still sign in.
func (q queries) CountActiveAdmins(ctx context.Context) (int64, error) {
	var n int64
	err := q.db.WithContext(ctx).Model(&models.User{}).Where("role = ? AND active", models.RoleAdmin).Count(&n).Error
	return n, err
}
