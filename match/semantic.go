package match

import (
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/factdesk/factdesk/wordvec"
)

// meaning is a text's content words as the re-ranker compares them by
// meaning rather than spelling (package wordvec): a tweet says "migrants"
// and "beach", the checked claim "immigrants" and "beachgoers".
type meaning struct {
	mean  wordvec.Vector // the words' unit vectors' sif-weighted mean, at unit length
	sum   wordvec.Vector // the same before scaling to unit length
	words []sense
	// seen, on a query's meaning, keeps what align found of each
	// candidate word, when set (newFeaturer): the candidates of a lookup
	// share most of their words, and the cosines were a fifth of its Go
	// CPU.
	seen *cosineMemo
}

// cosineMemo is a lookup's seen: the cosines of each candidate word,
// carved out of blocks rather than allocated one by one, as a lookup
// reads a few hundred words and each allocation was two.
type cosineMemo struct {
	of     map[*entry]*cosines
	spare  []cosines
	floats []float64
}

func newCosineMemo() *cosineMemo { return &cosineMemo{of: make(map[*entry]*cosines, 512)} }

// cosines returns zeroed cosines for n query words.
func (m *cosineMemo) cosines(n int) *cosines {
	if len(m.spare) == 0 {
		m.spare = make([]cosines, 128)
	}
	cs := &m.spare[0]
	m.spare = m.spare[1:]
	if len(m.floats) < n {
		m.floats = make([]float64, max(128*n, 1024))
	}
	cs.query, m.floats = m.floats[:n:n], m.floats[n:]
	return cs
}

// cosines are a candidate word's cosine to each of the query's words and
// its best cosine to the words about the query.
type cosines struct {
	query []float64
	about float64
}

type sense struct {
	word string
	*entry
}

// entry is what the table says of a word.
type entry struct {
	vec wordvec.Vector // unit length; zero when the table lacks the word
	// sif is the word's weight in the mean, which saturates past the
	// thousand commonest words; idf keeps growing with rarity, so "Doral"
	// outweighs "hotel". A word the table lacks (a name, a misspelling,
	// a hashtag run together) is taken as rarer than any it holds.
	sif, idf float64
	known    bool
}

// lexicon keeps the entries one lookup has read: the query's words come
// back in most candidates, and reading the table means a binary search
// over 60,000 words and a vector to decode.
type lexicon map[string]*entry

func (l lexicon) entry(w string) *entry {
	if e := (*knownEntries.Load())[w]; e != nil {
		return e
	}
	if e, ok := l[w]; ok {
		return e
	}
	pending := newEntries.Load()
	if e, ok := pending.Load(w); ok {
		l[w] = e.(*entry)
		return l[w]
	}
	e := &entry{sif: 1, idf: rareIDF}
	if v, rank, ok := wordvec.Entry(w); ok {
		e.vec, e.known = v, true
		e.sif = float64(wordvec.Weight(rank))
		e.idf = math.Log(2 + float64(rank))
		// The key is cloned: w may be a slice of a whole claim's text.
		pending.Store(strings.Clone(w), e)
		if newCount.Add(1) > max(256, int64(len(*knownEntries.Load()))/4) {
			mergeNewEntries()
		}
	}
	l[w] = e
	return e
}

// knownEntries keeps, for the process, the entry of every word of the
// table a lookup has read (entries are never changed once made): the
// candidates' words recur from one lookup to the next, and reading an
// entry afresh was a sixth of the re-ranker's CPU (a binary search, a
// vector to decode and normalise, 400 bytes to allocate). It holds at most
// the table's 60,000 words; a word the table lacks is not kept, as those
// (names, misspellings) have no bound.
//
// It is a plain map read without a lock, replaced whole: a sync.Map's
// Load was a tenth of the re-ranker's CPU. The entries made since it was
// last replaced wait in newEntries (newCount of them), and are merged
// into a new map once they are a quarter of it, so the copying adds up to
// a few times the table's size over the life of the process. An entry
// stored in newEntries while a merge reads it may be lost; it is made
// again, the same, when a lookup next needs it.
var (
	knownEntries atomic.Pointer[map[string]*entry]
	newEntries   atomic.Pointer[sync.Map]
	newCount     atomic.Int64
	merging      sync.Mutex
)

