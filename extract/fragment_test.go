package extract

import (
	"reflect"
	"strings"
	"testing"
)

func TestFragmentsNotOffered(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"×", "—", "• • •", "|", "* * *",
		"Photo: Reuters", "Photograph by Jane Roe/AP", "Image credit: Getty Images", "File photo: AFP",
		"By Jane Roe", "By Jane Roe and John Doe, Reuters", "By the Editorial Board",
		"Advertisement", "Breaking news", "Read more", "Share this article",
	} {
		if cs := Candidates(in); len(cs) != 0 {
			t.Errorf("Candidates(%q) = %q, want nothing offered", in, texts(cs))
		}
	}
}

func TestShortSentencesKept(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"By 2030 the city will double its bus fleet.", "By Tuesday, officials had counted 400 votes.",
		"Inflation rises", "Minister resigns", "Turnout hit 62%", "Yes.", "No!", "“Never.”",
		"Photo opportunities dominated the visit, aides said.", "Prices are up", "The mayor lied",
	} {
		if cs := Candidates(in); len(cs) != 1 || cs[0].Text != in {
			t.Errorf("Candidates(%q) = %q, want the sentence offered", in, texts(cs))
		}
	}
}

// TestFragmentsOnFixtures checks the filter against the labelled articles:
// it drops none of their spans, and page furniture pasted between their
// paragraphs is left out while every sentence keeps its text.
func TestFragmentsOnFixtures(t *testing.T) {
	t.Parallel()
	furniture := []string{"×", "Photo: Reuters", "By Staff Reporter", "Advertisement", "—"}
	for _, a := range loadArticles(t) {
		all := split(a.text)
		if got := Candidates(a.text); len(got) != len(all) {
			t.Errorf("%s: %d of %d spans offered, want all (the filter dropped a fixture sentence)", a.name, len(got), len(all))
		}
		paras := strings.Split(a.text, "\n\n")
		var b strings.Builder
		for i, p := range paras {
			if i > 0 {
				b.WriteString("\n\n" + furniture[i%len(furniture)] + "\n\n")
			}
			b.WriteString(p)
		}
		padded := b.String()
		want, got := texts(Candidates(a.text)), texts(Candidates(padded))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s with furniture offered %d candidates, want the article's %d:\n got %q\nwant %q", a.name, len(got), len(want), got, want)
		}
		for _, c := range Candidates(padded) {
			if padded[c.Start:c.End] != c.Text {
				t.Errorf("%s: [%d:%d] = %q, want %q", a.name, c.Start, c.End, padded[c.Start:c.End], c.Text)
			}
		}
	}
}
