package store

import (
	"context"
	"fmt"
	"time"
)

// ReserveLoginAttempt counts one sign-in attempt against (scope, key) and
// returns the count including it and when the key's window closes. A window
// opens at the first attempt after the previous one closed and lasts window.
//
// The upsert leaves the row locked until tx ends, so concurrent attempts on
// one key, from any process, queue behind each other and each sees the
// count the one before it left: the limit holds however many arrive at once.
func (tx *Tx) ReserveLoginAttempt(ctx context.Context, scope string, key []byte, now time.Time, window time.Duration) (int, time.Time, error) {
	var count int
	var resetAt time.Time
	err := tx.db.WithContext(ctx).Raw(`
		INSERT INTO login_attempts AS a (scope, key, count, reset_at)
		VALUES (?, ?, 1, ?)
		ON CONFLICT (scope, key) DO UPDATE SET
			count    = CASE WHEN a.reset_at <= ? THEN 1 ELSE a.count + 1 END,
			reset_at = CASE WHEN a.reset_at <= ? THEN excluded.reset_at ELSE a.reset_at END
		RETURNING count, reset_at`,
		scope, key, now.Add(window), now, now).Row().Scan(&count, &resetAt)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: reserve login attempt: %w", err)
	}
	return count, resetAt, nil
}

// ReleaseLoginAttempt gives back one attempt reserved for (scope, key) in a
// window still open at now.
func (tx *Tx) ReleaseLoginAttempt(ctx context.Context, scope string, key []byte, now time.Time) error {
	err := tx.db.WithContext(ctx).Exec(`
		UPDATE login_attempts SET count = count - 1
		WHERE scope = ? AND key = ? AND reset_at > ? AND count > 0`, scope, key, now).Error
	if err != nil {
		return fmt.Errorf("store: release login attempt: %w", err)
	}
	return nil
}

// ClearLoginAttempts forgets every attempt counted against (scope, key).
func (tx *Tx) ClearLoginAttempts(ctx context.Context, scope string, key []byte) error {
	err := tx.db.WithContext(ctx).Exec(`DELETE FROM login_attempts WHERE scope = ? AND key = ?`, scope, key).Error
	if err != nil {
		return fmt.Errorf("store: clear login attempts: %w", err)
	}
	return nil
}

// PruneLoginAttempts deletes up to limit windows that closed before now.
// Each attempt prunes a few, so keys sprayed by an attacker do not pile up;
// rows another transaction holds are skipped rather than waited for.
func (tx *Tx) PruneLoginAttempts(ctx context.Context, now time.Time, limit int) error {
	err := tx.db.WithContext(ctx).Exec(`
		DELETE FROM login_attempts WHERE ctid = ANY (ARRAY(
			SELECT ctid FROM login_attempts WHERE reset_at <= ?
			LIMIT ? FOR UPDATE SKIP LOCKED))`, now, limit).Error
	if err != nil {
		return fmt.Errorf("store: prune login attempts: %w", err)
	}
	return nil
}

// LoginAttempts reports the count and window end for (scope, key); zero
// when nothing is counted.
func (q queries) LoginAttempts(ctx context.Context, scope string, key []byte) (int, time.Time, error) {
	var count int
	var resetAt time.Time
	rows, err := q.db.WithContext(ctx).Raw(`SELECT count, reset_at FROM login_attempts WHERE scope = ? AND key = ?`, scope, key).Rows()
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: login attempts: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&count, &resetAt); err != nil {
			return 0, time.Time{}, fmt.Errorf("store: login attempts: %w", err)
		}
	}
	return count, resetAt, rows.Err()
}
