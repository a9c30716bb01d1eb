package extract

import "unicode/utf8"

// fragment reports whether a span the splitter cut is page furniture rather
// than a sentence, so it is not offered as a candidate at all: nobody files
// "×" (a close button copied with the story), "Photo: Reuters", a lone
// byline or a two-word section label as a claim, and showing them only
// lengthens the checklist a checker reads.
//
// The rules are deliberately narrow, because a sentence left out can never
// be ticked: anything with a number, a sentence-ending mark or a verb the
// cue lists know stays a candidate, however short. toks are the span's
// tokens (tokenize).
func fragment(sent string, toks []token) bool {
	words := 0
	digits := false
	for _, t := range toks {
		if t.word {
			words++
			digits = digits || t.digit
		}
	}
	switch {
	case words == 0:
		// Symbols only: "×", "—", "• • •", "|".
		return true
	case creditLine(toks, words):
		return true
	case byline(toks, words, digits):
		return true
	case words <= shortFragment && !digits && !endsSentence(sent) && !hasVerb(toks):
		// "Advertisement", "Breaking news", "Read more", "World".
		return true
	}
	return false
}

// shortFragment is the most words a verbless, unpunctuated span may have
// and still be read as a label rather than a headline that makes a claim.
const shortFragment = 3

// creditWords open a picture or graphic credit: "Photo: Reuters",
// "Photograph by Jane Roe/AP", "Image credit: Getty".
var creditWords = set("photo", "photos", "photograph", "photographs", "picture", "pictures", "image",
	"images", "video", "graphic", "graphics", "illustration", "credit", "credits", "file", "caption")

// creditLine is a credit: a credit word, maybe a second one ("image
// credit", "file photo"), then a colon, a slash or "by", in a short span.
func creditLine(toks []token, words int) bool {
	if words > 8 || len(toks) < 2 || !toks[0].word || !creditWords[toks[0].low] {
		return false
	}
	next := toks[1]
	if next.word && creditWords[next.low] && len(toks) > 2 {
		next = toks[2]
	}
	return next.text == ":" || next.text == "/" || next.low == "by"
}

// bylineJoiners may sit between the names of a byline: "By Jane Roe and
// John Doe, Reuters", "By the Editorial Board".
var bylineJoiners = set("and", "of", "the", "in", "for")

// byline is "By" followed only by capitalised names, joiners and commas:
// "By Jane Roe", "By Jane Roe and John Doe, Reuters". "By 2030 the city
// will…" and "By Tuesday, officials had…" are sentences and stay.
func byline(toks []token, words int, digits bool) bool {
	if digits || words < 2 || words > 8 || toks[0].text != "By" {
		return false
	}
	for _, t := range toks[1:] {
		switch {
		case t.word && (t.upper || bylineJoiners[t.low]):
		case !t.word && (t.text == "," || t.text == "/" || t.text == "|" || t.text == "-" || t.text == "—"):
		default:
			return false
		}
	}
	return true
}

// endsSentence reports whether s ends in a sentence mark, perhaps inside
// closing quotes or brackets.
func endsSentence(s string) bool {
	i := len(s)
	for i > 0 {
		j := i - 1
		for j > 0 && s[j]&0xC0 == 0x80 {
			j-- // back to the first byte of a multi-byte rune
		}
		if closerLen(s, j) == i-j {
			i = j
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	switch c := s[i-1]; {
	case c == '.' || c == '!' || c == '?':
		return true
	}
	if hasPrefixAt(s, max(i-len("…"), 0), "…") {
		return true
	}
	// A stop of another script (the danda, the ideographic full stop, …).
	_, n := utf8.DecodeLastRuneInString(s[:i])
	return stopAt(s, i-n) != 0
}

// auxiliaries are the verb forms every short statement leans on.
var auxiliaries = set("has", "have", "had", "do", "does", "did", "can", "could", "would",
	"may", "might", "won't", "can't", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't")

// hasVerb reports whether a word of toks is a verb one of the cue lists
// knows, so "Inflation rises" or "Minister resigns" is not a label.
func hasVerb(toks []token) bool {
	for _, t := range toks {
		if !t.word {
			continue
		}
		w := t.low
		if beForms[w] || auxiliaries[w] || reportingVerbs[w] || changeWords[w] || eventWords[w] ||
			predictionWords[w] || causeWords[w] || scheduleVerbs[w] {
			return true
		}
		// A third-person verb of a headline ("resigns", "wins") or a past
		// tense the lists miss ("bolted"): a short span with one of them
		// may be a claim, so it stays.
		if len(w) > 3 && w[len(w)-2:] == "ed" || len(w) > 4 && w[len(w)-1] == 's' && w[len(w)-2] != 's' {
			return true
		}
	}
	return false
}
