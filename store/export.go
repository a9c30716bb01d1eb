package store

import (
	"context"
	"fmt"
	"time"

	"github.com/factdesk/factdesk/models"
)

// ExportRow is one claim as a desk reports on it: the claim, who works on
// it, when it last entered each state, and where it is published.
type ExportRow struct {
	ID        int64
	Text      string
	Claimant  string
	State     models.State
	Verdict   models.Verdict
	Priority  models.Priority
	Tags      models.StringArray `gorm:"type:text[]"`
	Language  string
	DueAt     *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
	// Assignees are the assigned people's names, in order of assignment.
	Assignees models.StringArray `gorm:"type:text[]"`
	// Sources counts the claim's evidence items.
	Sources int
	// The last time the claim entered each state, nil if it never did.
	VerifyingAt, VerifiedAt, DisputedAt, ConfirmedAt, RejectedAt *time.Time
	// FirstConfirmedAt is when the verdict was first approved: the end of
	// the claim's time to verdict.
	FirstConfirmedAt *time.Time
	// Slug names the public page of a published claim, "" otherwise.
	Slug string
}

// TimeToVerdict is the time from filing to the first approved verdict, or
// zero and false for a claim not yet confirmed.
func (r *ExportRow) TimeToVerdict() (time.Duration, bool) {
	if r.FirstConfirmedAt == nil {
		return 0, false
	}
	return r.FirstConfirmedAt.Sub(r.CreatedAt), true
}

// exportPage is how many rows one export query reads. Memory holds one page
// whatever the size of the export, and each page is a keyset query on the
// primary key, so the 1000th page costs what the first does.
const exportPage = 500

// Export calls fn with every claim matching f, in id order, reading a page
// at a time; f's sort, cursor and limit are ignored. It stops at fn's
// first error. Each page is its own snapshot: a claim changed during a long
// export appears as it was when its page was read.
func (q queries) Export(ctx context.Context, f ListFilter, fn func(*ExportRow) error) error {
	where, args := f.match().where()
	var after int64
	rows := make([]ExportRow, 0, exportPage)
	for {
		rows = rows[:0]
		pageArgs := append(append([]any{}, args...), after, exportPage)
		err := q.db.WithContext(ctx).Raw(`SELECT claims.id, claims.text, claims.claimant, claims.state, claims.verdict,
			claims.priority, claims.tags, claims.language, claims.due_at, claims.created_at, claims.updated_at,
			ARRAY(SELECT u.name FROM claim_assignments a JOIN users u ON u.id = a.user_id
			      WHERE a.claim_id = claims.id ORDER BY a.created_at, a.user_id) AS assignees,
			(SELECT count(*) FROM evidence e WHERE e.claim_id = claims.id) AS sources,
			h.verifying_at, h.verified_at, h.disputed_at, h.confirmed_at, h.rejected_at, h.first_confirmed_at,
			COALESCE(p.slug, '') AS slug
		FROM claims
		LEFT JOIN LATERAL (
			SELECT max(at) FILTER (WHERE to_state = 'verifying') AS verifying_at,
			       max(at) FILTER (WHERE to_state = 'verified') AS verified_at,
			       max(at) FILTER (WHERE to_state = 'disputed') AS disputed_at,
			       max(at) FILTER (WHERE to_state = 'confirmed') AS confirmed_at,
			       max(at) FILTER (WHERE to_state = 'rejected') AS rejected_at,
			       min(at) FILTER (WHERE to_state = 'confirmed') AS first_confirmed_at
			FROM claim_history WHERE claim_id = claims.id AND kind = 'transitioned'
		) h ON TRUE
		LEFT JOIN publications p ON p.claim_id = claims.id
		WHERE `+where+` AND claims.id > ?
		ORDER BY claims.id LIMIT ?`, pageArgs...).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("store: export claims after %d: %w", after, err)
		}
		for i := range rows {
			if err := fn(&rows[i]); err != nil {
				return err
			}
		}
		if len(rows) < exportPage {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}
