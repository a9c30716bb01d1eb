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
	"github.com/factdesk/factdesk/extract/train"
	"github.com/factdesk/factdesk/learn"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
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

func writeDecisionReport(w io.Writer, ds []store.CandidateDecision, days int, name string, o extract.Options) {
	filed, articles := 0, map[int64]bool{}
	var atImport workflow.Agreement
	for _, d := range ds {
		articles[d.ArticleID] = true
		if d.Filed {
			filed++
		}
		atImport.Add(d.Checkworthy, d.Filed)
	}
	now := workflow.Measure(o, ds)
	fmt.Fprintf(w, "decisions of the last %d days: %d candidates of %d articles, %d filed, %d left\n", days, len(ds), len(articles), filed, len(ds)-filed)
	if len(ds) == 0 {
		return
	}
	fmt.Fprintf(w, "flag shown at import: %s\n", atImport)
	fmt.Fprintf(w, "%s: %s\n", name, now)
}

const versionsUsage = "usage: factdesk model register --version V FILE | activate VERSION|shipped | versions"

// modelVersionsCmd stores a trained model as an inactive version together
// with its P/R on the desk's recent decisions, switches a version on, or
// lists them. Servers notice a switch at their next import.
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
		if err := st.WithTx(ctx, func(tx *store.Tx) error {
			return tx.SaveModelVersion(ctx, store.NewModelVersion{Version: *version, Model: raw, Report: rep.String()})
		}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "stored model %s (inactive)\n%s", *version, rep.String())
		fmt.Fprintf(stdout, "switch it on with: factdesk model activate %s\n", *version)
		return nil
	case "activate":
		// "shipped" goes back to the model in the binary.
		if len(args) != 1 {
			return fmt.Errorf("%s", versionsUsage)
		}
		st, err := openStore(ctx, cfg, true)
		if err != nil {
			return err
		}
		defer st.Close()
		v := args[0]
		if v == "shipped" {
			v = ""
		}
		if err := st.WithTx(ctx, func(tx *store.Tx) error { return tx.ActivateModelVersion(ctx, v, nil) }); err != nil {
			return err
		}
		name := "model " + v
		if v == "" {
			name = "the shipped model"
		}
		fmt.Fprintf(stdout, "%s is active; every server uses it from its next import\n", name)
		return nil
	case "versions":
		st, err := openStore(ctx, cfg, true)
		if err != nil {
			return err
		}
		defer st.Close()
		vs, err := st.ModelVersions(ctx, 0)
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

const deskTrainUsage = "usage: factdesk model train --desk [--corpora] [--data DIR] [--hold-out 0.2] [--version V]"

// deskTrainCmd trains a model on the desk's candidate decisions (and the
// public corpora with --corpora), measures it and the active model on the
// newest decisions it did not learn from, and stores it inactive.
func deskTrainCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("model train --desk", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Bool("desk", true, "train on the desk's decisions")
	corpora := fs.Bool("corpora", false, "learn from the public corpora too")
	data := fs.String("data", "", "folder holding checkworthiness/ (with --corpora)")
	var opts learn.Options
	fs.Float64Var(&opts.HoldOut, "hold-out", learn.DefaultHoldOut, "share of the newest decisions measured on, not learned from")
	fs.StringVar(&opts.Version, "version", "", "name of the stored model (default desk-<UTC time>)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || opts.HoldOut <= 0 || opts.HoldOut >= 1 {
		return fmt.Errorf("%s", deskTrainUsage)
	}
	if *corpora {
		dir, err := train.DataDir(*data)
		if err != nil {
			return err
		}
		opts.Data = dir
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
	res, err := learn.TrainDesk(ctx, st, workflow.NewEngine(st), opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "stored model %s (inactive)\n%s", res.Version, res.Report)
	fmt.Fprintf(stdout, "compare and switch it on at /admin/models, or: factdesk model activate %s\n", res.Version)
	return nil
}
