package e2e_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// importArticle is a story as pasted from a news site, with the page's
// furniture (a close button, a picture credit) between its paragraphs.
const importArticle = "Unemployment fell to 3.5 percent in March, the statistics office said on Tuesday. " +
	"The figure is the lowest since 2001.\n\n×\n\nPhoto: Reuters\n\nI think the weather was lovely. " +
	"\"We will build 40 new schools by 2027,\" Education Minister Ana Costa told reporters."

// picked reads which candidate boxes are ticked, in page order.
func picked(p *person) string {
	return get(p, "read the ticks", chromedp.Evaluate[string](
		`Array.from(document.querySelectorAll("input[data-pick]")).map(b => b.value + (b.checked ? "+" : "-")).join(" ")`))
}

// TestImportEditCandidateAndFile: a checker pastes an article, ticks and
// unticks in bulk and by range, trims a quote's attribution, changes its
// claimant, tags and priority, and files it; the claim reads as edited and
// points at the words kept.
func TestImportEditCandidateAndFile(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	env := apptest.New(t)
	checker := env.User(t, models.RoleChecker)
	p := open(t, env)
	p.desktop()
	p.signIn(checker)
	p.visit("/import", "#import-text")
	p.do("paste the article",
		chromedp.SetValue(chromedp.ID("import-text"), importArticle),
		chromedp.SetValue(chromedp.ID("import-url"), "https://news.example.org/jobs"),
		chromedp.SetValue(chromedp.ID("import-title"), "Jobless rate falls"),
		chromedp.Click(chromedp.CSS(`form[action="/import"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("import-claims-form")),
	)
	loc := get(p, "read the URL", chromedp.Location())
	articleID, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
	if err != nil {
		t.Fatalf("import landed on %s", loc)
	}

	// The furniture is not offered; the check-worthy sentences are ticked.
	rows := get(p, "read the rows", chromedp.Evaluate[string](`Array.from(document.querySelectorAll(".candidate-choice label.choice")).map(l => l.textContent).join("|")`))
	if strings.Contains(rows, "×") || strings.Contains(rows, "Photo: Reuters") || strings.Count(rows, "|") != 3 {
		t.Errorf("candidates offered = %q, want the four sentences only", rows)
	}
	av, err := env.App.Engine.Article(context.Background(), articleID)
	if err != nil {
		t.Fatal(err)
	}
	var worthy []string
	for i, c := range av.Candidates {
		mark := "-"
		if c.Checkworthy {
			mark = "+"
		}
		worthy = append(worthy, strconv.Itoa(i)+mark)
	}
	if got := picked(p); got != strings.Join(worthy, " ") {
		t.Errorf("ticks on arrival = %q, want the check-worthy ones, %q", got, strings.Join(worthy, " "))
	}
	p.do("untick all", chromedp.Click(chromedp.CSS("[data-pick-none]")))
	if got := picked(p); got != "0- 1- 2- 3-" {
		t.Errorf("after Untick all = %q", got)
	}
	p.do("tick the first", chromedp.Click(chromedp.ID("candidate-0")))
	p.shiftClick("#candidate-2")
	if got, count := picked(p), get(p, "read the count", chromedp.Text(chromedp.CSS("[data-pick-count]"))); got != "0+ 1+ 2+ 3-" || count != "3 of 4 ticked." {
		t.Errorf("after a Shift-click range = %q (%q), want 0 to 2", got, count)
	}
	p.do("tick all", chromedp.Click(chromedp.CSS("[data-pick-all]")))
	if got := picked(p); got != "0+ 1+ 2+ 3+" {
		t.Errorf("after Tick all = %q", got)
	}
	p.do("keep only the quote", chromedp.Click(chromedp.CSS("[data-pick-none]")), chromedp.Click(chromedp.ID("candidate-3")))

	p.do("edit the quote",
		chromedp.Click(chromedp.CSS("#choice-3 summary")),
		chromedp.WaitVisible(chromedp.ID("text-3")),
		chromedp.SetValue(chromedp.ID("text-3"), "We will build 40 new schools by 2027"),
		chromedp.SetValue(chromedp.ID("claimant-3"), "Ana Costa"),
		chromedp.SetValue(chromedp.ID("tags-3"), "education, schools"),
		chromedp.SetValue(chromedp.ID("priority-3"), "high"),
	)
	p.screenshot("import-edit")
	p.phone()
	p.screenshot("import-edit-phone")
	p.desktop()

	// An emptied text is refused; the page comes back with the ticks and
	// the other edits kept and the fault at the field.
	p.do("file an empty text",
		chromedp.SetValue(chromedp.ID("text-3"), "  "),
		chromedp.Click(chromedp.CSS("#import-claims-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".notice-error")),
		chromedp.WaitVisible(chromedp.CSS(`#text-3[aria-invalid="true"]`)),
	)
	p.screenshot("import-refused")
	if claimant, ticks := get(p, "read the kept edit", chromedp.Value(chromedp.ID("claimant-3"))), picked(p); claimant != "Ana Costa" || ticks != "0- 1- 2- 3+" {
		t.Errorf("the refused form kept claimant %q and ticks %q", claimant, ticks)
	}
	p.do("file it",
		chromedp.SetValue(chromedp.ID("text-3"), "We will build 40 new schools by 2027"),
		chromedp.Click(chromedp.CSS("#import-claims-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".notice-ok")))
	p.screenshot("import-filed")
	p.phone()
	p.screenshot("import-filed-phone")
	p.desktop()

	claims, err := env.App.Store.ArticleClaims(context.Background(), articleID)
	if err != nil || len(claims) != 1 {
		t.Fatalf("claims of article %d = %+v, %v; want the one filed", articleID, claims, err)
	}
	c := claims[0]
	// The browser sends the textarea's line breaks as CRLF: offsets count
	// in the stored text.
	art, err := env.App.Store.Article(context.Background(), articleID)
	if err != nil {
		t.Fatal(err)
	}
	stored := art.Text
	quote := `"We will build 40 new schools by 2027," Education Minister Ana Costa told reporters.`
	sentence := strings.Index(stored, quote)
	if c.Text != "We will build 40 new schools by 2027" || c.Claimant != "Ana Costa" || c.Priority != models.PriorityHigh || strings.Join(c.Tags, ",") != "education,schools" {
		t.Errorf("filed claim = %+v", c)
	}
	if c.ArticleStart == nil || c.ArticleSentenceStart == nil || stored[*c.ArticleStart:*c.ArticleEnd] != c.Text || *c.ArticleSentenceStart != sentence || *c.ArticleSentenceEnd != sentence+len(quote) {
		t.Errorf("filed claim's offsets = %v, want the kept words inside [%d:%d]", spans(c), sentence, sentence+len(quote))
	}

	// The claim page highlights the words kept inside their sentence.
	p.visit(fmt.Sprintf("/claims/%d", c.ID), "#claim-sentence")
	if got := get(p, "read the highlight", chromedp.Text(chromedp.ID("claim-sentence"))); got != c.Text {
		t.Errorf("the claim page highlights %q, want %q", got, c.Text)
	}
	p.screenshot("claim-from-import")
}

// spans prints a filed claim's span and its sentence's.
func spans(c models.Claim) string {
	v := func(p *int) string {
		if p == nil {
			return "nil"
		}
		return strconv.Itoa(*p)
	}
	return fmt.Sprintf("claim [%s:%s] sentence [%s:%s]", v(c.ArticleStart), v(c.ArticleEnd), v(c.ArticleSentenceStart), v(c.ArticleSentenceEnd))
}
