package audit

import (
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
)

func TestChangeLog(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	var hist []models.HistoryEntry
	add := func(kind models.HistoryKind, action models.Action, from, to models.State, verdict models.Verdict, comment string) {
		i := int64(len(hist))
		hist = append(hist, models.HistoryEntry{Seq: len(hist) + 1, Kind: kind, Action: action, FromState: from, ToState: to,
			Verdict: verdict, Comment: comment, At: t0.Add(time.Duration(i) * time.Hour), LogIndex: &i})
	}
	tr := models.HistoryTransitioned
	add(models.HistoryCreated, "", "", models.StateNew, "", "")
	add(tr, models.ActionReject, models.StateNew, models.StateRejected, "", "looks like opinion")
	add(tr, models.ActionRestore, models.StateRejected, models.StateNew, "", "")
	add(tr, models.ActionStart, models.StateNew, models.StateVerifying, "", "")
	add(tr, models.ActionVerify, models.StateVerifying, models.StateVerified, models.VerdictTrue, "internal: ok")
	add(tr, models.ActionConfirm, models.StateVerified, models.StateConfirmed, models.VerdictTrue, "")
	add(tr, models.ActionReopen, models.StateConfirmed, models.StateVerifying, "", "the date was wrong")
	add(tr, models.ActionVerify, models.StateVerifying, models.StateVerified, models.VerdictTrue, "")
	add(tr, models.ActionConfirm, models.StateVerified, models.StateConfirmed, models.VerdictTrue, "")
	add(tr, models.ActionReopen, models.StateConfirmed, models.StateVerifying, "", "new data")
	add(tr, models.ActionDispute, models.StateVerifying, models.StateDisputed, models.VerdictFalse, "")
	add(tr, models.ActionConfirm, models.StateDisputed, models.StateConfirmed, models.VerdictFalse, "")
	add(tr, models.ActionReopen, models.StateConfirmed, models.StateVerifying, "", "source fabricated")
	add(tr, models.ActionReject, models.StateVerifying, models.StateRejected, "", "we cannot stand behind it")

	got := ChangeLog(hist)
	want := []Change{
		{Kind: ChangePublished, Verdict: models.VerdictTrue},
		{Kind: ChangeReopened, Reason: "the date was wrong"},
		{Kind: ChangeCorrected, Verdict: models.VerdictTrue},
		{Kind: ChangeReopened, Reason: "new data"},
		{Kind: ChangeVerdictChanged, Verdict: models.VerdictFalse, PreviousVerdict: models.VerdictTrue},
		{Kind: ChangeReopened, Reason: "source fabricated"},
		{Kind: ChangeRetracted, Reason: "we cannot stand behind it"},
	}
	wantAt := []int{5, 6, 8, 9, 11, 12, 13}
	if len(got) != len(want) {
		t.Fatalf("ChangeLog = %+v, want %d lines", got, len(want))
	}
	for i := range want {
		w := want[i]
		w.At, w.LogIndex = hist[wantAt[i]].At, hist[wantAt[i]].LogIndex
		g := got[i]
		if g.Kind != w.Kind || !g.At.Equal(w.At) || g.Verdict != w.Verdict || g.PreviousVerdict != w.PreviousVerdict || g.Reason != w.Reason || *g.LogIndex != *w.LogIndex {
			t.Errorf("ChangeLog[%d] = %+v, want %+v", i, g, w)
		}
	}
	include := inChangeLog(hist)
	if include(&hist[1]) || include(&hist[4]) || !include(&hist[5]) {
		t.Error("the proof selection differs from the change log: the pre-publication reject or the verify is in, or the confirm is out")
	}
	if got := ChangeLog(hist[:5]); len(got) != 0 {
		t.Errorf("ChangeLog of a never-published claim = %+v, want nothing", got)
	}
}
