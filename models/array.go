package models

import (
	"database/sql/driver"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"
)

// pgTypes encodes and decodes Postgres arrays for the array types below.
// A Map is not safe for concurrent use while it learns new types, so each
// call takes its own; building one costs a few microseconds.
func pgTypes() *pgtype.Map { return pgtype.NewMap() }

// StringArray is a Postgres text[] column. pgx reads and writes it; the
// Scan and Value methods let it pass through database/sql and GORM too.
type StringArray []string

// Scan reads a text[] value.
func (a *StringArray) Scan(src any) error {
	if src == nil {
		*a = nil
		return nil
	}
	var out []string
	if err := pgTypes().SQLScanner(&out).Scan(src); err != nil {
		return fmt.Errorf("models: scan text[]: %w", err)
	}
	*a = out
	return nil
}

// Value writes a as a text[] literal.
func (a StringArray) Value() (driver.Value, error) {
	if a == nil {
		return nil, nil
	}
	buf, err := pgTypes().Encode(pgtype.TextArrayOID, pgtype.TextFormatCode, []string(a), nil)
	if err != nil {
		return nil, fmt.Errorf("models: encode text[]: %w", err)
	}
	return string(buf), nil
}

// Int64Array is a Postgres bigint[] column, the int64 counterpart of
// StringArray.
type Int64Array []int64

// Scan reads a bigint[] value.
func (a *Int64Array) Scan(src any) error {
	if src == nil {
		*a = nil
		return nil
	}
	var out []int64
	if err := pgTypes().SQLScanner(&out).Scan(src); err != nil {
		return fmt.Errorf("models: scan bigint[]: %w", err)
	}
	*a = out
	return nil
}

// Value writes a as a bigint[] literal.
func (a Int64Array) Value() (driver.Value, error) {
	if a == nil {
		return nil, nil
	}
	buf, err := pgTypes().Encode(pgtype.Int8ArrayOID, pgtype.TextFormatCode, []int64(a), nil)
	if err != nil {
		return nil, fmt.Errorf("models: encode bigint[]: %w", err)
	}
	return string(buf), nil
}
