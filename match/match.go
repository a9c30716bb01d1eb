// Package match re-ranks stored claims against a new one. The database finds
// a few dozen candidates with pg_trgm and full-text search; this package
// decides which of them say the same thing, which say something close, and
// which contradict it. It is pure and cheap enough to run on every lookup.
package match

import (
	"cmp"
	"math"
	"slices"

	"github.com/factdesk/factdesk/wordvec"
)

// Relation is how a candidate claim relates to the query.
type Relation string

const (
	// Duplicate makes the same claim in other words: same figures, same
	// names, same polarity. A duplicate can reuse the earlier verdict.
	Duplicate Relation = "duplicate"
	// Conflicting overlaps heavily but contradicts the query: a figure
	// changed, a negation added, or an opposite verb (rose/fell). Worth
	// showing the checker, never worth reusing the verdict.
	Conflicting Relation = "conflicting"
	// Related shares the topic but not the claim: other names, extra or
	// missing figures, or only moderate overlap.
	Related Relation = "related"
	// Unrelated shares too little to show. Rank drops these.
	Unrelated Relation = "unrelated"
)

// Thresholds on the similarity score. They were set on testdata/pairs.txt;
// duplicate is kept high because a false duplicate would copy a verdict onto
// a claim nobody checked.
const (
	duplicateAt   = 0.62
	conflictingAt = 0.45
	relatedAt     = 0.15
)

// Candidate is a stored claim offered by the database search.
type Candidate struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Rank is the database's full-text score when its ranked source
	// offered the candidate (BM25 for the desk's claims, ts_rank_cd for
	// the archive), else 0. The re-ranker weighs it and its place.
	Rank float64 `json:"-"`
	// Summary restates the claim in a checker's words (a desk claim's
	// verdict summary, a fact-check's headline), or is empty. The
	// re-ranker reads it as more words of the claim, as a tweet is often
	// worded like the headline rather than the claim; the relation never
	// does.
	Summary string `json:"-"`
}

// Result is a candidate with its similarity to the query.
type Result struct {
	Candidate
	Score    float64  `json:"score"`
	Relation Relation `json:"relation"`
	// Reasons say why a close pair is not a duplicate, e.g. "numbers
	// differ"; empty for duplicates and unrelated pairs.
	Reasons []string `json:"reasons,omitempty"`
}

// Compare normalises both texts and compares them. Use Rank when one query
// is compared with many candidates: it normalises the query once.
func Compare(a, b string) (float64, Relation) {
	r := Normalize(a).Compare(Normalize(b))
	return r.Score, r.Relation
}

// Rank compares query with every candidate and returns the ones that are
// not unrelated, best first by the re-ranker (see RankWeights). Ties keep
// the candidates' order.
func Rank(query string, candidates []Candidate) []Result {
	return RankAbout(query, "", candidates)
}

// RankAbout is Rank for a query that comes with words about its subject
// from outside its text: a tweet's poster and the accounts it mentions
// (TweetContext). The re-ranker reads them; the relation never does.
func RankAbout(query, about string, candidates []Candidate) []Result {
	return RankWith(RankWeights, query, about, candidates)
}

// RankWith is RankAbout with other re-ranker weights, for training them.
//
// A candidate whose wording shares too little with the query is Unrelated
// and dropped, unless the database's ranked source put it near the top
// (rankRescue of the best rank): a tweet often tells a checked claim in
// other words, and the rare words it shares are what the rank weighs. A
// candidate kept that way is Related, never more.
func RankWith(w [NumRankFeatures]float64, query, about string, candidates []Candidate) []Result {
	f := newFeaturer(query, about, candidates)
	type scored struct {
		Result
		order float64
	}
	out := make([]scored, 0, len(candidates))
	for i, c := range candidates {
		n := Normalize(c.Text)
		r := f.q.Compare(n)
		if r.Relation == Unrelated {
			if (f.maxRank == 0 || c.Rank < rankRescue*f.maxRank) && (c.Summary == "" || f.alignedSum[i].queryExact < summaryRescue) {
				continue
			}
			r.Relation = Related
		}
		r.Candidate = c
		x := f.features(i, c, n, r.Score)
		order := 0.0
		for i := range x {
			order += w[i] * x[i]
		}
		out = append(out, scored{r, order})
	}
	slices.SortStableFunc(out, func(a, b scored) int { return cmp.Compare(b.order, a.order) })
	res := make([]Result, len(out))
	for i, s := range out {
		res[i] = s.Result
	}
	return res
}

