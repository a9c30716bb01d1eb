package sources

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/factdesk/factdesk/models"
)

// Warning is advice shown before a verdict is proposed or confirmed. It
// never blocks a transition: the workflow table's requirements do that.
type Warning struct {
	// Code is stable for programs: single_domain, unreliable_source,
	// source_problem.
	Code        string  `json:"code"`
	Message     string  `json:"message"`
	EvidenceIDs []int64 `json:"evidence_ids"`
}

// Warnings lists the warnings for a claim's current evidence.
func (s *Service) Warnings(ctx context.Context, claimID int64) ([]Warning, error) {
	evidence, err := s.store.ClaimEvidenceList(ctx, claimID)
	if err != nil {
		return nil, err
	}
	return Warn(evidence), nil
}

// Warn checks evidence against the desk's sourcing rules:
//
//   - single_domain: all evidence of one stance (supports or refutes) comes
//     from one registrable domain, so the rule "at least two independent
//     sources" is not met. example.org and news.example.org count as one.
//   - unreliable_source: a source the registry rates unreliable is cited
//     for or against the claim.
//   - source_problem: a cited page is gone, changed, unreachable, or lacks
//     its quoted excerpt.
//
// Retracted items are left out: the desk withdrew them, so they no longer
// support a verdict (the workflow's requirements do not count them either)
// and what became of their pages is no longer the claim's problem.
func Warn(all []models.Evidence) []Warning {
	evidence := make([]models.Evidence, 0, len(all))
	for _, e := range all {
		if !e.Retracted() {
			evidence = append(evidence, e)
		}
	}
	out := []Warning{}
	for _, stance := range []models.Stance{models.StanceSupports, models.StanceRefutes} {
		domains := map[string][]int64{}
		for _, e := range evidence {
			if e.Stance == stance {
				d := RegistrableDomain(Host(e.URL))
				domains[d] = append(domains[d], e.ID)
			}
		}
		if len(domains) != 1 {
			continue
		}
		for d, ids := range domains {
			word := map[models.Stance]string{models.StanceSupports: "supporting", models.StanceRefutes: "refuting"}[stance]
			msg := fmt.Sprintf("All %s evidence comes from %s. The desk asks for at least two independent sources.", word, d)
			if len(ids) == 1 {
				msg = fmt.Sprintf("Only one %s source (%s). The desk asks for at least two independent sources.", word, d)
			}
			out = append(out, Warning{Code: "single_domain", Message: msg, EvidenceIDs: ids})
		}
	}
	var unreliable, problems []int64
	var problemHosts []string
	for _, e := range evidence {
		if e.SourceRating == string(RatingUnreliable) && e.Stance != models.StanceContext {
			unreliable = append(unreliable, e.ID)
		}
		switch Status(e.Status) {
		case StatusGone, StatusChanged, StatusUnreachable, StatusExcerptMissing:
			problems = append(problems, e.ID)
			problemHosts = append(problemHosts, fmt.Sprintf("%s (%s)", Host(e.URL), strings.ReplaceAll(e.Status, "_", " ")))
		}
	}
	if len(unreliable) > 0 {
		out = append(out, Warning{Code: "unreliable_source", EvidenceIDs: unreliable,
			Message: fmt.Sprintf("%d cited source(s) are rated unreliable in the source registry.", len(unreliable))})
	}
	if len(problems) > 0 {
		sort.Strings(problemHosts)
		out = append(out, Warning{Code: "source_problem", EvidenceIDs: problems,
			Message: "Some cited pages could not be confirmed: " + strings.Join(problemHosts, ", ") + "."})
	}
	return out
}
