package extract

import (
	"math"
	"strings"
)

// Cue weights. A sentence's raw score is the sum of the weights of the cue
// families it shows (each family counts once), squashed by a logistic curve
// centred on bias, so that bias maps to DefaultThreshold. The values were set
// by hand against testdata/ after the labels were written.
const (
	wNumber      = 1.3
	wAmount      = 0.3 // extra for money and percentages
	wSuperlative = 1.1
	wComparison  = 0.9
	wEntity      = 0.25 // per distinct name, up to three
	wTitle       = 0.35
	wAttribution = 0.5
	wQuote       = 0.15
	wDate        = 0.4
	wLaw         = 0.8
	wCausation   = 0.7
	wPrediction  = 0.6
	wEvent       = 0.6

	wOpinion     = -1.3
	wHedge       = -0.7
	wQuestion    = -2.0
	wBoilerplate = -5.0
	wShort       = -1.5
	wLong        = -0.5
	wPerson      = -0.7

	bias      = 1.2
	steepness = 2.0
)

// features records which cue families fired, for the score and the type.
type features struct {
	number, amount, superlative, comparison, title, attribution, quote bool
	date, law, causation, prediction, event                            bool
	opinion, hedge, question, boilerplate, person                      bool
	// promise is a first-person "will" or "going to": a pledge, which
	// cannot be checked yet however many figures it holds.
	promise bool
	// firstSingular, firstPlural and second mark the speaker's pronouns
	// for the model, which weighs them by what the data shows.
	firstSingular, firstPlural, second bool
	// boilerplatePhrase is page furniture ("click here", "all rights
	// reserved", "sign up"), as against a single word such as "sponsored"
	// that a real sentence may hold ("the bill was sponsored by …").
	boilerplatePhrase bool
	entities          int
}

