package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/match"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// importSegment is a run of the article's text: plain, or one candidate
// sentence. Lines holds the text split at its line breaks, which the page
// renders as <br> (the stylesheet has no pre-wrap rule to lean on).
type importSegment struct {
	Lines []string
	// Candidate is the candidate's index, or -1 for text between them.
	Candidate   int
	Checkworthy bool
}

// importCandidate is one row of the candidate checklist.
type importCandidate struct {
	Index int
	extract.Candidate
	Checked bool
	// ClaimID is the claim already made from this sentence, if any.
	ClaimID int64
	// Prior is an earlier check of the sentence's claim, if one was found.
	Prior *workflow.PriorCheck
	// Edit holds the values of the row's edit fields: the candidate's own
	// on a fresh page, what the user sent when the form comes back.
	Edit candidateEdit
	// Open unfolds the row's edit fields: the user changed them, or one of
	// them is at fault.
	Open bool
	// Errors are the faults of this row's fields (index, text, claimant,
	// tags, priority) in a refused form.
	Errors map[string]string
}

// candidateEdit is what the checker may change in a candidate before
// filing it.
type candidateEdit struct {
	Text, Claimant, Tags string
	Priority             models.Priority
}

type importView struct {
	Article    *models.Article
	Segments   []importSegment
	Candidates []importCandidate
	Selectable int
}

func (s *Server) webImportPage(c *gin.Context) {
	s.render(c, http.StatusOK, "import", &page{Title: "Import an article", Nav: "import"})
}

// webImport stores the pasted article and opens its candidates.
func (s *Server) webImport(c *gin.Context) {
	in := workflow.NewArticle{
		Text: c.PostForm("text"), URL: c.PostForm("url"), Title: c.PostForm("title"), Outlet: c.PostForm("outlet"),
	}
	v, err := s.engine.ImportArticle(c.Request.Context(), actor(c), in)
	if err != nil {
		if models.CodeOf(err) != models.EInvalid {
			s.respondError(c, err)
			return
		}
		p := &page{Title: "Import an article", Nav: "import", Form: c.Request.PostForm}
		status := s.withProblem(c, p, err)
		s.render(c, status, "import", p)
		return
	}
	to := "/import/" + strconv.FormatInt(v.ID, 10)
	if v.Existing {
		to += "?done=reimported"
	}
	redirect(c, to)
}

// webImportArticle shows the article with its candidates highlighted and a
// checklist, check-worthy ones ticked, to turn them into claims.
func (s *Server) webImportArticle(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	v, err := s.importView(c.Request.Context(), id, nil)
	if err != nil {
		s.respondError(c, err)
		return
	}
	p := &page{Title: "Import: " + articleTitle(v.Article), Nav: "import", Data: v}
	p.flash(c)
	if n, err := strconv.Atoi(c.Query("created")); err == nil && n > 0 {
		p.Notice, p.NoticeKind = fmt.Sprintf("%d claims created from this article.", n), "ok"
		if n == 1 {
			p.Notice = "1 claim created from this article."
		}
	}
	s.render(c, http.StatusOK, "import", p)
}

func articleTitle(a *models.Article) string {
	if a.Title != "" {
		return a.Title
	}
	return "article #" + strconv.FormatInt(a.ID, 10)
}

