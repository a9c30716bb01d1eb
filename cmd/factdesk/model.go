package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/extract/train"
	"github.com/factdesk/factdesk/internal/cputime"
	"github.com/factdesk/factdesk/learn"
	"github.com/factdesk/factdesk/migrations"
	"github.com/factdesk/factdesk/store"
)

const modelUsage = `usage:
  factdesk model eval  [--data DIR] [--fixtures DIR] [--retrieval]  ClaimBuster dev and 5-fold CV F1, CLEF-2019 MAP, with baselines;
                                                                 extraction speed; --retrieval: CLEF-2020 task 2 dev MAP@5
                                                                 through the similar-claim SQL, in $FACTDESK_EVAL_DATABASE_URL
                                                                 (default: DATABASE_URL's database + "_eval", created and kept)
  factdesk model train [--data DIR] [--fixtures DIR] --out FILE  train the check-worthiness model and write it
  factdesk model train --desk [--corpora] [--hold-out 0.2]       train on the checkers' filed/left candidates; store it inactive
  factdesk model decisions [--days N] [--model FILE]             P/R of a model on the checkers' filed/left candidates
  factdesk model register --version V FILE                        store a trained model, inactive, with its P/R on the desk
  factdesk model activate VERSION|shipped | versions              switch a stored model on | list them

--data defaults to $FACTDESK_DATA_DIR, else the nearest shared/data above the working directory.
--fixtures defaults to extract/testdata/articles when run from the repository.`

// modelCmd trains and measures the check-worthiness model, which needs no
// database; "decisions" reads the desk's own labels from it.
func modelCmd(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "decisions" {
		return decisionsCmd(ctx, args[1:], os.Stdout)
	}
	if len(args) > 0 && args[0] == "train" && slices.ContainsFunc(args[1:], func(a string) bool { return a == "--desk" || a == "-desk" }) {
		return deskTrainCmd(ctx, args[1:], os.Stdout)
	}
	if len(args) > 0 && (args[0] == "register" || args[0] == "activate" || args[0] == "versions") {
		return modelVersionsCmd(ctx, args[0], args[1:], os.Stdout)
	}
	return runModel(args, os.Stdout, os.Stderr)
}

func runModel(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "train" && args[0] != "eval") {
		return fmt.Errorf("%s", modelUsage)
	}
	fs := flag.NewFlagSet("model "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", "", "folder holding checkworthiness/")
	fixtures := fs.String("fixtures", "", "labelled articles to train on as well")
	out := fs.String("out", "", "model file to write (train)")
	quiet := fs.Bool("quiet", false, "no progress lines")
	retrieval := fs.Bool("retrieval", false, "also measure claim retrieval through the real SQL (eval; needs PostgreSQL)")
	t := train.NewTrainer()
	fs.IntVar(&t.Params.Epochs, "epochs", t.Params.Epochs, "passes over the data")
	fs.Float64Var(&t.Params.Rate, "rate", t.Params.Rate, "AdaGrad learning rate")
	fs.Float64Var(&t.Params.L2, "l2", t.Params.L2, "ridge penalty")
	fs.Float64Var(&t.Params.PositiveWeight, "positive-weight", t.Params.PositiveWeight, "loss weight of check-worthy sentences")
	fs.IntVar(&t.Features.HashBits, "hash-bits", t.Features.HashBits, "log2 of the weight table size")
	fs.IntVar(&t.Features.WordNgrams, "word-ngrams", t.Features.WordNgrams, "1 or 2")
	fs.IntVar(&t.Features.CharMin, "char-min", t.Features.CharMin, "shortest character n-gram")
	fs.IntVar(&t.Features.CharMax, "char-max", t.Features.CharMax, "longest character n-gram (0: none)")
	fs.Float64Var(&t.Params.CLEFWeight, "clef-weight", t.Params.CLEFWeight, "loss weight of CLEF-2019 lines")
	fs.Float64Var(&t.Params.CLEFNegativeWeight, "clef-negative-weight", t.Params.CLEFNegativeWeight, "extra loss weight of CLEF-2019 lines not checked")
	fs.StringVar(&t.Only, "only", "", "claimbuster, cv or clef: a quick tuning run of the model alone")
	fs.IntVar(&t.Partitions, "partitions", 1, "repeat the model's cross-validation over this many assignments to folds")
	fs.BoolVar(&t.Features.Cues, "cues", t.Features.Cues, "use the rule cues as features")
	fs.Float64Var(&t.Params.NBAlpha, "nb-alpha", t.Params.NBAlpha, "naive Bayes log-count ratio scaling, smoothed by this (0: off)")
	fs.IntVar(&t.Features.Vectors, "vectors", t.Features.Vectors, "word-vector features: 0 none, 1 SIF mean, 2 mean and max")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("model %s: %w\n%s", args[0], err, modelUsage)
	}
	if args[0] == "train" && *out == "" {
		return fmt.Errorf("model train: --out FILE is required\n%s", modelUsage)
	}
	dir, err := train.DataDir(*data)
	if err != nil {
		return err
	}
	fix := *fixtures
	if fix == "" {
		if _, err := os.Stat(filepath.Join("extract", "testdata", "articles")); err == nil {
			fix = filepath.Join("extract", "testdata", "articles")
		}
	}
	d, err := train.Load(dir, fix)
	if err != nil {
		return err
	}
	var progress io.Writer = stderr
	if *quiet {
		progress = nil
	}
	fmt.Fprintf(stdout, "data: %s (%d ClaimBuster, %d CLEF-2019 lines, %d fixture sentences)\n", dir, len(d.ClaimBuster), len(d.CLEF), len(d.Fixtures))
	report, err := t.Evaluate(d, progress)
	if err != nil {
		return err
	}
	report.WriteReport(stdout)
	if args[0] == "eval" {
		writeExtractionSpeed(stdout, d)
		if *retrieval {
			return evalRetrieval(context.Background(), stdout, dir)
		}
		return nil
	}
	m, err := t.Build(d, report)
	if err != nil {
		return err
	}
	b, err := m.MarshalJSON()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("model train: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes, threshold %.4f)\n", *out, len(b)+1, m.Info.Threshold)
	return nil
}