// cueFeatures finds the cue families one sentence shows, the reasons to
// show a reviewer, and its length in words. toks are its tokens; a is its
// attribution.
func cueFeatures(sent string, toks []token, a attribution) (f features, cues []string, words int) {
	cues = []string{} // never nil, so JSON shows [] rather than null
	cue := func(fired *bool, format, word string) {
		if *fired {
			return
		}
		*fired = true
		if word == "" {
			cues = append(cues, format)
			return
		}
		cues = append(cues, format+word)
	}

	must := false
	firstWord := -1
	var entity strings.Builder
	lastEntityEnd := -2
	for i := range toks {
		t := &toks[i]
		if !t.word {
			continue
		}
		words++
		if firstWord < 0 {
			firstWord = i
		}
		prev, next, next2 := tokAt(toks, i-1), tokAt(toks, i+1), tokAt(toks, i+2)
		low := t.low

		switch {
		case t.digit:
			switch {
			case isYear(t.text) || monthNames[prev.low]:
				cue(&f.date, "date: ", t.text)
			case prev.low == "section" || prev.low == "article" || prev.low == "no":
			case isAge(toks, i):
				// "Ms. Okafor, now 91," is an age in apposition, the kind of
				// incidental number that does not make a claim.
			default:
				cue(&f.number, "contains a number: ", t.text)
				if currency[prev.text] || percentWords[next.low] || scaleWords[next.low] ||
					strings.HasSuffix(low, "bn") || strings.HasSuffix(low, "m") && len(low) > 1 && isDigit(low[len(low)-2]) {
					from, to := t.start, t.end
					if currency[prev.text] {
						from = prev.start
					}
					if percentWords[next.low] || scaleWords[next.low] {
						to = next.end
					}
					cue(&f.amount, "amount: ", sent[from:to])
				}
			}
		case numberWords[low]:
			cue(&f.number, "contains a number: ", t.text)
		case fractions[low] && (prev.low == "a" || numeric(prev)) && next.low == "of":
			cue(&f.number, "contains a number: ", prev.text+" "+t.text)
		}

		if superlatives[low] || low == "first" && !(next.low == "half" || next.low == "quarter") ||
			(low == "most" || low == "least") && prev.low == "the" {
			cue(&f.superlative, "superlative: ", low)
		} else if low == "more" && next.low == "than" && !numeric(next2) {
			cue(&f.comparison, "comparison: ", "more than")
		}
		if changeWords[low] && !(prev.low == "the" && next.low != "in" && next.low != "of") || low == "than" || low == "compared" || (low == "up" || low == "down") && next.low == "from" {
			cue(&f.comparison, "comparison or change: ", low)
		}
		if titles[low] {
			cue(&f.title, "official title: ", low)
		}
		if attributionWords[low] || low == "according" && next.low == "to" || low == "called" && next.low == "for" {
			cue(&f.attribution, "attribution: ", low)
		}
		if weekdays[low] || monthNames[low] && (t.upper && i != firstWord || next.digit) || relativeDates[low] && dateUnits[next.low] {
			cue(&f.date, "date: ", t.text)
		}
		if lawWords[low] || low == "act" && t.upper || low == "ruled" || low == "court" {
			cue(&f.law, "law or rule: ", low)
		}
		if causeWords[low] || (low == "due" || low == "owing" || low == "thanks" || low == "led" || low == "leads") && next.low == "to" && !scheduleVerbs[next2.low] ||
			low == "resulted" && next.low == "in" || low == "as" && next.low == "a" && next2.low == "result" {
			cue(&f.causation, "causation: ", low)
		}
		if predictionWords[low] && !(low == "will" && (determiners[prev.low] || prev.low == "own")) || low == "due" && next.low == "to" && scheduleVerbs[next2.low] || (low == "set" || low == "plans" || low == "expected" || low == "likely") && next.low == "to" {
			cue(&f.prediction, "prediction: ", low)
		}
		if eventWords[low] {
			cue(&f.event, "event: ", low)
		}
		if low == "must" {
			must = true
		} else if opinionWords[low] && !t.upper || low == "i" && (next.low == "think" || next.low == "believe" || next.low == "feel") ||
			low == "in" && next.low == "my" && (next2.low == "view" || next2.low == "opinion") {
			cue(&f.opinion, "opinion: ", low)
		}
		if hedgeWords[low] || low == "may" && !t.upper {
			cue(&f.hedge, "hedge: ", low)
		}
		if boilerplateWords[low] {
			cue(&f.boilerplate, "boilerplate: ", low)
		}
		if low == "click" && next.low == "here" || low == "rights" && next.low == "reserved" ||
			low == "follow" && next.low == "us" || low == "sign" && next.low == "up" || low == "read" && next.low == "more" ||
			(low == "subscribe" || low == "unsubscribe") && (next.low == "to" || next.low == "now" || next.low == "") {
			f.boilerplatePhrase = true
			cue(&f.boilerplate, "boilerplate: ", low)
		}
		pro := pronoun(low)
		if personWords[pro] && a.name == "" && (low != "us" || t.text == "us") {
			cue(&f.person, "first or second person", "")
		}
		switch pro {
		case "i", "me", "my", "myself":
			f.firstSingular = true
		case "we", "our", "us", "ourselves":
			f.firstPlural = t.text != "US"
		case "you", "your":
			f.second = true
		}
		if (pro == "i" || pro == "we") && (low == pro+"'ll" || low == pro+"’ll" || next.low == "will" || next.low == "shall" ||
			next.low == "are" && next2.low == "going" || next.low == "am" && next2.low == "going" || (low == "i'm" || low == "we're") && next.low == "going") {
			cue(&f.promise, "promise: ", t.text+" "+next.text)
		}

		// Proper names: capitalised words that do not open the sentence
		// (or a quotation), runs of them counting once.
		if t.upper && i != firstWord && !(prev.text == "\"" || prev.text == "“") && pro != "i" &&
			!monthNames[low] && !weekdays[low] && !t.digit {
			if lastEntityEnd != i-1 {
				f.entities++
				if f.entities == 1 {
					entity.WriteString(t.text)
				}
			} else if f.entities == 1 {
				entity.WriteString(" ")
				entity.WriteString(t.text)
			}
			lastEntityEnd = i
		}
	}
	if must && !f.law {
		// "must" states an obligation in a rule ("must be approved by two
		// thirds") and an opinion anywhere else.
		cue(&f.opinion, "opinion: ", "must")
	}
	if f.entities > 0 {
		cues = append(cues, "names: "+entity.String())
	}
	if a.name != "" {
		cues = append(cues, "claimant: "+a.name)
		f.attribution = true
	}
	if a.quoted {
		cue(&f.quote, "quotation", "")
	}
	if endsWithQuestion(sent) {
		cue(&f.question, "question", "")
	}
	if strings.Contains(sent, "©") {
		cue(&f.boilerplate, "boilerplate: ", "©")
	}

	switch {
	case words < 5:
		cues = append(cues, "very short")
	case words > 60:
		cues = append(cues, "very long")
	}
	return f, cues, words
}