// importView builds the article's page. form, when set, is the form the
// user sent, whose ticks and edits the page keeps.
func (s *Server) importView(ctx context.Context, id int64, form url.Values) (*importView, error) {
	av, err := s.engine.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	taken := map[int]int64{}
	for _, f := range av.Filed {
		taken[av.Candidates[f.Candidate].Start] = f.ClaimID
	}
	ticked := map[string]bool{}
	for _, n := range form["candidate"] {
		ticked[n] = true
	}
	v := &importView{Article: av.Article}
	pos := 0
	text := av.Article.Text
	for i, cand := range av.Candidates {
		if cand.Start < pos || cand.End > len(text) || cand.Start > cand.End {
			continue // offsets that do not fit the text are not highlighted
		}
		if cand.Start > pos {
			v.Segments = append(v.Segments, importSegment{Lines: strings.Split(text[pos:cand.Start], "\n"), Candidate: -1})
		}
		v.Segments = append(v.Segments, importSegment{Lines: strings.Split(cand.Text, "\n"), Candidate: i, Checkworthy: cand.Checkworthy})
		pos = cand.End
		claimID := taken[cand.Start]
		row := importCandidate{Index: i, Candidate: cand, Checked: cand.Checkworthy && claimID == 0, ClaimID: claimID,
			Edit: candidateEdit{Text: oneLine(cand.Text), Claimant: cand.Claimant, Priority: models.PriorityNormal}}
		if form != nil && claimID == 0 {
			n := strconv.Itoa(i)
			row.Checked = ticked[n]
			sent := candidateEdit{Text: form.Get("text-" + n), Claimant: form.Get("claimant-" + n), Tags: form.Get("tags-" + n), Priority: models.Priority(form.Get("priority-" + n))}
			row.Open = oneLine(sent.Text) != row.Edit.Text || strings.TrimSpace(sent.Claimant) != row.Edit.Claimant || sent.Tags != "" || sent.Priority != row.Edit.Priority
			row.Edit = sent
		}
		v.Candidates = append(v.Candidates, row)
		if claimID == 0 {
			v.Selectable++
		}
	}
	if pos < len(text) {
		v.Segments = append(v.Segments, importSegment{Lines: strings.Split(text[pos:], "\n"), Candidate: -1})
	}
	if err := s.engine.WithPriorChecks(ctx, av); err != nil {
		s.log.ErrorContext(ctx, "prior checks of an article", "article_id", id, "error", err)
	}
	prior := map[int]*workflow.PriorCheck{}
	for i := range av.PriorChecks {
		prior[av.PriorChecks[i].Candidate] = &av.PriorChecks[i]
	}
	for i := range v.Candidates {
		v.Candidates[i].Prior = prior[v.Candidates[i].Index]
	}
	return v, nil
}

// webImportClaims turns the ticked candidates into claims, all in one
// transaction, each with the edits made in its row (text, claimant, tags,
// priority), and shows the article again with them linked. A refused form
// comes back with the ticks and edits kept and each fault by its field.
func (s *Server) webImportClaims(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var chosen []workflow.CandidateChoice
	for _, raw := range c.PostFormArray("candidate") {
		n, perr := strconv.Atoi(raw)
		if perr != nil {
			err = models.Invalid("a ticked candidate is not valid", models.FieldError{Field: "candidates", Message: fmt.Sprintf("%q is not a candidate number", raw)})
			break
		}
		text, claimant := c.PostForm("text-"+raw), c.PostForm("claimant-"+raw)
		ch := workflow.CandidateChoice{Index: n, Tags: splitTags(c.PostForm("tags-" + raw)), Priority: models.Priority(c.PostForm("priority-" + raw))}
		// A row without edit fields (an older page, a script) files the
		// sentence as extracted.
		if _, ok := c.GetPostForm("text-" + raw); ok {
			ch.Text = &text
		}
		if _, ok := c.GetPostForm("claimant-" + raw); ok {
			ch.Claimant = &claimant
		}
		chosen = append(chosen, ch)
	}
	var claims []*models.Claim
	if err == nil {
		claims, err = s.engine.FileCandidates(c.Request.Context(), actor(c), id, chosen)
	}
	if err != nil {
		code := models.CodeOf(err)
		if code != models.EInvalid && code != models.EConflict {
			s.respondError(c, err)
			return
		}
		v, loadErr := s.importView(c.Request.Context(), id, c.Request.PostForm)
		if loadErr != nil {
			s.respondError(c, loadErr)
			return
		}
		p := &page{Title: "Import: " + articleTitle(v.Article), Nav: "import", Data: v, Form: c.Request.PostForm}
		status := s.withProblem(c, p, rowFields(err, chosen))
		for i := range v.Candidates {
			row := &v.Candidates[i]
			prefix := rowField(row.Index, "")
			for _, f := range p.Problem.Errors {
				if name, ok := strings.CutPrefix(f.Field, prefix); ok {
					if row.Errors == nil {
						row.Errors = map[string]string{}
					}
					row.Errors[name] = f.Message
					row.Open = row.Open || name != "index"
				}
			}
		}
		s.render(c, status, "import", p)
		return
	}
	redirect(c, "/import/"+strconv.FormatInt(id, 10)+"?created="+strconv.Itoa(len(claims)))
}

// rowField names the field of candidate row index the way the page shows
// it, counting from one ("sentence 4 text" for index 3), so the notice and
// the row agree.
func rowField(index int, field string) string { return fmt.Sprintf("sentence %d %s", index+1, field) }

