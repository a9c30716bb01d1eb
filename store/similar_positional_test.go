package store

import (
	"slices"
	"testing"
)

func TestToPositional(t *testing.T) {
	t.Parallel()
	got := toPositional(`SELECT c.id FROM claims c WHERE c.search @@ plainto_tsquery('english', @key) AND (@before = 0 OR c.id < @before) LIMIT @n2`)
	want := `SELECT c.id FROM claims c WHERE c.search @@ plainto_tsquery('english', $1) AND ($2 = 0 OR c.id < $3) LIMIT $4`
	if got.sql != want {
		t.Errorf("sql:\n got %s\nwant %s", got.sql, want)
	}
	if names := []string{"key", "before", "before", "n2"}; !slices.Equal(got.names, names) {
		t.Errorf("names %q, want %q", got.names, names)
	}
}
