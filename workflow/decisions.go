package workflow

import (
	"context"
	"strings"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// recordDecisions notes, in the filing's transaction, which of the
// article's candidates actor filed and which were left: the desk's own
// labels for retraining the check-worthiness model. Sentences filed in an
// earlier round count as filed.
func recordDecisions(ctx context.Context, tx *store.Tx, actor *models.User, articleID int64, cands []extract.Candidate, filed map[int]bool) error {
	ds := make([]store.CandidateDecision, len(cands))
	for i, c := range cands {
		ds[i] = store.CandidateDecision{ArticleID: articleID, Start: c.Start, End: c.End, Sentence: strings.Join(strings.Fields(c.Text), " "),
			Score: c.Score, Checkworthy: c.Checkworthy, Filed: filed[c.Start], DecidedBy: actor.ID}
	}
	return tx.RecordCandidateDecisions(ctx, ds)
}
