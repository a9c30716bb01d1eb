package extract

import "strings"

// attribution is what attribute learns about one sentence.
type attribution struct {
	name   string // the claimant, "" when unattributed
	verb   string // the reporting verb or phrase that named it
	quoted bool   // the sentence is, or holds, a quotation
}

// attribute finds the claimant of every sentence. A quotation that spans
// several sentences is attributed once, at its end (`"… first. … attended,"
// a source said.`) or at its start (`Singh said: "…`); every sentence inside
// it gets that claimant. He and she are resolved to the last named claimant,
// which is right for the usual news pattern of naming a speaker once and
// then quoting them again.
func attribute(text string, spans []span) []attribution {
	out := make([]attribution, len(spans))
	inQuote := false
	var pending []int // sentences inside the currently open quotation
	opener := ""      // claimant named before the open quotation
	var toks []token
	for idx, s := range spans {
		if idx > 0 && strings.Contains(text[spans[idx-1].end:s.start], "\n") {
			// Quotations do not carry across paragraphs here. News style
			// leaves a multi-paragraph quote open, but then every paragraph
			// re-opens it, which the scan below sees anyway.
			inQuote, pending, opener = false, nil, ""
		}
		sent := text[s.start:s.end]
		startedIn := inQuote
		var frame []span // parts of sent outside quotation marks
		from := 0
		sawQuote := startedIn
		for i := 0; i < len(sent); i++ {
			c := sent[i]
			open, close := false, false
			switch {
			case c == '"':
				open, close = !inQuote, inQuote
			case hasPrefixAt(sent, i, "“"):
				open = true
				i += len("“") - 1
			case hasPrefixAt(sent, i, "”"):
				close = true
				i += len("”") - 1
			}
			if open && !inQuote {
				frame = append(frame, span{from, i})
				inQuote, sawQuote = true, true
			} else if close && inQuote {
				from = i + 1
				inQuote, sawQuote = false, true
			}
		}
		if !inQuote {
			frame = append(frame, span{from, len(sent)})
		}
		toks = tokenize(sent, toks[:0])
		name, verb := findClaimant(sent, toks, frame)
		out[idx].quoted = sawQuote
		out[idx].verb = verb
		switch {
		case startedIn && inQuote:
			pending = append(pending, idx)
			out[idx].name = opener
		case startedIn:
			if name == "" || opener != "" && pronouns[lower(name)] {
				name = opener
			}
			for _, p := range pending {
				out[p].name = name
				if out[p].verb == "" {
					out[p].verb = verb
				}
			}
			out[idx].name = name
			pending, opener = nil, ""
		case inQuote:
			pending = []int{idx}
			opener = name
			out[idx].name = name
		default:
			out[idx].name = name
		}
	}
	resolvePronouns(out)
	return out
}

// resolvePronouns replaces he/she with the last claimant that names someone.
func resolvePronouns(as []attribution) {
	last := ""
	for i := range as {
		switch lower(as[i].name) {
		case "":
		case "he", "she":
			if last != "" {
				as[i].name = last
			}
		default:
			if names(as[i].name) {
				last = as[i].name
			}
		}
	}
}

// names reports whether a claimant holds a proper name rather than a
// description ("the ministry").
func names(claimant string) bool {
	for i, w := range strings.Fields(claimant) {
		if w[0] >= 'A' && w[0] <= 'Z' && (i > 0 || !determiners[lower(w)]) {
			return true
		}
	}
	return false
}

// findClaimant looks for a reporting verb or "according to" in the parts of
// the sentence outside quotation marks and returns the speaker it names.
func findClaimant(sent string, toks []token, frame []span) (name, verb string) {
	for _, f := range frame {
		lo, hi := tokenRange(toks, f)
		seg := toks[lo:hi]
		for i, t := range seg {
			if !t.word {
				continue
			}
			if t.low == "according" && i+1 < len(seg) && seg[i+1].low == "to" {
				if np := phraseAfter(sent, seg, i+2); np != "" {
					return np, "according to"
				}
				continue
			}
			if !reportingVerbs[t.low] {
				continue
			}
			if t.low == "called" && (i+1 >= len(seg) || seg[i+1].low != "for" && seg[i+1].low != "on") {
				continue
			}
			if i > 0 && (beForms[seg[i-1].low] || seg[i-1].low == "to" || seg[i-1].low == "did") {
				continue // passive ("are estimated") or infinitive ("declined to say")
			}
			if np := phraseBefore(sent, seg, i); np != "" {
				return np, t.low
			}
			if np := phraseAfter(sent, seg, i+1); np != "" && (i == 0 || !seg[i-1].word) {
				// Inverted order: `," said Defence Minister Rajnath Singh.`
				return np, t.low
			}
		}
	}
	return "", ""
}

