package publish_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/publish"
)

func TestRatingValue(t *testing.T) {
	t.Parallel()

	want := map[models.Verdict]int{
		models.VerdictTrue: 5, models.VerdictMostlyTrue: 4, models.VerdictHalfTrue: 3,
		models.VerdictMostlyFalse: 2, models.VerdictMisleading: 2, models.VerdictFalse: 1, models.VerdictUnverifiable: 0,
	}
	for _, v := range models.Verdicts {
		if got := publish.RatingValue(v); got != want[v] {
			t.Errorf("RatingValue(%s) = %d, want %d", v, got, want[v])
		}
	}
}

func TestBuildClaimReview(t *testing.T) {
	t.Parallel()

	first := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := &publish.Publication{
		ClaimID: 7, Slug: "7-crime-doubled", Text: "Crime doubled since 2020", Claimant: "A. Politician",
		SourceURL: "https://tv.example/debate", Verdict: models.VerdictMostlyFalse, Summary: "It rose 4%.",
		FirstPublishedAt: first, PublishedAt: first.Add(48 * time.Hour), ClaimCreatedAt: first.Add(-24 * time.Hour),
	}
	org := publish.Organization{Type: "Organization", Name: "Desk", URL: "https://desk.example"}
	raw, err := json.Marshal(publish.BuildClaimReview(p, "https://desk.example/factchecks/7-crime-doubled", org))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	// Google's documented fields for a fact check.
	want := map[string]any{
		"@context": "https://schema.org", "@type": "ClaimReview",
		"url":           "https://desk.example/factchecks/7-crime-doubled",
		"claimReviewed": "Crime doubled since 2020",
		"datePublished": "2026-03-01", "dateModified": "2026-03-03",
		"author": map[string]any{"@type": "Organization", "name": "Desk", "url": "https://desk.example"},
		"reviewRating": map[string]any{"@type": "Rating", "ratingValue": 2.0, "bestRating": 5.0, "worstRating": 1.0,
			"alternateName": "Mostly false"},
		"itemReviewed": map[string]any{"@type": "Claim", "datePublished": "2026-02-28",
			"author":     map[string]any{"@type": "Person", "name": "A. Politician"},
			"appearance": []any{map[string]any{"@type": "CreativeWork", "url": "https://tv.example/debate"}}},
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("ClaimReview =\n%s\nwant\n%s", gotJSON, wantJSON)
	}

	p.Verdict = models.VerdictUnverifiable
	p.Claimant, p.SourceURL = "", ""
	cr := publish.BuildClaimReview(p, "u", org)
	raw, _ = json.Marshal(cr.ReviewRating)
	if string(raw) != `{"@type":"Rating","alternateName":"Unverifiable"}` {
		t.Errorf("unverifiable reviewRating = %s, want alternateName only", raw)
	}
	if cr.ItemReviewed.Author != nil || cr.ItemReviewed.Appearance != nil {
		t.Errorf("itemReviewed = %+v, want no author or appearance when unknown", cr.ItemReviewed)
	}
}

func TestMarshalScriptSafe(t *testing.T) {
	t.Parallel()

	text := "</script><script>alert(1)</script><!-- \u2028 & more"
	raw, err := publish.MarshalScriptSafe(publish.ClaimReview{ClaimReviewed: text})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<", ">", "\u2028"} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("MarshalScriptSafe output contains %q: %s", bad, raw)
		}
	}
	var back publish.ClaimReview
	if err := json.Unmarshal(raw, &back); err != nil || back.ClaimReviewed != text {
		t.Errorf("round trip = %q, %v; want the text unchanged", back.ClaimReviewed, err)
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()

	tests := []struct {
		id   int64
		text string
		want string
	}{
		{12, "Crime DOUBLED since 2020!", "12-crime-doubled-since-2020"},
		{3, "  Éléphants — über alles ", "3-elephants-uber-alles"},
		{4, "日本語", "4"},
		{5, strings.Repeat("word ", 40), "5-" + strings.TrimSuffix(strings.Repeat("word-", 13), "-")},
	}
	for _, tt := range tests {
		if got := publish.Slug(tt.id, tt.text); got != tt.want {
			t.Errorf("Slug(%d, %q) = %q, want %q", tt.id, tt.text, got, tt.want)
		}
		if id, ok := publish.ClaimIDFromSlug(publish.Slug(tt.id, tt.text)); !ok || id != tt.id {
			t.Errorf("ClaimIDFromSlug(Slug(%d)) = %d, %v", tt.id, id, ok)
		}
	}
}