// writeExtractionSpeed times extract.Candidates over the CLEF-2019
// transcripts, one paragraph per speaker turn, in CPU time of this process,
// which a busy machine does not inflate.
func writeExtractionSpeed(w io.Writer, d train.Data) {
	var b strings.Builder
	prev := ""
	for _, e := range d.CLEF {
		if e.Doc != prev {
			b.WriteString("\n\n")
			prev = e.Doc
		}
		b.WriteString(e.Text)
		b.WriteByte(' ')
	}
	text := b.String()
	c0 := cputime.Self()
	n := 0
	for i := 0; i < 3; i++ {
		n += len(extract.Candidates(text))
	}
	cpu := cputime.Self() - c0
	if cpu <= 0 {
		return
	}
	mb := float64(3*len(text)) / (1 << 20)
	fmt.Fprintf(w, "Extraction: %.1f MB/s of process CPU time (target >= 2), %d sentences of %.1f MB of transcripts\n", mb/cpu.Seconds(), n/3, mb/3)
}

// evalRetrieval loads the verified claims into the evaluation database
// (once) and runs the dev tweets through the similar-claim lookup.
func evalRetrieval(ctx context.Context, w io.Writer, dataDir string) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	dsn := os.Getenv("FACTDESK_EVAL_DATABASE_URL")
	if dsn == "" {
		u, err := url.Parse(cfg.DatabaseURL)
		if err != nil {
			return fmt.Errorf("DATABASE_URL: %w", err)
		}
		u.Path += "_eval"
		dsn = u.String()
	}
	if _, err := store.EnsureDatabase(ctx, dsn); err != nil {
		return err
	}
	mig, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	_, err = migrations.Up(ctx, mig.SQL())
	mig.Close()
	if err != nil {
		return err
	}
	// One connection: its server process's CPU time is what a lookup costs
	// in PostgreSQL.
	st, err := store.Open(ctx, dsn, store.Options{MaxConns: 1})
	if err != nil {
		return err
	}
	defer st.Close()
	vc, err := learn.LoadVerifiedClaims(ctx, st, dataDir)
	if err != nil {
		return err
	}
	r, err := learn.EvalRetrieval(ctx, st, vc, dataDir, "dev")
	if err != nil {
		return err
	}
	r.Write(w)
	fmt.Fprintf(w, "  (database %s kept for the next run)\n", store.Redact(dsn))
	return nil
}
