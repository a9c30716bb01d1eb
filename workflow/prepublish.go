package workflow

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/factdesk/factdesk/models"
)

// CheckName names one pre-publish check.
type CheckName string

const (
	// CheckSourcesReachable: every cited source has been checked and its
	// page could be read on the last check.
	CheckSourcesReachable CheckName = "sources_reachable"
	// CheckExcerptsFound: every quoted excerpt was found on its page.
	CheckExcerptsFound CheckName = "excerpts_found"
	// CheckIndependentDomains: a True or False verdict rests on sources
	// from more than one independent domain (or registry outlet).
	CheckIndependentDomains CheckName = "independent_domains"
	// CheckSummary: the verdict comes with a summary.
	CheckSummary CheckName = "summary"
	// CheckRating: the claim has a verdict to publish.
	CheckRating CheckName = "rating"
)

// CheckNames lists every pre-publish check in the order they are shown.
var CheckNames = []CheckName{CheckSourcesReachable, CheckExcerptsFound, CheckIndependentDomains, CheckSummary, CheckRating}

// Severity says what a failed check does to a confirm.
type Severity string

const (
	// SeverityWarn shows the failure; the confirm goes ahead.
	SeverityWarn Severity = "warn"
	// SeverityBlock refuses the confirm unless an editor overrides it
	// with a written reason.
	SeverityBlock Severity = "block"
)

// Policy is the desk's severity per check.
type Policy map[CheckName]Severity

// DefaultPolicy blocks on what would publish a citation the desk cannot
// stand behind (an unreachable page, a quote not on it) and warns on the
// rest.
func DefaultPolicy() Policy {
	return Policy{CheckSourcesReachable: SeverityBlock, CheckExcerptsFound: SeverityBlock,
		CheckIndependentDomains: SeverityWarn, CheckSummary: SeverityWarn, CheckRating: SeverityWarn}
}

// PolicyFrom reads the stored policy over the defaults. Unknown checks
// and severities in the row are ignored rather than trusted.
func PolicyFrom(raw json.RawMessage) Policy {
	p := DefaultPolicy()
	var stored map[string]string
	if len(raw) > 0 && json.Unmarshal(raw, &stored) == nil {
		for k, v := range stored {
			if _, known := p[CheckName(k)]; known && (v == string(SeverityWarn) || v == string(SeverityBlock)) {
				p[CheckName(k)] = Severity(v)
			}
		}
	}
	return p
}

// CheckResult is one pre-publish check as run on one claim.
type CheckResult struct {
	Check    CheckName `json:"check"`
	Passed   bool      `json:"passed"`
	Severity Severity  `json:"severity"`
	Message  string    `json:"message"`
	// EvidenceIDs are the items at fault, when the check is about some.
	EvidenceIDs []int64 `json:"evidence_ids,omitempty"`
}

// Blocking reports whether the result stops a confirm.
func (r CheckResult) Blocking() bool { return !r.Passed && r.Severity == SeverityBlock }

// PrePublishFacts is what the checks read: the claim's proposed verdict and
// summary and its evidence that is not retracted.
type PrePublishFacts struct {
	Verdict  models.Verdict
	Summary  string
	Evidence []models.Evidence
}

// Evidence statuses as the sources package writes them (workflow cannot
// import it: sources hooks into the engine).
const (
	statusPending     = "pending"
	statusUnreachable = "unreachable"
	statusGone        = "gone"
	excerptFound      = "found"
)

