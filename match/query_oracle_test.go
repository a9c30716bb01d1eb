package match

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/extract/train"
)

// The query cleaning as it read before it tested texts for what its
// regexps need (hasTrailerMark, mayHoldLink, …) and collapsed spaces by
// hand: the oracle TestCleanQueryAsRegexpsRead holds the new code to.
var oracleSpaces = regexp.MustCompile(`\s+`)

func oracleCleanQuery(text string) string {
	orig := text
	text = tweetTrailer.ReplaceAllString(text, "")
	text = picLink.ReplaceAllString(text, " ")
	text = link.ReplaceAllString(text, " ")
	text = handle.ReplaceAllString(text, "$1")
	text = splitHashtags(text)
	if text != orig {
		text = strings.TrimSpace(oracleSpaces.ReplaceAllString(text, " "))
	}
	if titleCase(text) {
		text = lowerTitleCase(text)
	}
	if shouting(text) {
		text = lowerShouting(text)
	}
	return text
}

func oracleTweetContext(text string) string {
	var words []string
	if m := trailerName.FindStringSubmatch(text); m != nil && strings.TrimSpace(m[1]) != "" {
		words = append(words, strings.TrimSpace(m[1]))
	}
	body := tweetTrailer.ReplaceAllString(text, "")
	for _, m := range handle.FindAllString(body, -1) {
		h := strings.TrimLeft(m[strings.IndexByte(m, '@')+1:], "@")
		words = append(words, splitHashtag("#"+strings.ReplaceAll(h, "_", " ")))
	}
	return strings.Join(words, " ")
}

// oracleTexts are the fixtures' texts and, from the shared corpus, every
// CLEF-2020 task 2 training and dev tweet and verified claim: what the
// cleaning sees.
func oracleTexts(t *testing.T) []string {
	texts := []string{"", " \t\f\r\n ", "a  b\t\tc\r\nd", "WWW.EXAMPLE.COM/x and T.CO/abc", "x — A (@b) May 3, 2020 \n", "(@x) @y @@z",
		"No Collusion! — Donald J. Trump (@realDonaldTrump) March 24, 2019"}
	for _, p := range loadPairs(t) {
		texts = append(texts, p.a, p.b)
	}
	dir, err := train.DataDir("")
	if err != nil {
		t.Fatal(err)
	}
	read := func(file, column string) {
		err := train.ReadTSV(filepath.Join(dir, "claim-retrieval", file), func(m map[string]string) error {
			texts = append(texts, m[column])
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	read("clef2020_t2_train_queries.tsv.gz", "text")
	read("clef2020_t2_dev_queries.tsv.gz", "text")
	read("clef2020_t2_vclaims.tsv.gz", "vclaim")
	read("clef2020_t2_vclaims.tsv.gz", "title")
	return texts
}

func TestCleanQueryAsRegexpsRead(t *testing.T) {
	t.Parallel()
	texts := oracleTexts(t)
	if len(texts) < 10000 {
		t.Fatalf("read %d texts, want the corpus's too", len(texts))
	}
	for _, text := range texts {
		if got, want := CleanQuery(text), oracleCleanQuery(text); got != want {
			t.Errorf("CleanQuery(%q) = %q, the regexps give %q", text, got, want)
		}
		if got, want := TweetContext(text), oracleTweetContext(text); got != want {
			t.Errorf("TweetContext(%q) = %q, the regexps give %q", text, got, want)
		}
		if got, want := collapseSpaces(text), oracleSpaces.ReplaceAllString(text, " "); got != want {
			t.Errorf("collapseSpaces(%q) = %q, the regexp gives %q", text, got, want)
		}
	}
}

func FuzzCleanQueryAsRegexpsRead(f *testing.F) {
	for _, s := range []string{"x — A (@b) May 3, 2020", "see //x and WwW.y T.Co/z", "@a (@b) \f\v\r\n", "\xff(@\xe2\x80\x94"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := CleanQuery(text), oracleCleanQuery(text); got != want {
			t.Fatalf("CleanQuery(%q) = %q, the regexps give %q", text, got, want)
		}
		if got, want := TweetContext(text), oracleTweetContext(text); got != want {
			t.Fatalf("TweetContext(%q) = %q, the regexps give %q", text, got, want)
		}
	})
}
