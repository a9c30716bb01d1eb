package store_test

import (
	"context"
	"testing"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// TestOneClaimPerSentence: the database refuses a second claim from one
// article sentence even when its own span is narrowed differently, and a
// claim's span must lie inside its sentence.
func TestOneClaimPerSentence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(t), store.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	text := `"We will build 40 schools," the minister said. Taxes rose.`
	var user models.User
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		user = models.User{Email: "sentences@test.factdesk.test", Name: "S", Role: models.RoleChecker, Active: true}
		return tx.CreateUser(ctx, &user)
	})
	if err != nil {
		t.Fatal(err)
	}
	key, hash := models.ArticleKeys("", text)
	a, _, err := st.ImportArticle(ctx, &models.Article{Text: text, Candidates: []byte(`[]`), CreatedBy: user.ID, URLKey: key, TextHash: &hash})
	if err != nil {
		t.Fatal(err)
	}
	file := func(start, end, sentStart, sentEnd int) error {
		return st.WithTx(ctx, func(tx *store.Tx) error {
			c := &models.Claim{Text: text[start:end], State: models.StateNew, Priority: models.PriorityNormal, Language: "en", Version: 1,
				CreatedBy: user.ID, ArticleID: &a.ID, ArticleStart: &start, ArticleEnd: &end, ArticleSentenceStart: &sentStart, ArticleSentenceEnd: &sentEnd}
			return tx.CreateClaim(ctx, c)
		})
	}
	sentEnd := len(`"We will build 40 schools," the minister said.`)
	if err := file(1, 25, 0, sentEnd); err != nil {
		t.Fatalf("file a narrowed claim: %v", err)
	}
	if err := file(1, 17, 0, sentEnd); models.CodeOf(err) != models.EConflict {
		t.Errorf("a second claim from the same sentence = %v, want a conflict", err)
	}
	if err := file(0, len(text), sentEnd+1, len(text)); err == nil || models.CodeOf(err) == models.EConflict {
		t.Errorf("a claim reaching outside its sentence = %v, want the check constraint's refusal", err)
	}
	// A caller naming no sentence files the claim's span as the sentence.
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		start, end := sentEnd+1, len(text)
		c := &models.Claim{Text: "Taxes rose.", State: models.StateNew, Priority: models.PriorityNormal, Language: "en", Version: 1,
			CreatedBy: user.ID, ArticleID: &a.ID, ArticleStart: &start, ArticleEnd: &end}
		if err := tx.CreateClaim(ctx, c); err != nil {
			return err
		}
		if s, e, ok := c.Sentence(); !ok || s != start || e != end {
			t.Errorf("sentence of a whole-sentence claim = %d-%d %v", s, e, ok)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
