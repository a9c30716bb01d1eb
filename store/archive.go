package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/factdesk/factdesk/match"
	"github.com/factdesk/factdesk/models"
)

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
// check text, best first. It is the desk's own similar-claim search (see
// SimilarClaims) over the archive: the same cleaning of a tweet or a
// headline (match.CleanQuery), the same candidate sources (full-text arms
// on the query's figures, names and key words, and BM25 over the
// archive's counted lexemes, spellings included) over the check's claim,
// claimant and headline (migration 0056), and the same re-ranker, which
// reads the headline as the claim's summary. The relation is judged on the
// archived claim alone, so a changed figure, a swapped name or a negation
// is never reported as the same claim.
func (q queries) SimilarPriorChecks(ctx context.Context, text string, limit int) ([]PriorMatch, error) {
	clean := match.CleanQuery(strings.TrimSpace(text))
	if clean == "" {
		return []PriorMatch{}, nil
	}
	if limit <= 0 {
		limit = DefaultSimilarLimit
	}
	limit = min(limit, MaxSimilarLimit)
	about := match.TweetContext(text)
	cands, err := q.similarCandidates(ctx, archiveCorpus, clean, about, 0)
	if err != nil {
		return nil, fmt.Errorf("store: search archive: %w", err)
	}
	ranked := match.RankAbout(clean, about, cands)
	if len(ranked) > limit {
		ranked = ranked[:limit]
	}
	if len(ranked) == 0 {
		return []PriorMatch{}, nil
	}
	ids := make([]int64, len(ranked))
	for i, r := range ranked {
		ids[i], _ = strconv.ParseInt(r.ID, 10, 64)
	}
	var checks []models.PriorCheck
	if err := q.db.WithContext(ctx).Where("id IN ?", ids).Find(&checks).Error; err != nil {
		return nil, fmt.Errorf("store: load archived checks: %w", err)
	}
	found := make(map[int64]*models.PriorCheck, len(checks))
	for i := range checks {
		found[checks[i].ID] = &checks[i]
	}
	out := make([]PriorMatch, 0, len(ranked))
	for i, r := range ranked {
		if c := found[ids[i]]; c != nil {
			out = append(out, PriorMatch{Check: c, Score: r.Score, Relation: r.Relation, Reasons: r.Reasons})
		}
	}
	return out, nil
}

// SettleArchive readies the archive's search after an import that
// inserted or changed changed checks, at a cost per import, not per row.
// The new rows' lexemes wait in the full-text index's pending list (GIN's
// fast update) until a vacuum, and every lookup reads that list whole and
// is planned as a sequential scan meanwhile: 46 ms of PostgreSQL for a
// lookup over 10,375 freshly imported checks, 4 ms once merged. It merges
// them now. When the import changed a tenth of what the archive's lexeme
// counts last counted (or they were never made), it also recounts them
// (the periodic job's work, RefreshLexemeStats) and analyses the table, so
// a first import is ranked by real document frequencies at once; so the
// recount reads at most ten archived rows per row imported.
func (q queries) SettleArchive(ctx context.Context, changed int) error {
	if changed == 0 {
		return nil
	}
	return q.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SELECT gin_clean_pending_list('factcheck_archive_search_idx'::regclass)`).Error; err != nil {
			return fmt.Errorf("store: settle archive index: %w", err)
		}
		var counted []int64
		if err := tx.Raw(`SELECT docs FROM archive_lexeme_totals`).Scan(&counted).Error; err != nil {
			return fmt.Errorf("store: settle archive: %w", err)
		}
		if len(counted) > 0 && int64(changed)*10 < counted[0] {
			return nil
		}
		if err := recountLexemes(tx, archiveCorpus.lexemes, archiveCorpus.totals, "factcheck_archive"); err != nil {
			return err
		}
		if err := tx.Exec(`ANALYZE factcheck_archive`).Error; err != nil {
			return fmt.Errorf("store: analyse archive: %w", err)
		}
		return nil
	})
}