func init() {
	knownEntries.Store(&map[string]*entry{})
	newEntries.Store(&sync.Map{})
}

// mergeNewEntries replaces knownEntries by a map that adds newEntries to
// it, unless another lookup is already at it.
func mergeNewEntries() {
	if !merging.TryLock() {
		return
	}
	defer merging.Unlock()
	old, pending := *knownEntries.Load(), newEntries.Load()
	merged := make(map[string]*entry, len(old)+int(newCount.Load()))
	for w, e := range old {
		merged[w] = e
	}
	pending.Range(func(w, e any) bool {
		merged[w.(string)] = e.(*entry)
		return true
	})
	knownEntries.Store(&merged)
	newEntries.Store(&sync.Map{})
	newCount.Store(0)
}

// meaningOf reads text's content words, each once: stopwords, negators
// and one-letter words are left out, and a possessive's "'s" is dropped.
func meaningOf(text string) meaning { return lexicon{}.meaning(text) }

func (l lexicon) meaning(text string) meaning { return l.meaningBeyond(text, meaning{}) }

// meaningBeyond is the meaning of text's words that known does not hold:
// what a claim's summary adds to the claim.
func (l lexicon) meaningBeyond(text string, known meaning) meaning {
	// About one content word in eight bytes of a claim's text.
	m := meaning{words: make([]sense, 0, len(text)/8+1)}
	for w := range wordvec.AllWords(text) {
		w = strings.TrimSuffix(w, "'s")
		if len(w) < 2 {
			continue
		}
		if f := factsAbout(w); f.stopword || f.negator || m.has(w) || known.has(w) {
			continue
		}
		e := l.entry(w)
		m.words = append(m.words, sense{w, e})
		if e.known {
			for d := range e.vec {
				m.mean[d] += float32(e.sif) * e.vec[d]
			}
		}
	}
	m.sum = m.mean
	m.mean = unit(m.sum)
	return m
}

// unit is v scaled to unit length (zero stays zero).
func unit(v wordvec.Vector) wordvec.Vector {
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for d := range v {
			v[d] *= inv
		}
	}
	return v
}

// rareIDF is the idf of a word the table lacks.
var rareIDF = math.Log(2 + float64(wordvec.Len()))

func (m meaning) has(w string) bool {
	for _, s := range m.words {
		if s.word == w {
			return true
		}
	}
	return false
}

// closeAt is the cosine from which two words count as saying the same
// thing in the idf-weighted alignment; below it a cosine is mostly topic
// ("president" and "minister" are 0.6 apart, "hat" and "wig" 0.5).
const closeAt = 0.5

// alignment says how much of a candidate the query says, in any words,
// and the other way round. For each word, its best cosine to a word of
// the other text (1 for the same word; a word the table lacks matches
// only itself), averaged with the word's rarity as weight.
type alignment struct {
	// claimSIF and claimIDF: the candidate's words against the query's;
	// claimIDF counts only cosines from closeAt. aboutSIF and aboutIDF
	// add the words about the query (its tweet's poster and handles).
	claimSIF, claimIDF, aboutSIF, aboutIDF float64
	// querySIF and queryIDF: the query's words against the candidate's.
	querySIF, queryIDF float64
	// claimExact and queryExact are the idf-weighted shares of words the
	// other text holds as they are.
	claimExact, queryExact float64
}

// align compares candidate c with query q and the words about it. It
// leaves in said, which holds a zero for each of q's words, each word's
// best cosine to a word of c.
func align(q, about, c meaning, said []float64) alignment {
	exact := make([]bool, len(q.words))
	var sums alignSums
	sums.add(q, about, c, said, exact)
	return sums.alignment(q, said, exact)
}

