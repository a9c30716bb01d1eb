package store

import (
	"context"
	"fmt"
)

// LoadEvaluationClaims fills an empty evaluation database with texts as
// confirmed claims, in order, analyses the table and counts its lexemes,
// and returns the claims' ids in the order of texts. A database that
// already holds exactly len(texts) claims is reused as it is; one holding
// any other number is refused, so an evaluation never runs on a real desk.
func (s *Store) LoadEvaluationClaims(ctx context.Context, texts []string) ([]int64, error) {
	db := s.sqlDB
	var have int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM claims`).Scan(&have); err != nil {
		return nil, fmt.Errorf("store: count evaluation claims: %w", err)
	}
	if have != 0 && have != len(texts) {
		return nil, fmt.Errorf("store: the evaluation database holds %d claims; give it an empty or its own database", have)
	}
	if have == 0 {
		if _, err := db.ExecContext(ctx, `INSERT INTO users (email, name, role) VALUES ('eval@factdesk.test', 'Evaluation', 'checker') ON CONFLICT DO NOTHING`); err != nil {
			return nil, fmt.Errorf("store: evaluation user: %w", err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO claims (text, state, created_by)
			SELECT t, 'confirmed', (SELECT id FROM users WHERE email = 'eval@factdesk.test') FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n`, texts); err != nil {
			return nil, fmt.Errorf("store: load evaluation claims: %w", err)
		}
		if _, err := db.ExecContext(ctx, `VACUUM ANALYZE claims`); err != nil {
			return nil, fmt.Errorf("store: analyse evaluation claims: %w", err)
		}
		if err := s.RefreshLexemeStats(ctx); err != nil {
			return nil, err
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM claims ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: evaluation claim ids: %w", err)
	}
	defer rows.Close()
	ids := make([]int64, 0, len(texts))
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// BackendPID is the server process of one of the pool's connections; with
// a pool of one connection, the process every query runs in (an
// evaluation reads its CPU time from /proc).
func (s *Store) BackendPID(ctx context.Context) (int, error) {
	var pid int
	if err := s.sqlDB.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		return 0, fmt.Errorf("store: backend pid: %w", err)
	}
	return pid, nil
}
