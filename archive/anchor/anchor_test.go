package anchor

import (
	"encoding/json"
	"strings"
	"testing"
)

const article = "The council met on Tuesday. “We will build 400 homes by 2027,” the mayor said after the vote. " +
	"Critics called the plan vague and asked for a budget."

func mustNew(t *testing.T, text, quote string) Anchor {
	t.Helper()
	i := strings.Index(text, quote)
	if i < 0 {
		t.Fatalf("%q not in text", quote)
	}
	a, err := New(text, i, i+len(quote))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestNewCountsCodePointsAndKeepsContext(t *testing.T) {
	t.Parallel()
	a := mustNew(t, article, "We will build 400 homes by 2027")
	// “ is one code point but three bytes: positions are in code points.
	if want := strings.Index(article, "We") - 2; a.Position.Start != want {
		t.Errorf("Start = %d, want %d", a.Position.Start, want)
	}
	if a.Position.End-a.Position.Start != len("We will build 400 homes by 2027") {
		t.Errorf("End-Start = %d", a.Position.End-a.Position.Start)
	}
	if a.Quote.Prefix != "The council met on Tuesday. “" || a.Quote.Suffix != ",” the mayor said after the vote" {
		t.Errorf("prefix %q suffix %q", a.Quote.Prefix, a.Quote.Suffix)
	}
	s, e, err := a.ByteRange(article)
	if err != nil || article[s:e] != a.Quote.Exact {
		t.Errorf("ByteRange = %d,%d,%v -> %q", s, e, err, article[s:min(e, len(article))])
	}
	b, _ := json.Marshal(a)
	for _, want := range []string{`"type":"TextQuoteSelector"`, `"type":"TextPositionSelector"`, `"exact":"We will build`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
}

func TestNewRejectsBadRanges(t *testing.T) {
	t.Parallel()
	for _, r := range [][2]int{{-1, 3}, {5, 5}, {7, 3}, {0, len(article) + 1}, {strings.Index(article, "“") + 1, 40}} {
		if _, err := New(article, r[0], r[1]); err == nil {
			t.Errorf("New(%d,%d) succeeded", r[0], r[1])
		}
	}
}

func TestReanchor(t *testing.T) {
	t.Parallel()
	quote := "We will build 400 homes by 2027"
	a := mustNew(t, article, quote)
	tests := []struct {
		name      string
		text      string
		status    Status
		moved     bool
		exact     string
		wantEdits []Edit
	}{
		{name: "same page", text: article, status: Intact, exact: quote},
		{name: "text added above", text: "Breaking. " + article, status: Intact, moved: true, exact: quote},
		{name: "typography and whitespace changed", text: strings.NewReplacer("“", `"`, "”", `"`, " homes", "\n  homes").Replace(article),
			status: Intact, exact: "We will build 400\n  homes by 2027"},
		{name: "words around changed", text: strings.Replace(article, "the mayor said after", "the mayor denied before", 1),
			status: ContextChanged, exact: quote, wantEdits: []Edit{
				{Equal, "council met on Tuesday. “We will build 400 homes by 2027,” the mayor"},
				{Delete, "said after"}, {Insert, "denied before"},
			}},
		{name: "quote reworded", text: strings.Replace(article, "400 homes by 2027", "200 homes by 2030", 1),
			status: QuoteChanged, exact: "We will build 200 homes by 2030", moved: false, wantEdits: []Edit{
				{Equal, "council met on Tuesday. “We will build"}, {Delete, "400"}, {Insert, "200"}, {Equal, "homes by"},
				{Delete, "2027,”"}, {Insert, "2030,”"}, {Equal, "the mayor said after"},
			}},
		{name: "page replaced", text: "This page has moved. Nothing to see.", status: Missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Reanchor(a, tt.text)
			if got.Status != tt.status || got.Moved != tt.moved {
				t.Fatalf("Reanchor = %s moved=%v, want %s moved=%v (%+v)", got.Status, got.Moved, tt.status, tt.moved, got)
			}
			if tt.status == Missing {
				return
			}
			if got.Anchor.Quote.Exact != tt.exact {
				t.Errorf("new exact = %q, want %q", got.Anchor.Quote.Exact, tt.exact)
			}
			s, e, err := got.Anchor.ByteRange(tt.text)
			if err != nil || tt.text[s:e] != got.Anchor.Quote.Exact {
				t.Errorf("new anchor does not locate its quote: %v %q", err, tt.text[s:e])
			}
			if tt.wantEdits != nil && !equalEdits(got.Diff, tt.wantEdits) {
				t.Errorf("diff = %+v\nwant %+v\nold %q\nnew %q", got.Diff, tt.wantEdits, got.Old, got.New)
			}
			if tt.status == Intact && len(got.Diff) != 0 {
				t.Errorf("intact quote has a diff: %+v", got.Diff)
			}
		})
	}
}

func TestReanchorPicksTheOccurrenceWithMatchingContext(t *testing.T) {
	t.Parallel()
	text := "Lead: prices rose 5% in May. Later, analysts said prices rose 5% in June, not May."
	i := strings.LastIndex(text, "prices rose 5%")
	a, err := New(text, i, i+len("prices rose 5%"))
	if err != nil {
		t.Fatal(err)
	}
	// The first occurrence comes first in the text, but the context points
	// at the second one, which has moved.
	changed := "New intro. " + text
	got := Reanchor(a, changed)
	want := strings.LastIndex(changed, "prices rose 5%")
	s, _, _ := got.Anchor.ByteRange(changed)
	if got.Status != Intact || s != want {
		t.Errorf("Reanchor picked byte %d (%s), want %d", s, got.Status, want)
	}
}

func TestReanchorLongText(t *testing.T) {
	t.Parallel()
	// A quote deep in a long page is found: nothing is cut at 200 KiB.
	filler := strings.Repeat("Lorem ipsum dolor sit amet. ", 40000) // ~1.1 MB
	text := filler + "The key sentence is here." + filler
	a := mustNew(t, text, "key sentence")
	got := Reanchor(a, "Intro. "+text)
	if got.Status != Intact || !got.Moved || got.Anchor.Position.Start != a.Position.Start+7 {
		t.Errorf("Reanchor in long text = %s moved=%v start=%d", got.Status, got.Moved, got.Anchor.Position.Start)
	}
}

func equalEdits(a, b []Edit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
