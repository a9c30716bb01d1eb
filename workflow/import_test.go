package workflow

import "testing"

func TestWordsWithin(t *testing.T) {
	t.Parallel()
	article := "Intro. \"We will build 40 new\n  schools by 2027,\" the minister said. Taxes rose 3%."
	start := len("Intro. ")
	end := start + len("\"We will build 40 new\n  schools by 2027,\" the minister said.")
	tests := []struct {
		text string
		want string // the article's bytes the claim points at; "" when not narrowed
	}{
		{"We will build 40 new schools by 2027", "We will build 40 new\n  schools by 2027"},
		{"  We   will build 40 new schools by 2027,\" ", "We will build 40 new\n  schools by 2027,\""},
		{"the minister said.", "the minister said."},
		{"40", "40"},
		{"We will build 41 new schools", ""}, // reworded
		{"we will build 40 new schools", ""}, // case differs
		{"ill build 40", ""},                 // cuts a word
		{"schools by 202", ""},               // cuts a number
		{"Taxes rose 3%.", ""},               // outside the sentence
		{"", ""},
	}
	for _, tt := range tests {
		s, e, ok := wordsWithin(article, start, end, tt.text)
		got := ""
		if ok {
			got = article[s:e]
		}
		if got != tt.want {
			t.Errorf("wordsWithin(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