// ruleValue is version 1's score: the hand-set cue weights, kept as the
// baseline the learned model is measured against (Options.Rules).
func ruleValue(f features, words int) float64 {
	x := 0.0
	add := func(on bool, w float64) {
		if on {
			x += w
		}
	}
	add(f.number, wNumber)
	add(f.amount, wAmount)
	add(f.superlative, wSuperlative)
	add(f.comparison, wComparison)
	x += wEntity * float64(min(f.entities, 3))
	add(f.title, wTitle)
	add(f.attribution, wAttribution)
	add(f.quote, wQuote)
	add(f.date, wDate)
	add(f.law, wLaw)
	add(f.causation, wCausation)
	add(f.prediction, wPrediction)
	add(f.event, wEvent)
	add(f.opinion, wOpinion)
	add(f.hedge, wHedge)
	add(f.question, wQuestion)
	add(f.boilerplate, wBoilerplate)
	add(f.person, wPerson)
	switch {
	case words < 5:
		x += wShort
	case words > 60:
		x += wLong
	}
	return 1 / (1 + math.Exp(-steepness*(x-bias)))
}

// typ picks the most specific claim type the cues support.
func (f features) typ() Type {
	switch {
	case f.law:
		return TypeLaw
	case f.causation:
		return TypeCausation
	case f.prediction:
		return TypePrediction
	case f.superlative || f.comparison:
		return TypeComparison
	case f.number:
		return TypeQuantity
	case f.event:
		return TypeEvent
	case f.attribution || f.quote:
		return TypeAttribution
	}
	return TypeOther
}

// tokAt returns toks[i] or a zero token when i is out of range, so cue
// checks can look around without bounds tests.
func tokAt(toks []token, i int) token {
	if i < 0 || i >= len(toks) {
		return token{}
	}
	return toks[i]
}

// pronoun returns the pronoun a contraction starts with ("i'm" → "i",
// "we’ll" → "we"), or low itself.
func pronoun(low string) string {
	for i := 0; i < len(low); i++ {
		if low[i] == '\'' || low[i] == 0xe2 {
			switch w := low[:i]; w {
			case "i", "we", "you":
				return w
			}
			return low
		}
	}
	return low
}

func numeric(t token) bool { return t.digit || numberWords[t.low] }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isAge reports whether the number at i is a bare age set off by commas
// after a name: "Amira Hassan, 22," or "Ms. Okafor, now 91,".
func isAge(toks []token, i int) bool {
	t := toks[i]
	if len(t.text) > 3 || !isDigit(t.text[0]) || containsByte(t.text, '.') {
		return false
	}
	p := tokAt(toks, i-1)
	if p.low == "now" || p.low == "aged" {
		p = tokAt(toks, i-2)
	}
	n := tokAt(toks, i+1)
	return p.text == "," && (n.text == "," || n.text == "." || n.text == "")
}

func isYear(s string) bool {
	return len(s) == 4 && (s[:2] == "19" || s[:2] == "20") && isDigit(s[2]) && isDigit(s[3])
}

// endsWithQuestion reports whether the sentence's own terminator, ignoring
// closing quotes and brackets, is a question mark.
func endsWithQuestion(s string) bool {
	s = strings.TrimRight(s, "\"')]”’ ")
	return strings.HasSuffix(s, "?")
}

var currency = set("$", "£", "€", "₹", "¥", "Rs", "USD", "EUR", "INR", "US$")

var percentWords = set("%", "percent", "per", "pc", "percentage")

var scaleWords = set("million", "billion", "trillion", "crore", "crores", "lakh", "bn", "m",
	"dollars", "rupees", "euros", "pounds", "zloty", "yen", "tonnes", "tons", "kilometres",
	"km", "miles", "mm", "degrees", "people", "votes", "seats", "jobs", "cases", "deaths")

var numberWords = set("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
	"eighty", "ninety", "hundred", "hundreds", "thousand", "thousands", "million", "millions",
	"billion", "billions", "trillion", "dozen", "dozens", "half", "twice", "percent", "crore", "lakh")

var superlatives = set("largest", "biggest", "highest", "lowest", "smallest",
	"best", "worst", "record", "unprecedented", "fastest", "slowest", "oldest", "youngest",
	"longest", "shortest", "hottest", "coldest", "wettest", "driest", "strongest", "weakest",
	"greatest", "deadliest", "first-ever", "all-time", "never-before-seen", "heaviest", "warmest",
	"richest", "poorest", "busiest", "sharpest", "steepest")

var changeWords = set("rose", "rise", "rises", "risen", "rising", "fell", "fall", "falls", "fallen",
	"falling", "increased", "increase", "increases", "decreased", "decrease", "declined", "decline",
	"declines", "dropped", "drop", "grew", "growth", "shrank", "doubled", "tripled", "halved",
	"surged", "jumped", "climbed", "slipped", "plunged", "soared", "tumbled", "slumped",
	"fewer", "outpaced", "exceeded", "overtook", "widened", "narrowed", "gained", "cut",
	"raised", "raising", "increasing", "decreasing")

