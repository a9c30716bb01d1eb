package match

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalized is a claim reduced to what matters for matching: stemmed
// content words, canonical numbers, named entities and polarity.
type Normalized struct {
	// Text is the content tokens in order, joined by spaces. Trigram
	// similarity runs on it.
	Text string
	// Tokens are the content tokens in order: stems, canonical numbers
	// ("3.5%", "3000000$"), places for demonyms ("poland" for "Polish").
	Tokens []string
	// Numbers are the canonical numbers, sorted, including months ("month:3")
	// so that a changed date counts as a changed figure.
	Numbers []string
	// Entities are the lower-cased proper names, sorted, without titles.
	Entities []string
	// Negated is true when the claim holds an odd number of negations
	// (not, no, never, denied…).
	Negated bool

	// negatedWords are the content tokens a negator bears on: the first
	// one after it ("did not attend" → attend), sorted. A negation counts
	// against another claim only when it bears on a word both share, so
	// a "not" in a side clause does not make a true match conflicting.
	negatedWords []string
	// lead is the first word of the text when it is capitalised and not a
	// stopword: a name or the subject ("Macy's", "Nordstrom"), which the
	// entity rule cannot tell from an ordinary capitalised opening.
	lead     string
	set      []string   // unique tokens, sorted
	polarity []polarity // per concept; sign 2 means both directions
	trigrams []uint32   // unique byte trigrams of Text, sorted
}

// rawToken is one word, number or symbol of the input with its case intact.
type rawToken struct {
	text      string
	sentStart bool // first word of a sentence
	number    bool
}

// Normalize reduces text to its matching form. It is deterministic and
// allocation-light, since Rank calls it once per candidate per lookup.
func Normalize(text string) Normalized {
	raw := lex(text)
	n := Normalized{Tokens: make([]string, 0, len(raw))}
	negations := 0
	negPending := false // a negator waits for the word it bears on
	flip := 0           // tokens left in which a polarity word is reversed ("lifted the ban")
	content := func(tok string) {
		if negPending {
			n.negatedWords = append(n.negatedWords, tok)
			negPending = false
		}
	}
	for i := 0; i < len(raw); i++ {
		rt := raw[i]
		low := strings.ToLower(rt.text)
		// A currency symbol has no case: its lower-case form is itself.
		facts := factsAbout(low)
		if rt.number || facts.number != 0 || facts.currency != "" {
			tok, used := number(raw, i)
			if used > 0 {
				n.Tokens = append(n.Tokens, tok)
				n.Numbers = append(n.Numbers, tok)
				i += used - 1
				continue
			}
			if rt.number {
				continue
			}
		}
		if strings.HasSuffix(low, "n't") || strings.HasSuffix(low, "n’t") || facts.negator {
			negations++
			negPending = true
			continue
		}
		if facts.isMonth && (rt.text[0] >= 'A' && rt.text[0] <= 'Z') {
			tok := "month:" + strconv.Itoa(facts.month)
			n.Tokens = append(n.Tokens, tok)
			n.Numbers = append(n.Numbers, tok)
			continue
		}
		if facts.isWeekday {
			// A weekday pins a date as much as a month does.
			tok := "day:" + facts.weekday
			n.Tokens = append(n.Tokens, tok)
			n.Numbers = append(n.Numbers, tok)
			continue
		}
		if place := placeOf(rt.text, facts); place != "" {
			n.Tokens = append(n.Tokens, place)
			n.Entities = append(n.Entities, place)
			continue
		}
		if facts.stopword {
			continue
		}
		if facts.reverser {
			flip = 3
			continue
		}
		if facts.isPolarity {
			p := facts.polarity
			if flip > 0 {
				p.sign = -p.sign
				flip = 0
			}
			n.Tokens = append(n.Tokens, p.concept)
			n.addPolarity(p.concept, p.sign)
			content(p.concept)
			continue
		}
		if flip > 0 {
			flip--
		}
		tok := stem(low, facts)
		if tok == "" {
			continue
		}
		n.Tokens = append(n.Tokens, tok)
		content(tok)
		if isUpper(rt.text) && !rt.sentStart && !facts.title {
			n.Entities = append(n.Entities, tok)
		}
		if i == 0 && isUpper(rt.text) && !facts.title {
			n.lead = tok
		}
	}
	n.Negated = negations%2 == 1
	n.negatedWords = sortedUnique(n.negatedWords)
	n.Text = strings.Join(n.Tokens, " ")
	n.set = sortedUnique(slices.Clone(n.Tokens))
	n.Numbers = sortedUnique(n.Numbers)
	n.Entities = sortedUnique(n.Entities)
	n.trigrams = trigrams(n.Text)
	return n
}

