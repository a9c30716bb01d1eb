package learn

// porterStem is Porter's 1980 suffix-stripping algorithm as Lucene's
// PorterStemFilter applies it (Elasticsearch's english analyzer), for the
// BM25 reference only: the desk's own search stems with PostgreSQL's
// snowball english, and the re-ranker with match's small stemmer. w is a
// lower-case word; words of one or two letters, and words with anything
// but a–z, come back as they are.
func porterStem(w string) string {
	if len(w) <= 2 {
		return w
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return w
		}
	}
	s := &porter{b: []byte(w), k: len(w) - 1}
	s.step1ab()
	if s.k > 0 {
		s.step1c()
		s.step2()
		s.step3()
		s.step4()
		s.step5()
	}
	return string(s.b[:s.k+1])
}

// porter holds the word being stemmed, b[0..k], and j, the end of the
// stem before the suffix that ends last matched.
type porter struct {
	b    []byte
	j, k int
}

// cons reports whether b[i] is a consonant: y is one at the start of the
// word or after a vowel.
func (p *porter) cons(i int) bool {
	switch p.b[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !p.cons(i-1)
	}
	return true
}

// m is the number of vowel-consonant sequences in b[0..j].
func (p *porter) m() int {
	n, i := 0, 0
	for ; ; i++ {
		if i > p.j {
			return n
		}
		if !p.cons(i) {
			break
		}
	}
	i++
	for {
		for ; ; i++ {
			if i > p.j {
				return n
			}
			if p.cons(i) {
				break
			}
		}
		i++
		n++
		for ; ; i++ {
			if i > p.j {
				return n
			}
			if !p.cons(i) {
				break
			}
		}
		i++
	}
}

func (p *porter) vowelInStem() bool {
	for i := 0; i <= p.j; i++ {
		if !p.cons(i) {
			return true
		}
	}
	return false
}

// doubleC reports whether b[i-1..i] is a double consonant.
func (p *porter) doubleC(i int) bool {
	return i >= 1 && p.b[i] == p.b[i-1] && p.cons(i)
}

// cvc reports whether b[i-2..i] is consonant-vowel-consonant with the last
// not w, x or y: the stem of a short word ("hop" but not "snow").
func (p *porter) cvc(i int) bool {
	if i < 2 || !p.cons(i) || p.cons(i-1) || !p.cons(i-2) {
		return false
	}
	switch p.b[i] {
	case 'w', 'x', 'y':
		return false
	}
	return true
}

// ends reports whether b[0..k] ends with s, and sets j before it.
func (p *porter) ends(s string) bool {
	n := len(s)
	if n > p.k+1 || string(p.b[p.k-n+1:p.k+1]) != s {
		return false
	}
	p.j = p.k - n
	return true
}

// setTo replaces b[j+1..k] with s.
func (p *porter) setTo(s string) {
	p.b = append(p.b[:p.j+1], s...)
	p.k = p.j + len(s)
}

func (p *porter) r(s string) {
	if p.m() > 0 {
		p.setTo(s)
	}
}

// step1ab removes plurals and -ed or -ing.
func (p *porter) step1ab() {
	if p.b[p.k] == 's' {
		switch {
		case p.ends("sses"):
			p.k -= 2
		case p.ends("ies"):
			p.setTo("i")
		case p.b[p.k-1] != 's':
			p.k--
		}
	}
	if p.ends("eed") {
		if p.m() > 0 {
			p.k--
		}
	} else if (p.ends("ed") || p.ends("ing")) && p.vowelInStem() {
		p.k = p.j
		switch {
		case p.ends("at"):
			p.setTo("ate")
		case p.ends("bl"):
			p.setTo("ble")
		case p.ends("iz"):
			p.setTo("ize")
		case p.doubleC(p.k):
			switch p.b[p.k] {
			case 'l', 's', 'z':
			default:
				p.k--
			}
		default:
			p.j = p.k
			if p.m() == 1 && p.cvc(p.k) {
				p.setTo("e")
			}
		}
	}
	p.b = p.b[:p.k+1]
}

// step1c turns a final y into i when there is another vowel in the stem.
func (p *porter) step1c() {
	if p.ends("y") && p.vowelInStem() {
		p.b[p.k] = 'i'
	}
}

// suffixRule is one rewrite of steps 2 and 3: suffix to replacement.
type suffixRule struct{ from, to string }

var porterStep2 = []suffixRule{
	{"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
	{"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"},
	{"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"},
	{"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"},
	{"logi", "log"},
}

var porterStep3 = []suffixRule{
	{"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""}, {"ness", ""},
}

// rewrite applies the first rule whose suffix the word ends with (the
// suffixes of one step never end one another, so the first is the only).
func (p *porter) rewrite(rules []suffixRule) {
	if p.k < 1 {
		return
	}
	for _, rl := range rules {
		if p.ends(rl.from) {
			p.r(rl.to)
			return
		}
	}
}

func (p *porter) step2() { p.rewrite(porterStep2) }
func (p *porter) step3() { p.rewrite(porterStep3) }

var porterStep4 = []string{"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
	"ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize"}

// step4 removes -ant, -ence and the like from a stem with m > 1.
func (p *porter) step4() {
	if p.k < 1 {
		return
	}
	for _, suf := range porterStep4 {
		if !p.ends(suf) {
			continue
		}
		if suf == "ion" && (p.j < 0 || p.b[p.j] != 's' && p.b[p.j] != 't') {
			return
		}
		if p.m() > 1 {
			p.k = p.j
		}
		return
	}
}

// step5 removes a final -e and a double l from a long enough stem.
func (p *porter) step5() {
	p.j = p.k
	if p.b[p.k] == 'e' {
		a := p.m()
		if a > 1 || a == 1 && !p.cvc(p.k-1) {
			p.k--
		}
	}
	if p.b[p.k] == 'l' && p.doubleC(p.k) && p.m() > 1 {
		p.k--
	}
}
