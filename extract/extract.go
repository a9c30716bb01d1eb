// Package extract proposes the sentences of a news article that are worth
// fact-checking. It is pure: no network, no database, and its model is
// embedded in the binary, so it runs in the request path and in tests alike.
//
// The pipeline is a sentence splitter tuned for news copy, a claimant
// finder that carries an attribution ("…," a source said) back to every
// sentence of the quotation it closes, rule cues that name the claim's type
// and the reasons shown to a reviewer, and a learned scorer (see Model)
// that weighs the cues together with word and character n-grams and the
// sentence's mean word vector (package wordvec).
package extract

import (
	"math"
)

// Type is the kind of claim a sentence makes. A sentence that shows several
// kinds gets the most specific one, in the order the constants are listed
// (law_or_rule first), except that other is only used when nothing else fits.
type Type string

const (
	// TypeQuantity states an amount, count, rate or price.
	TypeQuantity Type = "quantity"
	// TypeComparison compares or ranks: a change (rose, fell, doubled), a
	// superlative (largest, record) or a first.
	TypeComparison Type = "comparison_or_superlative"
	// TypeAttribution reports what someone said, with no harder fact inside.
	TypeAttribution Type = "attribution_or_quote"
	// TypeEvent says that something happened: a meeting, a vote, a ruling,
	// an arrest, a signing.
	TypeEvent Type = "event"
	// TypeCausation says one thing caused or led to another.
	TypeCausation Type = "causation"
	// TypeLaw is about a law, bill, regulation or court decision.
	TypeLaw Type = "law_or_rule"
	// TypePrediction forecasts or announces something that has not happened.
	TypePrediction Type = "prediction"
	// TypeOther is any sentence with none of the cues above.
	TypeOther Type = "other"
)

// DefaultThreshold is the score above which a sentence is check-worthy. The
// model's bias is shifted at training so that 0.5 is the threshold tuned on
// its training data (ModelInfo.Threshold); raise it for a shorter, more
// precise list.
const DefaultThreshold = 0.5

// Candidate is one sentence of the input with its check-worthiness.
type Candidate struct {
	// Text is exactly the input's bytes [Start, End).
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	// Score is in [0, 1]; higher means more worth checking.
	Score       float64 `json:"score"`
	Checkworthy bool    `json:"checkworthy"`
	Type        Type    `json:"type"`
	// Claimant is who made the claim when the sentence or the quotation it
	// belongs to is attributed, as written ("a senior official"). Pronouns
	// are replaced by the last named claimant before them.
	Claimant string `json:"claimant"`
	// Cues are human-readable reasons for the score, for the reviewer.
	Cues []string `json:"cues"`
	// Language is the sentence's language as Language guesses it (BCP
	// 47, "" when it cannot tell). Only ModelLanguage is scored.
	Language string `json:"language"`
}

// Options tunes Candidates. The zero value uses DefaultThreshold and keeps
// every sentence.
type Options struct {
	// Threshold overrides DefaultThreshold when above zero.
	Threshold float64
	// CheckworthyOnly drops the sentences at or below the threshold.
	CheckworthyOnly bool
	// Model scores the sentences; nil means DefaultModel.
	Model *Model
	// Rules scores with version 1's hand-set cue weights instead of a
	// model. It is kept as the baseline the model is measured against.
	Rules bool
}

// Candidates splits text into sentences and scores each one with the default
// options. The result is in text order and covers every sentence, so a UI can
// show the rest greyed out, except page furniture that is no sentence at all
// (a lone "×", "Photo: Reuters", a byline, a verbless label): those spans
// are not offered (see fragment).
func Candidates(text string) []Candidate {
	return Options{}.Candidates(text)
}

// Candidates is like the package-level Candidates with these options.
func (o Options) Candidates(text string) []Candidate {
	threshold := o.Threshold
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	spans := split(text)
	turns := speakerTurns(text, spans)
	claimants := attribute(text, spans)
	out := make([]Candidate, 0, len(spans))
	var sc scratch
	for i, s := range spans {
		sent := text[s.start:s.end]
		sc.toks = tokenize(sent, sc.toks[:0])
		if fragment(sent, sc.toks) {
			continue
		}
		f, cues, words := cueFeatures(sent, sc.toks, claimants[i])
		claimant := claimants[i].name
		if turns != nil && turns[i].speaker != "" {
			// In a transcript the speaker makes every claim of the turn,
			// unless the sentence reports someone else's. The score reads
			// the sentence alone, as the model was trained.
			if claimant == "" || pronouns[lower(claimant)] {
				claimant = turns[i].speaker
			}
			cues = append(cues, "speaker: "+turns[i].speaker)
			if turns[i].moderator {
				cues = append(cues, "moderator")
			}
		}
		value := 0.0
		lang := Language(sent)
		if lang == "" || lang == ModelLanguage {
			value = math.Round(o.value(&sc, sent, f, words, claimants[i])*1000) / 1000
		} else {
			// The model and the cues know English only; a score here
			// would be invented, so the sentence is left for a person.
			cues = append(cues, "not scored: no check-worthiness model for "+LanguageName(lang)+" ("+lang+")")
		}
		c := Candidate{
			Text:        sent,
			Start:       s.start,
			End:         s.end,
			Score:       value,
			Checkworthy: value > threshold,
			Language:    lang,
			Type:        f.typ(),
			Claimant:    claimant,
			Cues:        cues,
		}
		if o.CheckworthyOnly && !c.Checkworthy {
			continue
		}
		out = append(out, c)
	}
	return out
}

// value scores one sentence whose tokens are in sc.toks.
func (o Options) value(sc *scratch, sent string, f features, words int, a attribution) float64 {
	if o.Rules {
		return ruleValue(f, words)
	}
	m := o.Model
	if m == nil {
		m = DefaultModel()
	}
	sc.feats = m.Info.Features.appendFeatures(sc.feats[:0], sc, sent, sc.toks, f, words, a)
	return m.Score(sc.feats)
}

// Score scores one sentence as a whole, without splitting it, for callers
// that already hold sentences: transcript lines, labelled data.
func (o Options) Score(sentence string) float64 {
	var sc scratch
	sc.toks = tokenize(sentence, nil)
	a := attribute(sentence, []span{{0, len(sentence)}})[0]
	f, _, words := cueFeatures(sentence, sc.toks, a)
	return math.Round(o.value(&sc, sentence, f, words, a)*1000) / 1000
}
