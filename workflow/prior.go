package workflow

import (
	"context"
	"fmt"
	"math"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/match"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// PriorCheck is an earlier check of what a candidate sentence claims: one
// of the desk's own claims, or another outlet's fact-check in the archive.
type PriorCheck struct {
	// Candidate is the sentence's index in the article's candidates.
	Candidate int `json:"candidate"`
	// ClaimID and ClaimURL name the desk's own claim; Archived is the
	// other outlet's fact-check. One of the two is set.
	ClaimID  int64              `json:"claim_id,omitempty"`
	ClaimURL string             `json:"claim_url,omitempty"`
	Archived *models.PriorCheck `json:"archived,omitempty"`
	// Text is the earlier claim as worded there.
	Text string `json:"text"`
	// Summary is the line a checker reads: "already checked by Outlet X
	// on 3 May 2024: False".
	Summary  string         `json:"summary"`
	Relation match.Relation `json:"relation"`
	Score    float64        `json:"score"`
	// Reasons say why a close claim is not the same ("numbers differ").
	Reasons []string `json:"reasons"`
}

// priorCandidates caps how many check-worthy sentences of one article are
// looked up: two indexed lookups each.
const priorCandidates = 25

// priorRelatedAt is the similarity above which a related claim is worth
// showing as a possible prior check; duplicates and conflicting claims are
// always shown.
const priorRelatedAt = 0.4

// PriorChecks looks up the article's check-worthy candidates not yet filed
// (the first priorCandidates of them) among the desk's claims and the
// archive of other outlets' fact-checks, and returns the best earlier check
// of each that says the same or nearly the same thing. The sentence's own
// claim, once filed, is not a prior check of it.
func (e *Engine) PriorChecks(ctx context.Context, v *ArticleView) ([]PriorCheck, error) {
	filedAt := map[int]bool{}
	for _, f := range v.Filed {
		filedAt[f.Candidate] = true
	}
	out := []PriorCheck{}
	looked := 0
	for i, cand := range v.Candidates {
		if !cand.Checkworthy || filedAt[i] {
			continue
		}
		if looked++; looked > priorCandidates {
			break
		}
		p, err := e.priorCheck(ctx, v.ID, cand)
		if err != nil {
			return nil, err
		}
		if p != nil {
			p.Candidate = i
			out = append(out, *p)
		}
	}
	return out, nil
}

func (e *Engine) priorCheck(ctx context.Context, articleID int64, cand extract.Candidate) (*PriorCheck, error) {
	var best *PriorCheck
	consider := func(p PriorCheck) {
		if p.Relation == match.Unrelated || (p.Relation == match.Related && p.Score < priorRelatedAt) {
			return
		}
		if best == nil || rankRelation(p.Relation) > rankRelation(best.Relation) ||
			(rankRelation(p.Relation) == rankRelation(best.Relation) && p.Score > best.Score) {
			best = &p
		}
	}
	own, err := e.store.SimilarClaims(ctx, cand.Text, store.SimilarOptions{Limit: 3})
	if err != nil {
		return nil, err
	}
	for _, s := range own {
		c := s.Claim
		if c.ArticleID != nil && *c.ArticleID == articleID && c.ArticleStart != nil && *c.ArticleStart == cand.Start {
			continue
		}
		consider(PriorCheck{ClaimID: c.ID, ClaimURL: fmt.Sprintf("/claims/%d", c.ID), Text: c.Text, Summary: ownSummary(c),
			Relation: s.Relation, Score: round3(s.Score), Reasons: nonNil(s.Reasons)})
	}
	archived, err := e.store.SimilarPriorChecks(ctx, cand.Text, 1)
	if err != nil {
		return nil, err
	}
	for _, a := range archived {
		consider(PriorCheck{Archived: a.Check, Text: a.Check.Claim, Summary: a.Check.Summary(),
			Relation: a.Relation, Score: round3(a.Score), Reasons: nonNil(a.Reasons)})
	}
	return best, nil
}

// ownSummary says where the desk's own claim stands.
func ownSummary(c *models.Claim) string {
	if c.Verdict != "" && c.State == models.StateConfirmed {
		return fmt.Sprintf("already checked here: claim #%d, %s", c.ID, c.Verdict)
	}
	return fmt.Sprintf("already filed here as claim #%d (%s)", c.ID, c.State)
}

func rankRelation(r match.Relation) int {
	switch r {
	case match.Duplicate:
		return 3
	case match.Conflicting:
		return 2
	case match.Related:
		return 1
	}
	return 0
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WithPriorChecks fills in v.PriorChecks. A failed lookup leaves them
// empty and returns the error, for the caller to log: the article itself
// is stored and readable either way.
func (e *Engine) WithPriorChecks(ctx context.Context, v *ArticleView) error {
	ps, err := e.PriorChecks(ctx, v)
	if err != nil {
		v.PriorChecks = []PriorCheck{}
		return err
	}
	v.PriorChecks = ps
	return nil
}
