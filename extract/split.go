package extract

import (
	"unicode"
	"unicode/utf8"
)

// span is a half-open byte range [start, end) into the original text.
type span struct{ start, end int }

// split cuts text into sentence spans. It is a hand-written scanner rather
// than prose/v3's segmenter: prose splits inside quotations and misses
// abbreviation boundaries such as "in the U.S. The", and its punkt model
// costs an order of magnitude more time per byte. Spans never include
// surrounding whitespace, and a dateline at the head of a paragraph is left
// out of the first sentence.
func split(text string) []span {
	var out []span
	start := -1 // first byte of the current sentence, -1 when between sentences
	paraStart := true

	emit := func(end int) {
		if start < 0 {
			return
		}
		end = trimRight(text, start, end)
		if end > start {
			s := span{start, end}
			if paraStart {
				s.start = skipDateline(text, s.start, s.end)
			}
			if s.end > s.start {
				out = append(out, s)
			}
			paraStart = false
		}
		start = -1
	}

	for i := 0; i < len(text); {
		c := text[i]
		if c == '\n' {
			j := i
			newlines := 0
			for j < len(text) && isSpaceByte(text[j]) {
				if text[j] == '\n' {
					newlines++
				}
				j++
			}
			// A blank line always ends a paragraph. A single newline ends a
			// sentence unless the next line starts in lower case, which is
			// how hard-wrapped prose usually looks.
			if newlines >= 2 || j == len(text) || !startsLower(text, j) {
				emit(i)
				paraStart = true
			}
			i = j
			continue
		}
		if start < 0 {
			if isSpaceByte(c) {
				i++
				continue
			}
			start = i
		}
		if c != '.' && c != '!' && c != '?' && !hasPrefixAt(text, i, "…") && (c < utf8.RuneSelf || stopAt(text, i) == 0) {
			i++
			continue
		}
		end, next, ok := boundaryAt(text, i)
		if ok {
			emit(end)
			i = next
			continue
		}
		i = end
	}
	emit(len(text))
	return out
}

// boundaryAt decides whether the terminator at i ends a sentence. It returns
// the end of the terminator run (including closing quotes and brackets), the
// index to resume scanning from, and whether it is a boundary.
func boundaryAt(text string, i int) (end, next int, ok bool) {
	j := i
	dots := 0
	spaceless := false // a CJK stop: no space follows it
	for j < len(text) {
		switch {
		case text[j] == '.':
			dots++
			j++
		case text[j] == '!' || text[j] == '?':
			j++
		case hasPrefixAt(text, j, "…"):
			dots += 3
			j += len("…")
		case text[j] >= utf8.RuneSelf && stopAt(text, j) != 0:
			// Another script's full stop or question mark: it ends a
			// sentence as a question mark does.
			n := stopAt(text, j)
			if n < 0 {
				n, spaceless = -n, true
			}
			j += n
		default:
			goto closers
		}
	}
closers:
	stopEnd := j
	for j < len(text) {
		if n := closerLen(text, j); n > 0 {
			j += n
			continue
		}
		break
	}
	end = j
	if j < len(text) && !isSpaceByte(text[j]) {
		// "3.5", "U.S.", "example.com": no whitespace, no boundary. Chinese
		// and Japanese put none after a sentence either, but a stop inside
		// a closing quote mark runs on into its reporting clause
		// (「…。」と大臣は言った。).
		return end, end, spaceless && j == stopEnd
	}
	k := j
	for k < len(text) && isSpaceByte(text[k]) && text[k] != '\n' {
		k++
	}
	if k >= len(text) || text[k] == '\n' {
		return end, k, true
	}
	if startsLower(text, k) {
		// `"Is it true?" she asked.` and "the U.S. economy" continue.
		return end, k, false
	}
	if text[i] != '.' || dots != 1 || j > i+1 && closerLen(text, i+1) > 0 {
		// A question mark, exclamation or ellipsis followed by a capital, or
		// a full stop tucked inside a closing quote, ends the sentence.
		return end, k, true
	}
	word := wordBefore(text, i)
	nextWord := wordAt(text, k)
	return end, k, !isAbbreviation(word, nextWord, text, k)
}

