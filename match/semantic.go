package match

import (
	"math"
	"strings"

	"github.com/factdesk/factdesk/wordvec"
)

// meaning is a text's content words as the re-ranker compares them by
// meaning rather than spelling (package wordvec): a tweet says "migrants"
// and "beach", the checked claim "immigrants" and "beachgoers".
type meaning struct {
	mean  wordvec.Vector // rarity-weighted unit mean of the words' vectors
	words []sense
}

type sense struct {
	word string
	vec  wordvec.Vector // unit length; zero when the table lacks the word
	// sif is the word's weight in the mean, which saturates past the
	// thousand commonest words; idf keeps growing with rarity, so "Doral"
	// outweighs "hotel". A word the table lacks (a name, a misspelling,
	// a hashtag run together) is taken as rarer than any it holds.
	sif, idf float64
	known    bool
}

// meaningOf reads text's content words, each once: stopwords, negators
// and one-letter words are left out, and a possessive's "'s" is dropped.
func meaningOf(text string) meaning {
	var m meaning
	known := make([]string, 0, 16)
	for _, w := range wordvec.Words(text) {
		w = strings.TrimSuffix(w, "'s")
		if len(w) < 2 || stopwords[w] || negators[w] || m.has(w) {
			continue
		}
		s := sense{word: w, sif: 1, idf: rareIDF}
		if v, rank, ok := wordvec.Entry(w); ok {
			s.vec, s.known = v, true
			s.sif = float64(wordvec.Weight(rank))
			s.idf = math.Log(2 + float64(rank))
			known = append(known, w)
		}
		m.words = append(m.words, s)
	}
	m.mean, _ = wordvec.Mean(known)
	return m
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

// align compares candidate c with query q and the words about it.
func align(q, about, c meaning) alignment {
	var a alignment
	var best [64]float64
	qBest := best[:0]
	if len(q.words) > len(best) {
		qBest = make([]float64, 0, len(q.words))
	}
	qBest = qBest[:len(q.words)]
	qExact := make([]bool, len(q.words))
	var sifTotal, idfTotal float64
	for _, b := range c.words {
		sifTotal += b.sif
		idfTotal += b.idf
		bq, exact := 0.0, false
		for i := range q.words {
			cos := cosine(&q.words[i], &b)
			if q.words[i].word == b.word {
				exact, qExact[i] = true, true
			}
			bq = max(bq, cos)
			qBest[i] = max(qBest[i], cos)
		}
		ba := bq
		for i := range about.words {
			ba = max(ba, cosine(&about.words[i], &b))
		}
		a.claimSIF += b.sif * bq
		a.aboutSIF += b.sif * ba
		if bq >= closeAt {
			a.claimIDF += b.idf * bq
		}
		if ba >= closeAt {
			a.aboutIDF += b.idf * ba
		}
		if exact {
			a.claimExact += b.idf
		}
	}
	if sifTotal > 0 {
		a.claimSIF /= sifTotal
		a.aboutSIF /= sifTotal
	}
	if idfTotal > 0 {
		a.claimIDF /= idfTotal
		a.aboutIDF /= idfTotal
		a.claimExact /= idfTotal
	}
	sifTotal, idfTotal = 0, 0
	for i, w := range q.words {
		sifTotal += w.sif
		idfTotal += w.idf
		a.querySIF += w.sif * qBest[i]
		if qBest[i] >= closeAt {
			a.queryIDF += w.idf * qBest[i]
		}
		if qExact[i] {
			a.queryExact += w.idf
		}
	}
	if sifTotal > 0 {
		a.querySIF /= sifTotal
	}
	if idfTotal > 0 {
		a.queryIDF /= idfTotal
		a.queryExact /= idfTotal
	}
	return a
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
	var s float32
	for d := range a.vec {
		s += a.vec[d] * b.vec[d]
	}
	return float64(s)
}

// dotVec is the cosine of two unit vectors (0 when either is zero).
func dotVec(a, b *wordvec.Vector) float64 {
	var s float32
	for d := range a {
		s += a[d] * b[d]
	}
	return float64(s)
}
