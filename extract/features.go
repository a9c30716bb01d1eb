package extract

import (
	"math"

	"github.com/factdesk/factdesk/wordvec"
)

// FeatureConfig says which features the check-worthiness model reads. It is
// stored with the weights, so a model is always read the way it was trained.
type FeatureConfig struct {
	// HashBits sizes the weight table: 1<<HashBits entries. Features are
	// hashed into it, so the vocabulary never has to be stored.
	HashBits int `json:"hash_bits"`
	// WordNgrams is 1 for word unigrams, 2 to add bigrams. Words are lower
	// cased and every digit reads as 0, so "6 years" and "4 years" share
	// a feature.
	WordNgrams int `json:"word_ngrams"`
	// CharMin and CharMax bound the character n-grams of the lower-cased
	// sentence; CharMax 0 leaves them out.
	CharMin int `json:"char_min"`
	CharMax int `json:"char_max"`
	// Cues adds the rule cues (numbers, comparatives, attribution, names,
	// tense, hedges, pronouns, length) as features of their own.
	Cues bool `json:"cues"`
	// Vectors adds the sentence's GloVe word vectors (package wordvec) as
	// dense features after the hashed table: 1 for the SIF-weighted unit
	// mean, 2 for that and the per-dimension maximum over its words. They
	// carry what n-grams cannot: that "jobless" is about unemployment.
	Vectors int `json:"vectors,omitempty"`
}

// Dims is the length of the weight vector: the hashed table, then the
// dense features.
func (c FeatureConfig) Dims() int { return 1<<c.HashBits + c.Vectors*wordvec.Dim }

// Feature is one non-zero entry of a sentence's feature vector.
type Feature struct {
	Index uint32
	Value float32
}

// Features returns the feature vector of one sentence, standing alone, as
// the model sees it. Training uses it; Candidates computes the same vector
// with the attribution the surrounding text gives.
func (c FeatureConfig) Features(sentence string) []Feature {
	toks := tokenize(sentence, nil)
	a := attribute(sentence, []span{{0, len(sentence)}})[0]
	f, _, words := cueFeatures(sentence, toks, a)
	var sc scratch
	return c.appendFeatures(nil, &sc, sentence, toks, f, words, a)
}

// scratch is reusable memory for feature extraction, so scoring a long
// article allocates once rather than per sentence.
type scratch struct {
	chars []byte
	feats []Feature
	toks  []token
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// hashShape continues an FNV-1a hash over s with every digit read as '0'.
func hashShape(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			c = '0'
		}
		h ^= uint32(c)
		h *= fnvPrime
	}
	return h
}

func hashByte(h uint32, c byte) uint32 {
	h ^= uint32(c)
	return h * fnvPrime
}

// mix finishes a hash so that the low bits, which index the table, depend
// on every input byte.
func mix(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

// appendFeatures appends the sentence's features to dst. Each family (words,
// characters) is scaled to unit length, so a long sentence does not outvote
// a short one by its length alone; cues count 1 each.
func (c FeatureConfig) appendFeatures(dst []Feature, sc *scratch, sent string, toks []token, f features, words int, a attribution) []Feature {
	mask := uint32(1)<<c.HashBits - 1
	add := func(h uint32, v float32) { dst = append(dst, Feature{Index: mix(h) & mask, Value: v}) }

	if c.WordNgrams > 0 {
		from := len(dst)
		prev := hashByte(hashByte(fnvOffset, 'b'), '^')
		for i := range toks {
			w := hashShape(hashByte(fnvOffset, 'w'), toks[i].low)
			add(w, 1)
			if c.WordNgrams > 1 {
				add(hashShape(hashByte(prev, ' '), toks[i].low), 1)
				prev = hashShape(hashByte(fnvOffset, 'b'), toks[i].low)
			}
		}
		if c.WordNgrams > 1 {
			add(hashByte(hashByte(prev, ' '), '$'), 1)
		}
		normalize(dst[from:])
	}

	if c.CharMax > 0 {
		// The sentence's tokens, lower cased, digits as 0, one space
		// between tokens and at both ends.
		b := append(sc.chars[:0], ' ')
		for i := range toks {
			for j := 0; j < len(toks[i].low); j++ {
				ch := toks[i].low[j]
				if ch >= '0' && ch <= '9' {
					ch = '0'
				}
				b = append(b, ch)
			}
			b = append(b, ' ')
		}
		sc.chars = b
		from := len(dst)
		for i := range b {
			h := hashByte(fnvOffset, 'c')
			for n := 1; n <= c.CharMax && i+n <= len(b); n++ {
				h = hashByte(h, b[i+n-1])
				if n >= c.CharMin {
					add(h, 1)
				}
			}
		}
		normalize(dst[from:])
	}

	if c.Cues {
		cue := func(on bool, name string) {
			if on {
				add(hashShape(hashByte(fnvOffset, 'q'), name), 1)
			}
		}
		cue(f.number, "number")
		cue(f.amount, "amount")
		cue(f.superlative, "superlative")
		cue(f.comparison, "comparison")
		cue(f.title, "title")
		cue(f.attribution, "attribution")
		cue(f.quote, "quote")
		cue(f.date, "date")
		cue(f.law, "law")
		cue(f.causation, "causation")
		cue(f.prediction, "prediction")
		cue(f.event, "event")
		cue(f.opinion, "opinion")
		cue(f.hedge, "hedge")
		cue(f.question, "question")
		cue(f.boilerplate, "boilerplate")
		cue(f.boilerplatePhrase, "boilerplate phrase")
		cue(f.person, "person")
		cue(f.promise, "promise")
		cue(f.firstSingular, "first singular")
		cue(f.firstPlural, "first plural")
		cue(f.second, "second person")
		cue(f.promise && f.number, "promise with number")
		cue(f.number && f.person, "number with person")
		cue(a.name != "", "claimant")
		cue(f.entities == 1, "names 1")
		cue(f.entities == 2, "names 2")
		cue(f.entities >= 3, "names 3+")
		cue(words < 5, "words <5")
		cue(words >= 5 && words < 10, "words 5-9")
		cue(words >= 10 && words < 20, "words 10-19")
		cue(words >= 20 && words < 40, "words 20-39")
		cue(words >= 40, "words 40+")
	}

	if c.Vectors > 0 {
		vw := wordvec.Words(sent)
		var mean, maximum wordvec.Vector
		var found int
		if c.Vectors > 1 {
			mean, maximum, found = wordvec.Pool(vw)
		} else {
			mean, found = wordvec.Mean(vw) // half the work of Pool
		}
		if found > 0 {
			base := uint32(1) << c.HashBits
			for d, v := range mean {
				dst = append(dst, Feature{Index: base + uint32(d), Value: v})
			}
			if c.Vectors > 1 {
				for d, v := range maximum {
					dst = append(dst, Feature{Index: base + wordvec.Dim + uint32(d), Value: v})
				}
			}
		}
	}
	return dst
}

// normalize scales fs to unit Euclidean length.
func normalize(fs []Feature) {
	if len(fs) == 0 {
		return
	}
	v := float32(1 / math.Sqrt(float64(len(fs))))
	for i := range fs {
		fs[i].Value = v
	}
}
