package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// NewArticle is an article to import. PublishedAt is the text the client
// sent, so a bad date is reported against its own field.
type NewArticle struct {
	Text, URL, Title, Outlet, PublishedAt string
}

// ArticleView is an article with its candidates and the claims already
// taken from it.
type ArticleView struct {
	*models.Article
	Candidates []extract.Candidate `json:"candidates"`
	Claims     []models.Claim      `json:"claims"`
	// Filed names the candidates already filed as claims.
	Filed []FiledSentence `json:"filed"`
	// Existing is set on an import that found the article already there.
	Existing bool `json:"existing"`
	// PriorChecks are earlier checks of the candidates (see
	// Engine.PriorChecks), filled in by WithPriorChecks.
	PriorChecks []PriorCheck `json:"prior_checks"`
}

// FiledSentence is a candidate sentence that is already a claim.
type FiledSentence struct {
	Candidate int    `json:"candidate"`
	ClaimID   int64  `json:"claim_id"`
	URL       string `json:"url"`
}

// ImportArticle validates in, extracts its candidate sentences and stores
// both in one transaction. An article imported before (the same URL, or
// the same text up to case and spacing) is not stored again: the existing
// one comes back with Existing set and the sentences already filed.
func (e *Engine) ImportArticle(ctx context.Context, actor *models.User, in NewArticle) (*ArticleView, error) {
	a, cands, err := e.importArticle(ctx, actor, in)
	if err != nil {
		return nil, err
	}
	if cands != nil {
		return &ArticleView{Article: a, Candidates: cands, Claims: []models.Claim{}, Filed: []FiledSentence{}}, nil
	}
	v, err := e.Article(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	v.Existing = true
	return v, nil
}

// importArticle stores a new article and returns it with its candidates,
// or returns the article already imported with nil candidates.
func (e *Engine) importArticle(ctx context.Context, actor *models.User, in NewArticle) (*models.Article, []extract.Candidate, error) {
	if err := CanDo(actor, nil, Import); err != nil {
		return nil, nil, err
	}
	a := &models.Article{
		Text: in.Text, URL: strings.TrimSpace(in.URL), Title: strings.TrimSpace(in.Title),
		Outlet: strings.TrimSpace(in.Outlet), CreatedBy: actor.ID,
	}
	err := a.Validate()
	if p := strings.TrimSpace(in.PublishedAt); p != "" {
		t, perr := time.Parse(time.RFC3339, p)
		if perr != nil {
			f := models.FieldError{Field: "published_at", Message: "dates must be RFC 3339, such as 2026-11-27T08:00:00Z"}
			if err != nil {
				err.(*models.Error).Fields = append(err.(*models.Error).Fields, f)
			} else {
				err = models.Invalid("the article is not valid", f)
			}
		}
		t = t.UTC()
		a.PublishedAt = &t
	}
	if err != nil {
		return nil, nil, err
	}
	m, err := e.activeModel(ctx)
	if err != nil {
		return nil, nil, err
	}
	cands := m.opts.Candidates(a.Text)
	raw, err := json.Marshal(cands)
	if err != nil {
		return nil, nil, fmt.Errorf("workflow: encode candidates: %w", err)
	}
	a.Candidates = raw
	urlKey, hash := models.ArticleKeys(a.URL, a.Text)
	a.URLKey, a.TextHash = urlKey, &hash
	stored, created, err := e.store.ImportArticle(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	if !created {
		return stored, nil, nil
	}
	return stored, cands, nil
}

// Article loads article id with its candidates and its claims.
func (e *Engine) Article(ctx context.Context, id int64) (*ArticleView, error) {
	a, err := e.store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	cands, err := articleCandidates(a)
	if err != nil {
		return nil, err
	}
	claims, err := e.store.ArticleClaims(ctx, id)
	if err != nil {
		return nil, err
	}
	if claims == nil {
		claims = []models.Claim{}
	}
	return &ArticleView{Article: a, Candidates: cands, Claims: claims, Filed: filed(cands, claims)}, nil
}

// filed pairs candidates with the claims made from their sentences.
func filed(cands []extract.Candidate, claims []models.Claim) []FiledSentence {
	byStart := map[int]int64{}
	for _, c := range claims {
		if c.ArticleStart != nil {
			byStart[*c.ArticleStart] = c.ID
		}
	}
	out := []FiledSentence{}
	for i, cand := range cands {
		if id, ok := byStart[cand.Start]; ok {
			out = append(out, FiledSentence{Candidate: i, ClaimID: id, URL: fmt.Sprintf("/claims/%d", id)})
		}
	}
	return out
}

func articleCandidates(a *models.Article) ([]extract.Candidate, error) {
	cands := []extract.Candidate{}
	if err := json.Unmarshal(a.Candidates, &cands); err != nil {
		return nil, fmt.Errorf("workflow: candidates of article %d: %w", a.ID, err)
	}
	return cands, nil
}

// FileCandidates turns the chosen candidates (indexes into the article's
// candidate list) of article id into claims, all in one transaction. Each
// claim keeps its provenance: the article, the sentence's offsets, the
// claimant the extractor found and the article's URL as its source.
//
// A sentence already filed is a conflict, never a second claim: the
// article row is locked while its claims are checked and inserted, so
// concurrent requests queue, and a unique index on the span backs that up.
func (e *Engine) FileCandidates(ctx context.Context, actor *models.User, id int64, chosen []int) ([]*models.Claim, error) {
	if err := CanDo(actor, nil, FileClaims); err != nil {
		return nil, err
	}
	var out []*models.Claim
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		a, err := tx.LockArticle(ctx, id)
		if err != nil {
			return err
		}
		cands, err := articleCandidates(a)
		if err != nil {
			return err
		}
		if len(chosen) == 0 {
			return models.Invalid("choose at least one candidate", models.FieldError{Field: "candidates", Message: "list the indexes of the candidates to turn into claims"})
		}
		if err := checkChosen(chosen, cands); err != nil {
			return err
		}
		existing, err := tx.ArticleClaims(ctx, id)
		if err != nil {
			return err
		}
		taken := map[int]int64{}
		for _, cl := range existing {
			if cl.ArticleStart != nil {
				taken[*cl.ArticleStart] = cl.ID
			}
		}
		ins := make([]NewClaim, 0, len(chosen))
		for _, n := range chosen {
			cand := cands[n]
			if claimID, ok := taken[cand.Start]; ok {
				return models.Errorf(models.EConflict, "candidate %d is already claim %d", n, claimID)
			}
			start, end, articleID := cand.Start, cand.End, a.ID
			ins = append(ins, NewClaim{
				// The sentence may span the article's line breaks; the
				// claim reads as one line, and the offsets keep the place.
				// The claim's language is the sentence's, when told.
				Text: strings.Join(strings.Fields(cand.Text), " "), Claimant: cand.Claimant, SourceURL: a.URL, Language: cand.Language,
				ArticleID: &articleID, ArticleStart: &start, ArticleEnd: &end,
			})
		}
		cs, err := newClaims(actor, ins)
		if err != nil {
			return candidateFields(err, chosen)
		}
		if err := e.insertClaims(ctx, tx, actor, cs); err != nil {
			return err
		}
		filed := map[int]bool{}
		for start := range taken {
			filed[start] = true
		}
		for _, n := range chosen {
			filed[cands[n].Start] = true
		}
		if err := recordDecisions(ctx, tx, actor, a.ID, cands, filed); err != nil {
			return err
		}
		out = cs
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkChosen names every chosen index that is out of range or repeated.
func checkChosen(chosen []int, cands []extract.Candidate) error {
	var fields []models.FieldError
	seen := map[int]bool{}
	for i, n := range chosen {
		field := fmt.Sprintf("candidates[%d]", i)
		switch {
		case n < 0 || n >= len(cands):
			fields = append(fields, models.FieldError{Field: field, Message: fmt.Sprintf("%d is not a candidate index: the article has %d candidates, numbered 0 to %d", n, len(cands), len(cands)-1)})
		case seen[n]:
			fields = append(fields, models.FieldError{Field: field, Message: fmt.Sprintf("%d is listed twice", n)})
		}
		seen[n] = true
	}
	if len(fields) > 0 {
		return models.Invalid(fmt.Sprintf("%d candidate index(es) are not valid", len(fields)), fields...)
	}
	return nil
}

// candidateFields renames the claims[i].field errors of a batch after the
// candidate index the client sent, which is the name the client knows.
func candidateFields(err error, chosen []int) error {
	de, ok := err.(*models.Error)
	if !ok {
		return err
	}
	for i, f := range de.Fields {
		var k int
		var rest string
		if n, _ := fmt.Sscanf(f.Field, "claims[%d].%s", &k, &rest); n == 2 && k < len(chosen) {
			de.Fields[i].Field = fmt.Sprintf("candidates[%d].%s", k, rest)
		} else if len(chosen) == 1 {
			de.Fields[i].Field = "candidates[0]." + f.Field
		}
	}
	return de
}
