package sources_test

import (
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/sources"
)

func TestJudge(t *testing.T) {
	t.Parallel()

	page := sources.Fetch{HTTPStatus: 200, Text: "The minister said “unemployment fell by 3%” on Monday."}
	tests := []struct {
		name         string
		prev         models.Evidence
		fetch        sources.Fetch
		want         sources.Status
		wantFailures int
	}{
		{"found", models.Evidence{Status: "pending", Excerpt: `"unemployment fell by 3%"`}, page, sources.StatusVerified, 0},
		{"no excerpt", models.Evidence{Status: "pending"}, page, sources.StatusVerified, 0},
		{"never found", models.Evidence{Status: "pending", Excerpt: "rose by 3%"}, page, sources.StatusExcerptMissing, 0},
		{"found before, not now", models.Evidence{Status: "verified", ExcerptStatus: "found", Excerpt: "rose by 3%"}, page, sources.StatusChanged, 0},
		{"still changed", models.Evidence{Status: "changed", ExcerptStatus: "not_found", Excerpt: "rose by 3%"}, page, sources.StatusChanged, 0},
		{"back again", models.Evidence{Status: "changed", ExcerptStatus: "not_found", Excerpt: "fell by 3%", ConsecutiveFailures: 0}, page, sources.StatusVerified, 0},
		{"404", models.Evidence{Status: "verified"}, sources.Fetch{HTTPStatus: 404, ErrClass: sources.ClassHTTPStatus}, sources.StatusGone, 1},
		{"410", models.Evidence{Status: "pending"}, sources.Fetch{HTTPStatus: 410, ErrClass: sources.ClassHTTPStatus}, sources.StatusGone, 1},
		{"503 once", models.Evidence{Status: "verified"}, sources.Fetch{HTTPStatus: 503, ErrClass: sources.ClassHTTPStatus}, sources.StatusUnreachable, 1},
		{"timeout twice", models.Evidence{Status: "unreachable", ConsecutiveFailures: 1}, sources.Fetch{ErrClass: "timeout"}, sources.StatusUnreachable, 2},
		{"timeout third time", models.Evidence{Status: "unreachable", ConsecutiveFailures: 2}, sources.Fetch{ErrClass: "timeout"}, sources.StatusGone, 3},
		{"recovers", models.Evidence{Status: "unreachable", ConsecutiveFailures: 2}, page, sources.StatusVerified, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := sources.Judge(&tt.prev, tt.fetch)
			if got.Status != tt.want || got.Failures != tt.wantFailures {
				t.Errorf("Judge(%s) = %s with %d failures, want %s with %d", tt.name, got.Status, got.Failures, tt.want, tt.wantFailures)
			}
		})
	}
}

func TestAlerts(t *testing.T) {
	t.Parallel()

	tests := []struct {
		prev, next sources.Status
		want       bool
	}{
		{sources.StatusVerified, sources.StatusChanged, true},
		{sources.StatusVerified, sources.StatusGone, true},
		{sources.StatusUnreachable, sources.StatusGone, true},
		{sources.StatusChanged, sources.StatusGone, true},
		{sources.StatusGone, sources.StatusGone, false},
		{sources.StatusPending, sources.StatusGone, false},
		{sources.StatusVerified, sources.StatusUnreachable, false},
		{sources.StatusChanged, sources.StatusVerified, false},
	}
	for _, tt := range tests {
		if got := sources.Alerts(tt.prev, tt.next); got != tt.want {
			t.Errorf("Alerts(%s, %s) = %v, want %v", tt.prev, tt.next, got, tt.want)
		}
	}
}

