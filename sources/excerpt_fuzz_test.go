package sources_test

import (
	"testing"

	"github.com/factdesk/factdesk/sources"
)

// Invalid UTF-8 in the page once gave an end offset past the page: each
// invalid byte was counted as long as the U+FFFD that replaces it.
func TestFindExcerptInvalidUTF8(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ page, excerpt, want string }{
		{"\xe2", "\xe2", "\xe2"},
		{"ab\xffcd", "\xffc", "\xffc"},
		{"price \xe2\x82 rose", "\xe2\x82 rose", "\xe2\x82 rose"},
	} {
		got := sources.FindExcerpt(tc.page, tc.excerpt)
		if got.Status != sources.ExcerptFound || got.End > len(tc.page) || tc.page[got.Start:got.End] != tc.want {
			t.Errorf("FindExcerpt(%q, %q) = %+v, want found %q", tc.page, tc.excerpt, got, tc.want)
		}
	}
}

// FuzzFindExcerpt checks that a found excerpt's offsets lie inside the page
// on its own bytes, and that the passage they mark is itself found whole
// when searched for the excerpt: the function found what it says it found.
func FuzzFindExcerpt(f *testing.F) {
	for _, s := range [][2]string{
		{"The mayor said taxes would fall.", "taxes would fall"},
		{"He said “it’s over” and left.", `said "it's over"`},
		{"Cafe\u0301 au lait", "café"},
		{"a\u00a0b  c\n\nd", "A B C D"},
		{"wait…", "wait..."},
		{"\xe2", "\xe2"},
		{"x\xff\xfey", "\xfe"},
		{"", " "},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, page, excerpt string) {
		got := sources.FindExcerpt(page, excerpt)
		switch got.Status {
		case sources.ExcerptFound:
		case sources.ExcerptNotFound, sources.NoExcerpt:
			if got.Start != 0 || got.End != 0 {
				t.Fatalf("FindExcerpt(%q, %q) = %+v: offsets set without a match", page, excerpt, got)
			}
			return
		default:
			t.Fatalf("FindExcerpt(%q, %q) = unknown status %q", page, excerpt, got.Status)
		}
		if got.Start < 0 || got.Start >= got.End || got.End > len(page) {
			t.Fatalf("FindExcerpt(%q, %q) = [%d:%d], outside the %d-byte page", page, excerpt, got.Start, got.End, len(page))
		}
		passage := page[got.Start:got.End]
		again := sources.FindExcerpt(passage, excerpt)
		if again.Status != sources.ExcerptFound || again.Start != 0 || again.End != len(passage) {
			t.Fatalf("FindExcerpt(%q, %q) = %q, but searching that passage gives %+v", page, excerpt, passage, again)
		}
	})
}
