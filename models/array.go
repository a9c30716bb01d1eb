package models

import (
	"database/sql/driver"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgtype"
)

// typeMaps hold the pgx type maps that encode and decode the arrays
// below. A Map caches plans and is not safe for concurrent use, and
// building one costs about 20µs, more than the scan itself: pooling them
// keeps a claim listing's tags as cheap as they were with lib/pq.
var typeMaps = sync.Pool{New: func() any { return pgtype.NewMap() }}

func scanArray(oid uint32, src, dst any) error {
	var buf []byte
	switch src := src.(type) {
	case string:
		buf = []byte(src)
	case []byte:
		buf = src
	default:
		return fmt.Errorf("cannot read %T as an array", src)
	}
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	return m.Scan(oid, pgtype.TextFormatCode, buf, dst)
}

func encodeArray(oid uint32, v any) (driver.Value, error) {
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	buf, err := m.Encode(oid, pgtype.TextFormatCode, v, nil)
	if err != nil {
		return nil, err
	}
	return string(buf), nil
}

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
	if err := scanArray(pgtype.TextArrayOID, src, &out); err != nil {
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
	v, err := encodeArray(pgtype.TextArrayOID, []string(a))
	if err != nil {
		return nil, fmt.Errorf("models: encode text[]: %w", err)
	}
	return v, nil
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
	if err := scanArray(pgtype.Int8ArrayOID, src, &out); err != nil {
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
	v, err := encodeArray(pgtype.Int8ArrayOID, []int64(a))
	if err != nil {
		return nil, fmt.Errorf("models: encode bigint[]: %w", err)
	}
	return v, nil
}
