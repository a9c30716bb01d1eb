package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"gorm.io/gorm"

	"github.com/factdesk/factdesk/models"
)

// tokenRow is one row of the token lookup: the user's columns and the
// token's, read by one statement.
type tokenRow struct {
	models.User
	TokenID        int64
	TokenScopes    models.StringArray `gorm:"type:text[]"`
	TokenRateLimit *int
	TokenLastUsed  *time.Time
	TokenExpires   time.Time
}

// TokenAuth finds the active user holding a live token, with the token:
// one indexed statement (api_tokens.token_hash is unique, users.id the
// primary key) on every authenticated API request. It writes nothing;
// TouchToken and CountTokenRequest do, and only when they must.
func (q queries) TokenAuth(ctx context.Context, hash []byte, now time.Time) (*models.User, *models.APIToken, error) {
	var row tokenRow
	err := q.db.WithContext(ctx).Raw(`
		SELECT u.*, t.id AS token_id, t.scopes AS token_scopes, t.rate_limit AS token_rate_limit,
		       t.last_used_at AS token_last_used, t.expires_at AS token_expires
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND u.active`, hash, now).
		Scan(&row).Error
	if err == nil && row.TokenID == 0 {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return nil, nil, notFound(err, "token", "")
	}
	u := row.User
	return &u, &models.APIToken{ID: row.TokenID, UserID: u.ID, Scopes: row.TokenScopes, RateLimit: row.TokenRateLimit, LastUsedAt: row.TokenLastUsed, ExpiresAt: row.TokenExpires}, nil
}

// TouchToken records a use of token id at now from ip, unless another
// process recorded one less than a minute ago. The caller calls it only
// when the lookup saw a stale last use, so a busy client costs one write a
// minute, not one per request. It is one statement, so a transaction of
// its own.
func (s *Store) TouchToken(ctx context.Context, id int64, now time.Time, ip string) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE api_tokens SET last_used_at = ?, last_used_ip = ?
		WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`, now, ip, id, now.Add(-time.Minute)).Error
	if err != nil {
		return fmt.Errorf("store: touch token %d: %w", id, err)
	}
	return nil
}

// CountTokenRequest counts one request of token id in the current minute
// of the database's clock, shared by every process, and returns the count
// including it and the time left in the minute. It is one upsert, a
// transaction of its own; tokens without a limit never call it.
func (s *Store) CountTokenRequest(ctx context.Context, id int64) (int, time.Duration, error) {
	var count int
	var left float64
	err := s.db.WithContext(ctx).Raw(`
		INSERT INTO api_token_rates AS r (token_id, window_start, count)
		VALUES (?, date_trunc('minute', now()), 1)
		ON CONFLICT (token_id) DO UPDATE SET
			count        = CASE WHEN r.window_start = excluded.window_start THEN r.count + 1 ELSE 1 END,
			window_start = excluded.window_start
		RETURNING count, extract(epoch FROM window_start + interval '1 minute' - now())::float8`, id).
		Row().Scan(&count, &left)
	if err != nil {
		return 0, 0, fmt.Errorf("store: count request of token %d: %w", id, err)
	}
	return count, time.Duration(math.Ceil(left)) * time.Second, nil
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

// IntegrationToken is an integration token as admins see it: never its
// hash, with the names of its account and of the admin who issued it.
type IntegrationToken struct {
	models.APIToken
	UserName      string
	UserRole      models.Role
	UserActive    bool
	CreatedByName string
}

const integrationTokenSelect = `SELECT t.id, t.user_id, t.name, t.created_at, t.expires_at, t.last_used_at,
	t.revoked_at, t.scopes, t.rate_limit, t.created_by, t.last_used_ip, u.name AS user_name, u.role AS user_role, u.active AS user_active,
	coalesce(c.name, '') AS created_by_name
	FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN users c ON c.id = t.created_by
	WHERE t.scopes IS NOT NULL`

// IntegrationTokens lists every integration token, newest first.
func (q queries) IntegrationTokens(ctx context.Context) ([]IntegrationToken, error) {
	var out []IntegrationToken
	if err := q.db.WithContext(ctx).Raw(integrationTokenSelect + ` ORDER BY t.id DESC`).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("store: integration tokens: %w", err)
	}
	return out, nil
}

// IntegrationTokenByID loads one integration token.
func (q queries) IntegrationTokenByID(ctx context.Context, id int64) (*IntegrationToken, error) {
	var out []IntegrationToken
	if err := q.db.WithContext(ctx).Raw(integrationTokenSelect+` AND t.id = ?`, id).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("store: integration token %d: %w", id, err)
	}
	if len(out) == 0 {
		return nil, models.Errorf(models.ENotFound, "token %d not found", id)
	}
	return &out[0], nil
}

// RevokeToken revokes integration token id at now; revoking it again
// keeps the first time. It reports whether the token exists.
func (tx *Tx) RevokeToken(ctx context.Context, id int64, now time.Time) error {
	res := tx.db.WithContext(ctx).Exec(`UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?)
		WHERE id = ? AND scopes IS NOT NULL`, now, id)
	if res.Error != nil {
		return fmt.Errorf("store: revoke token %d: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return models.Errorf(models.ENotFound, "token %d not found", id)
	}
	return nil
}
