package store_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/store"
)

// TestSessionSettings: every connection of the store starts with the
// settings the similar-claim lookup relies on (it no longer sets them in a
// transaction of its own), and a setting the URL names itself wins.
func TestSessionSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.URL(t)
	show := func(dsn string) (jit, threshold string) {
		st, err := store.Open(ctx, dsn, store.Options{MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.SQL().QueryRowContext(ctx, `SELECT current_setting('jit'), current_setting('pg_trgm.similarity_threshold')`).Scan(&jit, &threshold); err != nil {
			t.Fatal(err)
		}
		return jit, threshold
	}
	if jit, threshold := show(dsn); jit != "off" || threshold != "0.5" {
		t.Errorf("jit %s, pg_trgm.similarity_threshold %s; want off, 0.5", jit, threshold)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("jit", "on")
	u.RawQuery = q.Encode()
	if jit, _ := show(u.String()); jit != "on" {
		t.Errorf("jit %s with jit=on in the URL; want on", jit)
	}
}