// rowFields renames the engine's candidates[k].field errors, which count
// the ticked rows, after the sentence each row is.
func rowFields(err error, chosen []workflow.CandidateChoice) error {
	de, ok := err.(*models.Error)
	if !ok {
		return err
	}
	for i, f := range de.Fields {
		var k int
		var rest string
		n, _ := fmt.Sscanf(f.Field, "candidates[%d].%s", &k, &rest)
		if n >= 1 && k < len(chosen) {
			if n == 1 {
				rest = "index"
			}
			de.Fields[i].Field = rowField(chosen[k].Index, rest)
		}
	}
	return de
}

// oneLine is s with each run of white space one space, as a filed claim
// reads.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// relatedView is the claim page's panel: the sentence in its article and
// the earlier claims that resemble it.
type relatedView struct {
	Claim   *models.Claim
	Article *models.Article
	// Before, Sentence and After split the article's text around the
	// claim's sentence, for the highlight.
	Before, Sentence, After string
	Matches                 []relatedMatch
	// CanReject says whether the workflow lets this user reject the claim
	// (as a duplicate) now.
	CanReject bool
	CSRF      string
}

// relatedMatches is how many matches the claim page shows.
const relatedMatches = 5

// webClaimRelated renders the claim page's provenance and matches panel.
// The claim page loads it with htmx; opened directly it is a page of its
// own, so it also works without scripts.
func (s *Server) webClaimRelated(c *gin.Context) {
	id, err := param.ID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	ctx := c.Request.Context()
	claim, err := s.store.Claim(ctx, id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	u := actor(c)
	v := &relatedView{Claim: claim, CSRF: csrfToken(c),
		CanReject: workflow.CanApply(u, claim, models.ActionReject)}
	if claim.ArticleID != nil {
		a, err := s.store.Article(ctx, *claim.ArticleID)
		if err != nil {
			s.respondError(c, err)
			return
		}
		v.Article = a
		if st, en := claim.ArticleStart, claim.ArticleEnd; st != nil && en != nil && *st >= 0 && *st <= *en && *en <= len(a.Text) {
			v.Before, v.Sentence, v.After = contextBefore(a.Text[:*st]), a.Text[*st:*en], contextAfter(a.Text[*en:])
		}
	}
	v.Matches, err = s.relatedMatches(ctx, claim)
	if err != nil {
		s.respondError(c, err)
		return
	}
	if c.GetHeader("HX-Request") == "true" {
		s.renderTemplate(c, http.StatusOK, "claim_related", "claim-related", v)
		return
	}
	s.render(c, http.StatusOK, "claim_related", &page{Title: "Related to claim #" + strconv.FormatInt(id, 10), Nav: "board", Data: v})
}

// relatedMatch is one earlier claim resembling the claim of the page.
type relatedMatch struct {
	store.SimilarClaim
	// ConfirmedVerdict is the match's verdict once an editor confirmed
	// it, and nil before: only an approved verdict is worth reusing.
	ConfirmedVerdict *models.Verdict
}

// IsDuplicate is for the template: the one-click button is offered only for
// duplicates, where the earlier verdict can be reused.
func (m relatedMatch) IsDuplicate() bool { return m.Relation == match.Duplicate }

// relatedMatches finds the claims entered before claim that resemble it.
func (s *Server) relatedMatches(ctx context.Context, claim *models.Claim) ([]relatedMatch, error) {
	found, err := s.store.SimilarClaims(ctx, claim.Text, store.SimilarOptions{Limit: relatedMatches, Before: claim.ID})
	if err != nil {
		return nil, err
	}
	out := make([]relatedMatch, 0, len(found))
	for _, f := range found {
		m := relatedMatch{SimilarClaim: f}
		m.Score = math.Round(f.Score*1000) / 1000
		if f.Claim.State == models.StateConfirmed && f.Claim.Verdict != "" {
			v := f.Claim.Verdict
			m.ConfirmedVerdict = &v
		}
		out = append(out, m)
	}
	return out, nil
}

// contextChars is how much of the article shows on each side of the
// claim's sentence: enough for the paragraph around it.
const contextChars = 300

// contextBefore keeps the end of s, cut at a word so no word is split.
func contextBefore(s string) string {
	if len(s) <= contextChars {
		return s
	}
	s = s[len(s)-contextChars:]
	if i := strings.IndexAny(s, " \n"); i >= 0 {
		s = s[i+1:]
	}
	return "…" + s
}

// contextAfter keeps the start of s, cut at a word.
func contextAfter(s string) string {
	if len(s) <= contextChars {
		return s
	}
	s = s[:contextChars]
	if i := strings.LastIndexAny(s, " \n"); i >= 0 {
		s = s[:i]
	}
	return s + "…"
}
