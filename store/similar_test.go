package store_test

import (
	"context"
	"testing"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/match"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// similarSetup opens a fresh database holding the given claims, inserted in
// order, and returns their ids.
func similarSetup(t *testing.T, texts ...string) (*store.Store, []int64) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	u := &models.User{Email: "similar@test.factdesk.test", Name: "Similar", Role: models.RoleChecker, Active: true}
	ids := make([]int64, len(texts))
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		for i, text := range texts {
			c := &models.Claim{Text: text, State: models.StateNew, Priority: models.PriorityNormal, Language: "en", Version: 1, CreatedBy: u.ID}
			if err := tx.CreateClaim(ctx, c); err != nil {
				return err
			}
			ids[i] = c.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The desk counts the claims' lexemes when it starts and hourly
	// (learn's lexeme job); spellings of unknown names come from the count.
	if err := st.RefreshLexemeStats(ctx); err != nil {
		t.Fatal(err)
	}
	return st, ids
}

func relationOf(got []store.SimilarClaim, id int64) (match.Relation, bool) {
	for _, g := range got {
		if g.Claim.ID == id {
			return g.Relation, true
		}
	}
	return "", false
}

func TestSimilarClaims(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ids := similarSetup(t,
		"Unemployment fell to 3.5 percent in March, the statistics office said.",
		"The new bridge over the Vltava cost 40 million euros.",
		"A minister from Poland attended the NATO summit in Delhi.",
		"The city council approved a ban on single-use plastics.",
		"Rainfall in Kerala was 20 percent above average this monsoon.",
	)
	unemployment, bridge, minister, plastics := ids[0], ids[1], ids[2], ids[3]

	tests := []struct {
		name  string
		query string
		id    int64
		// want "" means the claim must not be returned, "not duplicate"
		// that it may be returned as anything but a duplicate.
		want match.Relation
	}{
		{"reworded", "In March, unemployment dropped to 3.5%, according to the statistics office.", unemployment, match.Duplicate},
		{"near copy", "Unemployment fell to 3.5 per cent in March, the statistics office says.", unemployment, match.Duplicate},
		{"figure changed", "Unemployment fell to 4.5 percent in March, the statistics office said.", unemployment, match.Conflicting},
		{"cost changed", "The new bridge over the Vltava cost 60 million euros.", bridge, match.Conflicting},
		// Another name in the same sentence: full-text search needs all the
		// names, and "Germany" and "Poland" share no trigram, so it may not
		// be found at all; it must never be a duplicate.
		{"other country", "A minister from Germany attended the NATO summit in Delhi.", minister, "not duplicate"},
		{"typo in a name", "A minister from Polland attended the NATO summit in Delhi.", minister, match.Related},
		{"negated", "The city council did not approve a ban on single-use plastics.", plastics, match.Conflicting},
		{"unrelated", "The cricket final drew a record crowd of 90,000.", unemployment, ""},
	}
	for _, tc := range tests {
		got, err := st.SimilarClaims(ctx, tc.query, store.SimilarOptions{Limit: 10})
		if err != nil {
			t.Fatalf("%s: SimilarClaims: %v", tc.name, err)
		}
		rel, found := relationOf(got, tc.id)
		switch {
		case tc.want == "" && found:
			t.Errorf("%s: SimilarClaims(%q) returned claim %d as %s, want it left out", tc.name, tc.query, tc.id, rel)
		case tc.want == "not duplicate":
			if rel == match.Duplicate {
				t.Errorf("%s: SimilarClaims(%q) called claim %d a duplicate", tc.name, tc.query, tc.id)
			}
		case tc.want != "" && rel != tc.want:
			t.Errorf("%s: SimilarClaims(%q) relation to claim %d = %q (found %v), want %s; got %+v", tc.name, tc.query, tc.id, rel, found, tc.want, got)
		}
		for _, g := range got {
			if g.Relation == match.Duplicate && g.Claim.ID != tc.id {
				t.Errorf("%s: claim %d (%q) called a duplicate of %q", tc.name, g.Claim.ID, g.Claim.Text, tc.query)
			}
		}
	}
}

func TestSimilarClaimsBeforeAndLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ids := similarSetup(t,
		"Turnout was 71 percent in the 2024 election.",
		"Turnout in the 2024 election was 71 percent.",
		"In the 2024 election, turnout was 71 percent.",
	)
	// Before keeps only earlier claims and never the claim itself.
	got, err := st.SimilarClaims(ctx, "Turnout in the 2024 election was 71 percent.", store.SimilarOptions{Before: ids[1]})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Claim.ID != ids[0] || got[0].Relation != match.Duplicate {
		t.Errorf("SimilarClaims(Before: %d) = %+v, want only claim %d as duplicate", ids[1], got, ids[0])
	}
	got, err = st.SimilarClaims(ctx, "Turnout in the 2024 election was 71 percent.", store.SimilarOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("SimilarClaims(Limit: 2) returned %d matches, want 2", len(got))
	}
	if got, err := st.SimilarClaims(ctx, "   ", store.SimilarOptions{}); err != nil || len(got) != 0 {
		t.Errorf("SimilarClaims(blank) = %v, %v; want nothing", got, err)
	}
}

// Two recounts at once (the desk's job on start and a benchmark's, or two
// processes' jobs) both deleted the counts and then both inserted them,
// and the second failed on the primary key.
func TestRefreshLexemeStatsConcurrently(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, _ := similarSetup(t, "Unemployment fell to 3.5 percent in March.", "The bridge over the Vltava cost 40 million euros.")
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() { errs <- st.RefreshLexemeStats(ctx) }()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Errorf("RefreshLexemeStats, eight at once: %v", err)
		}
	}
}

// A claim's summary (migration 0050) finds it for a query worded like the
// summary rather than the claim, but the relation is judged on the
// claim's own text: a query that repeats the summary is no duplicate.
func TestSimilarClaimsBySummary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, ids := similarSetup(t,
		"Immigrants invaded a beach, leaving beachgoers shocked.",
		"The council approved the new harbour budget.",
	)
	const query = "Migrants landed in broad daylight at Zahara de los Atunes"
	if got, err := st.SimilarClaims(ctx, query, store.SimilarOptions{}); err != nil {
		t.Fatal(err)
	} else if _, ok := relationOf(got, ids[0]); ok {
		t.Fatalf("SimilarClaims(%q) found claim %d before it had a summary: %+v", query, ids[0], got)
	}
	if _, err := st.SQL().ExecContext(ctx, `UPDATE claims SET summary = $1 WHERE id = $2`,
		"Did migrants land in broad daylight at Zahara de los Atunes?", ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := st.RefreshLexemeStats(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := st.SimilarClaims(ctx, query, store.SimilarOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rel, ok := relationOf(got, ids[0]); !ok || rel == match.Duplicate {
		t.Errorf("SimilarClaims(%q) = %+v, want claim %d by its summary, not as a duplicate", query, got, ids[0])
	}
}
