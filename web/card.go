package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/factdesk/factdesk/models"
)

// Card is a claim as a card on the queue, the board and the overview, and
// as a row of the list.
type Card struct {
	Claim     *models.Claim
	Overdue   bool
	Assignees []string
	// SourceAlert marks a confirmed claim whose cited sources changed or
	// disappeared since its confirmation (store.NeedsSourceReview).
	SourceAlert bool
	// Proposer names who proposed the standing verdict of a verified or
	// disputed claim, where the page looked it up.
	Proposer string
}

// The claim card and the badges are written here rather than in a
// template because a page draws them by the hundred (the board 150 cards,
// My queue up to 200): html/template runs each {{…}} of a card through
// reflection and an escaper call, about 30 µs and 120 allocations a card,
// which made drawing the board cost more than its queries. Every value
// from the claim goes through template.HTMLEscapeString (what the
// templates' escaper does in text and quoted attributes); the templates
// "claim-card", "state-badge", "priority-badge" and "verdict-cell" call
// these, so each piece of markup has one home.

// stateBadge is a claim state as a badge.
func stateBadge(s models.State) template.HTML {
	var b strings.Builder
	writeStateBadge(&b, s)
	return template.HTML(b.String())
}

// priorityBadge is a priority as a badge.
func priorityBadge(p models.Priority) template.HTML {
	var b strings.Builder
	writePriorityBadge(&b, p)
	return template.HTML(b.String())
}

// verdictBadge is a claim's verdict as a badge, marked as proposed while
// it waits for an editor; nothing when the claim has none.
func verdictBadge(c *models.Claim) template.HTML {
	var b strings.Builder
	writeVerdictBadge(&b, c)
	return template.HTML(b.String())
}

// claimCard draws a card, with its due date in zone loc.
func claimCard(loc *time.Location) func(Card) template.HTML {
	return func(c Card) template.HTML {
		var b strings.Builder
		b.Grow(1024)
		writeCard(&b, c, loc)
		return template.HTML(b.String())
	}
}

// selectableCard draws a card with the checkbox that selects it for the
// bulk bar (form "bulk-form"), as the board's columns show it.
func selectableCard(loc *time.Location) func(Card) template.HTML {
	return func(c Card) template.HTML {
		var b strings.Builder
		b.Grow(1200)
		id := strconv.FormatInt(c.Claim.ID, 10)
		b.WriteString(`<div class="selectable" data-version="` + strconv.Itoa(c.Claim.Version) + `"><input type="checkbox" class="select" name="ids" value="` + id +
			`" form="bulk-form" aria-label="Select claim #` + id + `">`)
		writeCard(&b, c, loc)
		b.WriteString(`</div>`)
		return template.HTML(b.String())
	}
}

func writeStateBadge(b *strings.Builder, s models.State) {
	b.WriteString(`<span class="badge state-`)
	b.WriteString(template.HTMLEscapeString(string(s)))
	b.WriteString(`">`)
	b.WriteString(template.HTMLEscapeString(StateLabel(s)))
	b.WriteString(`</span>`)
}

func writePriorityBadge(b *strings.Builder, p models.Priority) {
	b.WriteString(`<span class="badge prio-`)
	b.WriteString(template.HTMLEscapeString(string(p)))
	b.WriteString(`">`)
	b.WriteString(template.HTMLEscapeString(titleCase(string(p))))
	b.WriteString(`</span>`)
}

func writeVerdictBadge(b *strings.Builder, c *models.Claim) {
	if c.Verdict == "" {
		return
	}
	if c.State == models.StateVerified || c.State == models.StateDisputed {
		b.WriteString(`<span class="badge verdict proposed" title="Proposed by the checker, not yet approved by an editor">Proposed: `)
	} else {
		b.WriteString(`<span class="badge verdict">`)
	}
	b.WriteString(template.HTMLEscapeString(c.Verdict.Label()))
	b.WriteString(`</span>`)
}

func writeCard(b *strings.Builder, c Card, loc *time.Location) {
	id := strconv.FormatInt(c.Claim.ID, 10)
	b.WriteString(`<article class="card claim-card`)
	if c.Overdue {
		b.WriteString(` is-overdue`)
	}
	b.WriteString(`" data-claim-id="` + id + `">
  <h3 class="card-title"><a href="/claims/` + id + `"><span class="claim-id">#` + id + `</span> `)
	b.WriteString(template.HTMLEscapeString(truncate(160, c.Claim.Text)))
	b.WriteString("</a></h3>\n  <p class=\"meta\">\n    ")
	writeStateBadge(b, c.Claim.State)
	b.WriteString("\n    ")
	writePriorityBadge(b, c.Claim.Priority)
	b.WriteString("\n    ")
	writeVerdictBadge(b, c.Claim)
	if c.Proposer != "" {
		b.WriteString(`<span class="proposer">by ` + template.HTMLEscapeString(c.Proposer) + `</span>`)
	}
	b.WriteString("\n    ")
	if c.Overdue {
		b.WriteString(`<span class="badge overdue">Overdue</span>`)
	} else if c.Claim.DueAt != nil {
		b.WriteString(`<span class="due">Due ` + template.HTMLEscapeString(FormatTime(*c.Claim.DueAt, loc)) + `</span>`)
	}
	b.WriteString("\n    ")
	if c.SourceAlert {
		b.WriteString(`<span class="badge source-alert" title="A cited source changed or disappeared since the claim was confirmed">Source changed</span>`)
	}
	b.WriteString("\n  </p>\n  ")
	if len(c.Assignees) > 0 || len(c.Claim.Tags) > 0 {
		b.WriteString("<p class=\"meta small\">\n    ")
		for _, a := range c.Assignees {
			b.WriteString(`<span class="person">` + template.HTMLEscapeString(a) + `</span>`)
		}
		b.WriteString("\n    ")
		for _, t := range c.Claim.Tags {
			b.WriteString(`<span class="tag">` + template.HTMLEscapeString(t) + `</span>`)
		}
		b.WriteString("\n  </p>")
	}
	b.WriteString("\n</article>")
}
