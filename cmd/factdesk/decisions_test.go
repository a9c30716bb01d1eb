package main

import (
	"strings"
	"testing"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/store"
)

func TestDecisionReport(t *testing.T) {
	t.Parallel()
	ds := []store.CandidateDecision{
		{ArticleID: 1, Sentence: "Unemployment fell to 3.5 percent in March, the statistics office said.", Checkworthy: true, Filed: true},
		{ArticleID: 1, Sentence: "I think the weather was lovely.", Checkworthy: true, Filed: false},
		{ArticleID: 2, Sentence: "The bridge cost 40 million euros, the ministry said.", Checkworthy: false, Filed: true},
		{ArticleID: 2, Sentence: "Thanks for reading.", Checkworthy: false, Filed: false},
	}
	var b strings.Builder
	writeDecisionReport(&b, ds, 30, "shipped model", extract.Options{})
	out := b.String()
	for _, want := range []string{
		"4 candidates of 2 articles, 2 filed, 2 left",
		"flag shown at import: P=0.500 R=0.500 F1=0.500 (flagged and filed 1, flagged and left 1, filed but not flagged 1)",
		"shipped model: P=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	writeDecisionReport(&b, nil, 7, "m", extract.Options{})
	if got := b.String(); got != "decisions of the last 7 days: 0 candidates of 0 articles, 0 filed, 0 left\n" {
		t.Errorf("empty report = %q", got)
	}
}

func TestDeskTrainUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--desk", "--hold-out", "1.5"}, {"--desk", "extra"}, {"--desk", "--nope"}} {
		var b strings.Builder
		if err := deskTrainCmd(t.Context(), args, &b); err == nil || !strings.Contains(err.Error(), deskTrainUsage) {
			t.Errorf("model train %q = %v, want the usage", args, err)
		}
	}
}
