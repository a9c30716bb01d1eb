// Package train fits and measures extract's check-worthiness model on the
// public labelled corpora (ClaimBuster, CLEF-2019 CheckThat! task 1) and the
// project's own fixtures. Everything is deterministic: splits are made by
// hashing the text, and the optimiser shuffles with a fixed seed, so the
// same data always gives the same weights and the same figures.
package train

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// Example is one labelled sentence.
type Example struct {
	// Corpus is "claimbuster", "clef2019" or "fixtures".
	Corpus string
	// Doc groups the sentences of one transcript or article.
	Doc   string
	ID    string
	Text  string
	Label bool
}

// DataDir finds the shared corpora: dir when set, else FACTDESK_DATA_DIR,
// else the nearest shared/data beside the working directory or one of its
// parents (the repository lives next to it: ../shared/data).
func DataDir(dir string) (string, error) {
	if dir == "" {
		dir = os.Getenv("FACTDESK_DATA_DIR")
	}
	if dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "checkworthiness")); err != nil {
			return "", fmt.Errorf("train: %s holds no checkworthiness/ folder: %w", dir, err)
		}
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		cand := filepath.Join(d, "shared", "data")
		if _, err := os.Stat(filepath.Join(cand, "checkworthiness")); err == nil {
			return cand, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("train: no shared/data found above the working directory; pass --data or set FACTDESK_DATA_DIR")
		}
	}
}

// ReadTSV calls row for every line of a (possibly gzipped) TSV file of the
// shared corpora after its header, with the header's column names as keys.
func ReadTSV(path string, row func(map[string]string) error) error { return readTSV(path, row) }

// readTSV calls row for every line of a (possibly gzipped) TSV file after
// its header, with the header's column names as keys.
func readTSV(path string, row func(map[string]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var header []string
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if header == nil {
			header = cols
			continue
		}
		m := make(map[string]string, len(header))
		for i, h := range header {
			if i < len(cols) {
				m[h] = cols[i]
			}
		}
		if err := row(m); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if header == nil {
		return fmt.Errorf("%s: empty file", path)
	}
	return nil
}

// LoadClaimBuster reads checkworthiness/claimbuster_train.tsv.gz.
func LoadClaimBuster(dataDir string) ([]Example, error) {
	var out []Example
	err := readTSV(filepath.Join(dataDir, "checkworthiness", "claimbuster_train.tsv.gz"), func(m map[string]string) error {
		out = append(out, Example{Corpus: "claimbuster", Doc: "claimbuster", ID: m["id"], Text: m["text"], Label: m["label"] == "1"})
		return nil
	})
	return out, err
}

// LoadCLEF2019 reads checkworthiness/clef2019_t1_train.tsv.gz, in
// transcript order.
func LoadCLEF2019(dataDir string) ([]Example, error) {
	var out []Example
	err := readTSV(filepath.Join(dataDir, "checkworthiness", "clef2019_t1_train.tsv.gz"), func(m map[string]string) error {
		out = append(out, Example{Corpus: "clef2019", Doc: m["doc"], ID: m["doc"] + ":" + m["line"], Text: m["text"], Label: m["label"] == "1"})
		return nil
	})
	return out, err
}

// LoadFixtures reads extract's labelled articles (extract/testdata/articles;
// the format is in its README): a sentence per line after its label, "-"
// for not check-worthy, "=" for a dateline, which is left out.
func LoadFixtures(dir string) ([]Example, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("train: no fixtures in %s", dir)
	}
	var out []Example
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		for i, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
				continue
			}
			label, text, ok := strings.Cut(line, " ")
			if !ok || label == "=" {
				continue
			}
			out = append(out, Example{Corpus: "fixtures", Doc: filepath.Base(p), ID: fmt.Sprintf("%s:%d", filepath.Base(p), i+1), Text: text, Label: label != "-"})
		}
	}
	return out, nil
}

// normText is the text as the ClaimBuster split compares it: lower case,
// every non-word character a space, spaces collapsed.
func normText(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_')
	}), " ")
}

// IsDev puts a fifth of the sentences in the dev split, by a hash of the
// normalised text, so that a sentence repeated under two ids stays on one
// side.
func IsDev(e Example) bool {
	h := fnv.New32a()
	h.Write([]byte(normText(e.Text)))
	return h.Sum32()%5 == 0
}
