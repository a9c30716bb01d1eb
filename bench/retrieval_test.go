package bench

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	dir, err := train.DataDir("")
	if err != nil {
		b.Fatal(err)
	}
	cr := filepath.Join(dir, "claim-retrieval")
	vclaims := readTSV(b, filepath.Join(cr, "clef2020_t2_vclaims.tsv.gz"))
	queries := readTSV(b, filepath.Join(cr, "clef2020_t2_dev_queries.tsv.gz"))
	qrels := map[string]map[string]bool{}
	for _, r := range readTSV(b, filepath.Join(cr, "clef2020_t2_dev_qrels.tsv")) {
		if qrels[r[0]] == nil {
			qrels[r[0]] = map[string]bool{}
		}
		qrels[r[0]][r[1]] = true
	}

	st, err := store.Open(ctx, pgtest.URL(b), store.Options{MaxConns: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	db := st.SQL()
	if _, err := db.ExecContext(ctx, `INSERT INTO users (email, name, role) VALUES ('bench@factdesk.test', 'Bench', 'checker')`); err != nil {
		b.Fatal(err)
	}
	ids, texts := make([]string, len(vclaims)), make([]string, len(vclaims))
	for i, v := range vclaims {
		ids[i], texts[i] = v[0], v[1]
	}
	rows, err := db.QueryContext(ctx, `INSERT INTO claims (text, state, created_by)
		SELECT t, 'confirmed', (SELECT id FROM users LIMIT 1) FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n
		RETURNING id`, texts)
	if err != nil {
		b.Fatal(err)
	}
	vclaimOf := map[int64]string{}
	for i := 0; rows.Next(); i++ {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		vclaimOf[id] = ids[i]
	}
	rows.Close()
	if _, err := db.ExecContext(ctx, `VACUUM ANALYZE claims`); err != nil {
		b.Fatal(err)
	}

	var sumAP float64
	var lat []time.Duration
	found := 0
	for b.Loop() {
		sumAP, found, lat = 0, 0, lat[:0]
		for _, q := range queries {
			t0 := time.Now()
			got, err := st.SimilarClaims(ctx, q[1], store.SimilarOptions{Limit: 5})
			lat = append(lat, time.Since(t0))
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
			if len(rel) > 0 {
				sumAP += ap / float64(min(len(rel), 5))
			}
		}
	}
	mapAt5 := sumAP / float64(len(queries))
	b.ReportMetric(mapAt5, "MAP@5")
	b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 95).Microseconds())/1000, "p95-ms")
	fmt.Printf("CLEF-2020 task 2 dev: %d tweets over %d verified claims: MAP@5 %.4f, a gold claim in the top 5 for %d; lookup p50 %s p95 %s\n",
		len(queries), len(vclaims), mapAt5, found, percentile(lat, 50).Round(10*time.Microsecond), percentile(lat, 95).Round(10*time.Microsecond))
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