func TestNormalizeDomain(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"example.org", "example.org", false},
		{"https://www.Example.org/news/1", "example.org", false},
		{"WWW.BBC.co.uk.", "bbc.co.uk", false},
		{"news.example.org/path", "news.example.org", false},
		{"bücher.example", "xn--bcher-kva.example", false},
		{"co.uk", "", true},
		{"localhost", "", true},
		{"", "", true},
		{"exa mple.org", "", true},
		{"*.example", "", true},
		{"*.example.org", "", true},
		{"news_desk.example.org", "", true},
		{"-bad.example.org", "", true},
		{"a..example.org", "", true},
		{strings.Repeat("a", 63) + ".example.org", strings.Repeat("a", 63) + ".example.org", false},
		{strings.Repeat("a", 64) + ".example.org", "", true},
		{strings.Repeat("a", 300) + ".example.org", "", true},
		{strings.Repeat("abcdefghi.", 25) + "example.org", "", true},
	}
	for _, tt := range tests {
		got, err := sources.NormalizeDomain(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestWarn(t *testing.T) {
	t.Parallel()

	ev := func(id int64, url string, stance models.Stance) models.Evidence {
		return models.Evidence{ID: id, URL: url, Stance: stance, Status: "verified", SourceRating: "unknown"}
	}
	codes := func(ws []sources.Warning) map[string][]int64 {
		out := map[string][]int64{}
		for _, w := range ws {
			out[w.Code] = w.EvidenceIDs
		}
		return out
	}

	t.Run("one domain under two hosts", func(t *testing.T) {
		t.Parallel()
		got := codes(sources.Warn([]models.Evidence{
			ev(1, "https://www.example.co.uk/a", models.StanceSupports),
			ev(2, "https://news.example.co.uk/b", models.StanceSupports),
			ev(3, "https://other.org/c", models.StanceContext),
		}))
		if ids := got["single_domain"]; len(ids) != 2 {
			t.Errorf("single_domain = %v, want evidence 1 and 2", ids)
		}
	})
	t.Run("two independent sources", func(t *testing.T) {
		t.Parallel()
		got := codes(sources.Warn([]models.Evidence{
			ev(1, "https://example.org/a", models.StanceSupports),
			ev(2, "https://another.net/b", models.StanceSupports),
		}))
		if _, ok := got["single_domain"]; ok {
			t.Errorf("Warn = %v, want no single_domain warning", got)
		}
	})
	t.Run("unreliable and broken", func(t *testing.T) {
		t.Parallel()
		bad := ev(1, "https://tabloid.example/a", models.StanceRefutes)
		bad.SourceRating = "unreliable"
		gone := ev(2, "https://other.org/b", models.StanceRefutes)
		gone.Status = "gone"
		got := codes(sources.Warn([]models.Evidence{bad, gone}))
		if len(got["unreliable_source"]) != 1 || len(got["source_problem"]) != 1 {
			t.Errorf("Warn = %v, want unreliable_source [1] and source_problem [2]", got)
		}
	})
	// A retracted item is no longer the claim's evidence: it neither meets
	// the two-sources rule nor raises warnings of its own, as the
	// workflow's requirements do not count it.
	t.Run("retracted evidence", func(t *testing.T) {
		t.Parallel()
		at := time.Date(2026, 5, 3, 10, 0, 0, 0, time.UTC)
		retract := func(e models.Evidence) models.Evidence { e.RetractedAt = &at; return e }
		bad := ev(3, "https://tabloid.example/a", models.StanceRefutes)
		bad.SourceRating = "unreliable"
		gone := ev(4, "https://other.org/b", models.StanceRefutes)
		gone.Status = "gone"
		got := codes(sources.Warn([]models.Evidence{
			ev(1, "https://example.org/a", models.StanceSupports),
			retract(ev(2, "https://another.net/b", models.StanceSupports)),
			retract(bad), retract(gone),
		}))
		if ids := got["single_domain"]; len(ids) != 1 || ids[0] != 1 {
			t.Errorf("single_domain = %v, want [1]: the second domain's item is retracted", ids)
		}
		for _, code := range []string{"unreliable_source", "source_problem"} {
			if ids, ok := got[code]; ok {
				t.Errorf("%s = %v, want none: only retracted items have it", code, ids)
			}
		}
	})
}
