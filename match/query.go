package match

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/factdesk/factdesk/wordvec"
)

var (
	// A tweet as copied from the web ends "— Name (@handle) May 3, 2020".
	tweetTrailer = regexp.MustCompile(`\s*[—–-]+\s*[^—–\n]{0,80}\(@\w{1,30}\)\s*[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$`)
	picLink      = regexp.MustCompile(`pic\.twitter\.com/\w+`)
	// A link copied from a tweet is often glued to the word or hashtag
	// before it ("Defund The CBChttps://t.co/…"), or left as "://t.co/…".
	link   = regexp.MustCompile(`(?i)(?:https?)?:?//\S+|\bwww\.\S+|\bt\.co/\w+`)
	handle = regexp.MustCompile(`(^|[^\w@])@\w{1,30}`)
	// A hashtag opens a word, or is glued to the one before it
	// ("#Milkshake#NoPrideforProudBoys", "Munich#Olympics").
	hashtag = regexp.MustCompile(`#\w+`)
)

var trailerName = regexp.MustCompile(`[—–-]+\s*([^—–\n(]{1,80}?)\s*\(@\w{1,30}\)\s*[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$`)

// TweetContext returns what a copied tweet says about its subject outside
// its text: the poster's name from the trailer and the words of the
// @handles it mentions ("@IvankaTrump" → "Ivanka Trump"). CleanQuery drops
// both, so the comparison of claims never reads them; the ranked search
// does, since a handle often names whom the claim is about.
func TweetContext(text string) string {
	var words []string
	if a := TweetAuthor(text); a != "" {
		words = append(words, a)
	}
	body := dropTrailer(text)
	for _, m := range findHandles(body) {
		h := strings.TrimLeft(m[strings.IndexByte(m, '@')+1:], "@")
		words = append(words, splitHashtag("#"+strings.ReplaceAll(h, "_", " ")))
	}
	return strings.Join(words, " ")
}

// TweetAuthor returns the name in a copied tweet's "— Name (@handle) Date"
// trailer, or "". Who posted a tweet often names what it is about, so the
// ranked search reads it, though the comparison of claims does not.
func TweetAuthor(text string) string {
	if !hasTrailerMark(text) {
		return ""
	}
	m := trailerName.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

// CleanQuery strips from a query what a tweet or a web page wraps around a
// claim: links, pic.twitter.com links (glued to the word before them, as
// copied tweets have them), @handles, the "— Name (@handle) Date" trailer,
// the # of hashtags; and it lowers the case of a Title Case headline, whose
// capitals would otherwise all read as names. Anything else is left alone,
// so a plain claim comes back unchanged.
func CleanQuery(text string) string {
	orig := text
	text = dropTrailer(text)
	text = picLink.ReplaceAllString(text, " ")
	if mayHoldLink(text) {
		text = link.ReplaceAllString(text, " ")
	}
	if strings.IndexByte(text, '@') >= 0 {
		text = handle.ReplaceAllString(text, "$1")
	}
	text = splitHashtags(text)
	if text != orig {
		text = strings.TrimSpace(collapseSpaces(text))
	}
	if titleCase(text) {
		text = lowerTitleCase(text)
	}
	if shouting(text) {
		text = lowerShouting(text)
	}
	return text
}

// The regexps above scan every position of a text for a start, which
// was a tenth of a lookup's Go CPU; these tests find first whether a text
// holds what they need at all.

// hasTrailerMark reports whether text holds the "(@" of a trailer.
func hasTrailerMark(text string) bool { return strings.Contains(text, "(@") }

func dropTrailer(text string) string {
	if !hasTrailerMark(text) {
		return text
	}
	return tweetTrailer.ReplaceAllString(text, "")
}

func findHandles(text string) []string {
	if strings.IndexByte(text, '@') < 0 {
		return nil
	}
	return handle.FindAllString(text, -1)
}

// mayHoldLink reports whether text holds what every match of link
// starts with: "//", "www." or "t.co/", in any case.
func mayHoldLink(text string) bool {
	if strings.Contains(text, "//") {
		return true
	}
	low := strings.ToLower(text)
	return strings.Contains(low, "www.") || strings.Contains(low, "t.co/")
}

// collapseSpaces replaces each run of what \s matches (tab, newline, form
// feed, carriage return, space) with one space.
func collapseSpaces(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	inRun := false
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\t', '\n', '\f', '\r', ' ':
			if !inRun {
				b.WriteByte(' ')
			}
			inRun = true
		default:
			b.WriteByte(c)
			inRun = false
		}
	}
	return b.String()
}

// shouting reports whether most of a text's words are in capitals ("WHO
// CHANGED THE LONG STANDING WHISTLEBLOWER RULES"), which would otherwise all
// read as names or acronyms.
func shouting(text string) bool {
	upper, words := 0, 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) < 3 {
			continue
		}
		words++
		if strings.ToUpper(w) == w {
			upper++
		}
	}
	return upper >= 4 && upper*2 >= words
}

// lowerShouting lowers the words in capitals of four letters or more; the
// shorter are mostly acronyms (CBC, NRA, GOP).
func lowerShouting(text string) string {
	return shoutedWord.ReplaceAllStringFunc(text, strings.ToLower)
}

var shoutedWord = regexp.MustCompile(`\b[A-Z]{4,}\b`)

