package transfer

import (
	"context"
	"slices"
	"testing"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/store"
)

// TestEveryTableCarriedOrExcused: a table added by a migration must be
// either carried by the archive or listed in NotCarried with the reason,
// and each carried table comes after the tables its foreign keys point at.
func TestEveryTableCarriedOrExcused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tables, err := st.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	carried := Tables()
	for _, tb := range tables {
		_, excused := NotCarried[tb]
		switch in := slices.Contains(carried, tb); {
		case in && excused:
			t.Errorf("%s is both carried and excused", tb)
		case !in && !excused:
			t.Errorf("table %s is neither carried by the desk archive nor listed in NotCarried", tb)
		}
	}
	for tb := range NotCarried {
		if !slices.Contains(tables, tb) {
			t.Errorf("NotCarried lists %s, which no longer exists", tb)
		}
	}
	for i, tb := range carried {
		refs, err := st.References(ctx, tb)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range refs {
			if j := slices.Index(carried, r); r != tb && j > i {
				t.Errorf("%s comes before %s, which its foreign key points at", tb, r)
			}
		}
	}
}
