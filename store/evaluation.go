package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// LoadEvaluationClaims fills an empty evaluation database with texts as
// confirmed claims, in order, analyses the table and counts its lexemes,
// and returns the claims' ids in the order of texts. A database that
// already holds exactly len(texts) claims is reused as it is; one holding
// any other number is refused, so an evaluation never runs on a real desk.
func (s *Store) LoadEvaluationClaims(ctx context.Context, texts []string) ([]int64, error) {
	return s.LoadEvaluationClaimsSummarised(ctx, texts, nil)
}

// LoadEvaluationClaimsSummarised is LoadEvaluationClaims with each claim's
// summary (summaries[i] for texts[i]; nil for none): the CLEF-2020 claims
// come with their fact-check's title, which restates the claim as a
// checker's summary would.
func (s *Store) LoadEvaluationClaimsSummarised(ctx context.Context, texts, summaries []string) ([]int64, error) {
	if summaries == nil {
		summaries = make([]string, len(texts))
	}
	if len(summaries) != len(texts) {
		return nil, fmt.Errorf("store: %d evaluation claims with %d summaries", len(texts), len(summaries))
	}
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
		if _, err := db.ExecContext(ctx, `INSERT INTO claims (text, summary, state, created_by)
			SELECT t, s, 'confirmed', (SELECT id FROM users WHERE email = 'eval@factdesk.test') FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(t, s, n) ORDER BY n`, texts, summaries); err != nil {
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

// LoadWithoutClaimIndexes runs load on conn with the claims table's
// secondary (non-unique) indexes dropped, then builds them again from
// their own definitions: for filling evaluation and benchmark databases,
// several times faster than keeping the GIN indexes up to date row by row.
func LoadWithoutClaimIndexes(ctx context.Context, conn *sql.Conn, load func() error) error {
	rows, err := conn.QueryContext(ctx, `SELECT indexname, indexdef FROM pg_indexes
		WHERE schemaname = current_schema() AND tablename = 'claims' AND indexdef NOT LIKE 'CREATE UNIQUE%'`)
	if err != nil {
		return fmt.Errorf("store: claims indexes: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	for _, name := range names {
		if _, err := conn.ExecContext(ctx, `DROP INDEX `+pgx.Identifier{name}.Sanitize()); err != nil {
			return fmt.Errorf("store: drop index %s: %w", name, err)
		}
	}
	for _, set := range []string{`SET maintenance_work_mem = '1GB'`, `SET max_parallel_maintenance_workers = 2`} {
		if _, err := conn.ExecContext(ctx, set); err != nil {
			return err
		}
	}
	if err := load(); err != nil {
		return err
	}
	for _, def := range defs {
		if _, err := conn.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("store: rebuild claims index: %w", err)
		}
	}
	return nil
}

// ReplicateEvaluationClaims grows an evaluation database to total claims
// of real wording: the claim numbered g (counting from 0) becomes copy
// g / len(texts) of text g % len(texts), with every figure prefixed with
// the copy's number and one of four lead-ins ("Posts claim that …"), and the states cycle
// through the workflow's. So the table grows as a desk's archive does, by
// more claims like the ones it has, not by sentences from a template.
// Growing by more than the table holds drops the claims' secondary indexes
// and builds them again afterwards, several times faster than keeping a GIN
// index up to date row by row. It then analyses the table and recounts the
// lexemes, as the desk's hourly job would have by then.
func (s *Store) ReplicateEvaluationClaims(ctx context.Context, texts []string, total int) error {
	conn, err := s.sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: replicate evaluation claims: %w", err)
	}
	defer conn.Close()
	var have int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM claims`).Scan(&have); err != nil {
		return fmt.Errorf("store: count evaluation claims: %w", err)
	}
	if have >= total {
		return nil
	}
	grow := func() error {
		_, err := conn.ExecContext(ctx, `WITH v AS (SELECT n, t FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n))
			INSERT INTO claims (text, state, created_by)
			SELECT (ARRAY['', 'Posts claim that ', 'A viral video says ', 'Social media users share that '])[1 + g % 4]
			       || regexp_replace(v.t, '\m([0-9]+)\M', (g / $2)::text || '\1', 'g'),
			       (ARRAY['new','verifying','verified','confirmed','rejected'])[1 + g % 5],
			       (SELECT min(id) FROM users)
			FROM generate_series($3::bigint, $4::bigint - 1) AS g
			JOIN v ON v.n = 1 + g % $2`, texts, len(texts), have, total)
		return err
	}
	if total-have > have {
		err = LoadWithoutClaimIndexes(ctx, conn, grow)
	} else {
		err = grow()
	}
	if err != nil {
		return fmt.Errorf("store: replicate evaluation claims: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `VACUUM ANALYZE claims`); err != nil {
		return fmt.Errorf("store: analyse evaluation claims: %w", err)
	}
	// The recount takes a connection of its own from the pool: on a store
	// of one connection (BenchmarkSimilarAtScale's) it waited for conn
	// for ever.
	conn.Close()
	return s.RefreshLexemeStats(ctx)
}
