package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SealedSecrets is one endpoint's encrypted signing secrets.
type SealedSecrets struct {
	ID        int64
	Sealed    []byte
	OldSealed []byte
}

// LockWebhookSecrets reads every endpoint's sealed secrets, locking the
// rows so no secret is rotated while they are re-sealed.
func (tx *Tx) LockWebhookSecrets(ctx context.Context) ([]SealedSecrets, error) {
	rows, err := tx.db.WithContext(ctx).Raw(`
		SELECT id, secret_sealed, old_secret_sealed FROM webhook_endpoints ORDER BY id FOR UPDATE`).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SealedSecrets
	for rows.Next() {
		var s SealedSecrets
		if err := rows.Scan(&s.ID, &s.Sealed, &s.OldSealed); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ResealWebhookSecrets stores an endpoint's secrets sealed under a new key;
// it leaves updated_at alone, since the secrets themselves did not change.
func (tx *Tx) ResealWebhookSecrets(ctx context.Context, s SealedSecrets) error {
	var old any
	if s.OldSealed != nil {
		old = s.OldSealed
	}
	return tx.db.WithContext(ctx).Exec(`UPDATE webhook_endpoints SET secret_sealed = ?, old_secret_sealed = ? WHERE id = ?`,
		s.Sealed, old, s.ID).Error
}

// StoredWebhookKey is the sealing key kept in the database, or nil when
// the desk has none there (it is configured by FACTDESK_SECRET_KEY).
func (tx *Tx) StoredWebhookKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := tx.db.WithContext(ctx).Raw("SELECT key FROM webhook_keys WHERE id = 1 FOR UPDATE").Row().Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read secret key: %w", err)
	}
	return key, nil
}

// ReplaceWebhookKey stores key as the database's sealing key.
func (tx *Tx) ReplaceWebhookKey(ctx context.Context, key []byte) error {
	return tx.db.WithContext(ctx).Exec(`INSERT INTO webhook_keys (id, key) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET key = excluded.key, created_at = now()`, key).Error
}
