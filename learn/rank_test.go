package learn_test

import (
	"testing"

	"github.com/factdesk/factdesk/learn"
	"github.com/factdesk/factdesk/match"
)

// TestFitRankWeights: lists whose gold candidate stands out on one feature,
// with another feature pure noise, give that feature the weight, rank every
// gold candidate first, and fit the same way twice.
func TestFitRankWeights(t *testing.T) {
	t.Parallel()
	var lists []learn.RankList
	noise := uint32(7)
	next := func() float64 {
		noise = noise*1664525 + 1013904223
		return float64(noise>>8) / (1 << 24)
	}
	for q := range 40 {
		var l learn.RankList
		for c := range 8 {
			var f [match.NumRankFeatures]float64
			gold := c == q%8
			f[3] = 0.2 + 0.5*next()
			if gold {
				f[3] += 0.6
			}
			f[9] = next()
			l.Features = append(l.Features, f)
			l.Gold = append(l.Gold, gold)
		}
		lists = append(lists, l)
	}
	lists = append(lists, learn.RankList{Features: make([][match.NumRankFeatures]float64, 3), Gold: make([]bool, 3)})
	w := learn.FitRankWeights(lists)
	if w[3] <= 0 || w[3] < 5*abs(w[9]) {
		t.Errorf("weights %v: want feature 3 weighed well above the noise in feature 9", w)
	}
	for i, l := range lists[:40] {
		best, top := -1, 0.0
		for j, f := range l.Features {
			s := 0.0
			for k := range f {
				s += w[k] * f[k]
			}
			if best < 0 || s > top {
				best, top = j, s
			}
		}
		if !l.Gold[best] {
			t.Errorf("list %d: candidate %d ranked first, not the gold one", i, best)
		}
	}
	if again := learn.FitRankWeights(lists); again != w {
		t.Errorf("FitRankWeights gave %v, then %v", w, again)
	}
}

func abs(x float64) float64 { return max(x, -x) }
