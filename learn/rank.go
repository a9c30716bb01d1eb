package learn

import (
	"math"

	"github.com/factdesk/factdesk/match"
)

// RankList is one query's candidates as the re-ranker sees them, for
// fitting its weights: each candidate's features (match.RankFeatures) and
// whether it is a claim the query's judges marked relevant.
type RankList struct {
	Features [][match.NumRankFeatures]float64
	Gold     []bool
}

// FitRankWeights fits match's re-ranker listwise: a softmax over each
// list's candidates, pushing the probability onto its gold claims (the
// loss is −log of their share), with a little L2 shrinkage. This aims at
// the top of the list, which MAP@5 rewards, where a pairwise loss spends
// itself on the order of candidates far down. Features are standardised
// while fitting, so one step size suits them all, and the weights come back
// on the raw features. Full-batch gradient descent from zero makes the
// result a function of the lists alone. Lists without a gold candidate
// teach nothing and are skipped.
func FitRankWeights(lists []RankList) [match.NumRankFeatures]float64 {
	const k = match.NumRankFeatures
	const rate, l2, steps = 0.5, 1e-3, 1500
	var mean, sd [k]float64
	n := 0.0
	for _, l := range lists {
		for _, f := range l.Features {
			for j := range k {
				mean[j] += f[j]
			}
			n++
		}
	}
	var w [k]float64
	if n == 0 {
		return w
	}
	for j := range k {
		mean[j] /= n
	}
	for _, l := range lists {
		for _, f := range l.Features {
			for j := range k {
				sd[j] += (f[j] - mean[j]) * (f[j] - mean[j])
			}
		}
	}
	for j := range k {
		sd[j] = math.Sqrt(sd[j]/n) + 1e-9
	}
	type std struct {
		x    [][k]float64
		gold []bool
	}
	var ls []std
	for _, l := range lists {
		hasGold := false
		for _, g := range l.Gold {
			hasGold = hasGold || g
		}
		if !hasGold {
			continue
		}
		s := std{x: make([][k]float64, len(l.Features)), gold: l.Gold}
		for i, f := range l.Features {
			for j := range k {
				s.x[i][j] = (f[j] - mean[j]) / sd[j]
			}
		}
		ls = append(ls, s)
	}
	if len(ls) == 0 {
		return w
	}
	var z []float64
	for range steps {
		var g [k]float64
		for _, l := range ls {
			z = z[:0]
			top := math.Inf(-1)
			for _, x := range l.x {
				v := 0.0
				for j := range k {
					v += w[j] * x[j]
				}
				z = append(z, v)
				top = max(top, v)
			}
			var all, gold float64
			for i := range z {
				z[i] = math.Exp(z[i] - top)
				all += z[i]
				if l.gold[i] {
					gold += z[i]
				}
			}
			// d(−log gold/all)/dx: the softmax's mean minus the gold
			// candidates' mean under the same weights.
			for i, x := range l.x {
				p := z[i] / all
				if l.gold[i] {
					p -= z[i] / gold
				}
				for j := range k {
					g[j] += p * x[j]
				}
			}
		}
		for j := range k {
			w[j] -= rate * (g[j]/float64(len(ls)) + l2*w[j])
		}
	}
	for j := range k {
		w[j] /= sd[j]
	}
	return w
}
