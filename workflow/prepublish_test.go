package workflow_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
	"github.com/factdesk/factdesk/workflow"
)

func blockedBy(rs []workflow.CheckResult) []workflow.CheckName {
	var out []workflow.CheckName
	for _, r := range rs {
		if r.Blocking() {
			out = append(out, r.Check)
		}
	}
	return out
}

func failed(rs []workflow.CheckResult) []workflow.CheckName {
	var out []workflow.CheckName
	for _, r := range rs {
		if !r.Passed {
			out = append(out, r.Check)
		}
	}
	return out
}

func TestPrePublish(t *testing.T) {
	t.Parallel()
	outlet := int64(4)
	ok := func(id int64, url string) models.Evidence {
		return models.Evidence{ID: id, URL: url, Stance: models.StanceSupports, Status: string(sources.StatusVerified)}
	}
	withStatus := func(e models.Evidence, s sources.Status) models.Evidence { e.Status = string(s); return e }
	tests := []struct {
		name        string
		facts       workflow.PrePublishFacts
		wantFailed  []workflow.CheckName
		wantBlocked []workflow.CheckName
	}{
		{"two domains, all verified", workflow.PrePublishFacts{Verdict: models.VerdictTrue, Summary: "s",
			Evidence: []models.Evidence{ok(1, "https://a.example.org/x"), ok(2, "https://b.example.com/y")}}, nil, nil},
		{"one domain under two hosts", workflow.PrePublishFacts{Verdict: models.VerdictFalse, Summary: "s",
			Evidence: []models.Evidence{ok(1, "https://www.example.org/x"), ok(2, "https://news.example.org/y")}},
			[]workflow.CheckName{workflow.CheckIndependentDomains}, nil},
		{"one domain is fine for mostly true", workflow.PrePublishFacts{Verdict: models.VerdictMostlyTrue, Summary: "s",
			Evidence: []models.Evidence{ok(1, "https://example.org/x")}}, nil, nil},
		{"two domains of one outlet are one voice", workflow.PrePublishFacts{Verdict: models.VerdictTrue, Summary: "s",
			Evidence: []models.Evidence{func() models.Evidence { e := ok(1, "https://a.example/x"); e.OutletID = &outlet; return e }(),
				func() models.Evidence { e := ok(2, "https://b.example/x"); e.OutletID = &outlet; return e }()}},
			[]workflow.CheckName{workflow.CheckIndependentDomains}, nil},
		{"unreachable and gone block", workflow.PrePublishFacts{Verdict: models.VerdictHalfTrue, Summary: "s",
			Evidence: []models.Evidence{withStatus(ok(1, "https://a.example/x"), sources.StatusUnreachable), withStatus(ok(2, "https://b.example/x"), sources.StatusGone)}},
			[]workflow.CheckName{workflow.CheckSourcesReachable}, []workflow.CheckName{workflow.CheckSourcesReachable}},
		{"missing and changed quotes block", workflow.PrePublishFacts{Verdict: models.VerdictHalfTrue, Summary: "s",
			Evidence: []models.Evidence{withStatus(ok(1, "https://a.example/x"), sources.StatusExcerptMissing), withStatus(ok(2, "https://b.example/x"), sources.StatusChanged)}},
			[]workflow.CheckName{workflow.CheckExcerptsFound}, []workflow.CheckName{workflow.CheckExcerptsFound}},
		{"unchecked only warns", workflow.PrePublishFacts{Verdict: models.VerdictHalfTrue, Summary: "s",
			Evidence: []models.Evidence{withStatus(ok(1, "https://a.example/x"), sources.StatusPending)}},
			[]workflow.CheckName{workflow.CheckSourcesChecked}, nil},
		{"no summary, no rating, no sources", workflow.PrePublishFacts{},
			[]workflow.CheckName{workflow.CheckSourcesChecked, workflow.CheckSummary, workflow.CheckRating}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := workflow.PrePublish(tt.facts, workflow.DefaultPolicy())
			if len(rs) != len(workflow.CheckNames) {
				t.Fatalf("PrePublish returned %d results, want one per check", len(rs))
			}
			if got := failed(rs); !slices.Equal(got, tt.wantFailed) {
				t.Errorf("failed = %v, want %v (%+v)", got, tt.wantFailed, rs)
			}
			if got := blockedBy(rs); !slices.Equal(got, tt.wantBlocked) {
				t.Errorf("blocking = %v, want %v", got, tt.wantBlocked)
			}
		})
	}
}

func TestPolicyFrom(t *testing.T) {
	t.Parallel()
	raw, _ := json.Marshal(map[string]string{"independent_domains": "block", "sources_reachable": "warn", "nonsense": "block", "summary": "maybe"})
	p := workflow.PolicyFrom(raw)
	if p[workflow.CheckIndependentDomains] != workflow.SeverityBlock || p[workflow.CheckSourcesReachable] != workflow.SeverityWarn ||
		p[workflow.CheckSummary] != workflow.SeverityWarn || p[workflow.CheckExcerptsFound] != workflow.SeverityBlock || len(p) != len(workflow.CheckNames) {
		t.Errorf("PolicyFrom = %v", p)
	}
	rs := workflow.PrePublish(workflow.PrePublishFacts{Verdict: models.VerdictTrue, Summary: "s",
		Evidence: []models.Evidence{{ID: 1, URL: "https://a.example/x", Stance: models.StanceSupports, Status: string(sources.StatusVerified)}}}, p)
	if got := blockedBy(rs); !slices.Equal(got, []workflow.CheckName{workflow.CheckIndependentDomains}) {
		t.Errorf("with independent_domains set to block, blocking = %v", got)
	}
}
