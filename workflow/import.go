package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	byStart := filedSentences(claims)
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

// CandidateChoice is one candidate of an article to file, with the
// checker's edits. A nil Text or Claimant keeps what the extractor found;
// Tags and Priority are the new claim's (none, and normal, when empty).
type CandidateChoice struct {
	Index    int
	Text     *string
	Claimant *string
	Tags     []string
	Priority models.Priority
}

// Choose is the choice of candidates by index alone, unedited.
func Choose(indexes ...int) []CandidateChoice {
	out := make([]CandidateChoice, len(indexes))
	for i, n := range indexes {
		out[i] = CandidateChoice{Index: n}
	}
	return out
}

// FileCandidates turns the chosen candidates of article id into claims,
// all in one transaction. Each claim keeps its provenance: the article, the
// sentence it was filed from, its own span in the article's text, the
// claimant and the article's URL as its source.
//
// A checker may edit a candidate first. When the edited text is the
// sentence's own words, only fewer of them (the attribution tail or a stray
// quote mark cut), the claim's span is narrowed to those words; when it is
// reworded, the claim keeps the whole sentence's span and its created entry
// records the sentence it was edited from (see filedFrom). Either way the
// claim remembers the sentence, and a sentence already filed is a
// conflict, never a second claim: the article row is locked while its
// claims are checked and inserted, so concurrent requests queue, and a
// unique index on the sentence's span backs that up.
func (e *Engine) FileCandidates(ctx context.Context, actor *models.User, id int64, chosen []CandidateChoice) ([]*models.Claim, error) {
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
			return models.Invalid("choose at least one candidate", models.FieldError{Field: "candidates", Message: "list the candidates to turn into claims"})
		}
		// Bad indexes and bad edits are reported together, in one answer.
		fields := checkChosen(chosen, cands)
		ins := make([]NewClaim, 0, len(chosen))
		edits := make([]map[string]any, 0, len(chosen))
		var pos []int // pos[k] is the place in chosen of ins[k]
		for i, ch := range chosen {
			if ch.Index < 0 || ch.Index >= len(cands) {
				continue
			}
			in, edit := fileCandidate(a, cands[ch.Index], ch)
			ins, edits, pos = append(ins, in), append(edits, edit), append(pos, i)
		}
		cs, err := newClaims(actor, ins)
		if err != nil && models.CodeOf(err) != models.EInvalid {
			return err
		}
		if err != nil || len(fields) > 0 {
			return candidateErrors(fields, err, pos, len(chosen))
		}
		existing, err := tx.ArticleClaims(ctx, id)
		if err != nil {
			return err
		}
		taken := filedSentences(existing)
		for _, ch := range chosen {
			if claimID, ok := taken[cands[ch.Index].Start]; ok {
				return models.Errorf(models.EConflict, "candidate %d is already claim %d", ch.Index, claimID)
			}
		}
		for i, c := range cs {
			if err := e.insertClaim(ctx, tx, actor, c, edits[i]); err != nil {
				return err
			}
		}
		filed := map[int]bool{}
		for start := range taken {
			filed[start] = true
		}
		for _, ch := range chosen {
			filed[cands[ch.Index].Start] = true
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

// filedSentences maps the start of every sentence already filed from an
// article to its claim.
func filedSentences(claims []models.Claim) map[int]int64 {
	taken := map[int]int64{}
	for _, cl := range claims {
		if st, _, ok := cl.Sentence(); ok {
			taken[st] = cl.ID
		}
	}
	return taken
}

// fileCandidate is the claim to make from cand as the checker chose it, and
// the record of their edit for its created entry (nil when unedited).
func fileCandidate(a *models.Article, cand extract.Candidate, ch CandidateChoice) (NewClaim, map[string]any) {
	// The sentence may span the article's line breaks; the claim reads as
	// one line, and the offsets keep the place.
	sentence := oneLine(cand.Text)
	text, claimant := sentence, cand.Claimant
	var fields []string
	if ch.Text != nil && oneLine(*ch.Text) != sentence {
		text = oneLine(*ch.Text)
		fields = append(fields, "text")
	}
	if ch.Claimant != nil && strings.TrimSpace(*ch.Claimant) != strings.TrimSpace(cand.Claimant) {
		claimant = strings.TrimSpace(*ch.Claimant)
		fields = append(fields, "claimant")
	}
	sentStart, sentEnd, articleID := cand.Start, cand.End, a.ID
	start, end := cand.Start, cand.End
	var edit map[string]any
	if len(fields) > 0 {
		edit = map[string]any{"candidate": ch.Index, "fields": fields, "sentence": sentence, "claimant": cand.Claimant, "span": "sentence"}
		if ns, ne, ok := wordsWithin(a.Text, cand.Start, cand.End, text); ok && text != sentence {
			start, end = ns, ne
			edit["span"] = "narrowed"
		}
	}
	return NewClaim{
		// The claim's language is the sentence's, when told.
		Text: text, Claimant: claimant, SourceURL: a.URL, Language: cand.Language, Tags: ch.Tags, Priority: ch.Priority,
		ArticleID: &articleID, ArticleStart: &start, ArticleEnd: &end,
		SentenceStart: &sentStart, SentenceEnd: &sentEnd,
	}, edit
}

// oneLine is s with every run of white space one space, trimmed.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// wordsWithin finds text's words in the article's bytes [start, end) as
// written, with any white space between them (the sentence may wrap), and
// starting and ending at word boundaries. It returns the span of the first
// such run.
func wordsWithin(article string, start, end int, text string) (int, int, bool) {
	words := strings.Fields(text)
	if len(words) == 0 {
		return 0, 0, false
	}
	sent := article[start:end]
	for from := 0; from < len(sent); {
		i := strings.Index(sent[from:], words[0])
		if i < 0 {
			return 0, 0, false
		}
		i += from
		j, ok := i+len(words[0]), true
		for _, w := range words[1:] {
			k := j
			for k < len(sent) {
				r, n := utf8.DecodeRuneInString(sent[k:])
				if !unicode.IsSpace(r) {
					break
				}
				k += n
			}
			if k == j || !strings.HasPrefix(sent[k:], w) {
				ok = false
				break
			}
			j = k + len(w)
		}
		if ok && wordEdge(sent, i, true) && wordEdge(sent, j, false) {
			return start + i, start + j, true
		}
		_, n := utf8.DecodeRuneInString(sent[i:])
		from = i + n
	}
	return 0, 0, false
}

// wordEdge reports whether offset i of s does not cut a word: the rune on
// the outer side (before i when before is set, else at i) is no letter or
// digit, or i is at the end of s.
func wordEdge(s string, i int, before bool) bool {
	var r rune
	switch {
	case before && i == 0, !before && i == len(s):
		return true
	case before:
		r, _ = utf8.DecodeLastRuneInString(s[:i])
	default:
		r, _ = utf8.DecodeRuneInString(s[i:])
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// checkChosen names every chosen index that is out of range or repeated.
func checkChosen(chosen []CandidateChoice, cands []extract.Candidate) []models.FieldError {
	var fields []models.FieldError
	seen := map[int]bool{}
	for i, ch := range chosen {
		n := ch.Index
		field := fmt.Sprintf("candidates[%d]", i)
		switch {
		case n < 0 || n >= len(cands):
			fields = append(fields, models.FieldError{Field: field, Message: fmt.Sprintf("%d is not a candidate index: the article has %d candidates, numbered 0 to %d", n, len(cands), len(cands)-1)})
		case seen[n]:
			fields = append(fields, models.FieldError{Field: field, Message: fmt.Sprintf("%d is listed twice", n)})
		}
		seen[n] = true
	}
	return fields
}

// candidateErrors is one validation error holding the index errors and the
// claims' own field errors (from newClaims, named claims[k].field, or just
// field for a batch of one), renamed after the candidate's place in the
// request, which is the name the client knows: pos[k] is the place of
// claims[k].
func candidateErrors(fields []models.FieldError, claimsErr error, pos []int, chosen int) error {
	bad := map[int]bool{}
	for _, f := range fields {
		var k int
		if n, _ := fmt.Sscanf(f.Field, "candidates[%d]", &k); n == 1 {
			bad[k] = true
		}
	}
	if de, ok := claimsErr.(*models.Error); ok {
		for _, f := range de.Fields {
			var k int
			var rest string
			switch n, _ := fmt.Sscanf(f.Field, "claims[%d].%s", &k, &rest); {
			case n == 2 && k < len(pos):
				f.Field = fmt.Sprintf("candidates[%d].%s", pos[k], rest)
				bad[pos[k]] = true
			case len(pos) == 1:
				f.Field = fmt.Sprintf("candidates[%d].%s", pos[0], f.Field)
				bad[pos[0]] = true
			}
			fields = append(fields, f)
		}
	}
	msg := fmt.Sprintf("%d of the %d chosen candidates cannot be filed", len(bad), chosen)
	if chosen == 1 {
		msg = "the chosen candidate cannot be filed"
	}
	return models.Invalid(msg, fields...)
}