func (n *Normalized) addPolarity(concept string, sign int8) {
	for i, p := range n.polarity {
		if p.concept == concept {
			if p.sign != sign {
				n.polarity[i].sign = 2
			}
			return
		}
	}
	n.polarity = append(n.polarity, polarity{concept, sign})
}

// weightOf is 2 for names and numbers, which carry a claim's identity, and
// 1 for other words.
func (n Normalized) weightOf(tok string) float64 {
	if _, ok := slices.BinarySearch(n.Entities, tok); ok {
		return 2
	}
	if _, ok := slices.BinarySearch(n.Numbers, tok); ok {
		return 2
	}
	return 1
}

// lex splits text into words, numbers and currency or percent symbols.
// "U.S." stays one word, hyphenated words split ("first-ever"), and a
// number keeps its inner commas and dots and a glued scale ("3.5bn").
func lex(text string) []rawToken {
	out := make([]rawToken, 0, len(text)/5+1)
	sentStart := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r >= '0' && r <= '9':
			j := i
			for j < len(text) {
				c := text[j]
				if c >= '0' && c <= '9' || (c == '.' || c == ',') && j+1 < len(text) && text[j+1] >= '0' && text[j+1] <= '9' {
					j++
					continue
				}
				break
			}
			for j < len(text) && (text[j] >= 'a' && text[j] <= 'z' || text[j] >= 'A' && text[j] <= 'Z') {
				j++ // "3m", "3.5bn", "5th"
			}
			out = append(out, rawToken{text: text[i:j], number: true, sentStart: sentStart})
			sentStart = false
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			// Other scripts' digits are kept as words: only ASCII numerals
			// are read as numbers.
			j := i + size
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
					j += s2
					continue
				}
				// Apostrophes inside words ("didn't", "alliance's") and the
				// dots of an initialism ("U.S.").
				if (r2 == '\'' || r2 == '’') && j+s2 < len(text) && isLetterAt(text, j+s2) {
					j += s2
					continue
				}
				if r2 == '.' && j+2 <= len(text) && isLetterAt(text, j+1) && (j+2 == len(text) || text[j+2] == '.') {
					j += 2
					if j < len(text) && text[j] == '.' {
						j++
					}
					continue
				}
				break
			}
			w := text[i:j]
			if strings.HasSuffix(w, "'s") {
				w = w[:len(w)-2] // possessive
			} else if strings.HasSuffix(w, "’s") {
				w = w[:len(w)-len("’s")]
			}
			out = append(out, rawToken{text: w, sentStart: sentStart})
			sentStart = false
			i = j
		default:
			switch {
			case r == '.' || r == '!' || r == '?' || r == ':' || r == ';' || r == '"' || r == '“' || r == '\n':
				sentStart = true
			case r == '\'' || r == '‘' || r == '’':
				// Outside a word (inside one, the branch above keeps it) a
				// single quote marks a quotation as a double one does, so
				// 'Imperial March' and "Imperial March" read alike.
				sentStart = true
			case r == '%' || r == '$' || r == '€' || r == '£' || r == '₹':
				out = append(out, rawToken{text: text[i : i+size]})
			}
			i += size
		}
	}
	return out
}

func isLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

func isUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// number reads a quantity starting at raw[i]: an optional currency symbol, a
// numeral or number words, an optional scale (million, bn, crore) and an
// optional unit (%, percent, per cent, dollars). It returns the canonical
// token, e.g. "3.5%" or "3000000$", and how many raw tokens it used.
func number(raw []rawToken, i int) (string, int) {
	start := i
	unit := ""
	if u := currencySymbols[raw[i].text]; u != "" {
		unit = u
		i++
		if i >= len(raw) || !raw[i].number {
			return "", 0
		}
	}
	var v float64
	var ok bool
	if raw[i].number {
		var suffix string
		v, suffix, ok = parseNumeral(raw[i].text)
		if !ok {
			return "", 0
		}
		i++
		if suffix != "" {
			if m := scales[suffix]; m != 0 {
				v *= m
			} else if !ordinalSuffix[suffix] {
				return "", 0
			}
		}
	} else {
		// Number words: "five", "twenty five", "three hundred".
		for i < len(raw) {
			w := numberWords[strings.ToLower(raw[i].text)]
			if w == 0 {
				break
			}
			switch {
			case w == 100 && v > 0:
				v *= 100
			case w >= 1000 && v > 0:
				v *= w
			default:
				v += w
			}
			ok = true
			i++
		}
		if !ok {
			return "", 0
		}
	}
	for i < len(raw) {
		low := strings.ToLower(raw[i].text)
		if m := scales[low]; m != 0 {
			v *= m
			i++
			continue
		}
		break
	}
	if i < len(raw) {
		low := strings.ToLower(raw[i].text)
		switch {
		case low == "%" || low == "percent" || low == "pc" || low == "percentage":
			unit = "%"
			i++
		case low == "per" && i+1 < len(raw) && strings.ToLower(raw[i+1].text) == "cent":
			unit = "%"
			i += 2
		case currencyWords[low] != "":
			unit = currencyWords[low]
			i++
		}
	}
	return strconv.FormatFloat(v, 'f', -1, 64) + unit, i - start
}

// parseNumeral parses "1,000", "3.50" or "3.5bn" into a value and the
// letters glued to it.
func parseNumeral(s string) (float64, string, bool) {
	j := len(s)
	for j > 0 && (s[j-1] < '0' || s[j-1] > '9') {
		j--
	}
	digits := strings.ReplaceAll(s[:j], ",", "")
	v, err := strconv.ParseFloat(digits, 64)
	if err != nil {
		return 0, "", false
	}
	return v, strings.ToLower(s[j:]), true
}

// placeOf maps a demonym or a country spelling to one place token:
// "Polish" and "Poland" both give "poland", "U.S." gives "usa".
func placeOf(w string, facts *wordFacts) string {
	if facts.isDemonym && isUpper(w) {
		return facts.demonym
	}
	switch w {
	case "US", "U.S", "U.S.", "USA", "U.S.A", "U.S.A.":
		return "usa"
	case "UK", "U.K", "U.K.":
		return "uk"
	}
	return ""
}

// stem is a small suffix stripper in the spirit of Porter's step 1 and a
// few derivational endings. It only has to map a claim's paraphrases onto
// each other, not produce dictionary words. facts are factsAbout(w).
func stem(w string, facts *wordFacts) string {
	if facts.isIrregular {
		return facts.irregular
	}
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	for _, suf := range [...]string{"ations", "ation", "ingly", "ings", "ing", "edly", "ed", "ments", "ment", "ions", "ion", "ly", "er", "al", "e", "y"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			w = w[:len(w)-len(suf)]
			break
		}
	}
	// Undo consonant doubling: "planned" -> "plann" -> "plan".
	if n := len(w); n >= 4 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		w = w[:n-1]
	}
	return w
}

// trigrams returns the sorted unique byte trigrams of s, padded with
// spaces, each packed into a uint32.
func trigrams(s string) []uint32 {
	if s == "" {
		return nil
	}
	p := " " + s + " "
	out := make([]uint32, 0, len(p))
	for i := 0; i+3 <= len(p); i++ {
		out = append(out, uint32(p[i])<<16|uint32(p[i+1])<<8|uint32(p[i+2]))
	}
	sortTrigrams(out)
	return slices.Compact(out)
}

// sortTrigrams sorts packed trigrams: into buckets by their first byte,
// then by insertion, which moves each only within its bucket, a few
// places. slices.Sort on the hundred or so of a claim was a third of
// Normalize.
func sortTrigrams(a []uint32) {
	const most = 512
	if len(a) < 32 || len(a) > most {
		slices.Sort(a)
		return
	}
	var next [256]int32
	for _, x := range a {
		next[x>>16&0xff]++
	}
	var at int32
	for b, n := range next {
		next[b] = at
		at += n
	}
	var buf [most]uint32
	for _, x := range a {
		b := x >> 16 & 0xff
		buf[next[b]] = x
		next[b]++
	}
	copy(a, buf[:len(a)])
	for i := 1; i < len(a); i++ {
		x := a[i]
		j := i
		for ; j > 0 && a[j-1] > x; j-- {
			a[j] = a[j-1]
		}
		a[j] = x
	}
}

func sortedUnique(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
