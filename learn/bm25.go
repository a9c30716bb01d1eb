package learn

import (
	"cmp"
	"math"
	"math/bits"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/factdesk/factdesk/extract/train"
)

// BM25Baseline is the CLEF-2020 task 2 lab's reference system rebuilt in
// memory, to calibrate the desk's retrieval against it: the lab's baseline
// indexes each verified claim's vclaim and title fields in Elasticsearch
// and sends the raw tweet as a multi_match query over both (best_fields:
// a claim scores its better field's BM25, k1 1.2, b 0.75, Lucene's
// formula, lengths rounded as Lucene stores them). The lab's script keeps
// Elasticsearch's default analysis (the standard tokenizer and lower
// case, no stopwords, no stemming); English selects the english analyzer
// instead (possessives, stopwords, Porter's stemmer). It never serves a
// lookup.
type BM25Baseline struct {
	english bool
	fields  [2]bm25Field // vclaim, title
	ids     []string     // vclaim ids, by document
}

type bm25Field struct {
	postings map[string][]bm25Posting
	norm     []float64 // per document: k1·(1 − b + b·length/avgdl), from the stored length
	docs     int       // documents with at least one term in the field
}

type bm25Posting struct {
	doc int32
	tf  float32
}

const bm25K1, bm25B = 1.2, 0.75

// NewBM25Baseline indexes the verified claims of dataDir's claim-retrieval
// corpus.
func NewBM25Baseline(dataDir string, english bool) (*BM25Baseline, error) {
	bl := &BM25Baseline{english: english}
	var texts [2][]string
	err := train.ReadTSV(filepath.Join(dataDir, "claim-retrieval", "clef2020_t2_vclaims.tsv.gz"), func(m map[string]string) error {
		bl.ids = append(bl.ids, m["id"])
		texts[0], texts[1] = append(texts[0], m["vclaim"]), append(texts[1], m["title"])
		return nil
	})
	if err != nil {
		return nil, err
	}
	for f := range bl.fields {
		bl.fields[f] = bl.index(texts[f])
	}
	return bl, nil
}

func (bl *BM25Baseline) index(texts []string) bm25Field {
	fl := bm25Field{postings: map[string][]bm25Posting{}, norm: make([]float64, len(texts))}
	lengths := make([]int, len(texts))
	total := 0
	for d, text := range texts {
		tf := map[string]int{}
		for _, t := range bl.analyze(text) {
			tf[t]++
			lengths[d]++
		}
		if lengths[d] > 0 {
			fl.docs++
			total += lengths[d]
		}
		terms := make([]string, 0, len(tf))
		for t := range tf {
			terms = append(terms, t)
		}
		slices.Sort(terms)
		for _, t := range terms {
			fl.postings[t] = append(fl.postings[t], bm25Posting{int32(d), float32(tf[t])})
		}
	}
	avg := float64(total) / float64(max(fl.docs, 1))
	for d, n := range lengths {
		fl.norm[d] = bm25K1 * (1 - bm25B + bm25B*float64(luceneLength(n))/avg)
	}
	return fl
}

// Search returns the ids of the k best verified claims for query, best
// first; of equal scores the earlier document comes first, as Lucene
// breaks ties.
func (bl *BM25Baseline) Search(query string, k int) []string {
	n := len(bl.ids)
	best := make([]float64, n)
	score := make([]float64, n)
	terms := bl.analyze(query)
	for _, fl := range bl.fields {
		clear(score)
		// A match query ORs one clause per token, so a token repeated in
		// the query counts as often as it occurs.
		for _, t := range terms {
			ps := fl.postings[t]
			if len(ps) == 0 {
				continue
			}
			df := float64(len(ps))
			idf := math.Log(1 + (float64(fl.docs)-df+0.5)/(df+0.5))
			for _, p := range ps {
				tf := float64(p.tf)
				score[p.doc] += idf * tf / (tf + fl.norm[p.doc])
			}
		}
		for d, s := range score {
			best[d] = max(best[d], s)
		}
	}
	order := make([]int, 0, n)
	for d, s := range best {
		if s > 0 {
			order = append(order, d)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(best[b], best[a]) })
	out := make([]string, 0, k)
	for _, d := range order[:min(k, len(order))] {
		out = append(out, bl.ids[d])
	}
	return out
}