// PrePublish runs every check on f under policy p. It is pure, so it can be
// shown on a page and enforced on confirm from the same facts.
func PrePublish(f PrePublishFacts, p Policy) []CheckResult {
	sev := func(c CheckName) Severity {
		if s, ok := p[c]; ok {
			return s
		}
		return DefaultPolicy()[c]
	}
	out := make([]CheckResult, 0, len(CheckNames))

	var unchecked, unreachable, noQuote []int64
	for _, e := range f.Evidence {
		switch e.Status {
		case "", statusPending:
			unchecked = append(unchecked, e.ID)
		case statusUnreachable, statusGone:
			unreachable = append(unreachable, e.ID)
		}
		if strings.TrimSpace(e.Excerpt) != "" && e.ExcerptStatus != excerptFound {
			noQuote = append(noQuote, e.ID)
		}
	}
	r := CheckResult{Check: CheckSourcesReachable, Severity: sev(CheckSourcesReachable), Passed: true, Message: "every cited source was checked and could be read"}
	switch {
	case len(f.Evidence) == 0:
		r.Passed, r.Message = false, "no sources are cited"
	case len(unreachable) > 0 || len(unchecked) > 0:
		r.Passed = false
		r.EvidenceIDs = append(append([]int64{}, unreachable...), unchecked...)
		var parts []string
		if len(unreachable) > 0 {
			parts = append(parts, fmt.Sprintf("%s could not be read on the last check (%s)", count(len(unreachable), "source"), ids(unreachable)))
		}
		if len(unchecked) > 0 {
			parts = append(parts, fmt.Sprintf("%s not checked yet (%s)", count(len(unchecked), "source"), ids(unchecked)))
		}
		r.Message = strings.Join(parts, "; ")
	}
	out = append(out, r)

	r = CheckResult{Check: CheckExcerptsFound, Severity: sev(CheckExcerptsFound), Passed: len(noQuote) == 0, Message: "every quoted excerpt was found on its page"}
	if !r.Passed {
		r.EvidenceIDs = noQuote
		r.Message = fmt.Sprintf("%s not found on the cited page, or not checked yet (%s)", count(len(noQuote), "quoted excerpt"), ids(noQuote))
	}
	out = append(out, r)

	r = CheckResult{Check: CheckIndependentDomains, Severity: sev(CheckIndependentDomains), Passed: true, Message: "not needed for this verdict"}
	if f.Verdict == models.VerdictTrue || f.Verdict == models.VerdictFalse {
		n := independentSources(f.Evidence)
		r.Passed = n > 1
		r.Message = fmt.Sprintf("sources come from %s", count(n, "independent domain"))
		if !r.Passed {
			r.Message += ": a True or False verdict needs more than one"
		}
	}
	out = append(out, r)

	r = CheckResult{Check: CheckSummary, Severity: sev(CheckSummary), Passed: strings.TrimSpace(f.Summary) != "", Message: "the verdict has a summary"}
	if !r.Passed {
		r.Message = "the verdict has no summary"
	}
	out = append(out, r)

	r = CheckResult{Check: CheckRating, Severity: sev(CheckRating), Passed: f.Verdict.Valid(), Message: "the claim has a rating"}
	if !r.Passed {
		r.Message = "the claim has no rating"
	}
	return append(out, r)
}

// independentSources counts the distinct origins of supporting or refuting
// evidence: a registry outlet when the item matched one (an outlet's
// several domains are one voice), else the registrable domain.
func independentSources(evs []models.Evidence) int {
	seen := map[string]bool{}
	for _, e := range evs {
		if e.Stance == models.StanceContext {
			continue
		}
		if e.OutletID != nil {
			seen["outlet:"+strconv.FormatInt(*e.OutletID, 10)] = true
			continue
		}
		u, err := url.Parse(e.URL)
		if err != nil || u.Hostname() == "" {
			continue
		}
		host := strings.ToLower(u.Hostname())
		if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
			host = d
		}
		seen["domain:"+host] = true
	}
	return len(seen)
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func ids(in []int64) string {
	parts := make([]string, len(in))
	for i, id := range in {
		parts[i] = "#" + strconv.FormatInt(id, 10)
	}
	return "evidence " + strings.Join(parts, ", ")
}

// blocking lists the results that stop a confirm.
func blocking(rs []CheckResult) []CheckResult {
	var out []CheckResult
	for _, r := range rs {
		if r.Blocking() {
			out = append(out, r)
		}
	}
	return out
}
