package train

import (
	"math"
	"reflect"
	"testing"

	"github.com/factdesk/factdesk/extract"
)

// toy is a corpus a linear model separates: figures and comparisons are
// check-worthy, greetings and thanks are not.
func toy() []Example {
	pos := []string{
		"Unemployment rose to 5.3% last year.", "The deficit doubled to $1.2 trillion.",
		"Crime fell 12% in the city since 2010.", "We spent $40 billion on roads in 2015.",
		"Wages grew 3% while prices rose 5%.", "The state lost 80,000 jobs last year.",
	}
	neg := []string{
		"Thank you very much.", "Good evening, everyone.", "It is great to be here tonight.",
		"Thank you so much for having me.", "Let me say hello to my friends.", "Good night and thank you.",
	}
	var out []Example
	for i, s := range pos {
		out = append(out, Example{Corpus: "toy", Doc: "a", ID: "p" + string(rune('0'+i)), Text: s, Label: true})
	}
	for i, s := range neg {
		out = append(out, Example{Corpus: "toy", Doc: "a", ID: "n" + string(rune('0'+i)), Text: s, Label: false})
	}
	return out
}

func TestFitSeparatesAndIsDeterministic(t *testing.T) {
	t.Parallel()
	tr := NewTrainer()
	tr.Features.HashBits = 14
	m1, err := tr.fitModel(toy())
	if err != nil {
		t.Fatal(err)
	}
	tr2 := NewTrainer()
	tr2.Features.HashBits = 14
	m3, err := tr2.fitModel(toy())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m1.Weights(), m3.Weights()) || m1.Info.Bias != m3.Info.Bias {
		t.Error("two fits on the same data differ")
	}
	for _, e := range toy() {
		p := m1.Score(tr.features(e.Text))
		if (p > 0.5) != e.Label {
			t.Errorf("fit scores %q %.3f, want label %v", e.Text, p, e.Label)
		}
	}
	if p := (extract.Options{Model: m1}).Score("Exports rose 7% in 2019."); p <= 0.5 {
		t.Errorf("unseen figure sentence scored %.3f, want > 0.5", p)
	}
}

