package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/extract"
)

const extractSample = "Unemployment fell to 3.5 percent in March, the statistics office said. I think the weather was lovely."

func TestExtractJSON(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := runExtract([]string{"--format", "json", "-"}, strings.NewReader(extractSample), &out); err != nil {
		t.Fatalf("extract --format json -: %v", err)
	}
	// The document is one object with one key, candidates, in text order.
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc) != 1 || doc["candidates"] == nil {
		t.Fatalf("extract JSON = %s (%v), want {\"candidates\": [...]}", out.Bytes(), err)
	}
	var got struct {
		Candidates []map[string]any `json:"candidates"`
	}
	json.Unmarshal(out.Bytes(), &got)
	if len(got.Candidates) != 2 {
		t.Fatalf("candidates = %d, want 2:\n%s", len(got.Candidates), out.Bytes())
	}
	for _, k := range []string{"text", "start", "end", "score", "checkworthy", "type", "claimant", "cues"} {
		if _, ok := got.Candidates[0][k]; !ok {
			t.Errorf("candidate JSON lacks %q: %v", k, got.Candidates[0])
		}
	}
	first, second := got.Candidates[0], got.Candidates[1]
	if first["start"] != float64(0) || first["checkworthy"] != true || second["checkworthy"] != false ||
		second["start"].(float64) < first["end"].(float64) {
		t.Errorf("candidates = %v, want the check-worthy sentence first, then the opinion", got.Candidates)
	}
	// The JSON is exactly what the extract package produces.
	var typed struct {
		Candidates []extract.Candidate `json:"candidates"`
	}
	json.Unmarshal(out.Bytes(), &typed)
	want := extract.Candidates(extractSample)
	for i := range want {
		if typed.Candidates[i].Text != want[i].Text || typed.Candidates[i].Score != want[i].Score {
			t.Errorf("candidate %d = %+v, want %+v", i, typed.Candidates[i], want[i])
		}
	}
}

func TestExtractTextFromFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "article.txt")
	if err := os.WriteFile(file, []byte(extractSample), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runExtract([]string{file}, strings.NewReader("ignored"), &out); err != nil {
		t.Fatalf("extract FILE: %v", err)
	}
	var want bytes.Buffer
	extract.WriteText(&want, extract.Candidates(extractSample))
	if out.String() != want.String() {
		t.Errorf("extract FILE (text is the default) =\n%s\nwant\n%s", out.String(), want.String())
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.HasPrefix(lines[0], "* ") || !strings.Contains(out.String(), "\n- ") {
		t.Errorf("text output does not mark check-worthy (*) and other (-) sentences:\n%s", out.String())
	}
}

func TestExtractErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no input", nil, "usage"},
		{"two inputs", []string{"a", "b"}, "usage"},
		{"bad format", []string{"--format", "xml", "-"}, "unknown format"},
		{"unknown flag", []string{"--colour", "-"}, "usage"},
		{"missing file", []string{filepath.Join(t.TempDir(), "nope.txt")}, "no such file"},
	} {
		var out bytes.Buffer
		err := runExtract(tc.args, strings.NewReader(""), &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: runExtract(%q) = %v, want an error mentioning %q", tc.name, tc.args, err, tc.want)
		}
	}
}
