package match

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// stopwords carry no claim content. Reporting verbs are here too: "X said
// Y" and "Y" make the same claim.
var stopwords = set("a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "with", "from",
	"and", "or", "but", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
	"that", "this", "these", "those", "it", "its", "as", "into", "than", "then", "there", "their",
	"they", "them", "he", "she", "his", "her", "we", "our", "i", "you", "your", "which", "who",
	"whom", "whose", "what", "when", "where", "while", "also", "about", "after", "before", "over",
	"under", "said", "says", "say", "told", "tell", "according", "reported", "stated", "added",
	"announced", "confirmed", "claimed", "noted", "will", "would", "could", "should", "may",
	"might", "can", "did", "do", "does", "so", "such", "some", "any", "all", "very", "just",
	"only", "more", "most", "per", "out", "if", "because", "due", "since", "last",
	"year", "years", "week", "day", "on", "now", "new", "s", "mr", "mrs", "ms", "dr", "around",
	"about", "approximately", "nearly", "almost", "roughly", "some", "during", "through",
	"statement", "officials", "official", "spokesperson", "spokesman", "spokeswoman", "both",
	"each", "other", "another", "one", "reporters", "percent", "cent", "per", "shows", "showed",
	"data", "figures", "according", "latest")

// negators flip a claim. "Denied" counts: "X denied that Y" contradicts "Y".
var negators = set("not", "no", "never", "denied", "denies", "deny", "neither", "nor", "none",
	"nobody", "nothing", "without", "false", "untrue", "refused", "cannot")

// titleWords are capitalised in front of names but are not names: "Defence
// Minister Rajnath Singh" and "Singh, the defence minister" share an entity.
var titleWords = set("minister", "president", "prime", "secretary", "chief", "director", "governor",
	"mayor", "judge", "justice", "senator", "sen", "rep", "ambassador", "general", "deputy",
	"defence", "defense", "foreign", "finance", "home", "interior", "health", "chairman", "ceo",
	"supervisor", "superintendent", "commissioner", "councillor", "opener", "captain", "coach",
	"professor", "prof", "king", "queen", "chancellor", "spokesperson", "the", "a", "an",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "i")

var monthNumbers = map[string]int{"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3,
	"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8,
	"aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
	"nov": 11, "december": 12, "dec": 12}

var weekdays = map[string]string{"monday": "mon", "tuesday": "tue", "wednesday": "wed",
	"thursday": "thu", "friday": "fri", "saturday": "sat", "sunday": "sun"}

var numberWords = map[string]float64{"zero": 0.0000001, "two": 2, "three": 3, "four": 4,
	"five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1e3,
	"million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12, "twice": 2, "double": 2,
	"half": 0.5}

var scales = map[string]float64{"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
	"mln": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "crore": 1e7,
	"crores": 1e7, "lakh": 1e5, "lakhs": 1e5}

var ordinalSuffix = set("st", "nd", "rd", "th", "s")

var currencySymbols = map[string]string{"$": "$", "€": "€", "£": "£", "₹": "₹"}

var currencyWords = map[string]string{"dollars": "$", "dollar": "$", "usd": "$", "euros": "€",
	"euro": "€", "eur": "€", "pounds": "£", "gbp": "£", "rupees": "₹", "rupee": "₹", "rs": "₹",
	"inr": "₹"}

