package extract

import (
	"unicode"
	"unicode/utf8"
)

// ModelLanguage is the language the check-worthiness model and the cues
// were trained on. Sentences in another language are not scored.
const ModelLanguage = "en"

// Language guesses the language of one sentence, as a BCP 47 code, or ""
// when it cannot tell (a sentence of figures or names only). It is a
// deterministic guess from the script and, for Latin script, from the
// commonest function words of eight languages and their letters; it
// tells languages apart well on whole sentences, not on a word or two,
// and reads a sentence it cannot place among those as English, the
// model's language.
func Language(s string) string {
	var scripts [numScripts]int
	var marks langMarks
	counts := map[string]int{}
	wordStart := -1
	flush := func(end int) {
		if wordStart < 0 {
			return
		}
		if w := s[wordStart:end]; len(w) <= 8 {
			var buf [8]byte
			lw := buf[:len(w)]
			for i := 0; i < len(w); i++ {
				c := w[i]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				lw[i] = c
			}
			if l, ok := functionWords[string(lw)]; ok {
				counts[l]++
			}
		}
		wordStart = -1
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				scripts[latin]++
				if wordStart < 0 {
					wordStart = i
				}
			} else if c != '\'' {
				flush(i)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		sc := scriptOf(r)
		scripts[sc]++
		if sc == latin {
			marks.note(r)
			if wordStart < 0 {
				wordStart = i
			}
		} else {
			flush(i)
			if sc != other {
				marks.note(r)
			}
		}
		i += n
	}
	flush(len(s))
	best, bestN := other, 0
	for sc := latin; sc < numScripts; sc++ {
		if scripts[sc] > bestN {
			best, bestN = sc, scripts[sc]
		}
	}
	switch {
	case bestN == 0:
		return ""
	case best == latin:
		return latinLanguage(counts, marks)
	case best == han && (scripts[kana] > 0):
		return "ja"
	case best == kana:
		return "ja"
	case best == cyrillic:
		switch {
		case marks.ukrainian:
			return "uk"
		case marks.belarusian:
			return "be"
		}
		return "ru"
	case best == arabic:
		switch {
		case marks.urdu:
			return "ur"
		case marks.persian:
			return "fa"
		}
		return "ar"
	}
	return scriptLanguage[best]
}

// LanguageName names the languages Language returns, for messages.
func LanguageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}

type script int

const (
	other script = iota
	latin
	cyrillic
	greek
	arabic
	hebrew
	devanagari
	bengali
	gurmukhi
	gujarati
	tamil
	telugu
	kannada
	malayalam
	sinhala
	thai
	lao
	myanmar
	khmer
	georgian
	armenian
	ethiopic
	hangul
	kana
	han
	numScripts
)

var scriptTables = [...]struct {
	sc    script
	table *unicode.RangeTable
}{
	{latin, unicode.Latin}, {cyrillic, unicode.Cyrillic}, {greek, unicode.Greek}, {arabic, unicode.Arabic},
	{hebrew, unicode.Hebrew}, {devanagari, unicode.Devanagari}, {bengali, unicode.Bengali}, {gurmukhi, unicode.Gurmukhi},
	{gujarati, unicode.Gujarati}, {tamil, unicode.Tamil}, {telugu, unicode.Telugu}, {kannada, unicode.Kannada},
	{malayalam, unicode.Malayalam}, {sinhala, unicode.Sinhala}, {thai, unicode.Thai}, {lao, unicode.Lao},
	{myanmar, unicode.Myanmar}, {khmer, unicode.Khmer}, {georgian, unicode.Georgian}, {armenian, unicode.Armenian},
	{ethiopic, unicode.Ethiopic}, {hangul, unicode.Hangul}, {kana, unicode.Hiragana}, {kana, unicode.Katakana}, {han, unicode.Han},
}

// scriptOf is the script of a letter or a combining mark, other for the
// rest (digits, punctuation, symbols).
func scriptOf(r rune) script {
	if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) {
		return other
	}
	for _, t := range scriptTables {
		if unicode.Is(t.table, r) {
			return t.sc
		}
	}
	return other
}

// scriptLanguage is the language a script alone suggests. Devanagari is
// also Marathi's and Nepali's script; Hindi is the commonest.
var scriptLanguage = [numScripts]string{
	greek: "el", hebrew: "he", devanagari: "hi", bengali: "bn", gurmukhi: "pa", gujarati: "gu",
	tamil: "ta", telugu: "te", kannada: "kn", malayalam: "ml", sinhala: "si", thai: "th", lao: "lo",
	myanmar: "my", khmer: "km", georgian: "ka", armenian: "hy", ethiopic: "am", hangul: "ko", kana: "ja", han: "zh",
}

// langMarks are letters that only some languages of a script use.
type langMarks struct {
	ukrainian, belarusian, urdu, persian bool
	latinHints                           map[string]int
}