// summaryRescue is the idf-weighted share of the query's words that a
// claim and its summary must hold, as they are, for the claim to be kept
// (see RankWith) though its own text shares too little: what a desk with
// too few claims for the ranked source to run (it reads only lexemes
// held by at most 2% of the claims) needs, where the full-text arms may
// find a claim by its summary alone. On the CLEF-2020 training tweets it
// changes no top 5, with or without it (CV 0.8651).
const summaryRescue = 1.0 / 3

// rankRescue: see RankWith. Tuned on the CLEF-2020 task 2 training tweets.
const rankRescue = 0.5

// NumRankFeatures is the length of a re-ranker feature vector.
const NumRankFeatures = 29

// RankFeatures are the re-ranker's inputs for each candidate, in the
// candidates' order, for training the weights.
func RankFeatures(query, about string, candidates []Candidate) [][NumRankFeatures]float64 {
	f := newFeaturer(query, about, candidates)
	out := make([][NumRankFeatures]float64, len(candidates))
	for i, c := range candidates {
		n := Normalize(c.Text)
		out[i] = f.features(i, c, n, f.q.Compare(n).Score)
	}
	return out
}

// featurer holds what the features of one lookup share: the query read
// once, and the ranked source's scores, best first.
type featurer struct {
	// Per candidate: its alignment with the query, the cosine of the
	// means, its length in content words, and (said) each query word's
	// best cosine to its words.
	aligned []alignment
	cos     []float64
	length  []int
	said    [][]float64
	// The same with the candidate's summary read as more of its words
	// (the candidate's own when it has none), and local from those.
	alignedSum []alignment
	cosSum     []float64
	saidSum    [][]float64
	localSum   []float64
	// local weighs each query word by how few candidates say it (from
	// closeAt): among thirty claims about Trump, "Trump" tells none apart.
	local []float64

	q       Normalized
	qm, am  meaning
	maxRank float64
	ranks   []float64 // distinct ranks > 0, best first
}

