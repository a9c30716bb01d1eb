package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

// articleRequest is the body of POST /articles. published_at is read as a
// string so a bad date is reported against its own field.
type articleRequest struct {
	Text        string `json:"text"`
	URL         string `json:"url"`
	Title       string `json:"title"`
	Outlet      string `json:"outlet"`
	PublishedAt string `json:"published_at"`
}

// articleView is an article with its candidates and the claims already
// taken from it.
type articleView struct {
	*models.Article
	Candidates []extract.Candidate `json:"candidates"`
	Claims     []models.Claim      `json:"claims"`
}

func (s *Server) createArticle(c *gin.Context) {
	var req articleRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	a, cands, err := s.importArticle(c.Request.Context(), actor(c), req)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("Location", "/api/v1/articles/"+strconv.FormatInt(a.ID, 10))
	c.JSON(http.StatusCreated, gin.H{"id": a.ID, "candidates": cands})
}

// importArticle validates req, extracts its candidates and stores both.
// The API and the /import page share it.
func (s *Server) importArticle(ctx context.Context, u *models.User, req articleRequest) (*models.Article, []extract.Candidate, error) {
	if !u.Role.AtLeast(models.RoleChecker) {
		return nil, nil, models.Errorf(models.EForbidden, "your role (%s) may not import articles", u.Role)
	}
	a := &models.Article{
		Text: req.Text, URL: strings.TrimSpace(req.URL), Title: strings.TrimSpace(req.Title),
		Outlet: strings.TrimSpace(req.Outlet), CreatedBy: u.ID,
	}
	err := a.Validate()
	if p := strings.TrimSpace(req.PublishedAt); p != "" {
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
	cands := extract.Candidates(a.Text)
	raw, jerr := json.Marshal(cands)
	if jerr != nil {
		return nil, nil, fmt.Errorf("handlers: encode candidates: %w", jerr)
	}
	a.Candidates = raw
	if err := s.store.AddArticle(ctx, a); err != nil {
		return nil, nil, err
	}
	return a, cands, nil
}

func (s *Server) getArticle(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	v, err := s.articleView(c.Request.Context(), id)
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) articleView(ctx context.Context, id int64) (*articleView, error) {
	a, err := s.store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	cands, err := articleCandidates(a)
	if err != nil {
		return nil, err
	}
	claims, err := s.store.ArticleClaims(ctx, id)
	if err != nil {
		return nil, err
	}
	for i := range claims {
		normalize(&claims[i])
	}
	if claims == nil {
		claims = []models.Claim{}
	}
	return &articleView{Article: a, Candidates: cands, Claims: claims}, nil
}

func articleCandidates(a *models.Article) ([]extract.Candidate, error) {
	cands := []extract.Candidate{}
	if err := json.Unmarshal(a.Candidates, &cands); err != nil {
		return nil, fmt.Errorf("handlers: candidates of article %d: %w", a.ID, err)
	}
	return cands, nil
}

// articleClaimsRequest names the chosen candidates by their index in the
// article's candidate list.
type articleClaimsRequest struct {
	Candidates []int `json:"candidates"`
}

func (s *Server) createArticleClaims(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.respondError(c, err)
		return
	}
	var req articleClaimsRequest
	if err := bindJSON(c, &req); err != nil {
		s.respondError(c, err)
		return
	}
	claims, err := s.claimsFromArticle(c.Request.Context(), actor(c), id, req.Candidates)
	if err != nil {
		s.respondError(c, err)
		return
	}
	for _, cl := range claims {
		normalize(cl)
	}
	c.JSON(http.StatusCreated, gin.H{"items": claims})
}

// claimsFromArticle turns the chosen candidates of article id into claims,
// all in one transaction through the workflow engine. Each claim keeps its
// provenance: the article, the sentence's offsets, the claimant the
// extractor found and the article's URL as its source.
func (s *Server) claimsFromArticle(ctx context.Context, u *models.User, id int64, chosen []int) ([]*models.Claim, error) {
	a, err := s.store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	cands, err := articleCandidates(a)
	if err != nil {
		return nil, err
	}
	if len(chosen) == 0 {
		return nil, models.Invalid("choose at least one candidate", models.FieldError{Field: "candidates", Message: "list the indexes of the candidates to turn into claims"})
	}
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
		return nil, models.Invalid(fmt.Sprintf("%d candidate index(es) are not valid", len(fields)), fields...)
	}
	// A sentence already turned into a claim is not taken again: a resent
	// form or a retried request would otherwise file the same claim twice.
	existing, err := s.store.ArticleClaims(ctx, id)
	if err != nil {
		return nil, err
	}
	ins := make([]workflow.NewClaim, 0, len(chosen))
	for _, n := range chosen {
		cand := cands[n]
		if k := slices.IndexFunc(existing, func(cl models.Claim) bool {
			return cl.ArticleStart != nil && *cl.ArticleStart == cand.Start
		}); k >= 0 {
			return nil, models.Errorf(models.EConflict, "candidate %d is already claim %d", n, existing[k].ID)
		}
		start, end, articleID := cand.Start, cand.End, a.ID
		ins = append(ins, workflow.NewClaim{
			// The sentence may span the article's line breaks; the claim
			// reads as one line, and the offsets keep the exact place.
			Text: strings.Join(strings.Fields(cand.Text), " "), Claimant: cand.Claimant, SourceURL: a.URL,
			ArticleID: &articleID, ArticleStart: &start, ArticleEnd: &end,
		})
	}
	claims, err := s.engine.CreateClaims(ctx, u, ins)
	if err != nil {
		return nil, candidateFields(err, chosen)
	}
	return claims, nil
}

// candidateFields renames the engine's claims[i].field errors after the
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