// isAbbreviation reports whether word (the token ending at a full stop)
// is an abbreviation that does not end the sentence given what follows.
func isAbbreviation(word, nextWord, text string, k int) bool {
	if word == "" {
		return false
	}
	nextDigit := k < len(text) && text[k] >= '0' && text[k] <= '9'
	starter := sentenceStarters[lower(nextWord)]
	// Initials ("Lloyd J. Austin") and initialisms ("U.S.", "a.m.").
	if len(word) == 1 && word[0] >= 'A' && word[0] <= 'Z' || containsByte(word, '.') {
		return !starter
	}
	lw := lower(word)
	switch {
	case titleAbbrevs[lw]:
		return true
	case monthAbbrevs[lw]:
		return nextDigit || !starter
	case lw == "no" || lw == "nos" || lw == "art" || lw == "sec" || lw == "vol" || lw == "p" || lw == "pp":
		return nextDigit
	case closedAbbrevs[lw]:
		return true
	case openAbbrevs[lw]:
		return !starter
	}
	return false
}

// skipDateline returns the first byte after a news dateline such as
// "NEW DELHI (Reuters) -" or "WASHINGTON, Jan. 5 —", or start when there is
// none. The dateline is metadata, not part of any claim.
func skipDateline(text string, start, end int) int {
	i := start
	caps := 0
	// Upper-case place name: letters, spaces, dots, apostrophes, hyphens.
	for i < end {
		c := text[i]
		if c >= 'A' && c <= 'Z' {
			caps++
			i++
			continue
		}
		if c == ' ' || c == '.' || c == '\'' || c == '-' && i+1 < end && text[i+1] != ' ' {
			i++
			continue
		}
		break
	}
	if caps < 2 {
		return start
	}
	// Optional ", Month Day" or ", Region".
	if i < end && text[i] == ',' {
		i++
		for i < end && text[i] != '(' && !isDashAt(text, i) && text[i] != '\n' {
			if i-start > 80 {
				return start
			}
			i++
		}
	}
	for i < end && text[i] == ' ' {
		i++
	}
	// Optional "(Agency)".
	if i < end && text[i] == '(' {
		for i < end && text[i] != ')' {
			i++
		}
		i++
		for i < end && text[i] == ' ' {
			i++
		}
	}
	n := dashLen(text, i)
	if n == 0 {
		return start
	}
	i += n
	for i < end && isSpaceByte(text[i]) {
		i++
	}
	if i >= end {
		return start
	}
	return i
}

func isDashAt(text string, i int) bool { return dashLen(text, i) > 0 }

// dashLen is the length of a dash used after a dateline: "-", "--", "–", "—".
func dashLen(text string, i int) int {
	switch {
	case hasPrefixAt(text, i, "--"):
		return 2
	case hasPrefixAt(text, i, "—"):
		return len("—")
	case hasPrefixAt(text, i, "–"):
		return len("–")
	case i < len(text) && text[i] == '-' && i+1 < len(text) && text[i+1] == ' ':
		return 1
	}
	return 0
}

// closerLen is the byte length of a closing quote or bracket at i, or 0.
func closerLen(text string, i int) int {
	switch text[i] {
	case '"', '\'', ')', ']':
		return 1
	}
	for _, q := range [...]string{"”", "’", "»", "」", "』", "）"} {
		if hasPrefixAt(text, i, q) {
			return len(q)
		}
	}
	return 0
}

// wordBefore returns the token that ends at i, without leading quotes or
// brackets.
func wordBefore(text string, i int) string {
	j := i
	for j > 0 && !isSpaceByte(text[j-1]) && text[j-1] != '"' && text[j-1] != '(' && text[j-1] != '[' {
		j--
	}
	for j < i && text[j] >= 0x80 { // curly opening quote
		_, n := utf8.DecodeRuneInString(text[j:])
		j += n
	}
	return text[j:i]
}

