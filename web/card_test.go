package web

import (
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
)

// The card is written in Go, not by html/template: every value from the
// desk must still come out escaped, in text and in attributes.
func TestCardEscapesWhatItShows(t *testing.T) {
	t.Parallel()
	hostile := `<script>alert(1)</script>"'&`
	due := time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC)
	c := Card{
		Claim: &models.Claim{ID: 42, Version: 3, Text: hostile, State: models.StateVerified, Priority: models.PriorityUrgent,
			Verdict: models.Verdict("false"), Tags: []string{`"><img src=x onerror=alert(2)>`}, DueAt: &due},
		Assignees: []string{`<b>Ann</b>`},
		Proposer:  `Bo & <i>Co</i>`,
	}
	out := string(selectableCard(time.FixedZone("CET", 3600))(c))
	for _, raw := range []string{"<script", "<img", "<b>", "<i>", `"'&<`} {
		if strings.Contains(out, raw) {
			t.Errorf("card contains %q unescaped:\n%s", raw, out)
		}
	}
	for _, want := range []string{
		`&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&amp;`,
		`<span class="tag">&#34;&gt;&lt;img src=x onerror=alert(2)&gt;</span>`,
		`<span class="person">&lt;b&gt;Ann&lt;/b&gt;</span>`,
		`<span class="proposer">by Bo &amp; &lt;i&gt;Co&lt;/i&gt;</span>`,
		`data-version="3"`, `value="42"`, `href="/claims/42"`,
		`<span class="badge state-verified">Verified</span>`,
		`<span class="badge prio-urgent">Urgent</span>`,
		`Proposed: ` + models.Verdict("false").Label(),
		`Due 4 Mar 2026 06:06 CET`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("card lacks %q:\n%s", want, out)
		}
	}
}
