package match

import (
	"regexp"
	"strings"
	"testing"
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

// oracleTexts are texts that exercise each shortcut of the cleaning and
// the fixtures' pairs. The whole CLEF-2020 task 2 corpus (every training
// and dev tweet, verified claim and title) was compared once as well when
// the scanners replaced the regexps; unit tests keep to the project's own
// fixtures, and FuzzCleanQueryAsRegexpsRead goes further.
func oracleTexts(t *testing.T) []string {
	texts := []string{"", " \t\f\r\n ", "a  b\t\tc\r\nd", "WWW.EXAMPLE.COM/x and T.CO/abc", "x — A (@b) May 3, 2020 \n", "(@x) @y @@z",
		"No Collusion! — Donald J. Trump (@realDonaldTrump) March 24, 2019",
		"DEFUND. CBC. NOW. #DefundTheCBChttps://t.co/CsHG8R9cHp — Brad Trost (@BradTrostCPC) December 26, 2019",
		"How are butterflies surviving the #AustralianFires? pic.twitter.com/0eJtwJyS1J — Center for Bio Div (@CenterForBioDiv) January 14, 2020",
		"see ://t.co/abc and http://x.example/y?z=1 and www.example.org", "#Milkshake#NoPrideforProudBoys Munich#Olympics &#39;quoted&#39;"}
	for _, p := range loadPairs(t) {
		texts = append(texts, p.a, p.b)
	}
	return texts
}

func TestCleanQueryAsRegexpsRead(t *testing.T) {
	t.Parallel()
	texts := oracleTexts(t)
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