var titles = set("minister", "president", "prime", "spokesperson", "spokesman", "spokeswoman",
	"secretary", "chairman", "chairwoman", "chairperson", "director", "governor", "mayor", "judge",
	"justice", "senator", "ambassador", "chief", "ceo", "commissioner", "councillor", "councilor",
	"official", "officials", "lawmaker", "lawmakers", "mp", "mps", "legislator", "superintendent",
	"inspector", "deputy", "envoy", "general", "delegation", "delegates", "coach", "captain",
	"professor", "economist", "analyst", "police", "prosecutor", "prosecutors", "ministry", "cfo",
	"chancellor", "attorney", "auditor", "registrar", "headteacher", "principal")

var attributionWords = set("said", "says", "told", "stated", "claimed", "announced", "confirmed",
	"described", "according", "reported", "estimated", "warned", "testified", "acknowledged",
	"admitted", "insisted", "argued", "denied", "alleged", "noted", "disclosed", "tweeted")

var weekdays = set("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"yesterday", "today", "tonight", "tomorrow")

var monthNames = set("january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul",
	"aug", "sep", "sept", "oct", "nov", "dec")

var relativeDates = set("last", "next", "this", "previous", "coming", "past")

var dateUnits = set("year", "month", "week", "decade", "quarter", "season", "century", "summer",
	"winter", "spring", "autumn", "fall", "monsoon", "financial", "fiscal")

var lawWords = set("law", "laws", "bill", "bills", "regulation", "regulations", "section",
	"ordinance", "statute", "amendment", "constitution", "constitutional", "ruling", "verdict",
	"legislation", "treaty", "banned", "bylaw", "bylaws", "decree", "unconstitutional", "illegal",
	"unlawful", "lawful", "legal", "statutory", "rules", "directive", "injunction", "acquitted",
	"convicted", "sentenced", "appeal", "petition", "clause", "licence", "license", "permit")

var causeWords = set("because", "caused", "causes", "causing", "blamed", "triggered", "driven",
	"consequence", "resulting", "fuelled", "fueled", "prompted", "credited")

var scheduleVerbs = set("be", "begin", "start", "open", "close", "meet", "vote", "take", "end",
	"arrive", "finish", "hold", "report", "launch", "return", "visit", "sign", "expire", "resume")

var predictionWords = set("will", "forecast", "forecasts", "projected", "projects", "predicts",
	"predicted", "expects", "anticipated", "scheduled", "upcoming", "won't", "shall", "expect",
	"projection", "outlook")

var eventWords = set("met", "signed", "approved", "voted", "passed", "elected", "won", "killed",
	"died", "arrested", "charged", "launched", "visited", "attended", "hosted", "held",
	"appointed", "resigned", "fired", "opened", "closed", "filed", "struck", "collapsed",
	"acquired", "agreed", "rejected", "vetoed", "awarded", "delivered", "facilitated", "organised",
	"organized", "released", "declared", "recorded", "beat", "defeated", "scored", "evacuated",
	"injured", "suspended", "unveiled", "completed", "funded", "introduced", "adopted", "ordered",
	"dismissed", "upheld", "overturned", "quashed", "granted", "issued", "reported", "confirmed",
	"announced", "signed", "inaugurated", "led", "joined", "began", "ended", "merged", "bought",
	"sold", "hired", "laid", "postponed", "cancelled", "canceled", "banned", "conceded",
	"detained", "raided", "seized", "sued", "testified")

var opinionWords = set("should", "must", "ought", "beautiful", "wonderful", "terrible", "awful",
	"disgraceful", "shameful", "brilliant", "amazing", "delightful", "frankly", "obviously",
	"surely", "deserve", "deserves", "lovely", "pathetic", "absurd", "ridiculous", "outrageous",
	"stunning", "charming", "glorious", "magnificent", "dreadful", "sadly", "happily", "hopefully",
	"honestly", "disappointing", "embarrassing", "admirable", "inspiring", "tragic", "sorry",
	"delighted", "proud", "thrilled", "excited", "grateful", "pleased", "happy", "fantastic",
	"great", "love", "hate", "mess", "nonsense", "disaster", "wrong", "unfair")

var hedgeWords = set("maybe", "perhaps", "might", "could", "possibly", "probably", "seems",
	"seemed", "apparently", "arguably", "rumoured", "rumored", "unclear", "unconfirmed", "guess",
	"speculation", "speculate", "suppose", "wonder", "somewhat")

var boilerplateWords = set("subscribe", "subscribers", "newsletter", "advertisement", "copyright",
	"cookies", "unsubscribe", "login", "paywall", "sponsored", "whatsapp", "facebook", "twitter",
	"instagram", "podcast")

var fractions = set("third", "thirds", "quarter", "quarters", "fifth", "fifths", "tenth", "tenths")

var personWords = set("i", "we", "my", "our", "us", "me", "you", "your", "ourselves", "myself")