// splitHashtags replaces each hashtag of text with its words, spaced from
// a word it is glued to; a # after & (an HTML entity) is left alone.
func splitHashtags(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range hashtag.FindAllStringIndex(text, -1) {
		r, _ := utf8.DecodeLastRuneInString(text[:m[0]])
		if r == '&' {
			continue
		}
		b.WriteString(text[last:m[0]])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteByte(' ')
		}
		b.WriteString(splitHashtag(text[m[0]:m[1]]))
		last = m[1]
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// splitHashtag turns "#AustralianFires" into "Australian Fires": the words
// of a camel-case tag, without the #. A part in lower case that is no word
// of the word-vector table but a few of its words run together is split
// into them: "#PrayforAmazonia" is "Pray for Amazonia", "#australianfires"
// "australian fires"; figures are parts of their own ("MAGA 2020").
func splitHashtag(m string) string {
	var parts []string
	start := -1
	var prev rune
	for i, r := range m + "#" {
		isWord := unicode.IsLetter(r) || unicode.IsDigit(r)
		cut := !isWord || start >= 0 && (unicode.IsUpper(r) && unicode.IsLower(prev) || unicode.IsDigit(r) != unicode.IsDigit(prev))
		if cut && start >= 0 {
			parts = append(parts, m[start:i])
			start = -1
		}
		if isWord && start < 0 {
			start = i
		}
		prev = r
	}
	for i, p := range parts {
		// A tag of one capitalised word is most likely a name
		// ("#Soleimani"); one in lower case is words run together.
		if len(parts) > 1 || p == strings.ToLower(p) {
			parts[i] = segment(p)
		}
	}
	return strings.Join(parts, " ")
}

// segment splits a run of letters that the word-vector table lacks into
// the fewest of its words, the commoner first on a tie: "prayfor" → "pray
// for". Each is of four letters or more and among the table's
// segmentRanks commonest, or one of a few short function words; other
// splits are mostly wrong ("de fund", "def und", "br exit"). A run it cannot split, or a
// word it holds, comes back as it is; so does anything not in lower case
// after its first letter, or shorter than six letters.
func segment(run string) string {
	low := strings.ToLower(run)
	if len(low) < 6 || len(low) > 40 || low[1:] != run[1:] {
		return run
	}
	for i := 0; i < len(low); i++ {
		if low[i] < 'a' || low[i] > 'z' {
			return run
		}
	}
	if _, ok := wordvec.Rank(low); ok {
		return run
	}
	// best[i]: the fewest words that spell low[:i], and the summed log
	// rank of the commonest such split.
	type cell struct {
		words int
		cost  float64
		from  int
	}
	best := make([]cell, len(low)+1)
	for i := 1; i <= len(low); i++ {
		best[i] = cell{words: math.MaxInt}
		for j := max(0, i-20); j <= i-2; j++ {
			if best[j].words == math.MaxInt || j > 0 && best[j].words == 0 {
				continue
			}
			w := low[j:i]
			rank, ok := wordvec.Rank(w)
			if !ok || rank >= segmentRanks || len(w) <= 3 && !segmentShort[w] {
				continue
			}
			c := cell{best[j].words + 1, best[j].cost + math.Log(2+float64(rank)), j}
			if c.words < best[i].words || c.words == best[i].words && c.cost < best[i].cost {
				best[i] = c
			}
		}
	}
	if best[len(low)].words == math.MaxInt {
		return run
	}
	var words []string
	for i := len(low); i > 0; i = best[i].from {
		words = append(words, low[best[i].from:i])
	}
	slices.Reverse(words)
	words[0] = run[:len(words[0])]
	return strings.Join(words, " ")
}

// segmentRanks: only the commoner words of the table make up a split
// hashtag; among the rarest are fragments ("ri", "ka") that would split
// any name.
const segmentRanks = 20000

var segmentShort = set("in", "of", "to", "on", "at", "by", "is", "it", "we", "my", "no", "us", "up", "or", "an", "be", "do", "go", "me",
	"for", "the", "and", "our", "not", "all", "now", "new", "you", "his", "her", "who", "why", "how", "get", "out", "too", "off", "was", "are", "has", "day", "war", "law", "tax", "gun", "kid", "man", "men", "act", "end", "god", "fox", "usa")

// titleCase reports whether most words of a headline-length text start
// with a capital: "Did 122 Prisoners Released from Guantanamo Return?".
func titleCase(text string) bool {
	words := strings.Fields(text)
	if len(words) < 4 || len(words) > 30 {
		return false
	}
	upper, letters := 0, 0
	for _, w := range words {
		c := w[0]
		if c >= 'A' && c <= 'Z' {
			upper++
			letters++
		} else if c >= 'a' && c <= 'z' {
			letters++
		}
	}
	return letters >= 4 && upper*4 >= letters*3
}

// lowerTitleCase lowers the words of a Title Case text that are capitalised
// only by the style: a word in all capitals (an acronym) keeps its case, and
// so does the first word.
func lowerTitleCase(text string) string {
	words := strings.Fields(text)
	for i, w := range words {
		if i == 0 || strings.ToUpper(w) == w || !titleStyleWord(w) {
			continue
		}
		words[i] = strings.ToLower(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// titleStyleWord is a capitalised word with the rest in lower case.
func titleStyleWord(w string) bool {
	for i := 1; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' {
			return false
		}
	}
	return true
}