func (m *langMarks) note(r rune) {
	switch r {
	case 'і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є', 'Ґ':
		m.ukrainian = true
	case 'ў', 'Ў':
		m.belarusian = true
	case 'ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ۓ', 'ھ':
		m.urdu = true
	case 'پ', 'چ', 'ژ', 'گ', 'ی', 'ک':
		m.persian = true
	}
	if l, ok := latinLetterHints[unicode.ToLower(r)]; ok {
		if m.latinHints == nil {
			m.latinHints = map[string]int{}
		}
		m.latinHints[l]++
	}
}

// latinLetterHints are letters that point to one Latin-script language.
var latinLetterHints = map[rune]string{
	'ñ': "es", '¿': "es", '¡': "es", 'ß': "de", 'ä': "de", 'ö': "de", 'ü': "de",
	'ã': "pt", 'õ': "pt", 'è': "fr", 'ê': "fr", 'œ': "fr", 'ù': "fr",
	'ì': "it", 'ò': "it", 'ĳ': "nl",
}

// latinLanguage votes among the function words; another language wins
// only with at least two of its words and more than English has, so an
// English sentence with a borrowed "de" or "la" stays English.
func latinLanguage(counts map[string]int, m langMarks) string {
	for l, n := range m.latinHints {
		if n > 0 {
			counts[l]++
		}
	}
	en := counts[ModelLanguage]
	best, bestN := "", 0
	for _, l := range latinLanguages {
		if l != ModelLanguage && counts[l] > bestN {
			best, bestN = l, counts[l]
		}
	}
	if bestN >= 2 && bestN > en {
		return best
	}
	return ModelLanguage
}

var latinLanguages = []string{"en", "es", "fr", "de", "pt", "it", "nl", "id"}

// functionWords are frequent words that belong to one language of the
// eight; words two of them share ("de", "la", "en", "a") are left out.
var functionWords = func() map[string]string {
	m := map[string]string{}
	for l, ws := range map[string][]string{
		"en": {"the", "and", "of", "to", "is", "was", "that", "this", "with", "for", "are", "have", "has", "not", "it", "be", "by", "from", "which", "were", "will", "would", "they", "we", "you", "he", "she", "his", "her", "an", "at", "on", "or", "but", "said"},
		"es": {"el", "los", "las", "del", "y", "que", "es", "por", "para", "una", "con", "su", "sus", "como", "pero", "más", "fue", "dijo", "está", "han", "ha", "muy", "también", "entre", "al", "según", "ciento", "este", "esta"},
		"fr": {"le", "les", "des", "et", "est", "une", "dans", "pour", "qui", "au", "aux", "du", "sur", "avec", "ce", "cette", "sont", "pas", "ont", "été", "selon", "mais", "il", "elle"},
		"de": {"der", "die", "das", "und", "ist", "nicht", "mit", "den", "dem", "ein", "eine", "sich", "auf", "für", "auch", "von", "wird", "wurde", "sind", "hat", "nach", "bei", "zu"},
		"pt": {"os", "da", "das", "dos", "não", "uma", "em", "com", "foi", "são", "mais", "pelo", "pela", "disse", "também", "ao", "seu", "sua", "para", "por"},
		"it": {"il", "di", "che", "è", "gli", "della", "delle", "dei", "non", "per", "sono", "nel", "nella", "anche", "ha", "ma", "lo", "alla", "questo"},
		"nl": {"het", "een", "van", "niet", "zijn", "dat", "met", "voor", "ook", "heeft", "wordt", "werd", "naar", "bij", "deze", "maar"},
		"id": {"yang", "dan", "di", "ini", "itu", "dengan", "untuk", "tidak", "dari", "dalam", "akan", "pada", "adalah", "juga", "telah", "kata", "menjadi", "bahwa", "sebagai", "oleh"},
	} {
		for _, w := range ws {
			if prev, dup := m[w]; dup && prev != l {
				m[w] = "" // shared: counts for none
				continue
			}
			m[w] = l
		}
	}
	for w, l := range m {
		if l == "" {
			delete(m, w)
		}
	}
	return m
}()

var languageNames = map[string]string{
	"en": "English", "es": "Spanish", "fr": "French", "de": "German", "pt": "Portuguese", "it": "Italian", "nl": "Dutch",
	"id": "Indonesian", "ru": "Russian", "uk": "Ukrainian", "be": "Belarusian", "el": "Greek", "ar": "Arabic", "fa": "Persian",
	"ur": "Urdu", "he": "Hebrew", "hi": "Hindi", "bn": "Bengali", "pa": "Punjabi", "gu": "Gujarati", "ta": "Tamil",
	"te": "Telugu", "kn": "Kannada", "ml": "Malayalam", "si": "Sinhala", "th": "Thai", "lo": "Lao", "my": "Burmese",
	"km": "Khmer", "ka": "Georgian", "hy": "Armenian", "am": "Amharic", "ko": "Korean", "ja": "Japanese", "zh": "Chinese",
}
