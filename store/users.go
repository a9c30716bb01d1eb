package store

import (
	"context"
	"fmt"

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

// CreateUser inserts u; a taken email is a conflict. A user without a
// time zone reads times in UTC.
func (tx *Tx) CreateUser(ctx context.Context, u *models.User) error {
	if u.Kind == "" {
		u.Kind = models.KindPerson
	}
	if u.TimeZone == "" {
		u.TimeZone = "UTC"
	}
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

// CountActiveAdmins counts admins who can still sign in.
func (q queries) CountActiveAdmins(ctx context.Context) (int64, error) {
	var n int64
	err := q.db.WithContext(ctx).Model(&models.User{}).Where("role = ? AND active", models.RoleAdmin).Count(&n).Error
	return n, err
}