func TestModelFileRoundTrip(t *testing.T) {
	t.Parallel()
	tr := NewTrainer()
	tr.Features.HashBits = 12
	m, err := tr.fitModel(toy())
	if err != nil {
		t.Fatal(err)
	}
	m.Info.Attribution = Attribution
	b, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := extract.LoadModel(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Info.Attribution != Attribution || back.Info.Features != m.Info.Features {
		t.Errorf("LoadModel info = %+v, want %+v", back.Info, m.Info)
	}
	for _, e := range toy() {
		fs := tr.features(e.Text)
		if a, b := m.Score(fs), back.Score(fs); math.Abs(a-b) > 1e-3 {
			t.Errorf("score of %q: %.5f before the round trip, %.5f after", e.Text, a, b)
		}
	}
}

func TestAveragePrecision(t *testing.T) {
	t.Parallel()
	doc := []Example{{Text: "a", Label: true}, {Text: "b"}, {Text: "c", Label: true}, {Text: "d"}}
	scores := map[string]float64{"a": 0.9, "b": 0.8, "c": 0.7, "d": 0.1}
	// Ranked a, b, c, d: precision 1/1 at a, 2/3 at c.
	if got, want := averagePrecision(func(s string) float64 { return scores[s] }, doc), (1+2.0/3)/2; math.Abs(got-want) > 1e-9 {
		t.Errorf("averagePrecision = %.4f, want %.4f", got, want)
	}
}

func TestThresholdAndSplits(t *testing.T) {
	t.Parallel()
	dev := 0
	for i := range 1000 {
		if IsDev(Example{Text: "sentence number " + string(rune('a'+i%26)) + string(rune('a'+i/26))}) {
			dev++
		}
	}
	if dev < 150 || dev > 250 {
		t.Errorf("IsDev took %d of 1000, want about 200", dev)
	}
	if !IsDev(Example{Text: "Hello, World!"}) == IsDev(Example{Text: "hello world"}) {
		t.Error("IsDev splits two spellings of the same text")
	}
	p := prfAt(func(s string) float64 { return map[string]float64{"a": 0.9, "b": 0.6, "c": 0.2}[s] },
		[]Example{{Text: "a", Label: true}, {Text: "b"}, {Text: "c", Label: true}}, 0.5)
	if p.TP != 1 || p.FP != 1 || p.FN != 1 || math.Abs(p.F1-0.5) > 1e-9 {
		t.Errorf("prfAt = %+v, want tp=fp=fn=1, F1 0.5", p)
	}
}

func TestLoadFixtures(t *testing.T) {
	t.Parallel()
	es, err := LoadFixtures("../testdata/articles")
	if err != nil {
		t.Fatal(err)
	}
	pos := 0
	for _, e := range es {
		if e.Label {
			pos++
		}
	}
	if len(es) < 100 || pos == 0 || pos == len(es) {
		t.Errorf("LoadFixtures: %d sentences, %d check-worthy", len(es), pos)
	}
}

func TestNBScaleWeighsByLogCountRatio(t *testing.T) {
	t.Parallel()
	// Index 0 is in both positives, index 1 in the negative only, index 2
	// everywhere, index 5 (dense, above hashed 4) untouched.
	f := func(idx ...uint32) []extract.Feature {
		var fs []extract.Feature
		for _, i := range idx {
			fs = append(fs, extract.Feature{Index: i, Value: 0.5})
		}
		return fs
	}
	xs := []vector{
		{feats: f(0, 2, 5), label: true, weight: 1},
		{feats: f(0, 2), label: true, weight: 1},
		{feats: f(1, 2, 5), label: false, weight: 1},
	}
	scaled, r := nbScale(xs, 6, 4, 1)
	// Smoothed counts over the seen indices 0, 1, 2: positives 3, 1, 3
	// (sum 7), negatives 1, 2, 2 (sum 5).
	want := []float64{math.Log(3.0 / 7 / (1.0 / 5)), math.Log(1.0 / 7 / (2.0 / 5)), math.Log(3.0 / 7 / (2.0 / 5)), 0, 0, 0}
	for i, w := range want {
		if math.Abs(float64(r[i])-w) > 1e-6 {
			t.Errorf("ratio[%d] = %.4f, want %.4f", i, r[i], w)
		}
	}
	if got := scaled[0].feats; got[0].Value != 0.5*r[0] || got[2].Value != 0.5 {
		t.Errorf("scaled features = %+v, want the hashed one times its ratio and the dense one as it was", got)
	}
	if xs[0].feats[0].Value != 0.5 {
		t.Error("nbScale changed its input, which the feature cache shares")
	}
}

func TestNBFitScoresWithUnscaledFeatures(t *testing.T) {
	t.Parallel()
	tr := NewTrainer()
	tr.Features.HashBits = 14
	tr.Params.NBAlpha = 0.5
	m, err := tr.fitModel(toy())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range toy() {
		if p := m.Score(tr.features(e.Text)); (p > 0.5) != e.Label {
			t.Errorf("NB fit scores %q %.3f, want label %v", e.Text, p, e.Label)
		}
	}
}

func TestCrossValidationFigures(t *testing.T) {
	t.Parallel()
	// Fold 0 is perfect above 0.5; fold 1 has one positive below it.
	oof := []scored{
		{0.9, true, 0}, {0.8, true, 0}, {0.2, false, 0}, {0.1, false, 0},
		{0.9, true, 1}, {0.3, true, 1}, {0.2, false, 1}, {0.1, false, 1},
	}
	for k := 2; k < cvFolds; k++ {
		oof = append(oof, scored{0.9, true, k}, scored{0.1, false, k})
	}
	cv := cvFrom(oof)
	if len(cv.Folds) != cvFolds {
		t.Fatalf("cvFrom gave %d folds, want %d", len(cv.Folds), cvFolds)
	}
	if cv.Pooled.F1 != 1 || cv.Threshold <= 0.2 || cv.Threshold >= 0.3 {
		t.Errorf("pooled = %+v at %.3f, want F1 1 between 0.2 and 0.3", cv.Pooled, cv.Threshold)
	}
	// Fold 1's threshold comes from the other folds, which put it midway
	// between 0.8 and 0.2: it loses the 0.3 positive.
	if f := cv.Folds[1]; f.TP != 1 || f.FN != 1 || f.FP != 0 {
		t.Errorf("fold 1 = %+v, want tp=1 fn=1 fp=0 at the others' threshold", f)
	}
	want := (4 + 2.0/3) / 5
	if math.Abs(cv.MeanF1-want) > 1e-9 || cv.SDF1 <= 0 {
		t.Errorf("mean F1 %.4f ± %.4f, want %.4f and a spread", cv.MeanF1, cv.SDF1, want)
	}
}

func TestShiftedPutsTheThresholdAtOneHalf(t *testing.T) {
	t.Parallel()
	tr := NewTrainer()
	tr.Features.HashBits = 12
	m, err := tr.fitModel(toy())
	if err != nil {
		t.Fatal(err)
	}
	fs := tr.features(toy()[0].Text)
	p := m.Score(fs)
	s, err := shifted(m, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Score(fs); math.Abs(got-0.5) > 1e-3 {
		t.Errorf("shifted at the sentence's own score %.4f gives %.4f, want 0.5", p, got)
	}
}

func TestFoldPartitions(t *testing.T) {
	t.Parallel()
	var es []Example
	for i := range 2000 {
		es = append(es, Example{Text: "Sentence number " + string(rune('a'+i%26)) + " " + string(rune('a'+i/26%26)) + string(rune('a'+i/676))})
	}
	moved := 0
	for p := range 3 {
		count := make([]int, cvFolds)
		for _, e := range es {
			k := foldIn(e, cvFolds, p)
			count[k]++
			if p == 0 && k != foldOf(e, cvFolds) {
				t.Fatalf("partition 0 puts %q in fold %d, foldOf in %d", e.Text, k, foldOf(e, cvFolds))
			}
			if p == 1 && k != foldOf(e, cvFolds) {
				moved++
			}
			if k != foldIn(Example{Text: "  " + e.Text + "!"}, cvFolds, p) {
				t.Fatalf("partition %d splits %q from its normalised text", p, e.Text)
			}
		}
		for k, c := range count {
			if c < len(es)/cvFolds*8/10 || c > len(es)/cvFolds*12/10 {
				t.Errorf("partition %d: fold %d holds %d of %d sentences", p, k, c, len(es))
			}
		}
	}
	if moved < len(es)/2 {
		t.Errorf("partition 1 moved %d of %d sentences from partition 0's folds, want most", moved, len(es))
	}
}
