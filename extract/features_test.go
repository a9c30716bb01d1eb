package extract

import (
	"math"
	"testing"

	"github.com/factdesk/factdesk/wordvec"
)

func TestVectorFeaturesFollowTheHashedTable(t *testing.T) {
	t.Parallel()
	const s = "Unemployment fell to 4 percent last year."
	mean, maximum, _ := wordvec.Pool(wordvec.Words(s))
	for _, vectors := range []int{0, 1, 2} {
		c := FeatureConfig{HashBits: 10, WordNgrams: 2, Cues: true, Vectors: vectors}
		if got, want := c.Dims(), 1<<10+vectors*wordvec.Dim; got != want {
			t.Fatalf("Vectors %d: Dims = %d, want %d", vectors, got, want)
		}
		dense := map[uint32]float32{}
		for _, f := range c.Features(s) {
			if int(f.Index) >= c.Dims() {
				t.Fatalf("Vectors %d: feature index %d beyond Dims %d", vectors, f.Index, c.Dims())
			}
			if f.Index >= 1<<10 {
				dense[f.Index-1<<10] = f.Value
			}
		}
		if len(dense) != vectors*wordvec.Dim {
			t.Fatalf("Vectors %d: %d dense features, want %d", vectors, len(dense), vectors*wordvec.Dim)
		}
		for d := range vectors * wordvec.Dim {
			want := mean[d%wordvec.Dim]
			if d >= wordvec.Dim {
				want = maximum[d-wordvec.Dim]
			}
			if dense[uint32(d)] != want {
				t.Fatalf("Vectors %d: dense feature %d = %v, want %v", vectors, d, dense[uint32(d)], want)
			}
		}
	}
	// No word the table knows: no dense features at all, rather than a
	// zero vector that would still cost a pass.
	c := FeatureConfig{HashBits: 10, Vectors: 2}
	if fs := c.Features("¿¡ --"); len(fs) != 0 {
		t.Errorf("Features of a text without words = %v, want none", fs)
	}
}

func TestNewModelChecksTheWeightCount(t *testing.T) {
	t.Parallel()
	c := FeatureConfig{HashBits: 8, WordNgrams: 1, Vectors: 1}
	if _, err := NewModel(ModelInfo{Features: c}, make([]float32, 1<<8)); err == nil {
		t.Error("NewModel took a table without the dense weights")
	}
	w := make([]float32, c.Dims())
	w[1<<8] = 2 // the first dimension of the mean vector
	m, err := NewModel(ModelInfo{Features: c}, w)
	if err != nil {
		t.Fatal(err)
	}
	fs := c.Features("Unemployment fell.")
	mean, _ := wordvec.Text("Unemployment fell.")
	if got, want := m.Score(fs), 1/(1+math.Exp(-2*float64(mean[0]))); math.Abs(got-want) > 1e-6 {
		t.Errorf("Score = %.6f, want %.6f from the mean vector's weight alone", got, want)
	}
}
