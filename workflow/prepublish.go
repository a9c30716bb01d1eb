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
	// CheckSourcesChecked: every cited source has been checked at least
	// once since it was cited (or its excerpt last changed).
	CheckSourcesChecked CheckName = "sources_checked"
	// CheckSourcesReachable: no cited source failed its last check (an
	// unreachable or gone page).
	CheckSourcesReachable CheckName = "sources_reachable"
	// CheckExcerptsFound: no quoted excerpt is missing from its page on
	// the last check.
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
var CheckNames = []CheckName{CheckSourcesChecked, CheckSourcesReachable, CheckExcerptsFound, CheckIndependentDomains, CheckSummary, CheckRating}

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

// DefaultPolicy blocks on what would publish a citation the desk knows it
// cannot stand behind (an unreachable page, a quote not on it) and warns on
// the rest, including a source whose first check has not run yet: that is
// not known to be bad, and the check usually lands within seconds.
func DefaultPolicy() Policy {
	return Policy{CheckSourcesChecked: SeverityWarn, CheckSourcesReachable: SeverityBlock, CheckExcerptsFound: SeverityBlock,
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
	statusPending        = "pending"
	statusUnreachable    = "unreachable"
	statusGone           = "gone"
	statusExcerptMissing = "excerpt_missing"
	statusChanged        = "changed"
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
		case statusExcerptMissing, statusChanged:
			noQuote = append(noQuote, e.ID)
		}
	}
	r := CheckResult{Check: CheckSourcesChecked, Severity: sev(CheckSourcesChecked), Passed: len(unchecked) == 0 && len(f.Evidence) > 0,
		Message: "every cited source has been checked"}
	switch {
	case len(f.Evidence) == 0:
		r.Message = "no sources are cited"
	case len(unchecked) > 0:
		r.EvidenceIDs, r.Message = unchecked, fmt.Sprintf("%s not checked yet (%s)", count(len(unchecked), "source"), ids(unchecked))
	}
	out = append(out, r)

	r = CheckResult{Check: CheckSourcesReachable, Severity: sev(CheckSourcesReachable), Passed: len(unreachable) == 0, Message: "every checked source could be read"}
	if !r.Passed {
		r.EvidenceIDs = unreachable
		r.Message = fmt.Sprintf("%s could not be read on the last check (%s)", count(len(unreachable), "source"), ids(unreachable))
	}
	out = append(out, r)

	r = CheckResult{Check: CheckExcerptsFound, Severity: sev(CheckExcerptsFound), Passed: len(noQuote) == 0, Message: "every checked excerpt was found on its page"}
	if !r.Passed {
		r.EvidenceIDs = noQuote
		r.Message = fmt.Sprintf("%s not found on the cited page (%s)", count(len(noQuote), "quoted excerpt"), ids(noQuote))
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
