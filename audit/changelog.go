package audit

import (
	"time"

	"github.com/factdesk/factdesk/models"
)

// ChangeKind is what a reader is told happened to a published fact check.
type ChangeKind string

const (
	// ChangePublished is the first confirmation: the check went public.
	ChangePublished ChangeKind = "published"
	// ChangeVerdictChanged is a confirmation after a reopen that changed
	// the verdict.
	ChangeVerdictChanged ChangeKind = "verdict_changed"
	// ChangeCorrected is a confirmation after a reopen that kept the
	// verdict (the wording, summary or sources were corrected).
	ChangeCorrected ChangeKind = "corrected"
	// ChangeReopened is a published check taken back under review.
	ChangeReopened ChangeKind = "reopened"
	// ChangeRetracted is a published check rejected after a reopen: its
	// page stays, with a retraction notice.
	ChangeRetracted ChangeKind = "retracted"
)

// Change is one line of a fact check's public change log. LogIndex and
// Hash let the page link each line to its proof.
type Change struct {
	Kind            ChangeKind     `json:"kind"`
	At              time.Time      `json:"at"`
	Verdict         models.Verdict `json:"verdict,omitempty"`
	PreviousVerdict models.Verdict `json:"previous_verdict,omitempty"`
	// Reason is the editor's comment on the reopen or retraction.
	Reason string `json:"reason,omitempty"`
	// Seq is the entry's number in the claim's history.
	Seq      int    `json:"-"`
	LogIndex *int64 `json:"log_index,omitempty"`
	Hash     []byte `json:"-"`
}

// ChangeLog reads a claim's public change log from its history (in seq
// order): the same entries PublicEntry puts in the page's proof, so what
// the page says and what the proof proves are one list. Nothing before the
// first confirmation is public; after it, every confirmation, reopen and
// retraction is.
func ChangeLog(history []models.HistoryEntry) []Change {
	var out []Change
	var published bool
	var verdict models.Verdict
	for i := range history {
		e := &history[i]
		if !PublicEntry(e) {
			continue
		}
		c := Change{At: e.At, Seq: e.Seq, LogIndex: e.LogIndex, Hash: e.Hash}
		switch {
		case e.ToState == models.StateConfirmed && !published:
			c.Kind, c.Verdict = ChangePublished, e.Verdict
		case e.ToState == models.StateConfirmed && e.Verdict != verdict:
			c.Kind, c.Verdict, c.PreviousVerdict = ChangeVerdictChanged, e.Verdict, verdict
		case e.ToState == models.StateConfirmed:
			c.Kind, c.Verdict = ChangeCorrected, e.Verdict
		case !published:
			continue // rejected before it was ever public
		case e.ToState == models.StateRejected:
			c.Kind, c.Reason = ChangeRetracted, e.Comment
		default:
			c.Kind, c.Reason = ChangeReopened, e.Comment
		}
		if e.ToState == models.StateConfirmed {
			published, verdict = true, e.Verdict
		}
		out = append(out, c)
	}
	return out
}

// inChangeLog selects the entries ChangeLog shows. It goes by seq, not by
// log index: an entry committed since the last seal step has none yet.
func inChangeLog(history []models.HistoryEntry) func(*models.HistoryEntry) bool {
	shown := map[int]bool{}
	for _, c := range ChangeLog(history) {
		shown[c.Seq] = true
	}
	return func(e *models.HistoryEntry) bool { return shown[e.Seq] }
}