// wordAt returns the letters starting at k, skipping an opening quote.
func wordAt(text string, k int) string {
	for k < len(text) && (text[k] == '"' || text[k] == '(' || text[k] == '\'') {
		k++
	}
	if hasPrefixAt(text, k, "“") {
		k += len("“")
	}
	j := k
	for j < len(text) && (text[j] >= 'a' && text[j] <= 'z' || text[j] >= 'A' && text[j] <= 'Z') {
		j++
	}
	return text[k:j]
}

func startsLower(text string, k int) bool {
	if k >= len(text) {
		return false
	}
	if text[k] < 0x80 {
		return text[k] >= 'a' && text[k] <= 'z'
	}
	r, _ := utf8.DecodeRuneInString(text[k:])
	return unicode.IsLower(r)
}

func trimRight(text string, start, end int) int {
	for end > start && isSpaceByte(text[end-1]) {
		end--
	}
	return end
}

// stopAt returns the length in bytes of a sentence-ending mark of a
// script other than Latin starting at i, negated for the marks of scripts
// written without a space after a sentence (CJK), or 0. Thai and Lao end
// sentences with a space alone, which the splitter cannot tell from a
// word break; they stay one span per line.
func stopAt(text string, i int) int {
	r, n := utf8.DecodeRuneInString(text[i:])
	switch r {
	case '।', '॥', // Devanagari danda and double danda (Hindi, Marathi, Nepali, Sanskrit); Bengali uses them too
		'؟', '۔', // Arabic question mark (Arabic, Persian, Urdu); Urdu full stop
		'։',      // Armenian full stop
		'።', '፧', // Ethiopic full stop and question mark
		'။', // Myanmar section mark
		'჻': // Georgian paragraph separator
		return n
	case '。', '！', '？', '｡': // ideographic full stop, full-width ! and ?, half-width stop
		return -n
	}
	return 0
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func hasPrefixAt(text string, i int, p string) bool {
	return i+len(p) <= len(text) && text[i:i+len(p)] == p
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// lower is an ASCII lower-caser that does not allocate when s is already
// lower case, which is the common case for words in running text.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// titleAbbrevs precede a name and so never end a sentence.
var titleAbbrevs = set("mr", "mrs", "ms", "dr", "prof", "sen", "sens", "rep", "reps", "gov", "gen",
	"col", "lt", "capt", "sgt", "cpl", "st", "ste", "rev", "hon", "pres", "supt", "det", "cmdr",
	"adm", "maj", "messrs", "mt", "ft", "insp", "atty", "amb", "brig", "gens")

var monthAbbrevs = set("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")

// closedAbbrevs are followed by more of the same sentence almost always.
var closedAbbrevs = set("vs", "approx", "cf", "est", "fig", "dept", "univ", "mln", "bln", "tel")

// openAbbrevs often end a sentence too ("based in Pune, said Acme Ltd."); they
// end one only when the next word is a typical sentence opener.
var openAbbrevs = set("inc", "corp", "ltd", "co", "jr", "sr", "etc", "bros", "plc", "llc", "govt", "intl", "assn")

// sentenceStarters are words that commonly open a sentence and rarely follow
// an abbreviation inside one; "U.S. The" splits, "U.S. President" does not.
var sentenceStarters = set("the", "a", "an", "it", "its", "he", "she", "they", "we", "i", "this",
	"that", "these", "those", "there", "but", "and", "in", "on", "at", "for", "his", "her",
	"their", "our", "after", "before", "while", "when", "however", "meanwhile", "also", "some",
	"many", "most", "mr", "mrs", "ms", "dr", "if", "as", "by", "from", "with", "since", "during",
	"last", "earlier", "later", "both", "all", "no", "one", "two", "what", "who", "officials",
	"according", "still", "yet", "so", "then", "such", "each", "other", "under", "about")
