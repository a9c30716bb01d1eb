package workflow

import (
	"context"
	"fmt"
	"time"

	"github.com/factdesk/factdesk/extract"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// loadedModel is the check-worthiness model an engine extracts with, and
// the stored version it came from ("" for the model in the binary).
type loadedModel struct {
	version string
	opts    extract.Options
}

// UseActiveModel loads the desk's active check-worthiness model and says
// which version it is; "" is the model shipped in the binary. Imports call
// it too, so the log line at start-up is all it is needed for.
func (e *Engine) UseActiveModel(ctx context.Context) (string, error) {
	m, err := e.activeModel(ctx)
	if err != nil {
		return "", err
	}
	return m.version, nil
}

// activeModel returns the model imports use. It asks the database which
// version is active (one indexed row) and reloads the model only when that
// changed, so a switch made from any process, the dashboard or the command
// line, is used by the next import everywhere.
func (e *Engine) activeModel(ctx context.Context) (*loadedModel, error) {
	v, err := e.store.ActiveModelVersion(ctx)
	if err != nil {
		return nil, err
	}
	if cur := e.model.Load(); cur != nil && cur.version == v {
		return cur, nil
	}
	m := &loadedModel{version: v}
	if v != "" {
		mv, err := e.store.ModelVersion(ctx, v)
		if err != nil {
			return nil, err
		}
		lm, err := extract.LoadModel(mv.Model)
		if err != nil {
			return nil, fmt.Errorf("workflow: active model %q: %w", v, err)
		}
		m.opts = extract.Options{Model: lm}
	}
	e.model.Store(m)
	return m, nil
}

// ActivateModel switches the stored model version on for every import of
// the desk, or with version "" goes back to the model in the binary:
// admins. The switch and its record (who, from which model) are one
// transaction.
func (e *Engine) ActivateModel(ctx context.Context, actor *models.User, version string) error {
	if err := CanDo(actor, nil, ManageModels); err != nil {
		return err
	}
	return e.store.WithTx(ctx, func(tx *store.Tx) error { return tx.ActivateModelVersion(ctx, version, &actor.ID) })
}

// Agreement counts a model's check-worthy flag against the checkers'
// decisions: flagged and filed, flagged and left, filed but not flagged.
type Agreement struct{ TP, FP, FN, TN int }

// Add counts one decision.
func (a *Agreement) Add(flagged, filed bool) {
	switch {
	case flagged && filed:
		a.TP++
	case flagged:
		a.FP++
	case filed:
		a.FN++
	default:
		a.TN++
	}
}

// Total is the number of decisions counted.
func (a Agreement) Total() int { return a.TP + a.FP + a.FN + a.TN }

// P is the share of flagged candidates that were filed.
func (a Agreement) P() float64 { return ratio(a.TP, a.TP+a.FP) }

// R is the share of filed candidates that were flagged.
func (a Agreement) R() float64 { return ratio(a.TP, a.TP+a.FN) }

// F1 is the harmonic mean of P and R.
func (a Agreement) F1() float64 {
	p, r := a.P(), a.R()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func (a Agreement) String() string {
	return fmt.Sprintf("P=%.3f R=%.3f F1=%.3f (flagged and filed %d, flagged and left %d, filed but not flagged %d)", a.P(), a.R(), a.F1(), a.TP, a.FP, a.FN)
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// Measure scores every decided sentence with o and counts its flag against
// what the checker did.
func Measure(o extract.Options, ds []store.CandidateDecision) Agreement {
	var a Agreement
	for _, d := range ds {
		a.Add(o.Score(d.Sentence) > extract.DefaultThreshold, d.Filed)
	}
	return a
}

// After keeps the decisions made after t (all when t is nil): the ones a
// model trained until t has not seen.
func After(ds []store.CandidateDecision, t *time.Time) []store.CandidateDecision {
	if t == nil {
		return ds
	}
	var out []store.CandidateDecision
	for _, d := range ds {
		if d.DecidedAt.After(*t) {
			out = append(out, d)
		}
	}
	return out
}

// ModelWindow is how far back the admin page reads decisions.
const ModelWindow = 90 * 24 * time.Hour

// modelsShown is how many stored versions the admin page compares.
const modelsShown = 10

// ModelsView is the admin page of check-worthiness models: every stored
// version measured against the active one on the desk's recent decisions
// that neither has learned from.
type ModelsView struct {
	// Active names the model in use; "" is the model in the binary.
	Active string
	// Rows are the stored versions, newest first, then the shipped model.
	Rows []ModelRow
	// Decisions is how many decisions of the window were read.
	Decisions   int
	Activations []store.ModelActivation
}

// ModelRow is one model and how it and the active model flag the
// decisions held out from both.
type ModelRow struct {
	Version      string // "" for the model in the binary
	CreatedAt    *time.Time
	TrainedUntil *time.Time
	Learned      int // desk decisions it learned from
	Active       bool
	// HeldOut is how many decisions both models are measured on.
	HeldOut int
	// Model and Current are this model's and the active model's
	// agreement with the checkers on those decisions.
	Model, Current Agreement
	Report         string
}

// Models measures the stored check-worthiness models: admins.
func (e *Engine) Models(ctx context.Context, actor *models.User) (*ModelsView, error) {
	if err := CanDo(actor, nil, ManageModels); err != nil {
		return nil, err
	}
	active, err := e.activeModel(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := e.store.CandidateDecisions(ctx, e.now().Add(-ModelWindow))
	if err != nil {
		return nil, err
	}
	vs, err := e.store.ModelVersions(ctx, modelsShown)
	if err != nil {
		return nil, err
	}
	acts, err := e.store.ModelActivations(ctx, 10)
	if err != nil {
		return nil, err
	}
	view := &ModelsView{Active: active.version, Decisions: len(ds), Activations: acts}
	var activeUntil *time.Time
	for _, v := range vs {
		if v.Active {
			activeUntil = v.TrainedUntil
		}
	}
	rows := make([]ModelRow, 0, len(vs)+1)
	for _, v := range vs {
		r := ModelRow{Version: v.Version, CreatedAt: &v.CreatedAt, TrainedUntil: v.TrainedUntil, Learned: v.Decisions, Active: v.Active, Report: v.Report}
		held := After(After(ds, v.TrainedUntil), activeUntil)
		r.HeldOut = len(held)
		r.Current = Measure(active.opts, held)
		if v.Active {
			r.Model = r.Current
		} else {
			mv, err := e.store.ModelVersion(ctx, v.Version)
			if err != nil {
				return nil, err
			}
			m, err := extract.LoadModel(mv.Model)
			if err != nil {
				return nil, fmt.Errorf("workflow: model %q: %w", v.Version, err)
			}
			r.Model = Measure(extract.Options{Model: m}, held)
		}
		rows = append(rows, r)
	}
	shipped := ModelRow{Active: active.version == ""}
	held := After(ds, activeUntil)
	shipped.HeldOut = len(held)
	shipped.Current = Measure(active.opts, held)
	shipped.Model = Measure(extract.Options{}, held)
	view.Rows = append(rows, shipped)
	return view, nil
}

// ActiveExtractor returns the active model's version ("" for the shipped
// one) and the extraction options that use it.
func (e *Engine) ActiveExtractor(ctx context.Context) (string, extract.Options, error) {
	m, err := e.activeModel(ctx)
	if err != nil {
		return "", extract.Options{}, err
	}
	return m.version, m.opts, nil
}