func newFeaturer(query, about string, candidates []Candidate) featurer {
	// The candidates' words that the process-wide table does not hold yet
	// (see lexicon.entry): a few hundred on a lookup.
	words := make(lexicon, 256)
	f := featurer{q: Normalize(query), qm: words.meaning(query), am: words.meaning(about)}
	f.qm.seen = newCosineMemo()
	for _, c := range candidates {
		if c.Rank > 0 {
			f.ranks = append(f.ranks, c.Rank)
		}
		f.maxRank = max(f.maxRank, c.Rank)
	}
	slices.Sort(f.ranks)
	slices.Reverse(f.ranks)
	f.ranks = slices.Compact(f.ranks)
	nq := len(f.qm.words)
	said := make([]float64, 2*len(candidates)*nq)
	f.aligned = make([]alignment, len(candidates))
	f.cos = make([]float64, len(candidates))
	f.length = make([]int, len(candidates))
	f.said = make([][]float64, len(candidates))
	f.local = make([]float64, nq)
	f.alignedSum = make([]alignment, len(candidates))
	f.cosSum = make([]float64, len(candidates))
	f.saidSum = make([][]float64, len(candidates))
	f.localSum = make([]float64, nq)
	exact := make([]bool, nq)
	for j, c := range candidates {
		cm := words.meaning(c.Text)
		f.said[j] = said[2*j*nq : (2*j+1)*nq]
		clear(exact)
		var sums alignSums
		sums.add(f.qm, f.am, cm, f.said[j], exact)
		f.aligned[j] = sums.alignment(f.qm, f.said[j], exact)
		f.cos[j] = dotVec(&f.qm.mean, &cm.mean)
		f.length[j] = len(cm.words)
		f.saidSum[j] = said[(2*j+1)*nq : (2*j+2)*nq]
		copy(f.saidSum[j], f.said[j])
		f.alignedSum[j], f.cosSum[j] = f.aligned[j], f.cos[j]
		if c.Summary != "" {
			// The summary's words that the claim lacks, added to the
			// claim's: the same as reading both as one text, for the
			// cost of the summary's new words alone.
			sm := words.meaningBeyond(c.Summary, cm)
			sums.add(f.qm, f.am, sm, f.saidSum[j], exact)
			f.alignedSum[j] = sums.alignment(f.qm, f.saidSum[j], exact)
			var both wordvec.Vector
			for d := range both {
				both[d] = cm.sum[d] + sm.sum[d]
			}
			both = unit(both)
			f.cosSum[j] = dotVec(&f.qm.mean, &both)
		}
		for i, b := range f.said[j] {
			if b >= closeAt {
				f.local[i]++
			}
		}
		for i, b := range f.saidSum[j] {
			if b >= closeAt {
				f.localSum[i]++
			}
		}
	}
	n := float64(len(candidates)) + 1
	for i, df := range f.local {
		f.local[i] = math.Log(n / (df + 0.5))
	}
	for i, df := range f.localSum {
		f.localSum[i] = math.Log(n / (df + 0.5))
	}
	return f
}

// localShare is the share of the query's words candidate j says (from
// closeAt), each weighted by local and, with idf, by its rarity too.
func (f featurer) localShare(j int, idf bool) float64 {
	return f.localShareOf(f.said[j], f.local, idf)
}

func (f featurer) localShareOf(said, local []float64, idf bool) float64 {
	var sum, total float64
	for i, b := range said {
		w := local[i]
		if idf {
			w *= f.qm.words[i].idf
		}
		total += w
		if b >= closeAt {
			sum += w * b
		}
	}
	if total == 0 {
		return 0
	}
	return sum / total
}

// features of candidate c (normalised as o, scoring score against the
// query), in this order:
//
//	0 the similarity score; 1 the weighted Dice coefficient; 2 the trigram
//	Jaccard index; 3 the ranked source's score relative to the best
//	candidate's; 4 whether the ranked source offered it at all; 5 that
//	score, scaled; 6 how much of the candidate the query's tokens cover (a
//	long tweet around a short claim has a low Dice but covers the claim);
//	7 the share of the query's names the candidate holds;
//	8 the cosine of the two texts' mean word vectors; 9–11 how much of
//	the candidate the query says in any words (see alignment: sif-weighted,
//	idf-weighted from closeAt) and 10 the other way round; 12 the idf share
//	of the candidate's words the query holds as they are; 13 1/(1+place)
//	in the ranked source's order; 14 the share of the candidate's names
//	and 15 of its figures the query holds; 16 the log ratio of the two
//	lengths in content words; 17 and 18 what 11 and 9 are with the words
//	about the query added; 19 the idf share of the query's words the
//	candidate holds as they are; 20 what 10 is idf-weighted; 21 and 22
//	the share of the query's words it says, weighted by how few other
//	candidates say them (see featurer.local), and by rarity as well.
func (f featurer) features(j int, c Candidate, o Normalized, score float64) [NumRankFeatures]float64 {
	n := f.q
	rel, offered, place := 0.0, 0.0, 0.0
	if f.maxRank > 0 {
		rel = c.Rank / f.maxRank
	}
	if c.Rank > 0 {
		offered = 1
		i, _ := slices.BinarySearchFunc(f.ranks, c.Rank, func(a, b float64) int { return cmp.Compare(b, a) })
		place = 1 / (1 + float64(i))
	}
	a, s := f.aligned[j], f.alignedSum[j]
	return [NumRankFeatures]float64{score, n.dice(o), jaccard(n.trigrams, o.trigrams), rel, offered,
		math.Log1p(c.Rank) / 4, o.coveredBy(n), shared(n.Entities, o.Entities),
		f.cos[j], a.claimSIF, a.querySIF, a.claimIDF, a.claimExact, place,
		shared(o.Entities, n.Entities), shared(o.Numbers, n.Numbers),
		math.Log(float64(f.length[j]+1) / float64(len(f.qm.words)+1)),
		a.aboutIDF, a.aboutSIF, a.queryExact, a.queryIDF, f.localShare(j, false), f.localShare(j, true),
		s.queryIDF, s.queryExact, s.claimIDF, f.cosSum[j], f.localShareOf(f.saidSum[j], f.localSum, true), s.aboutIDF}
}

