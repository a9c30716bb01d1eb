package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/factdesk/factdesk/models"
)

// The bulk path of `factdesk export --all` and `factdesk import`: whole
// tables streamed out as JSON rows and loaded back in batches, with the
// table names coming from the transfer package's fixed list, never from an
// archive.

// Columns lists a table's columns in order, without stored generated
// ones (they are computed again on insert).
func (q queries) Columns(ctx context.Context, table string) ([]string, error) {
	var cols []string
	err := q.db.WithContext(ctx).Raw(`SELECT attname FROM pg_attribute
		WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
		ORDER BY attnum`, table).Scan(&cols).Error
	if err != nil || len(cols) == 0 {
		return nil, fmt.Errorf("store: columns of %s: %v", table, orNoRows(err))
	}
	return cols, nil
}

// PrimaryKey lists a table's primary key columns, the order its rows are
// exported in.
func (q queries) PrimaryKey(ctx context.Context, table string) ([]string, error) {
	var cols []string
	err := q.db.WithContext(ctx).Raw(`SELECT a.attname FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE i.indrelid = ?::regclass AND i.indisprimary
		ORDER BY array_position(i.indkey::int2[], a.attnum)`, table).Scan(&cols).Error
	if err != nil || len(cols) == 0 {
		return nil, fmt.Errorf("store: primary key of %s: %v", table, orNoRows(err))
	}
	return cols, nil
}

func orNoRows(err error) error {
	if err == nil {
		return fmt.Errorf("no such table or no columns")
	}
	return err
}

// Tables lists the tables of the public schema, for the test that keeps
// the transfer list complete.
func (q queries) Tables(ctx context.Context) ([]string, error) {
	var out []string
	err := q.db.WithContext(ctx).Raw(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`).Scan(&out).Error
	return out, err
}

// References lists the tables table's foreign keys point at.
func (q queries) References(ctx context.Context, table string) ([]string, error) {
	var out []string
	err := q.db.WithContext(ctx).Raw(`SELECT DISTINCT confrelid::regclass::text FROM pg_constraint
		WHERE contype = 'f' AND conrelid = ?::regclass`, table).Scan(&out).Error
	return out, err
}

// SchemaVersion is the newest applied goose migration.
func (q queries) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := q.db.WithContext(ctx).Raw(`SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

// HasRows reports whether table holds any row.
func (q queries) HasRows(ctx context.Context, table string) (bool, error) {
	var ok bool
	err := q.db.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM ` + pgx.Identifier{table}.Sanitize() + `)`).Scan(&ok).Error
	if err != nil {
		return false, fmt.Errorf("store: rows of %s: %w", table, err)
	}
	return ok, nil
}

func quoteIdents(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = pgx.Identifier{c}.Sanitize()
	}
	return strings.Join(q, ", ")
}

// StreamRows calls fn with each row of table, as a JSON object of cols,
// in primary key order. Rows come off the connection one at a time, so a
// table of any size passes in constant memory; fn must not keep row.
func (q queries) StreamRows(ctx context.Context, table string, cols, orderBy []string, fn func(row []byte) error) error {
	rows, err := q.db.WithContext(ctx).Raw(`SELECT row_to_json(r)::text FROM (SELECT ` + quoteIdents(cols) +
		` FROM ` + pgx.Identifier{table}.Sanitize() + ` ORDER BY ` + quoteIdents(orderBy) + `) r`).Rows()
	if err != nil {
		return fmt.Errorf("store: read %s: %w", table, err)
	}
	defer rows.Close()
	var raw []byte
	for rows.Next() {
		if err := rows.Scan(&raw); err != nil {
			return fmt.Errorf("store: read %s: %w", table, err)
		}
		if err := fn(raw); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read %s: %w", table, err)
	}
	return nil
}

// ReadOnlyTx runs fn in a read-only transaction that sees one moment of the
// desk (REPEATABLE READ), so an export taken while the desk runs is
// consistent across tables.
func (s *Store) ReadOnlyTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.WithTx(ctx, func(tx *Tx) error {
		if err := tx.db.WithContext(ctx).Exec(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`).Error; err != nil {
			return fmt.Errorf("store: snapshot: %w", err)
		}
		return fn(tx)
	})
}

