// Package learn keeps the desk's claim intelligence learning from the
// desk's own data: it retrains the check-worthiness model on the
// candidates checkers filed and left (factdesk model train --desk, and a
// periodic job when enough new decisions have come in), storing each new
// model inactive with how it and the active model did on the newest
// decisions, which neither learned from; and it recounts the lexemes of
// the claims for the similar-claim search. An admin switches a model on
// (workflow.Engine.ActivateModel); nothing here does.
package learn

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/extract/train"
	"github.com/factdesk/factdesk/jobs"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/workflow"
)

// Queue is the job queue of retraining and recounting.
const Queue = "learn"

// Defaults of Config.
const (
	DefaultHoldOut         = 0.2
	DefaultMinNewDecisions = 200
	DefaultLexemesEvery    = time.Hour
)

// Config sets how the desk learns.
type Config struct {
	// RetrainEvery is how often the job looks for new decisions; zero
	// turns retraining off (FACTDESK_RETRAIN_EVERY).
	RetrainEvery time.Duration
	// MinNewDecisions is how many decisions must have been made since the
	// newest desk model was trained before another is trained
	// (FACTDESK_RETRAIN_MIN_DECISIONS).
	MinNewDecisions int
	// LexemesEvery is how often the claims' lexemes are recounted for the
	// similar-claim search; zero is DefaultLexemesEvery, negative off.
	LexemesEvery time.Duration
	// Train sets one training run.
	Train Options
}

// Options set one training run.
type Options struct {
	// HoldOut is the share of the newest decisions measured on and not
	// learned from; zero is DefaultHoldOut.
	HoldOut float64
	// Data, when set, is the folder of the public corpora
	// (../shared/data), learned from together with the desk's decisions.
	Data string
	// Version names the stored model; "" is desk-<UTC time>.
	Version string
	// CreatedBy is the user who asked, nil for the command line and jobs.
	CreatedBy *int64
}

// Result is what a training run stored and measured.
type Result struct {
	Version          string
	Learned, HeldOut int
	// Model and Current are the new model's and the active model's
	// agreement with the checkers on the held-out decisions.
	Model, Current Agreement
	ActiveVersion  string
	Report         string
}

// Agreement is workflow.Agreement.
type Agreement = workflow.Agreement

// MinLearn is the fewest decisions a model learns from.
const MinLearn = 10

// ErrTooFew says the desk has not decided enough to learn from.
var ErrTooFew = fmt.Errorf("learn: too few decisions to learn from: at least %d, filed and left, must come before the held-out ones", MinLearn)

// TrainDesk trains a check-worthiness model on all of the desk's decisions
// but the newest HoldOut share (plus the public corpora when opts.Data is
// set), measures it and the active model on that share, and stores it as
// an inactive version with the report.
func TrainDesk(ctx context.Context, st *store.Store, e *workflow.Engine, opts Options) (*Result, error) {
	ds, err := st.CandidateDecisions(ctx, time.Time{})
	if err != nil {
		return nil, err
	}
	all := make([]train.DeskDecision, len(ds))
	for i, d := range ds {
		all[i] = train.DeskDecision{Article: d.ArticleID, Sentence: d.Sentence, Filed: d.Filed, DecidedAt: d.DecidedAt}
	}
	share := opts.HoldOut
	if share <= 0 || share >= 1 {
		share = DefaultHoldOut
	}
	learnFrom, held := train.DeskSplit(all, share)
	filed := 0
	for _, d := range learnFrom {
		if d.Filed {
			filed++
		}
	}
	if len(learnFrom) < MinLearn || filed == 0 || filed == len(learnFrom) || len(held) == 0 {
		return nil, ErrTooFew
	}
	var base train.Data
	if opts.Data != "" {
		if base, err = train.Load(opts.Data, ""); err != nil {
			return nil, err
		}
	}
	m, err := train.NewTrainer().BuildDesk(learnFrom, base)
	if err != nil {
		return nil, err
	}
	until := learnFrom[len(learnFrom)-1].DecidedAt
	heldDs := ds[len(learnFrom):]
	activeVersion, activeOpts, err := e.ActiveExtractor(ctx)
	if err != nil {
		return nil, err
	}
	res := &Result{Version: opts.Version, Learned: len(learnFrom), HeldOut: len(held), ActiveVersion: activeVersion,
		Model: workflow.Measure(extract.Options{Model: m}, heldDs), Current: workflow.Measure(activeOpts, heldDs)}
	if res.Version == "" {
		res.Version = "desk-" + time.Now().UTC().Format("20060102-150405.000")
	}
	if activeVersion == "" {
		activeVersion = "the shipped model"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "learned from %d decisions up to %s", len(learnFrom), until.UTC().Format(time.RFC3339))
	if opts.Data != "" {
		fmt.Fprintf(&b, " and the public corpora (%d ClaimBuster, %d CLEF-2019 lines)", len(base.ClaimBuster), len(base.CLEF))
	}
	fmt.Fprintf(&b, "\nheld out the newest %d decisions:\n  this model: %s\n  active (%s): %s\n", len(held), res.Model, activeVersion, res.Current)
	res.Report = b.String()
	raw, err := m.MarshalJSON()
	if err != nil {
		return nil, err
	}
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		return tx.SaveModelVersion(ctx, store.NewModelVersion{Version: res.Version, Model: raw, Report: res.Report,
			TrainedUntil: &until, Decisions: len(learnFrom), CreatedBy: opts.CreatedBy})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Learner runs the periodic jobs.
type Learner struct {
	store  *store.Store
	engine *workflow.Engine
	cfg    Config
	log    *slog.Logger
}

// New returns a learner over st.
func New(st *store.Store, e *workflow.Engine, cfg Config, log *slog.Logger) *Learner {
	if log == nil {
		log = slog.Default()
	}
	if cfg.MinNewDecisions <= 0 {
		cfg.MinNewDecisions = DefaultMinNewDecisions
	}
	return &Learner{store: st, engine: e, cfg: cfg, log: log}
}

// Register adds the jobs to j: the lexeme recount (unless turned off) and
// retraining (when RetrainEvery is set). River's leader inserts periodic
// jobs, so one process does each for the cluster.
func (l *Learner) Register(j *jobs.Client) error {
	lex := l.cfg.LexemesEvery
	if lex == 0 {
		lex = DefaultLexemesEvery
	}
	if lex < 0 && l.cfg.RetrainEvery <= 0 {
		return nil
	}
	j.AddQueue(Queue, 1)
	if lex > 0 {
		if err := river.AddWorkerSafely(j.Workers(), &lexemesWorker{l: l}); err != nil {
			return fmt.Errorf("learn: register the lexeme worker: %w", err)
		}
		j.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(lex),
			func() (river.JobArgs, *river.InsertOpts) { return LexemesArgs{}, nil },
			&river.PeriodicJobOpts{ID: "learn_lexemes", RunOnStart: true}))
	}
	if l.cfg.RetrainEvery > 0 {
		j.AllowJobTimeout(retrainTimeout)
		if err := river.AddWorkerSafely(j.Workers(), &retrainWorker{l: l}); err != nil {
			return fmt.Errorf("learn: register the retrain worker: %w", err)
		}
		j.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(l.cfg.RetrainEvery),
			func() (river.JobArgs, *river.InsertOpts) { return RetrainArgs{}, nil },
			&river.PeriodicJobOpts{ID: "learn_retrain"}))
	}
	return nil
}