// BaselineMAP5 is the baseline's MAP@5 over a split's tweets ("train" or
// "dev"), scored as EvalRetrieval scores the desk's lookup.
func BaselineMAP5(dataDir, split string, english bool) (float64, error) {
	bl, err := NewBM25Baseline(dataDir, english)
	if err != nil {
		return 0, err
	}
	queries, qrels, err := readSplit(dataDir, split)
	if err != nil {
		return 0, err
	}
	sum := 0.0
	for _, q := range queries {
		sum += AveragePrecisionAt5(bl.Search(q[1], 5), qrels[q[0]])
	}
	return sum / float64(max(len(queries), 1)), nil
}

// AveragePrecisionAt5 of a ranked list of vclaim ids against the gold set,
// as CLEF-2020 task 2 scores it; it is above 0 when a gold id is in the
// top 5.
func AveragePrecisionAt5(got []string, rel map[string]bool) float64 {
	if len(rel) == 0 {
		return 0
	}
	hits, ap := 0, 0.0
	for i, id := range got[:min(5, len(got))] {
		if rel[id] {
			hits++
			ap += float64(hits) / float64(i+1)
		}
	}
	return ap / float64(min(len(rel), 5))
}

// luceneLength is a field length as Lucene keeps it in a one-byte norm
// (SmallFloat.intToByte4 and back): exact below 24, then rounded down to
// four significant bits.
func luceneLength(n int) int {
	const free = 24
	if n < free {
		return n
	}
	v := uint64(n - free)
	nb := 64 - bits.LeadingZeros64(v)
	if nb < 4 {
		return n
	}
	shift := nb - 4
	return free + int((v>>shift)<<shift)
}

// analyze is Elasticsearch's standard analyzer, or its english one.
func (bl *BM25Baseline) analyze(text string) []string {
	toks := standardTokens(text)
	if !bl.english {
		return toks
	}
	out := toks[:0]
	for _, t := range toks {
		for _, s := range []string{"'s", "’s"} {
			t = strings.TrimSuffix(t, s)
		}
		if luceneEnglishStop[t] {
			continue
		}
		out = append(out, porterStem(t))
	}
	return out
}

// luceneEnglishStop is Lucene's English stopword set, which the english
// analyzer removes.
var luceneEnglishStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with") {
		luceneEnglishStop[w] = true
	}
}

// standardTokens approximates Lucene's StandardTokenizer (Unicode word
// boundaries, UAX #29) followed by lower-casing: words are runs of
// letters and digits, kept whole across an apostrophe or a full stop
// between letters ("don't", "u.s"), a full stop or a comma between digits
// ("1,000", "3.5"), and underscores; an emoji or a CJK character is a
// token of its own; everything else separates.
func standardTokens(text string) []string {
	var out []string
	rs := []rune(text)
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_' }
	single := func(r rune) bool {
		return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
			unicode.Is(unicode.So, r) && r >= 0x2600
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case single(r):
			out = append(out, string(r))
			i++
			continue
		case !word(r):
			i++
			continue
		}
		j := i + 1
		for j < len(rs) {
			c := rs[j]
			if word(c) && !single(c) {
				j++
				continue
			}
			if j+1 < len(rs) && word(rs[j+1]) && !single(rs[j+1]) {
				prev, next := rs[j-1], rs[j+1]
				letters := unicode.IsLetter(prev) && unicode.IsLetter(next)
				digits := unicode.IsDigit(prev) && unicode.IsDigit(next)
				if letters && strings.ContainsRune("'’.:", c) || digits && strings.ContainsRune(".,;'’", c) {
					j += 2
					continue
				}
			}
			break
		}
		tok := strings.ToLower(string(rs[i:j]))
		if utf8.RuneCountInString(tok) <= 255 {
			out = append(out, tok)
		}
		i = j
	}
	return out
}
