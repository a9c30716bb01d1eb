package match

import (
	"regexp"
	"strings"
)

var (
	// A tweet as copied from the web ends "— Name (@handle) May 3, 2020".
	tweetTrailer = regexp.MustCompile(`\s*[—–-]+\s*[^—–\n]{0,80}\(@\w{1,30}\)\s*[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$`)
	picLink      = regexp.MustCompile(`pic\.twitter\.com/\w+`)
	link         = regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+`)
	handle       = regexp.MustCompile(`(^|[^\w@])@\w{1,30}`)
	hashtag      = regexp.MustCompile(`(^|[^\w#])#(\w+)`)
	spaces       = regexp.MustCompile(`\s+`)
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
	body := tweetTrailer.ReplaceAllString(text, "")
	for _, m := range handle.FindAllString(body, -1) {
		h := strings.TrimLeft(m[strings.IndexByte(m, '@')+1:], "@")
		words = append(words, splitHashtag("#"+strings.ReplaceAll(h, "_", " ")))
	}
	return strings.Join(words, " ")
}

// TweetAuthor returns the name in a copied tweet's "— Name (@handle) Date"
// trailer, or "". Who posted a tweet often names what it is about, so the
// ranked search reads it, though the comparison of claims does not.
func TweetAuthor(text string) string {
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
	text = tweetTrailer.ReplaceAllString(text, "")
	text = picLink.ReplaceAllString(text, " ")
	text = link.ReplaceAllString(text, " ")
	text = handle.ReplaceAllString(text, "$1")
	text = hashtag.ReplaceAllStringFunc(text, splitHashtag)
	if text != orig {
		text = strings.TrimSpace(spaces.ReplaceAllString(text, " "))
	}
	if titleCase(text) {
		text = lowerTitleCase(text)
	}
	return text
}

// splitHashtag turns "#AustralianFires" into "Australian Fires": the words
// of a camel-case tag, without the #.
func splitHashtag(m string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range m {
		if r == '#' {
			continue
		}
		upper := r >= 'A' && r <= 'Z'
		if upper && prevLower {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prevLower = r >= 'a' && r <= 'z'
	}
	return b.String()
}

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