// Retrain trains a new desk model when at least MinNewDecisions decisions
// came after the newest one's training; it returns nil, nil when not.
func (l *Learner) Retrain(ctx context.Context) (*Result, error) {
	since, err := l.store.LatestTrainedUntil(ctx)
	if err != nil {
		return nil, err
	}
	n, err := l.store.DecisionsSince(ctx, since)
	if err != nil {
		return nil, err
	}
	if n < int64(l.cfg.MinNewDecisions) {
		return nil, nil
	}
	res, err := TrainDesk(ctx, l.store, l.engine, l.cfg.Train)
	if err == ErrTooFew {
		return nil, nil
	}
	return res, err
}

// uniqueWhileQueued makes a run queued or running make another pointless.
func uniqueWhileQueued() river.InsertOpts {
	return river.InsertOpts{
		Queue:       Queue,
		MaxAttempts: 3,
		UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled,
		}},
	}
}

// RetrainArgs is the retraining job.
type RetrainArgs struct{}

// Kind names the job in river_job.
func (RetrainArgs) Kind() string { return "learn_retrain" }

// InsertOpts: one at a time, on the learn queue.
func (RetrainArgs) InsertOpts() river.InsertOpts { return uniqueWhileQueued() }

// LexemesArgs is the lexeme recount job.
type LexemesArgs struct{}

// Kind names the job in river_job.
func (LexemesArgs) Kind() string { return "learn_lexemes" }

// InsertOpts: one at a time, on the learn queue.
func (LexemesArgs) InsertOpts() river.InsertOpts { return uniqueWhileQueued() }

type retrainWorker struct {
	river.WorkerDefaults[RetrainArgs]
	l *Learner
}

func (w *retrainWorker) Work(ctx context.Context, _ *river.Job[RetrainArgs]) error {
	res, err := w.l.Retrain(ctx)
	if err != nil || res == nil {
		return err
	}
	w.l.log.InfoContext(ctx, "trained a check-worthiness model on the desk's decisions; an admin can switch it on at /admin/models",
		slog.String("version", res.Version), slog.Int("learned", res.Learned), slog.Int("held_out", res.HeldOut),
		slog.Float64("f1", res.Model.F1()), slog.Float64("active_f1", res.Current.F1()))
	return nil
}

// Timeout: training on the public corpora takes a minute or two.
func (w *retrainWorker) Timeout(*river.Job[RetrainArgs]) time.Duration { return retrainTimeout }

const retrainTimeout = 30 * time.Minute

type lexemesWorker struct {
	river.WorkerDefaults[LexemesArgs]
	l *Learner
}

func (w *lexemesWorker) Work(ctx context.Context, _ *river.Job[LexemesArgs]) error {
	return w.l.store.RefreshLexemeStats(ctx)
}
