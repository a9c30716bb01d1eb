package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/factdesk/factdesk/match"
	"github.com/factdesk/factdesk/models"
)

// archiveCandidates caps the archived checks the ranked search hands the
// re-ranker per lookup.
const archiveCandidates = 30

// Upsert outcomes of UpsertPriorCheck.
const (
	PriorInserted  = "inserted"
	PriorUpdated   = "updated"
	PriorUnchanged = "unchanged"
)

// UpsertPriorCheck archives rec under its URL: a new URL is inserted, a
// known one updated when anything differs. It says which happened.
func (tx *Tx) UpsertPriorCheck(ctx context.Context, rec *models.PriorCheck) (string, error) {
	var out []struct{ Inserted bool }
	err := tx.db.WithContext(ctx).Raw(`
		INSERT INTO factcheck_archive (url, outlet, outlet_site, rating, reviewed_on, claim, claimant, claimed_on, language, title)
		VALUES (@url, @outlet, @site, @rating, @reviewed, @claim, @claimant, @claimed, @lang, @title)
		ON CONFLICT (url) DO UPDATE SET outlet = EXCLUDED.outlet, outlet_site = EXCLUDED.outlet_site, rating = EXCLUDED.rating,
			reviewed_on = EXCLUDED.reviewed_on, claim = EXCLUDED.claim, claimant = EXCLUDED.claimant, claimed_on = EXCLUDED.claimed_on,
			language = EXCLUDED.language, title = EXCLUDED.title, updated_at = now()
		WHERE (factcheck_archive.outlet, factcheck_archive.outlet_site, factcheck_archive.rating, factcheck_archive.reviewed_on,
			factcheck_archive.claim, factcheck_archive.claimant, factcheck_archive.claimed_on, factcheck_archive.language, factcheck_archive.title)
			IS DISTINCT FROM (EXCLUDED.outlet, EXCLUDED.outlet_site, EXCLUDED.rating, EXCLUDED.reviewed_on, EXCLUDED.claim,
			EXCLUDED.claimant, EXCLUDED.claimed_on, EXCLUDED.language, EXCLUDED.title)
		RETURNING (xmax = 0) AS inserted`,
		map[string]any{"url": rec.URL, "outlet": rec.Outlet, "site": rec.OutletSite, "rating": rec.Rating, "reviewed": rec.ReviewedOn,
			"claim": rec.Claim, "claimant": rec.Claimant, "claimed": rec.ClaimedOn, "lang": rec.Language, "title": rec.Title}).
		Scan(&out).Error
	if err != nil {
		return "", fmt.Errorf("store: archive fact-check: %w", err)
	}
	switch {
	case len(out) == 0:
		return PriorUnchanged, nil
	case out[0].Inserted:
		return PriorInserted, nil
	}
	return PriorUpdated, nil
}

// PriorCheckCount is how many fact-checks the archive holds.
func (q queries) PriorCheckCount(ctx context.Context) (int64, error) {
	var n int64
	if err := q.db.WithContext(ctx).Model(&models.PriorCheck{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count archive: %w", err)
	}
	return n, nil
}

// PriorMatch is an archived fact-check that resembles a query.
type PriorMatch struct {
	Check    *models.PriorCheck
	Score    float64
	Relation match.Relation
	Reasons  []string
}

// SimilarPriorChecks finds the archived fact-checks of other outlets that
// check text, best first. Candidates come from a ranked full-text search
// (any of the cleaned query's lexemes, ts_rank_cd order) over the archive's
// claim text; match.Rank then judges them on normalised text exactly as it
// judges the desk's own claims, so a changed figure or a negation is never
// reported as the same claim.
func (q queries) SimilarPriorChecks(ctx context.Context, text string, limit int) ([]PriorMatch, error) {
	clean := match.CleanQuery(strings.TrimSpace(text))
	if clean == "" {
		return []PriorMatch{}, nil
	}
	if limit <= 0 {
		limit = DefaultSimilarLimit
	}
	limit = min(limit, MaxSimilarLimit)
	var rows []struct {
		ID    int64
		Claim string
		Rank  float64
	}
	err := q.db.WithContext(ctx).Raw(`
		WITH f AS (SELECT nullif(replace(plainto_tsquery('english', @q)::text, ' & ', ' | '), '')::tsquery AS tq)
		SELECT a.id, a.claim, ts_rank_cd(a.search, f.tq) AS rank
		  FROM factcheck_archive a, f
		 WHERE f.tq IS NOT NULL AND a.search @@ f.tq
		 ORDER BY rank DESC, a.id DESC
		 LIMIT @n`, map[string]any{"q": clean, "n": archiveCandidates}).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: search archive: %w", err)
	}
	if len(rows) == 0 {
		return []PriorMatch{}, nil
	}
	cands := make([]match.Candidate, len(rows))
	byKey := make(map[string]int64, len(rows))
	for i, r := range rows {
		key := fmt.Sprint(r.ID)
		cands[i] = match.Candidate{ID: key, Text: r.Claim, Rank: r.Rank}
		byKey[key] = r.ID
	}
	ranked := match.Rank(clean, cands)
	if len(ranked) > limit {
		ranked = ranked[:limit]
	}
	ids := make([]int64, 0, len(ranked))
	for _, r := range ranked {
		ids = append(ids, byKey[r.ID])
	}
	var checks []models.PriorCheck
	if len(ids) > 0 {
		if err := q.db.WithContext(ctx).Where("id IN ?", ids).Find(&checks).Error; err != nil {
			return nil, fmt.Errorf("store: load archived checks: %w", err)
		}
	}
	found := make(map[int64]*models.PriorCheck, len(checks))
	for i := range checks {
		found[checks[i].ID] = &checks[i]
	}
	out := make([]PriorMatch, 0, len(ranked))
	for _, r := range ranked {
		if c := found[byKey[r.ID]]; c != nil {
			out = append(out, PriorMatch{Check: c, Score: r.Score, Relation: r.Relation, Reasons: r.Reasons})
		}
	}
	return out, nil
}
