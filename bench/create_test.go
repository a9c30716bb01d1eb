package bench

import (
	"context"
	"flag"
	"fmt"
	"github.com/factdesk/factdesk/extract/train"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

var createClaims = flag.Int("create-claims", 100_000, "table size BenchmarkCreateAtScale grows to (the target is set for 1,000,000)")

// BenchmarkCreateAtScale measures claim creation through the API
// (POST /api/v1/claims, which answers with the similar claims, so each
// creation runs the lookup) with 8 clients, first over a table of 1,000
// claims, then over one grown to --create-claims. The table holds the
// 10,375 real verified claims of the claim-retrieval collection, replicated
// with perturbations (each copy's figures shifted and a lead-in added); the
// created claims are further copies. The target: creation at the large
// size within 0.5 of creation at 1,000 (ratio ≥ 0.5).
//
//	go test -run '^$' -bench CreateAtScale -benchtime 400x ./bench -create-claims 1000000
func BenchmarkCreateAtScale(b *testing.B) {
	env := apptest.New(b, func(c *app.Config) { c.DBMaxConns = 16 })
	checker := env.User(b, models.RoleChecker)
	var texts []string
	err := train.ReadTSV(filepath.Join(retrievalDir(b), "clef2020_t2_vclaims.tsv.gz"), func(m map[string]string) error {
		texts = append(texts, m["vclaim"])
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	grow := func(to int) time.Duration {
		t0 := time.Now()
		// Copy k of claim i: its figures prefixed with k, one of four
		// lead-ins; then the table is analysed and its lexemes counted,
		// as the desk's hourly job would have by then.
		if err := env.App.Store.ReplicateEvaluationClaims(ctx, texts, to); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	const workers = 8
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	created := 0
	measure := func(n int) (float64, time.Duration) {
		lat, elapsed := runClientsN(workers, n, func(worker, op int) error {
			i := created + worker + op*workers
			text := fmt.Sprintf("Fact-checkers were asked whether %s (copy %d)", texts[i%len(texts)], i)
			req := jsonRequest("POST", env.URL+"/api/v1/claims", map[string]any{"text": text})
			req.Header.Set("Authorization", "Bearer "+checker.Token)
			res, err := httpClient.Do(req)
			if err != nil {
				return err
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusCreated {
				return fmt.Errorf("create: %d %s", res.StatusCode, body)
			}
			return nil
		})
		created += n
		return float64(n) / elapsed.Seconds(), percentile(lat, 95)
	}
	n := max(b.N, workers)
	// A few creations before each measurement, so that neither measures
	// a cold desk: the pool's connections opened and their statements
	// prepared, which the first creations over 1,000 claims paid alone.
	const warm = 4 * workers
	fillSmall := grow(1000)
	measure(warm)
	b.ResetTimer()
	smallRate, smallP95 := measure(n)
	b.StopTimer()
	if b.N == 1 {
		return // the testing package's probe run: skip the large fill
	}
	fillLarge := grow(*createClaims)
	measure(warm)
	b.StartTimer()
	largeRate, largeP95 := measure(n)
	b.StopTimer()
	ratio := largeRate / smallRate
	b.ReportMetric(smallRate, "claims/s@1k")
	b.ReportMetric(largeRate, "claims/s@large")
	b.ReportMetric(ratio, "large/1k")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d creations each (8 clients): over 1,000 claims %.0f/s p95 %s | over %s claims %.0f/s p95 %s | ratio %.2f (target ≥ 0.5) | filled in %s + %s; load average %s",
		n, smallRate, smallP95.Round(100*time.Microsecond), strconv.Itoa(*createClaims), largeRate, largeP95.Round(100*time.Microsecond), ratio,
		fillSmall.Round(time.Second), fillLarge.Round(time.Second), loadAverage())
}
