package store

import (
	"context"
	"fmt"
	"time"
)

// CandidateDecision is what a checker did with one candidate sentence of an
// imported article: filed it as a claim or left it.
type CandidateDecision struct {
	ArticleID   int64
	Start, End  int
	Sentence    string
	Score       float64
	Checkworthy bool
	Filed       bool
	DecidedBy   int64
	DecidedAt   time.Time
}

// RecordCandidateDecisions saves ds. A sentence once filed stays filed: a
// later round that leaves it (it is already a claim) does not undo that.
func (tx *Tx) RecordCandidateDecisions(ctx context.Context, ds []CandidateDecision) error {
	for _, d := range ds {
		err := tx.db.WithContext(ctx).Exec(`
			INSERT INTO candidate_decisions (article_id, span_start, span_end, sentence, score, checkworthy, filed, decided_by)
			VALUES (@a, @s, @e, @text, @score, @cw, @filed, @by)
			ON CONFLICT (article_id, span_start) DO UPDATE SET
				filed = candidate_decisions.filed OR EXCLUDED.filed,
				decided_by = CASE WHEN EXCLUDED.filed AND NOT candidate_decisions.filed THEN EXCLUDED.decided_by ELSE candidate_decisions.decided_by END,
				decided_at = CASE WHEN EXCLUDED.filed AND NOT candidate_decisions.filed THEN now() ELSE candidate_decisions.decided_at END`,
			map[string]any{"a": d.ArticleID, "s": d.Start, "e": d.End, "text": d.Sentence, "score": d.Score, "cw": d.Checkworthy, "filed": d.Filed, "by": d.DecidedBy}).Error
		if err != nil {
			return fmt.Errorf("store: record candidate decision: %w", err)
		}
	}
	return nil
}

// CandidateDecisions lists the decisions made since since, oldest first:
// the desk's own labelled sentences.
func (q queries) CandidateDecisions(ctx context.Context, since time.Time) ([]CandidateDecision, error) {
	var rows []struct {
		ArticleID   int64
		SpanStart   int
		SpanEnd     int
		Sentence    string
		Score       float64
		Checkworthy bool
		Filed       bool
		DecidedBy   *int64
		DecidedAt   time.Time
	}
	err := q.db.WithContext(ctx).Raw(`SELECT article_id, span_start, span_end, sentence, score, checkworthy, filed, decided_by, decided_at
		FROM candidate_decisions WHERE decided_at >= ? ORDER BY decided_at, article_id, span_start`, since).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: candidate decisions: %w", err)
	}
	out := make([]CandidateDecision, len(rows))
	for i, r := range rows {
		out[i] = CandidateDecision{ArticleID: r.ArticleID, Start: r.SpanStart, End: r.SpanEnd, Sentence: r.Sentence, Score: r.Score,
			Checkworthy: r.Checkworthy, Filed: r.Filed, DecidedAt: r.DecidedAt}
		if r.DecidedBy != nil {
			out[i].DecidedBy = *r.DecidedBy
		}
	}
	return out, nil
}
