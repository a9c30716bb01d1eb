package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/factdesk/factdesk/models"
)

// Session is a dashboard sign-in. The id the browser holds is never stored;
// IDHash is its SHA-256.
type Session struct {
	IDHash     []byte `gorm:"primaryKey"`
	UserID     int64
	CSRFToken  string `gorm:"column:csrf_token"`
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// TableName keeps the table name explicit rather than inflected.
func (Session) TableName() string { return "web_sessions" }

// SessionUser finds the live session with hash and its active user. A
// session of a deactivated user is treated as absent even before the
// deactivation hook has removed it. last_seen_at is written at most once a
// minute so page views do not each cost a write.
func (q queries) SessionUser(ctx context.Context, hash []byte, now time.Time) (*Session, *models.User, error) {
	var sess Session
	err := q.db.WithContext(ctx).Where("id_hash = ? AND expires_at > ?", hash, now).First(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, models.Errorf(models.EUnauthorized, "your session has ended; sign in again")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: session: %w", err)
	}
	var u models.User
	err = q.db.WithContext(ctx).Where("id = ? AND active", sess.UserID).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, models.Errorf(models.EUnauthorized, "your session has ended; sign in again")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: session user: %w", err)
	}
	if now.Sub(sess.LastSeenAt) > time.Minute {
		q.db.WithContext(ctx).Exec("UPDATE web_sessions SET last_seen_at = ? WHERE id_hash = ?", now, hash)
	}
	return &sess, &u, nil
}

// CreateSession stores a new session and, while at it, sweeps expired ones
// so the table does not grow without a separate cleanup job.
func (tx *Tx) CreateSession(ctx context.Context, s *Session) error {
	if err := tx.db.WithContext(ctx).Exec("DELETE FROM web_sessions WHERE expires_at < ?", s.CreatedAt).Error; err != nil {
		return fmt.Errorf("store: sweep sessions: %w", err)
	}
	if err := tx.db.WithContext(ctx).Create(s).Error; err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// DeleteSession ends one session (sign-out).
func (tx *Tx) DeleteSession(ctx context.Context, hash []byte) error {
	if err := tx.db.WithContext(ctx).Exec("DELETE FROM web_sessions WHERE id_hash = ?", hash).Error; err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user; it runs in the
// transaction that deactivates the user or changes their password.
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	if err := tx.db.WithContext(ctx).Exec("DELETE FROM web_sessions WHERE user_id = ?", userID).Error; err != nil {
		return fmt.Errorf("store: delete sessions of %d: %w", userID, err)
	}
	return nil
}
