package bench

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"github.com/factdesk/factdesk/match"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/extract/train"
	"github.com/factdesk/factdesk/internal/pgtest"
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
	st, vclaimOf, nv := loadVClaims(b)
	queries, qrels := loadQueries(b, "dev")

	var backend int
	if err := st.SQL().QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		b.Fatal(err)
	}
	var sumAP float64
	var dbCPU, goCPU time.Duration
	var lat []time.Duration
	found, offered := 0, 0
	for b.Loop() {
		sumAP, found, offered, lat = 0, 0, 0, lat[:0]
		for _, q := range queries {
			db0, go0 := processCPU(backend), selfCPU()
			t0 := time.Now()
			got, err := st.SimilarClaims(ctx, q[1], store.SimilarOptions{Limit: 5})
			lat = append(lat, time.Since(t0))
			dbCPU += processCPU(backend) - db0
			goCPU += selfCPU() - go0
			if err != nil {
				b.Fatal(err)
			}
			rel := qrels[q[0]]
			hits, ap := 0, 0.0
			for i, g := range got {
				if rel[vclaimOf[g.Claim.ID]] {
					hits++
					ap += float64(hits) / float64(i+1)
				}
			}
			if hits > 0 {
				found++
			}
			cands, err := st.SimilarCandidates(ctx, q[1])
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range cands {
				id, _ := strconv.ParseInt(c.ID, 10, 64)
				if rel[vclaimOf[id]] {
					offered++
					break
				}
			}
			if len(rel) > 0 {
				sumAP += ap / float64(min(len(rel), 5))
			}
		}
	}
	mapAt5 := sumAP / float64(len(queries))
	b.ReportMetric(mapAt5, "MAP@5")
	b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 95).Microseconds())/1000, "p95-ms")
	dbPer, goPer := ms(dbCPU)/float64(len(lat)), ms(goCPU)/float64(len(lat))
	b.ReportMetric(dbPer, "db_cpu_ms/lookup")
	b.ReportMetric(goPer, "go_cpu_ms/lookup")
	fmt.Printf("CPU per lookup: %.2f ms in PostgreSQL + %.2f ms here; load average %s\n", dbPer, goPer, loadAverage())
	fmt.Printf("CLEF-2020 task 2 dev: %d tweets over %d verified claims: MAP@5 %.4f, a gold claim in the top 5 for %d, among the candidates for %d; lookup p50 %s p95 %s\n",
		len(queries), nv, mapAt5, found, offered, percentile(lat, 50).Round(10*time.Microsecond), percentile(lat, 95).Round(10*time.Microsecond))
}

// retrievalDir is the claim-retrieval corpus folder.
func retrievalDir(tb testing.TB) string {
	dir, err := train.DataDir("")
	if err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(dir, "claim-retrieval")
}

// loadQueries reads a split's tweets and their gold claims.
func loadQueries(tb testing.TB, split string) ([][]string, map[string]map[string]bool) {
	cr := retrievalDir(tb)
	queries := readTSV(tb, filepath.Join(cr, "clef2020_t2_"+split+"_queries.tsv.gz"))
	qrels := map[string]map[string]bool{}
	for _, r := range readTSV(tb, filepath.Join(cr, "clef2020_t2_"+split+"_qrels.tsv")) {
		if qrels[r[0]] == nil {
			qrels[r[0]] = map[string]bool{}
		}
		qrels[r[0]][r[1]] = true
	}
	return queries, qrels
}

// loadVClaims fills a fresh database with the verified claims as confirmed
// claims and returns the store, each claim's vclaim id, and their number.
func loadVClaims(tb testing.TB) (*store.Store, map[int64]string, int) {
	ctx := context.Background()
	vclaims := readTSV(tb, filepath.Join(retrievalDir(tb), "clef2020_t2_vclaims.tsv.gz"))
	st, err := store.Open(ctx, pgtest.URL(tb), store.Options{MaxConns: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	db := st.SQL()
	if _, err := db.ExecContext(ctx, `INSERT INTO users (email, name, role) VALUES ('bench@factdesk.test', 'Bench', 'checker')`); err != nil {
		tb.Fatal(err)
	}
	ids, texts := make([]string, len(vclaims)), make([]string, len(vclaims))
	for i, v := range vclaims {
		ids[i], texts[i] = v[0], v[1]
	}
	rows, err := db.QueryContext(ctx, `INSERT INTO claims (text, state, created_by)
		SELECT t, 'confirmed', (SELECT id FROM users LIMIT 1) FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n
		RETURNING id`, texts)
	if err != nil {
		tb.Fatal(err)
	}
	vclaimOf := map[int64]string{}
	for i := 0; rows.Next(); i++ {
		var id int64
		if err := rows.Scan(&id); err != nil {
			tb.Fatal(err)
		}
		vclaimOf[id] = ids[i]
	}
	rows.Close()
	if _, err := db.ExecContext(ctx, `VACUUM ANALYZE claims`); err != nil {
		tb.Fatal(err)
	}
	if err := st.RefreshLexemeStats(ctx); err != nil {
		tb.Fatal(err)
	}
	return st, vclaimOf, len(vclaims)
}

// readTSV reads a tab-separated file, gzipped or not, without its header.
func readTSV(tb testing.TB, path string) [][]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			tb.Fatal(err)
		}
		sc = bufio.NewScanner(zr)
	}
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var out [][]string
	for first := true; sc.Scan(); first = false {
		if !first {
			out = append(out, strings.Split(sc.Text(), "\t"))
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
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
	st, vclaimOf, _ := loadVClaims(b)
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