// coveredBy is the weighted share of n's tokens that o holds.
func (n Normalized) coveredBy(o Normalized) float64 {
	var in, total float64
	for _, t := range n.set {
		w := n.weightOf(t)
		total += w
		if _, ok := slices.BinarySearch(o.set, t); ok {
			in += w
		}
	}
	if total == 0 {
		return 0
	}
	return in / total
}

// shared is the share of a (sorted) found in b (sorted); 0 when a is empty.
func shared(a, b []string) float64 {
	if len(a) == 0 {
		return 0
	}
	k := 0
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); ok {
			k++
		}
	}
	return float64(k) / float64(len(a))
}

// RankWeights order the candidates: a linear model over the features,
// fitted listwise (learn.FitRankWeights) on the CLEF-2020 task 2 training
// tweets through the real candidate SQL, by BenchmarkRetrievalTrain in
// bench/. Only the order depends on them: Relation and Score are the rules
// above.
var RankWeights = [NumRankFeatures]float64{-0.021, -1.754, 12.375, 6.880, -4.967, 3.088, -2.310, 1.474, -2.144, -12.721, -3.602, 1.243, 1.403, -0.001, 0.048, 0.695, -0.531, 4.578, 7.260, 1.160, -1.380, 9.831, -4.759, 1.408, 1.961, -1.953, 8.061, 3.458, -0.341}

// Compare scores n against o and classifies the pair. The score is 0.7 of a
// weighted Dice coefficient on content tokens (names and numbers weigh
// double) plus 0.3 of the Jaccard index of character trigrams, which
// forgives spelling variants the stemmer misses.
func (n Normalized) Compare(o Normalized) Result {
	score := 0.7*n.dice(o) + 0.3*jaccard(n.trigrams, o.trigrams)
	r := Result{Score: score}
	contradicts := false
	if n.Negated != o.Negated {
		// Conflicting only when the negation bears on a word both claims
		// hold; otherwise it is still never a duplicate.
		if n.negatesShared(o) || o.negatesShared(n) {
			r.Reasons = append(r.Reasons, "negation differs")
			contradicts = true
		} else {
			r.Reasons = append(r.Reasons, "negation on one side")
		}
	}
	if !slices.Equal(n.Numbers, o.Numbers) {
		// Each side holding a figure the other lacks is a changed figure;
		// one side adding a figure is extra detail.
		if swapped(n.Numbers, o.Numbers) {
			r.Reasons = append(r.Reasons, "numbers differ")
			contradicts = true
		} else {
			r.Reasons = append(r.Reasons, "figures on one side only")
		}
	}
	if c := n.opposite(o); c != "" {
		r.Reasons = append(r.Reasons, "opposite "+c)
		contradicts = true
	}
	switch {
	case swapped(n.Entities, o.Entities) || n.leadSwapped(o):
		r.Reasons = append(r.Reasons, "names differ")
	case (len(n.Entities) == 0) != (len(o.Entities) == 0):
		// "Sales tripled" and "sales tripled in Norway" differ in scope.
		r.Reasons = append(r.Reasons, "names on one side only")
	}
	switch {
	case score < relatedAt:
		r.Relation, r.Reasons = Unrelated, nil
	case contradicts && max(score, n.wordSimilarity(o)) >= conflictingAt:
		// A changed figure in a short claim lowers the score a lot; judge
		// the overlap on the words alone.
		r.Relation = Conflicting
	case len(r.Reasons) == 0 && score >= duplicateAt:
		r.Relation = Duplicate
	default:
		r.Relation = Related
	}
	return r
}

