package bench

import (
	"context"
	"fmt"
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
// (store.SimilarCandidates) and their features (match.RankFeatures), and
// fits the re-ranker listwise (learn.FitRankWeights; deterministic). It
// prints the weights to paste into match, the training MAP@5 of the shipped
// and the fitted weights, and the 5-fold cross-validated MAP@5 (tweets
// dealt round-robin into folds), which is what a feature set is chosen by;
// the dev tweets stay for BenchmarkRetrievalCLEF2020.
//
//	go test -run '^$' -bench RetrievalTrain -benchtime 1x ./bench
func BenchmarkRetrievalTrain(b *testing.B) {
	ctx := context.Background()
	st, vc := loadVClaims(b)
	queries, qrels := loadQueries(b, "train")
	type query struct {
		cands       []match.Candidate
		gold        map[string]bool
		text, about string
		list        learn.RankList
	}
	var qs []query
	for b.Loop() {
		qs = qs[:0]
		for _, q := range queries {
			cands, err := st.SimilarCandidates(ctx, q[1])
			if err != nil {
				b.Fatal(err)
			}
			x := query{cands: cands, gold: map[string]bool{}, text: match.CleanQuery(q[1]), about: match.TweetContext(q[1])}
			for _, c := range cands {
				id, _ := strconv.ParseInt(c.ID, 10, 64)
				x.gold[c.ID] = qrels[q[0]][vc.Of[id]]
				x.list.Gold = append(x.list.Gold, x.gold[c.ID])
			}
			x.list.Features = match.RankFeatures(x.text, x.about, cands)
			qs = append(qs, x)
		}
	}
	mapAt5 := func(w [match.NumRankFeatures]float64, keep func(i int) bool) float64 {
		sum, n := 0.0, 0
		for i, q := range qs {
			if !keep(i) {
				continue
			}
			n++
			hits, ap := 0, 0.0
			for i, r := range match.RankWith(w, q.text, q.about, q.cands) {
				if i == 5 {
					break
				}
				if q.gold[r.ID] {
					hits++
					ap += float64(hits) / float64(i+1)
				}
			}
			if g := len(qrels[queries[i][0]]); g > 0 {
				sum += ap / float64(min(g, 5))
			}
		}
		return sum / float64(max(n, 1))
	}
	const folds = 5
	cv := 0.0
	for k := range folds {
		var train []learn.RankList
		for i, q := range qs {
			if i%folds != k {
				train = append(train, q.list)
			}
		}
		w := learn.FitRankWeights(train)
		cv += mapAt5(w, func(i int) bool { return i%folds == k }) / folds
	}
	lists := make([]learn.RankList, len(qs))
	for i, q := range qs {
		lists[i] = q.list
	}
	w := learn.FitRankWeights(lists)
	all := func(int) bool { return true }
	bm25, err := learn.BaselineMAP5(dataDir(b), "train", false)
	if err != nil {
		b.Fatal(err)
	}
	bm25en, err := learn.BaselineMAP5(dataDir(b), "train", true)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("re-ranker lists %d; weights %#v\ntrain MAP@5 through the re-ranker: shipped %.4f, fitted %.4f; %d-fold cross-validated %.4f\n",
		len(lists), w, mapAt5(match.RankWeights, all), mapAt5(w, all), folds, cv)
	fmt.Printf("reference: the lab's BM25 baseline on the training tweets %.4f, cross-validated/BM25 %.3f; with english analysis %.4f, cross-validated/BM25 %.3f\n",
		bm25, cv/bm25, bm25en, cv/bm25en)
}
