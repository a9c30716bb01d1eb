package store

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
)

// int64Array scans a PostgreSQL bigint[] (of ids, never NULL elements) into
// a row struct. With a plain []int64, or lib/pq's array types, GORM finds
// no data type for the field, takes it for a relation and logs "failed to
// parse field" on every query; GormDataType settles that.
type int64Array []int64

// GormDataType tells GORM the field is a column, not a relation.
func (int64Array) GormDataType() string { return "bigint[]" }

// Value encodes the array in its text form, {1,2,3}, as one parameter:
// GORM would otherwise expand a slice into a list, (1, 2, 3), whose
// statement text changes with its length.
func (a int64Array) Value() (driver.Value, error) {
	b := make([]byte, 0, 2+8*len(a))
	b = append(b, '{')
	for i, id := range a {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, '}')), nil
}

// Scan decodes the text form, such as {1,2,3}, that database/sql hands
// over.
func (a *int64Array) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*a = nil
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("store: cannot scan %T into a bigint array", src)
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return fmt.Errorf("store: %q is not a bigint array", s)
	}
	body := s[1 : len(s)-1]
	out := int64Array{}
	if body != "" {
		for _, part := range strings.Split(body, ",") {
			n, err := strconv.ParseInt(part, 10, 64)
			if err != nil {
				return fmt.Errorf("store: %q is not a bigint array: %w", s, err)
			}
			out = append(out, n)
		}
	}
	*a = out
	return nil
}