// negatesShared reports whether n negates a word that o holds without
// negating it.
func (n Normalized) negatesShared(o Normalized) bool {
	for _, w := range n.negatedWords {
		_, inO := slices.BinarySearch(o.set, w)
		_, negO := slices.BinarySearch(o.negatedWords, w)
		if inO && !negO {
			return true
		}
	}
	return false
}

// leadSwapped reports whether the two claims open with different
// capitalised words, neither found in the other claim: "Macy's offers a
// $200 gift card" against "Nordstrom offers a $200 gift card".
func (n Normalized) leadSwapped(o Normalized) bool {
	if n.lead == "" || o.lead == "" || n.lead == o.lead {
		return false
	}
	_, a := slices.BinarySearch(o.set, n.lead)
	_, b := slices.BinarySearch(n.set, o.lead)
	return !a && !b
}

// dice is the weighted Dice coefficient of the two token sets.
func (n Normalized) dice(o Normalized) float64 {
	return n.overlap(o, false)
}

// wordSimilarity is the Dice coefficient of the tokens other than numbers.
func (n Normalized) wordSimilarity(o Normalized) float64 {
	return n.overlap(o, true)
}

// overlap is the weighted Dice coefficient of the token sets, leaving the
// numbers out when skipNumbers is set.
func (n Normalized) overlap(o Normalized, skipNumbers bool) float64 {
	var common, total float64
	weigh := func(m Normalized, t string) float64 {
		if skipNumbers {
			if _, ok := slices.BinarySearch(m.Numbers, t); ok {
				return 0
			}
		}
		return m.weightOf(t)
	}
	i, j := 0, 0
	for i < len(n.set) || j < len(o.set) {
		switch {
		case j >= len(o.set) || i < len(n.set) && n.set[i] < o.set[j]:
			total += weigh(n, n.set[i])
			i++
		case i >= len(n.set) || o.set[j] < n.set[i]:
			total += weigh(o, o.set[j])
			j++
		default:
			w := weigh(n, n.set[i]) + weigh(o, o.set[j])
			common += w
			total += w
			i++
			j++
		}
	}
	if total == 0 {
		return 0
	}
	return common / total
}

// opposite returns a concept both claims use with opposite polarity
// ("change" for rose against fell), or "".
func (n Normalized) opposite(o Normalized) string {
	for _, p := range n.polarity {
		for _, q := range o.polarity {
			if p.concept == q.concept && p.sign != 2 && q.sign != 2 && p.sign != q.sign {
				return p.concept
			}
		}
	}
	return ""
}

// swapped reports whether each side names someone or somewhere the other
// does not: "a Polish minister" against "a German minister". A name present
// on one side only is extra detail, not a swap.
func swapped(a, b []string) bool {
	aOnly, bOnly := false, false
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || i < len(a) && a[i] < b[j]:
			aOnly = true
			i++
		case i >= len(a) || b[j] < a[i]:
			bOnly = true
			j++
		default:
			i++
			j++
		}
	}
	return aOnly && bOnly
}

// jaccard is |a∩b| / |a∪b| for sorted unique slices.
func jaccard(a, b []uint32) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	common := 0
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			common++
			i++
			j++
		}
	}
	return float64(common) / float64(len(a)+len(b)-common)
}