// demonyms maps adjectives and country names to one place token, so
// "a Polish minister" matches "a minister from Poland".
var demonyms = map[string]string{
	"afghan": "afghanistan", "afghanistan": "afghanistan", "american": "usa", "america": "usa",
	"argentine": "argentina", "argentinian": "argentina", "argentina": "argentina",
	"australian": "australia", "australia": "australia", "austrian": "austria", "austria": "austria",
	"bangladeshi": "bangladesh", "bangladesh": "bangladesh", "belgian": "belgium", "belgium": "belgium",
	"brazilian": "brazil", "brazil": "brazil", "british": "uk", "britain": "uk", "english": "england",
	"england": "england", "canadian": "canada", "canada": "canada", "chilean": "chile", "chile": "chile",
	"chinese": "china", "china": "china", "colombian": "colombia", "colombia": "colombia",
	"czech": "czechia", "czechia": "czechia", "danish": "denmark", "denmark": "denmark",
	"dutch": "netherlands", "netherlands": "netherlands", "egyptian": "egypt", "egypt": "egypt",
	"ethiopian": "ethiopia", "ethiopia": "ethiopia", "european": "europe", "europe": "europe",
	"finnish": "finland", "finland": "finland", "french": "france", "france": "france",
	"german": "germany", "germany": "germany", "greek": "greece", "greece": "greece",
	"hungarian": "hungary", "hungary": "hungary", "indian": "india", "india": "india",
	"indonesian": "indonesia", "indonesia": "indonesia", "iranian": "iran", "iran": "iran",
	"iraqi": "iraq", "iraq": "iraq", "irish": "ireland", "ireland": "ireland",
	"israeli": "israel", "israel": "israel", "italian": "italy", "italy": "italy",
	"japanese": "japan", "japan": "japan", "kenyan": "kenya", "kenya": "kenya",
	"korean": "korea", "korea": "korea", "malaysian": "malaysia", "malaysia": "malaysia",
	"mexican": "mexico", "mexico": "mexico", "moroccan": "morocco", "morocco": "morocco",
	"nepali": "nepal", "nepalese": "nepal", "nepal": "nepal", "nigerian": "nigeria", "nigeria": "nigeria",
	"norwegian": "norway", "norway": "norway", "pakistani": "pakistan", "pakistan": "pakistan",
	"filipino": "philippines", "philippine": "philippines", "philippines": "philippines",
	"polish": "poland", "poland": "poland", "portuguese": "portugal", "portugal": "portugal",
	"romanian": "romania", "romania": "romania", "russian": "russia", "russia": "russia",
	"saudi": "saudi arabia", "scottish": "scotland", "scotland": "scotland",
	"singaporean": "singapore", "singapore": "singapore", "spanish": "spain", "spain": "spain",
	"swedish": "sweden", "sweden": "sweden", "swiss": "switzerland", "switzerland": "switzerland",
	"syrian": "syria", "syria": "syria", "thai": "thailand", "thailand": "thailand",
	"turkish": "turkey", "turkey": "turkey", "turkiye": "turkey", "ukrainian": "ukraine",
	"ukraine": "ukraine", "vietnamese": "vietnam", "vietnam": "vietnam", "welsh": "wales",
	"wales": "wales", "sri": "sri lanka", "lankan": "sri lanka", "lanka": "sri lanka",
	"african": "africa", "africa": "africa", "asian": "asia", "asia": "asia",
}

// polarity is one side of an antonym pair: rose is (change, +1), fell is
// (change, -1). Both sides normalise to the concept token, so "rose" and
// "fell" overlap in content and differ only in polarity.
type polarity struct {
	concept string
	sign    int8
}

var polarities = func() map[string]polarity {
	m := map[string]polarity{}
	add := func(concept string, sign int8, words ...string) {
		for _, w := range words {
			m[w] = polarity{concept, sign}
		}
	}
	add("change", +1, "rose", "rise", "rises", "risen", "rising", "increase", "increased",
		"increases", "increasing", "grew", "grow", "grows", "growing", "climbed", "climb",
		"climbs", "jumped", "jump", "jumps", "surged", "surge", "surges", "soared", "soar",
		"gained", "gain", "gains", "higher", "doubled", "tripled", "expanded", "expand", "boosted",
		"boost", "raised", "raise", "raises", "hike", "hiked", "upward", "up")
	add("change", -1, "fell", "fall", "falls", "fallen", "falling", "decrease", "decreased",
		"decreases", "decreasing", "declined", "decline", "declines", "declining", "dropped",
		"drop", "drops", "shrank", "shrink", "shrinks", "plunged", "plunge", "slumped", "slump",
		"tumbled", "lower", "halved", "cut", "cuts", "reduced", "reduce", "reduces", "down",
		"downward", "less", "fewer", "slashed", "lowered")
	add("win", +1, "won", "win", "wins", "winning", "beat", "beats", "defeated", "victory")
	add("win", -1, "lost", "lose", "loses", "losing", "defeat")
	add("approve", +1, "approved", "approve", "approves", "passed", "adopted", "accepted",
		"endorsed", "ratified", "upheld")
	add("approve", -1, "rejected", "reject", "rejects", "vetoed", "veto", "blocked",
		"quashed", "struck")
	add("allow", +1, "allow", "allowed", "allows", "permit", "permitted", "legalised",
		"legalized")
	add("allow", -1, "ban", "banned", "bans", "prohibited", "prohibit", "outlawed", "barred")
	add("support", +1, "support", "supports", "supported", "backed", "backs", "favour", "favor")
	add("support", -1, "oppose", "opposes", "opposed", "against")
	add("guilty", +1, "guilty", "convicted")
	add("guilty", -1, "acquitted", "innocent", "cleared")
	add("open", +1, "open", "opened", "opens", "reopened")
	add("open", -1, "close", "closed", "closes", "shut")
	add("above", +1, "above", "exceeded", "exceeds")
	add("above", -1, "below")
	add("most", +1, "largest", "biggest", "highest", "best", "hottest", "wettest")
	add("most", -1, "smallest", "lowest", "worst", "coldest", "driest")
	add("hire", +1, "hired", "hire", "hires", "hiring")
	add("hire", -1, "fired", "laid", "dismissed", "sacked")
	add("first", +1, "first")
	add("first", -1, "final")
	return m
}()

