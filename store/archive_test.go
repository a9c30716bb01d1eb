package store_test

import (
	"context"
	"testing"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/match"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// archiveSetup opens a fresh database whose archive holds checks, and
// readies it as an import does.
func archiveSetup(t *testing.T, checks ...models.PriorCheck) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		for i := range checks {
			if _, err := tx.UpsertPriorCheck(ctx, &checks[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SettleArchive(ctx, len(checks)); err != nil {
		t.Fatal(err)
	}
	return st
}

// A tweet worded like a fact-check's headline rather than like its claim
// finds the check by the headline; the relation still reads the claim
// alone, so it is related, not the same claim.
func TestSimilarPriorChecksByTitle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := archiveSetup(t,
		models.PriorCheck{URL: "https://checks.example.org/shark", Outlet: "Snopes", Rating: "False",
			Claim: "A viral image depicts a great white predator gliding along an inundated interstate.",
			Title: "Did a Shark Swim Down a Houston Freeway During Hurricane Harvey?"},
		models.PriorCheck{URL: "https://checks.example.org/trees", Outlet: "Green Facts", Rating: "True",
			Claim: "The city planted 10,000 trees in 2023."},
		models.PriorCheck{URL: "https://checks.example.org/rain", Outlet: "Green Facts", Rating: "True",
			Claim: "Houston had its wettest August on record in 2017.", Title: "Was August 2017 Houston's Wettest Month?"},
	)
	got, err := st.SimilarPriorChecks(ctx, "OMG a shark swimming down the freeway in Houston during Hurricane Harvey!!! pic.twitter.com/abc123", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Check.URL != "https://checks.example.org/shark" {
		t.Fatalf("matches %+v: want the shark check first, found by its headline", got)
	}
	if got[0].Relation == match.Duplicate {
		t.Errorf("the shark check is %s: its claim is worded otherwise, so never a duplicate", got[0].Relation)
	}

	for _, c := range []struct{ text, why string }{
		{"The city planted 12,000 trees in 2023.", "a changed number"},
		{"The city did not plant 10,000 trees in 2023.", "a negation"},
	} {
		got, err := st.SimilarPriorChecks(ctx, c.text, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range got {
			if g.Relation == match.Duplicate {
				t.Errorf("%q = %q is a duplicate; %s never is", c.text, g.Check.Claim, c.why)
			}
		}
	}
	got, err = st.SimilarPriorChecks(ctx, "The city planted 10,000 trees in 2023, the mayor said.", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Check.URL != "https://checks.example.org/trees" || got[0].Relation != match.Duplicate {
		t.Errorf("matches %+v: want the trees check, a duplicate", got)
	}
}
