package learn

import (
	"fmt"
	"testing"

	"github.com/factdesk/factdesk/extract/train"
)

func TestScratchBM25(t *testing.T) {
	dir, _ := train.DataDir("")
	for _, split := range []string{"dev", "train"} {
		for _, en := range []bool{false, true} {
			bl, _ := NewBM25Baseline(dir, en)
			queries, qrels, _ := readSplit(dir, split)
			for nf := 1; nf <= 2; nf++ {
				b2 := *bl
				if nf == 1 {
					b2.fields[1] = bm25Field{}
				}
				sum := 0.0
				for _, q := range queries {
					sum += averagePrecisionAt5(b2.Search(q[1], 5), qrels[q[0]])
				}
				fmt.Println(split, en, nf, sum/float64(len(queries)))
			}
		}
	}
}
