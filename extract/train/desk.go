package train

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/factdesk/factdesk/extract"
)

// DeskDecision is one candidate sentence of an imported article and what a
// checker did with it: filed it as a claim (a positive) or left it.
type DeskDecision struct {
	Article   int64
	Sentence  string
	Filed     bool
	DecidedAt time.Time
}

// DeskSplit holds out the newest share of the decisions (at least one,
// when there are two or more) for measuring: what a model trained on the
// older ones would have said on the imports that followed. ds must be in
// decision order.
func DeskSplit(ds []DeskDecision, share float64) (train, held []DeskDecision) {
	if len(ds) < 2 {
		return ds, nil
	}
	n := max(1, int(math.Round(float64(len(ds))*share)))
	n = min(n, len(ds)-1)
	return ds[:len(ds)-n], ds[len(ds)-n:]
}

func deskExamples(ds []DeskDecision) []Example {
	out := make([]Example, len(ds))
	for i, d := range ds {
		out[i] = Example{Corpus: "desk", Doc: fmt.Sprint(d.Article), Text: d.Sentence, Label: d.Filed}
	}
	return out
}

// BuildDesk trains a model on the desk's decisions, plus base (the public
// corpora, as in Build; empty to learn from the desk alone). The desk's
// sentences weigh Params.DeskWeight each. The threshold is tuned by 5-fold
// cross-validation on the desk's decisions when they hold at least 10
// filed and 10 left, else on ClaimBuster when base has it, else it stays
// at 0.5. Nothing in ds is held out here: split first (DeskSplit).
func (t *Trainer) BuildDesk(ds []DeskDecision, base Data) (*extract.Model, error) {
	desk := deskExamples(ds)
	pos := 0
	for _, e := range desk {
		if e.Label {
			pos++
		}
	}
	rest := slices.Concat(base.ClaimBuster, base.CLEF, base.Fixtures)
	threshold := 0.5
	var err error
	switch {
	case pos >= 10 && len(desk)-pos >= 10:
		threshold, err = tuneThreshold(t.modelSystem(), desk, rest)
	case len(base.ClaimBuster) > 0:
		threshold, err = tuneThreshold(t.modelSystem(), base.ClaimBuster, slices.Concat(desk, base.CLEF, base.Fixtures))
	}
	if err != nil {
		return nil, err
	}
	m, err := t.fitModel(slices.Concat(desk, rest))
	if err != nil {
		return nil, err
	}
	info := m.Info
	info.Name = "checkworthy-nblr-desk"
	info.Training = []string{fmt.Sprintf("the desk's candidate decisions: %d sentences, %d filed, loss weight %g", len(desk), pos, t.Params.DeskWeight)}
	if len(base.ClaimBuster) > 0 {
		info.Training = append(info.Training, fmt.Sprintf("checkworthiness/claimbuster_train.tsv.gz: %d sentences", len(base.ClaimBuster)))
	}
	if len(base.CLEF) > 0 {
		info.Training = append(info.Training, fmt.Sprintf("checkworthiness/clef2019_t1_train.tsv.gz: %d lines, loss weight %g%s",
			len(base.CLEF), t.Params.CLEFWeight, measuredOnly(t.Params.CLEFWeight)))
	}
	if len(base.Fixtures) > 0 {
		info.Training = append(info.Training, fmt.Sprintf("extract/testdata/articles: %d sentences", len(base.Fixtures)))
	}
	info.Attribution = attribution(t.Features, len(base.ClaimBuster)+len(base.CLEF) > 0)
	info.Train = map[string]float64{"epochs": float64(t.Params.Epochs), "rate": t.Params.Rate, "l2": t.Params.L2, "nb_alpha": t.Params.NBAlpha,
		"positive_weight": t.Params.PositiveWeight, "desk_weight": t.Params.DeskWeight, "clef_weight": t.Params.CLEFWeight, "seed": float64(t.Params.Seed)}
	unshifted, err := extract.NewModel(info, m.Weights())
	if err != nil {
		return nil, err
	}
	return shifted(unshifted, threshold)
}
