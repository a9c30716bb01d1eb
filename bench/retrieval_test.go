package bench

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/factdesk/factdesk/match"

	"github.com/factdesk/factdesk/extract/train"
	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/learn"
	"github.com/factdesk/factdesk/store"
)

// BenchmarkRetrievalCLEF2020 measures "has this been checked before?" on
// public data: it loads the 10,375 verified claims of CLEF-2020 CheckThat!
// task 2 into a fresh database as claims, runs every dev tweet through
// store.SimilarClaims (the path behind POST /api/v1/claims/similar) and
// reports MAP@5 against the lab's relevance judgements, with the lookup's
// p50 and p95. The corpus is read from --data's default (FACTDESK_DATA_DIR
// or the nearest shared/data); it is never copied into the repository.
//
//	go test -run '^$' -bench RetrievalCLEF2020 -benchtime 1x ./bench
func BenchmarkRetrievalCLEF2020(b *testing.B) {
	ctx := context.Background()
	st, vc := loadVClaims(b)
	var r *learn.RetrievalReport
	for b.Loop() {
		var err error
		if r, err = learn.EvalRetrieval(ctx, st, vc, dataDir(b), "dev"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(r.MAP5, "MAP@5")
	b.ReportMetric(ms(r.P50), "p50-ms")
	b.ReportMetric(ms(r.P95), "p95-ms")
	b.ReportMetric(ms(r.DBCPU), "db_cpu_ms/lookup")
	b.ReportMetric(ms(r.GoCPU), "go_cpu_ms/lookup")
	r.Write(os.Stdout)
}

func dataDir(tb testing.TB) string {
	dir, err := train.DataDir("")
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// retrievalDir is the claim-retrieval corpus folder.
func retrievalDir(tb testing.TB) string { return filepath.Join(dataDir(tb), "claim-retrieval") }

// loadQueries reads a split's tweets and their gold claims.
func loadQueries(tb testing.TB, split string) ([][]string, map[string]map[string]bool) {
	cr := retrievalDir(tb)
	var queries [][]string
	qrels := map[string]map[string]bool{}
	err := train.ReadTSV(filepath.Join(cr, "clef2020_t2_"+split+"_queries.tsv.gz"), func(m map[string]string) error {
		queries = append(queries, []string{m["id"], m["text"]})
		return nil
	})
	if err == nil {
		err = train.ReadTSV(filepath.Join(cr, "clef2020_t2_"+split+"_qrels.tsv"), func(m map[string]string) error {
			if qrels[m["query"]] == nil {
				qrels[m["query"]] = map[string]bool{}
			}
			qrels[m["query"]][m["vclaim"]] = true
			return nil
		})
	}
	if err != nil {
		tb.Fatal(err)
	}
	return queries, qrels
}

// loadVClaims fills a fresh database with the verified claims (see
// learn.LoadVerifiedClaims), on one connection so that the server
// process's CPU time can be read.
func loadVClaims(tb testing.TB) (*store.Store, *learn.VerifiedClaims) {
	ctx := context.Background()
	st, err := store.Open(ctx, pgtest.URL(tb), store.Options{MaxConns: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	vc, err := learn.LoadVerifiedClaims(ctx, st, dataDir(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return st, vc
}

// BenchmarkRetrievalTrain fits match.RankWeights: for every CLEF-2020 task
// 2 training tweet it takes the candidates the real SQL offers
// (store.SimilarCandidates) and pairs each gold claim with every other
// candidate, then fits a linear model that scores the gold one higher
// (pairwise logistic loss, full-batch gradient descent from zero, so the
// result is deterministic). It prints the weights to paste into match and
// the training MAP@5 of the old and new weights.
//
//	go test -run '^$' -bench RetrievalTrain -benchtime 1x ./bench
func BenchmarkRetrievalTrain(b *testing.B) {
	ctx := context.Background()
	st, vc := loadVClaims(b)
	vclaimOf := vc.Of
	queries, qrels := loadQueries(b, "train")
	type query struct {
		cands []match.Candidate
		gold  map[string]bool
		text  string
	}
	var qs []query
	var diffs [][match.NumRankFeatures]float64
	for b.Loop() {
		qs, diffs = qs[:0], diffs[:0]
		for _, q := range queries {
			cands, err := st.SimilarCandidates(ctx, q[1])
			if err != nil {
				b.Fatal(err)
			}
			gold := map[string]bool{}
			for _, c := range cands {
				id, _ := strconv.ParseInt(c.ID, 10, 64)
				if qrels[q[0]][vclaimOf[id]] {
					gold[c.ID] = true
				}
			}
			clean := match.CleanQuery(q[1])
			qs = append(qs, query{cands, gold, clean})
			fs := match.RankFeatures(clean, cands)
			for i, g := range cands {
				if !gold[g.ID] {
					continue
				}
				for j, o := range cands {
					if gold[o.ID] {
						continue
					}
					var d [match.NumRankFeatures]float64
					for k := range d {
						d[k] = fs[i][k] - fs[j][k]
					}
					diffs = append(diffs, d)
				}
			}
		}
	}
	var w [match.NumRankFeatures]float64
	const rate, l2 = 1.0, 1e-3
	for range 2000 {
		var g [match.NumRankFeatures]float64
		for _, d := range diffs {
			z := 0.0
			for k := range d {
				z += w[k] * d[k]
			}
			p := 1 / (1 + math.Exp(z)) // gradient of log(1+exp(-z))
			for k := range d {
				g[k] -= p * d[k]
			}
		}
		for k := range w {
			w[k] -= rate * (g[k]/float64(len(diffs)) + l2*w[k])
		}
	}
	mapAt5 := func(w [match.NumRankFeatures]float64) float64 {
		sum := 0.0
		for _, q := range qs {
			hits, ap := 0, 0.0
			for i, r := range match.RankWith(w, q.text, q.cands) {
				if i == 5 {
					break
				}
				if q.gold[r.ID] {
					hits++
					ap += float64(hits) / float64(i+1)
				}
			}
			if n := len(q.gold); n > 0 {
				sum += ap / float64(min(n, 5))
			}
		}
		return sum / float64(len(qs))
	}
	fmt.Printf("re-ranker pairs %d; weights %#v\ntrain MAP@5 through the re-ranker: shipped %.4f, fitted %.4f\n",
		len(diffs), w, mapAt5(match.RankWeights), mapAt5(w))
}