// reversers turn the polarity word after them around: "lifted the ban"
// allows, "reversed the cut" raises.
var reversers = set("lifted", "lift", "lifts", "lifting", "scrapped", "scrap", "repealed",
	"repeal", "reversed", "reverse", "ended", "overturned")

// irregulars are verb forms a suffix stripper cannot reach.
var irregulars = map[string]string{"met": "meet", "meeting": "meet", "meetings": "meet",
	"held": "hold", "took": "take", "taken": "take", "spent": "spend", "sold": "sell",
	"bought": "buy", "left": "leave", "went": "go", "gone": "go", "made": "make", "began": "begin",
	"begun": "begin", "paid": "pay", "ran": "run", "came": "come", "gave": "give", "given": "give",
	"kept": "keep", "led": "lead", "sent": "send", "brought": "bring", "built": "build",
	"chose": "choose", "chosen": "choose", "wrote": "write", "written": "write", "saw": "see",
	"seen": "see", "found": "find", "children": "child", "people": "people", "women": "woman",
	"men": "man", "attended": "attend", "attendance": "attend", "elected": "elect",
	"election": "elect", "elections": "elect", "visited": "visit", "visit": "visit",
	"percentage": "%", "unemployment": "unemploy", "jobless": "unemploy", "joblessness": "unemploy"}

// wordFacts is what the tables above say of one lower-cased word, so that
// Normalize looks a token up once rather than in ten maps: the lookups of
// words no table holds were a third of its CPU.
type wordFacts struct {
	number                                                 float64 // numberWords
	currency                                               string  // currencySymbols
	month                                                  int
	weekday, demonym, irregular                            string
	polarity                                               polarity
	isMonth, isWeekday, isDemonym, isIrregular, isPolarity bool
	negator, stopword, reverser, title                     bool
}

// noFacts stands for a word no table holds.
var noFacts wordFacts

var factsOf = func() map[string]*wordFacts {
	m := map[string]*wordFacts{}
	get := func(w string) *wordFacts {
		if m[w] == nil {
			m[w] = &wordFacts{}
		}
		return m[w]
	}
	for w, v := range numberWords {
		get(w).number = v
	}
	for w, v := range currencySymbols {
		get(w).currency = v
	}
	for w, v := range monthNumbers {
		f := get(w)
		f.month, f.isMonth = v, true
	}
	for w, v := range weekdays {
		f := get(w)
		f.weekday, f.isWeekday = v, true
	}
	for w, v := range demonyms {
		f := get(w)
		f.demonym, f.isDemonym = v, true
	}
	for w, v := range irregulars {
		f := get(w)
		f.irregular, f.isIrregular = v, true
	}
	for w, v := range polarities {
		f := get(w)
		f.polarity, f.isPolarity = v, true
	}
	for w := range negators {
		get(w).negator = true
	}
	for w := range stopwords {
		get(w).stopword = true
	}
	for w := range reversers {
		get(w).reverser = true
	}
	for w := range titleWords {
		get(w).title = true
	}
	return m
}()

// factsAbout returns what the tables say of low, a lower-cased word.
func factsAbout(low string) *wordFacts {
	if f := factsOf[low]; f != nil {
		return f
	}
	return &noFacts
}
