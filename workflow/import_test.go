package workflow

import (
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
)

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

func TestCheckShows(t *testing.T) {
	t.Parallel()
	now := time.Now()
	ok := 200
	gone := 404
	checked := models.Evidence{Status: "verified", FetchedAt: &now, HTTPStatus: &ok, PageTitle: "Report", ExcerptStatus: "found"}
	later := checked
	later.FetchedAt = &now
	tests := []struct {
		name       string
		prev, next models.Evidence
		want       bool
	}{
		{"first check", models.Evidence{Status: "pending"}, checked, true},
		{"unchanged recheck", checked, later, false},
		{"new status", checked, models.Evidence{Status: "gone", FetchedAt: &now, HTTPStatus: &gone, PageTitle: "Report", ExcerptStatus: "found"}, true},
		{"quote lost", checked, func() models.Evidence { e := later; e.ExcerptStatus = "not_found"; return e }(), true},
	}
	for _, tt := range tests {
		if got := checkShows(tt.prev, tt.next); got != tt.want {
			t.Errorf("%s: checkShows = %v, want %v", tt.name, got, tt.want)
		}
	}
}