// tokenRange returns the indexes of the tokens that lie inside f.
func tokenRange(toks []token, f span) (lo, hi int) {
	lo = len(toks)
	for i, t := range toks {
		if t.start >= f.start {
			lo = i
			break
		}
	}
	hi = lo
	for hi < len(toks) && toks[hi].end <= f.end {
		hi++
	}
	return lo, hi
}

// phraseBefore returns the noun phrase that ends just before seg[v], the
// subject of a reporting verb, or "" if it does not look like one.
func phraseBefore(sent string, seg []token, v int) string {
	end := v - 1
	for end >= 0 && seg[end].word && verbModifiers[seg[end].low] {
		end--
	}
	begin := end + 1
	for k := end; k >= 0 && end-k < 10; k-- {
		t := seg[k]
		if !t.word || clauseWords[t.low] {
			break
		}
		begin = k
	}
	if begin > end {
		return ""
	}
	if end-begin >= 9 || nonSubjects[seg[begin].low] {
		return ""
	}
	// A lower-case phrase that opens the sentence and is not a plain
	// description ("prices rose said"…) is more likely a clause than a
	// speaker; require a determiner, a capital or a known speaker noun.
	first := seg[begin]
	if !first.upper && !determiners[first.low] && !speakerNouns[seg[end].low] {
		return ""
	}
	return sent[first.start:seg[end].end]
}

// phraseAfter returns the phrase that starts at seg[i] and runs to the next
// punctuation mark or preposition, e.g. the X in "according to X, …".
func phraseAfter(sent string, seg []token, i int) string {
	end := i - 1
	for k := i; k < len(seg) && k-i < 10; k++ {
		t := seg[k]
		if !t.word || k > i && afterStops[t.low] {
			break
		}
		end = k
	}
	if end < i || nonSubjects[seg[i].low] {
		return ""
	}
	return sent[seg[i].start:seg[end].end]
}

var reportingVerbs = set("said", "says", "say", "told", "tells", "added", "stated", "announced",
	"noted", "claimed", "claims", "warned", "argued", "insisted", "wrote", "confirmed",
	"denied", "explained", "described", "describes", "called", "testified", "acknowledged",
	"admitted", "estimated", "predicted", "tweeted", "posted", "asserted", "alleged", "disclosed")

// verbModifiers sit between a speaker and the verb: "he also said".
var verbModifiers = set("also", "later", "previously", "earlier", "recently", "repeatedly",
	"has", "had", "have", "once", "then", "further", "publicly", "privately",
	"separately", "reportedly", "would", "will", "has", "had", "not", "never", "again")

var beForms = set("is", "are", "was", "were", "be", "been", "being")

var pronouns = set("he", "she", "they", "we", "i", "it")

// clauseWords end a speaker phrase when scanning backwards.
var clauseWords = set("that", "which", "and", "but", "because", "after", "when", "while", "as",
	"if", "though", "although", "since", "so", "where", "than", "or", "to")

// afterStops end a speaker phrase when scanning forwards.
var afterStops = set("on", "in", "at", "during", "that", "when", "while", "after", "before",
	"last", "yesterday", "today", "via", "by", "and", "this", "earlier", "late", "who",
	"told", "adding", "citing", "as", "to")

// nonSubjects cannot be a speaker.
var nonSubjects = set("it", "there", "this", "which", "what", "that", "so", "not", "be", "been")

var determiners = set("the", "a", "an", "this", "that", "these", "those", "its", "his", "her",
	"their", "our", "two", "three", "several", "many", "some", "one", "another", "both", "other",
	"officials", "most", "few")

// speakerNouns let a lower-case phrase count as a speaker: "economists said".
var speakerNouns = set("officials", "sources", "source", "economists", "analysts", "experts",
	"residents", "police", "witnesses", "doctors", "researchers", "scientists", "organisers",
	"organizers", "prosecutors", "investigators", "lawyers", "people", "critics", "officers",
	"he", "she", "they", "we", "i", "spokesperson", "spokesman", "spokeswoman")