// alignSums are an alignment's sums over a candidate's words before they
// are shared out, so that more words (a summary's) can be added.
type alignSums struct {
	claimSIF, claimIDF, aboutSIF, aboutIDF, claimExact float64
	sifTotal, idfTotal                                 float64
}

// add adds c's words to the sums, raising each of q's words' best cosine
// in said and marking in exact those c holds as they are.
func (a *alignSums) add(q, about, c meaning, said []float64, exact []bool) {
	for _, b := range c.words {
		a.sifTotal += b.sif
		a.idfTotal += b.idf
		var cs *cosines
		if q.seen != nil {
			cs = q.seen.of[b.entry]
		}
		if cs == nil {
			if q.seen != nil {
				cs = q.seen.cosines(len(q.words))
				q.seen.of[b.entry] = cs
			} else {
				cs = &cosines{query: make([]float64, len(q.words))}
			}
			for i := range q.words {
				cs.query[i] = cosine(&q.words[i], &b)
			}
			for i := range about.words {
				cs.about = max(cs.about, cosine(&about.words[i], &b))
			}
		}
		bq, same := 0.0, false
		for i, cos := range cs.query {
			if q.words[i].word == b.word {
				same, exact[i] = true, true
			}
			bq = max(bq, cos)
			said[i] = max(said[i], cos)
		}
		ba := max(bq, cs.about)
		a.claimSIF += b.sif * bq
		a.aboutSIF += b.sif * ba
		if bq >= closeAt {
			a.claimIDF += b.idf * bq
		}
		if ba >= closeAt {
			a.aboutIDF += b.idf * ba
		}
		if same {
			a.claimExact += b.idf
		}
	}
}

// alignment shares the sums out and adds the query's side.
func (a alignSums) alignment(q meaning, said []float64, exact []bool) alignment {
	r := alignment{claimSIF: a.claimSIF, claimIDF: a.claimIDF, aboutSIF: a.aboutSIF, aboutIDF: a.aboutIDF, claimExact: a.claimExact}
	if a.sifTotal > 0 {
		r.claimSIF /= a.sifTotal
		r.aboutSIF /= a.sifTotal
	}
	if a.idfTotal > 0 {
		r.claimIDF /= a.idfTotal
		r.aboutIDF /= a.idfTotal
		r.claimExact /= a.idfTotal
	}
	var sifTotal, idfTotal float64
	for i, w := range q.words {
		sifTotal += w.sif
		idfTotal += w.idf
		r.querySIF += w.sif * said[i]
		if said[i] >= closeAt {
			r.queryIDF += w.idf * said[i]
		}
		if exact[i] {
			r.queryExact += w.idf
		}
	}
	if sifTotal > 0 {
		r.querySIF /= sifTotal
	}
	if idfTotal > 0 {
		r.queryIDF /= idfTotal
		r.queryExact /= idfTotal
	}
	return r
}

// cosine of two words: 1 for the same word, the vectors' dot product when
// the table holds both, else 0.
func cosine(a, b *sense) float64 {
	if a.word == b.word {
		return 1
	}
	if !a.known || !b.known {
		return 0
	}
	return dotVec(&a.vec, &b.vec)
}

// dotVec is the cosine of two unit vectors (0 when either is zero).
// dotVec's loop takes four dimensions a step.
const _ uint = -(wordvec.Dim % 4)

// Four sums at once: the loop is most of a lookup's word-vector cost, and
// independent sums let the processor overlap the multiplications.
func dotVec(a, b *wordvec.Vector) float64 {
	var s0, s1, s2, s3 float32
	for d := 0; d < wordvec.Dim; d += 4 {
		s0 += a[d] * b[d]
		s1 += a[d+1] * b[d+1]
		s2 += a[d+2] * b[d+2]
		s3 += a[d+3] * b[d+3]
	}
	return float64(s0 + s1 + s2 + s3)
}