// InsertRows inserts a batch of rows given as a JSON array of objects
// keyed by column. Columns an object lacks are NULL, so the caller fills
// in what must not be. One statement per batch.
func (tx *Tx) InsertRows(ctx context.Context, table string, cols []string, batch json.RawMessage) error {
	t := pgx.Identifier{table}.Sanitize()
	err := tx.db.WithContext(ctx).Exec(`INSERT INTO `+t+` (`+quoteIdents(cols)+`) SELECT `+quoteIdents(cols)+
		` FROM json_populate_recordset(NULL::`+t+`, ?::json)`, string(batch)).Error
	if err != nil {
		return fmt.Errorf("store: load %s: %w", table, err)
	}
	return nil
}

// ReplaceRow overwrites the one row of a single-row table (the desk
// settings, the log's head) with row, a JSON object keyed by column.
func (tx *Tx) ReplaceRow(ctx context.Context, table string, cols []string, row json.RawMessage) error {
	t := pgx.Identifier{table}.Sanitize()
	res := tx.db.WithContext(ctx).Exec(`UPDATE `+t+` SET (`+quoteIdents(cols)+`) = (SELECT `+quoteIdents(cols)+
		` FROM json_populate_record(NULL::`+t+`, ?::json))`, string(row))
	if res.Error != nil {
		return fmt.Errorf("store: load %s: %w", table, res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("store: load %s: %d rows, want its one row", table, res.RowsAffected)
	}
	return nil
}

// SetColumn sets column col of the rows of table whose id is in ids to
// the matching value in values: the claims' duplicate_of, which points at
// claims that may come later in the archive, is set once all are in.
func (tx *Tx) SetColumn(ctx context.Context, table, col string, ids, values []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := tx.db.WithContext(ctx).Exec(`UPDATE `+pgx.Identifier{table}.Sanitize()+` t SET `+pgx.Identifier{col}.Sanitize()+
		` = v.value FROM unnest(?::bigint[], ?::bigint[]) AS v(id, value) WHERE t.id = v.id`, models.Int64Array(ids), models.Int64Array(values)).Error
	if err != nil {
		return fmt.Errorf("store: set %s.%s: %w", table, col, err)
	}
	return nil
}

// ResetSequences moves every sequence a column of table owns past the
// column's largest value, so rows created after an import with kept ids
// get new ones.
func (tx *Tx) ResetSequences(ctx context.Context, table string) error {
	var cols []string
	err := tx.db.WithContext(ctx).Raw(`SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0
		AND NOT attisdropped AND pg_get_serial_sequence(?, attname) IS NOT NULL`, table, table).Scan(&cols).Error
	if err != nil {
		return fmt.Errorf("store: sequences of %s: %w", table, err)
	}
	for _, c := range cols {
		err := tx.db.WithContext(ctx).Exec(`SELECT setval(pg_get_serial_sequence(?, ?), coalesce((SELECT max(`+pgx.Identifier{c}.Sanitize()+
			`) FROM `+pgx.Identifier{table}.Sanitize()+`), 0) + 1, false)`, table, c).Error
		if err != nil {
			return fmt.Errorf("store: reset sequence of %s.%s: %w", table, c, err)
		}
	}
	return nil
}

// SkipPendingEmails marks notifications whose email was still to be sent
// as skipped: an imported inbox must not mail people again from the new
// desk.
func (tx *Tx) SkipPendingEmails(ctx context.Context) error {
	if err := tx.db.WithContext(ctx).Exec(`UPDATE notifications SET email = 'skipped' WHERE email = 'pending'`).Error; err != nil {
		return fmt.Errorf("store: skip pending emails: %w", err)
	}
	return nil
}
