package workflow

import (
	"context"
	"fmt"

	"github.com/factdesk/factdesk/extract"
)

// UseActiveModel loads the desk's active check-worthiness model from the
// database for the article imports of this engine, and says which version
// it is; with none active (""), imports keep the model shipped in the
// binary. Call it during wiring, before serving.
func (e *Engine) UseActiveModel(ctx context.Context) (string, error) {
	version, raw, err := e.store.ActiveModel(ctx)
	if err != nil || raw == nil {
		return "", err
	}
	m, err := extract.LoadModel(raw)
	if err != nil {
		return "", fmt.Errorf("workflow: active model %q: %w", version, err)
	}
	e.extractor = extract.Options{Model: m}
	return version, nil
}
