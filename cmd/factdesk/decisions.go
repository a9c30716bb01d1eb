package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/store"
)

const decisionsUsage = "usage: factdesk model decisions [--days N] [--model FILE]"

// decisionsCmd reports the desk's own labels (the candidates checkers
// filed or left) and how well a model agrees with them: the flag the
// imports showed, and the scores of --model (default: the shipped model)
// on the same sentences, so a retrained model can be judged on the desk's
// recent imports before anyone switches to it.
func decisionsCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("model decisions", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	days := fs.Int("days", 90, "how many days of decisions to read")
	modelFile := fs.String("model", "", "model file to measure (default: the model in the binary)")
	if err := fs.Parse(args); err != nil || *days < 1 {
		return fmt.Errorf("%s", decisionsUsage)
	}
	m := extract.DefaultModel()
	name := "shipped model"
	if *modelFile != "" {
		raw, err := os.ReadFile(*modelFile)
		if err != nil {
			return err
		}
		if m, err = extract.LoadModel(raw); err != nil {
			return err
		}
		name = *modelFile
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	ds, err := st.CandidateDecisions(ctx, time.Now().AddDate(0, 0, -*days))
	if err != nil {
		return err
	}
	writeDecisionReport(stdout, ds, *days, name, extract.Options{Model: m})
	return nil
}

// agreement counts a flag against the checkers' decisions.
type agreement struct{ tp, fp, fn, tn int }

func (a *agreement) add(flagged, filed bool) {
	switch {
	case flagged && filed:
		a.tp++
	case flagged:
		a.fp++
	case filed:
		a.fn++
	default:
		a.tn++
	}
}

func (a agreement) String() string {
	p, r := ratio(a.tp, a.tp+a.fp), ratio(a.tp, a.tp+a.fn)
	f := 0.0
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return fmt.Sprintf("P=%.3f R=%.3f F1=%.3f (flagged and filed %d, flagged and left %d, filed but not flagged %d)", p, r, f, a.tp, a.fp, a.fn)
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func writeDecisionReport(w io.Writer, ds []store.CandidateDecision, days int, name string, o extract.Options) {
	filed, articles := 0, map[int64]bool{}
	var atImport, now agreement
	for _, d := range ds {
		articles[d.ArticleID] = true
		if d.Filed {
			filed++
		}
		atImport.add(d.Checkworthy, d.Filed)
		now.add(o.Score(d.Sentence) > extract.DefaultThreshold, d.Filed)
	}
	fmt.Fprintf(w, "decisions of the last %d days: %d candidates of %d articles, %d filed, %d left\n", days, len(ds), len(articles), filed, len(ds)-filed)
	if len(ds) == 0 {
		return
	}
	fmt.Fprintf(w, "flag shown at import: %s\n", atImport)
	fmt.Fprintf(w, "%s: %s\n", name, now)
}
