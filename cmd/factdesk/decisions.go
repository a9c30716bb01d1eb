package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
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

const versionsUsage = "usage: factdesk model register --version V FILE | activate VERSION | versions"

// modelVersionsCmd stores a trained model as an inactive version together
// with its P/R on the desk's recent decisions, switches a version on, or
// lists them. A switch takes effect when the server next starts.
func modelVersionsCmd(ctx context.Context, verb string, args []string, stdout io.Writer) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	switch verb {
	case "register":
		fs := flag.NewFlagSet("model register", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		version := fs.String("version", "", "name of the version")
		if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *version == "" {
			return fmt.Errorf("%s", versionsUsage)
		}
		raw, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return err
		}
		m, err := extract.LoadModel(raw)
		if err != nil {
			return err
		}
		st, err := openStore(ctx, cfg, true)
		if err != nil {
			return err
		}
		defer st.Close()
		ds, err := st.CandidateDecisions(ctx, time.Now().AddDate(0, 0, -90))
		if err != nil {
			return err
		}
		var rep strings.Builder
		writeDecisionReport(&rep, ds, 90, *version, extract.Options{Model: m})
		if err := st.WithTx(ctx, func(tx *store.Tx) error { return tx.SaveModelVersion(ctx, *version, raw, rep.String()) }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "stored model %s (inactive)\n%s", *version, rep.String())
		fmt.Fprintf(stdout, "switch it on with: factdesk model activate %s\n", *version)
		return nil
	case "activate":
		if len(args) != 1 {
			return fmt.Errorf("%s", versionsUsage)
		}
		st, err := openStore(ctx, cfg, true)
		if err != nil {
			return err
		}
		defer st.Close()
		if err := st.WithTx(ctx, func(tx *store.Tx) error { return tx.ActivateModelVersion(ctx, args[0]) }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "model %s is active; servers load it when they next start\n", args[0])
		return nil
	case "versions":
		st, err := openStore(ctx, cfg, true)
		if err != nil {
			return err
		}
		defer st.Close()
		vs, err := st.ModelVersions(ctx)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			fmt.Fprintln(stdout, "no stored models; imports use the model in the binary")
		}
		for _, v := range vs {
			state := "inactive"
			if v.Active {
				state = "ACTIVE"
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\n%s", v.Version, state, v.CreatedAt.Format(time.RFC3339), v.Report)
		}
		return nil
	}
	return fmt.Errorf("%s", versionsUsage)
}
