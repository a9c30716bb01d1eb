package extract

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sync"
)

// Model is a logistic-regression check-worthiness model over hashed word
// and character n-grams, the rule cues and the sentence's mean word
// vector, fitted on naive-Bayes-scaled features (train.Params.NBAlpha)
// with the scaling folded into the weights. It is pure data: scoring a
// sentence is one pass over its features and a weight lookup per feature.
type Model struct {
	Info    ModelInfo
	weights []float32
}

// ModelInfo describes a model: how to read sentences for it, what it was
// trained on, whose data that is, and how well it did on held-out data.
// It is stored with the weights in one JSON file.
type ModelInfo struct {
	Name     string        `json:"name"`
	Features FeatureConfig `json:"features"`
	// Bias is the intercept, shifted so that the tuned decision threshold
	// maps to a score of DefaultThreshold (0.5).
	Bias float64 `json:"bias"`
	// Threshold is the probability, before that shift, above which a
	// sentence is check-worthy; it was chosen on out-of-fold predictions on
	// the training data.
	Threshold float64 `json:"threshold"`
	// Training lists the corpora and how many sentences each gave.
	Training []string `json:"training"`
	// Attribution must ship with the model: the data's authors and terms.
	Attribution string `json:"attribution"`
	// Metrics are measured on the dev splits (see factdesk model eval).
	Metrics map[string]float64 `json:"metrics"`
	// Train records the optimiser settings, for retraining the same model.
	Train map[string]float64 `json:"train"`
}

// modelFile is the JSON form: the info and the weights, quantised to int16
// with one scale and gzipped, which keeps the embedded file small.
type modelFile struct {
	ModelInfo
	Scale   float64 `json:"scale"`
	Weights []byte  `json:"weights"`
}

// NewModel wraps trained weights; len(weights) must be info.Features.Dims().
func NewModel(info ModelInfo, weights []float32) (*Model, error) {
	if info.Features.HashBits < 8 || info.Features.HashBits > 26 || info.Features.Vectors < 0 || info.Features.Vectors > 2 ||
		len(weights) != info.Features.Dims() {
		return nil, fmt.Errorf("extract: model has %d weights for %d hash bits", len(weights), info.Features.HashBits)
	}
	return &Model{Info: info, weights: weights}, nil
}

// Weights returns the model's weight table; callers must not change it.
func (m *Model) Weights() []float32 { return m.weights }

// MarshalJSON writes the model file format that LoadModel reads.
func (m *Model) MarshalJSON() ([]byte, error) {
	maxAbs := 0.0
	for _, w := range m.weights {
		maxAbs = max(maxAbs, math.Abs(float64(w)))
	}
	scale := maxAbs / math.MaxInt16
	if scale == 0 {
		scale = 1
	}
	raw := make([]byte, 2*len(m.weights))
	for i, w := range m.weights {
		binary.LittleEndian.PutUint16(raw[2*i:], uint16(int16(math.Round(float64(w)/scale))))
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return json.MarshalIndent(modelFile{ModelInfo: m.Info, Scale: scale, Weights: buf.Bytes()}, "", "  ")
}

// LoadModel reads a model file written by MarshalJSON (factdesk model train).
func LoadModel(data []byte) (*Model, error) {
	var f modelFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("extract: read model: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(f.Weights))
	if err != nil {
		return nil, fmt.Errorf("extract: read model weights: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("extract: read model weights: %w", err)
	}
	w := make([]float32, len(raw)/2)
	for i := range w {
		w[i] = float32(float64(int16(binary.LittleEndian.Uint16(raw[2*i:]))) * f.Scale)
	}
	return NewModel(f.ModelInfo, w)
}

// Score is the model's probability-like score for a feature vector, shifted
// so that DefaultThreshold separates check-worthy from not.
func (m *Model) Score(fs []Feature) float64 {
	x := m.Info.Bias
	for _, f := range fs {
		x += float64(m.weights[f.Index] * f.Value)
	}
	return 1 / (1 + math.Exp(-x))
}

//go:embed model/checkworthy.json
var defaultModelJSON []byte

// DefaultModel returns the model shipped in the binary, decoded on first use.
var DefaultModel = sync.OnceValue(func() *Model {
	m, err := LoadModel(defaultModelJSON)
	if err != nil {
		panic("extract: the embedded model is unreadable: " + err.Error())
	}
	return m
})
