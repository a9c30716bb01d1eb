package sources_test

import (
	"testing"

	"github.com/factdesk/factdesk/sources"
)

func TestFindExcerpt(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		page       string
		excerpt    string
		wantStatus sources.ExcerptStatus
		wantMatch  string // page[Start:End]
	}{
		{
			name:       "exact",
			page:       "The mayor said taxes would fall.",
			excerpt:    "taxes would fall",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "taxes would fall",
		},
		{
			name:       "curly quotes in page, straight in excerpt",
			page:       "He said “it’s over” and left.",
			excerpt:    `said "it's over"`,
			wantStatus: sources.ExcerptFound,
			wantMatch:  "said “it’s over”",
		},
		{
			name:       "straight quotes in page, curly in excerpt",
			page:       `She called it "a 'historic' day".`,
			excerpt:    "“a ‘historic’ day”",
			wantStatus: sources.ExcerptFound,
			wantMatch:  `"a 'historic' day"`,
		},
		{
			name:       "guillemets and low quotes",
			page:       "Er sagte „Nein“ und «non».",
			excerpt:    `"nein" und "non"`,
			wantStatus: sources.ExcerptFound,
			wantMatch:  "„Nein“ und «non»",
		},
		{
			name:       "excerpt wrapped in quotes the page lacks",
			page:       "Unemployment fell to 3.9 percent.",
			excerpt:    "“Unemployment fell to 3.9 percent”",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "Unemployment fell to 3.9 percent",
		},
		{
			name:       "extra whitespace and newlines",
			page:       "The bill\n\n   passed   the\tsenate\r\non Friday.",
			excerpt:    "  the bill passed the senate on friday ",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "The bill\n\n   passed   the\tsenate\r\non Friday",
		},
		{
			name:       "non-breaking and zero-width spaces, soft hyphen",
			page:       "a 10\u00a0per\u00adcent\u200b rise",
			excerpt:    "10 percent rise",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "10\u00a0per\u00adcent\u200b rise",
		},
		{
			name:       "em dash in page, hyphen in excerpt",
			page:       "Prices rose—sharply—in May; 2019–2020 was flat; −4 °C.",
			excerpt:    "rose-sharply-in may; 2019-2020 was flat; -4",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "rose—sharply—in May; 2019–2020 was flat; −4",
		},
		{
			name:       "ellipsis character vs three dots",
			page:       "And then… nothing.",
			excerpt:    "then... nothing",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "then… nothing",
		},
		{
			name:       "case, Unicode-aware",
			page:       "ΟΔΥΣΣΕΥΣ and STRASSE and Élan",
			excerpt:    "οδυσσευς and strasse and élan",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "ΟΔΥΣΣΕΥΣ and STRASSE and Élan",
		},
		{
			name:       "final sigma",
			page:       "ΟΔΥΣΣΕΥΣ",
			excerpt:    "Οδυσσευς",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "ΟΔΥΣΣΕΥΣ",
		},
		{
			name:       "decomposed accent in page, composed in excerpt",
			page:       "the re\u0301sume\u0301 said",
			excerpt:    "résumé",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "re\u0301sume\u0301",
		},
		{
			name:       "byte offsets in multibyte text",
			page:       "日本語のテキスト：首相は「増税しない」と述べた。",
			excerpt:    "「増税しない」",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "「増税しない」",
		},
		{
			name:       "offsets after emoji and accents",
			page:       "🎉 Café — «Ça va» 😀 fin",
			excerpt:    `"ça va"`,
			wantStatus: sources.ExcerptFound,
			wantMatch:  "«Ça va»",
		},
		{
			name:       "first occurrence",
			page:       "yes no yes",
			excerpt:    "YES",
			wantStatus: sources.ExcerptFound,
			wantMatch:  "yes",
		},
		{
			name:       "not found",
			page:       "The mayor said taxes would fall.",
			excerpt:    "taxes would rise",
			wantStatus: sources.ExcerptNotFound,
		},
		{
			name:       "changed punctuation is not forgiven",
			page:       "taxes, he said, would fall",
			excerpt:    "taxes he said would fall",
			wantStatus: sources.ExcerptNotFound,
		},
		{
			name:       "empty page",
			page:       "",
			excerpt:    "anything",
			wantStatus: sources.ExcerptNotFound,
		},
		{
			name:       "empty excerpt",
			page:       "text",
			excerpt:    "",
			wantStatus: sources.NoExcerpt,
		},
		{
			name:       "whitespace-only excerpt",
			page:       "text",
			excerpt:    " \n\t\u00a0\u200b",
			wantStatus: sources.NoExcerpt,
		},
		{
			name:       "quotes-only excerpt",
			page:       `say "" twice`,
			excerpt:    "“”",
			wantStatus: sources.ExcerptFound,
			wantMatch:  `""`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := sources.FindExcerpt(tt.page, tt.excerpt)
			if got.Status != tt.wantStatus {
				t.Fatalf("FindExcerpt(%q, %q).Status = %q, want %q", tt.page, tt.excerpt, got.Status, tt.wantStatus)
			}
			if tt.wantStatus != sources.ExcerptFound {
				if got.Start != 0 || got.End != 0 {
					t.Errorf("FindExcerpt offsets = %d:%d, want 0:0", got.Start, got.End)
				}
				return
			}
			if match := tt.page[got.Start:got.End]; match != tt.wantMatch {
				t.Errorf("page[%d:%d] = %q, want %q", got.Start, got.End, match, tt.wantMatch)
			}
		})
	}
}

func BenchmarkFindExcerpt(b *testing.B) {
	page, last := benchPage(200 << 10)
	_, text := sources.Readable(page, "text/html; charset=utf-8")

	benchmarks := []struct {
		name    string
		excerpt string
		want    sources.ExcerptStatus
	}{
		{"found near end", "PARAGRAPH " + last[len("Paragraph "):], sources.ExcerptFound},
		{"not found", "the budget is unbalanced", sources.ExcerptNotFound},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			if got := sources.FindExcerpt(text, bm.excerpt).Status; got != bm.want {
				b.Fatalf("FindExcerpt status = %q, want %q", got, bm.want)
			}
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				sources.FindExcerpt(text, bm.excerpt)
			}
		})
	}
}
