package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/factdesk/factdesk/extract/train"
	"github.com/factdesk/factdesk/factchecks"
	"github.com/factdesk/factdesk/internal/cputime"
	"github.com/factdesk/factdesk/learn"
	"github.com/factdesk/factdesk/store"
)

// archiveURLBase names the archived check of a verified claim: its id
// follows. The address is made up; only its uniqueness matters.
const archiveURLBase = "https://checks.example.org/snopes/"

var archiveCopies = flag.Int("archive-copies", 0, "copies of each verified claim BenchmarkRetrievalArchiveCLEF2020 archives besides it, as other outlets' checks, to measure a lookup's cost over a large archive")

// BenchmarkRetrievalArchiveCLEF2020 is BenchmarkRetrievalCLEF2020 through
// the archive of other outlets' fact-checks: the 10,375 verified claims
// of CLEF-2020 task 2 are imported as ClaimReview (claimReviewed the
// vclaim, headline its fact-check's title, one outlet) through
// factchecks.Import, the path behind POST /api/v1/factchecks/import, and
// every tweet of the split is looked up with store.SimilarPriorChecks.
// It prints MAP@5, the tweets with a gold check in the top 5 and the CPU
// of a lookup, and the same figures of the desk's own claims path
// (store.SimilarClaims over the same claims, learn.EvalRetrieval) as the
// reference, with the ratio. Tune on train, report dev:
//
//	go test -run '^$' -bench 'RetrievalArchiveCLEF2020/train' -benchtime 1x ./bench
//	go test -run '^$' -bench 'RetrievalArchiveCLEF2020/dev' -benchtime 1x ./bench
func BenchmarkRetrievalArchiveCLEF2020(b *testing.B) {
	for _, split := range []string{"train", "dev"} {
		b.Run(split, func(b *testing.B) {
			ctx := context.Background()
			st, vc := loadVClaims(b)
			ofURL := importVClaimsArchive(b, st)
			var arch archiveReport
			var ref *learn.RetrievalReport
			for b.Loop() {
				arch = evalArchive(b, st, ofURL, split)
				var err error
				if ref, err = learn.EvalRetrieval(ctx, st, vc, dataDir(b), split); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(arch.MAP5, "MAP@5")
			b.ReportMetric(ms(arch.DBCPU), "db_cpu_ms/lookup")
			b.ReportMetric(ms(arch.GoCPU), "go_cpu_ms/lookup")
			fmt.Printf("Archive retrieval, CLEF-2020 task 2 %s tweets over %d archived checks (%d copies of each of the %d) through store.SimilarPriorChecks:\n", split, len(ofURL)*(1+*archiveCopies), *archiveCopies, len(ofURL))
			fmt.Printf("  MAP@5 %.4f; a gold check in the top 5 for %d of %d\n", arch.MAP5, arch.Top5, arch.Queries)
			fmt.Printf("  per lookup: %.2f ms PostgreSQL CPU + %.2f ms Go CPU; wall p50 %s (load average %s)\n",
				ms(arch.DBCPU), ms(arch.GoCPU), arch.P50.Round(10*time.Microsecond), arch.Load)
			fmt.Printf("  reference, the claims path (store.SimilarClaims): MAP@5 %.4f, top 5 for %d of %d, %.2f ms PostgreSQL CPU + %.2f ms Go CPU (load average %s)\n",
				ref.MAP5, ref.Top5, ref.Queries, ms(ref.DBCPU), ms(ref.GoCPU), ref.LoadAverage)
			fmt.Printf("  archive/claims: MAP@5 %.3f, top 5 %.3f, CPU per lookup %.2f\n", arch.MAP5/max(ref.MAP5, 1e-9),
				float64(arch.Top5)/float64(max(ref.Top5, 1)), float64(arch.DBCPU+arch.GoCPU)/float64(max(ref.DBCPU+ref.GoCPU, 1)))
		})
	}
}

// importVClaimsArchive imports the verified claims into st's archive as a
// ClaimReview JSON-LD array, with --archive-copies copies of each (a
// lead-in and another outlet; never gold, so MAP@5 then falls by what they
// displace), and recounts the lexemes as the periodic job
// would; it returns the vclaim id of each archived URL.
func importVClaimsArchive(tb testing.TB, st *store.Store) map[string]string {
	ctx := context.Background()
	type review struct {
		Context       string            `json:"@context"`
		Type          string            `json:"@type"`
		URL           string            `json:"url"`
		ClaimReviewed string            `json:"claimReviewed"`
		Headline      string            `json:"headline"`
		Author        map[string]string `json:"author"`
		ReviewRating  map[string]string `json:"reviewRating"`
	}
	var reviews []review
	ofURL := map[string]string{}
	err := train.ReadTSV(filepath.Join(retrievalDir(tb), "clef2020_t2_vclaims.tsv.gz"), func(m map[string]string) error {
		u := archiveURLBase + m["id"]
		ofURL[u] = m["id"]
		reviews = append(reviews, review{Context: "https://schema.org", Type: "ClaimReview", URL: u, ClaimReviewed: m["vclaim"],
			Headline: m["title"], Author: map[string]string{"@type": "Organization", "name": "Snopes", "url": "https://www.snopes.com"},
			ReviewRating: map[string]string{"@type": "Rating", "alternateName": "False"}})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	leadIns := []string{"Viral posts claim that ", "Social media users said ", "A chain message says ", "Bloggers repeated that ", "Some claimed "}
	n := len(reviews)
	for k := range *archiveCopies {
		for i := range n {
			r := reviews[i]
			r.URL = fmt.Sprintf("https://checks.example.org/outlet%d/%d", k, i)
			r.ClaimReviewed = leadIns[(i+k)%len(leadIns)] + r.ClaimReviewed
			r.Author = map[string]string{"@type": "Organization", "name": fmt.Sprintf("Outlet %d", k)}
			reviews = append(reviews, r)
		}
	}
	doc, err := json.Marshal(reviews)
	if err != nil {
		tb.Fatal(err)
	}
	rep, err := factchecks.Import(ctx, st, bytes.NewReader(doc), factchecks.JSON)
	if err != nil {
		tb.Fatal(err)
	}
	if rep.Imported+rep.Unchanged+rep.Updated != len(reviews) {
		tb.Fatalf("archived %d of %d checks: %+v", rep.Imported+rep.Unchanged+rep.Updated, len(reviews), rep)
	}
	if err := st.RefreshLexemeStats(ctx); err != nil {
		tb.Fatal(err)
	}
	return ofURL
}

type archiveReport struct {
	Queries, Top5 int
	MAP5          float64
	DBCPU, GoCPU  time.Duration
	P50           time.Duration
	Load          string
}

// evalArchive looks every tweet of split up in the archive.
func evalArchive(tb testing.TB, st *store.Store, ofURL map[string]string, split string) archiveReport {
	ctx := context.Background()
	queries, qrels := loadQueries(tb, split)
	backend, err := st.BackendPID(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	r := archiveReport{Queries: len(queries)}
	var lat []time.Duration
	sum := 0.0
	for _, q := range queries {
		db0, go0 := cputime.Process(backend), cputime.Self()
		t0 := time.Now()
		got, err := st.SimilarPriorChecks(ctx, q[1], 5)
		lat = append(lat, time.Since(t0))
		r.DBCPU += cputime.Process(backend) - db0
		r.GoCPU += cputime.Self() - go0
		if err != nil {
			tb.Fatal(err)
		}
		ids := make([]string, len(got))
		for i, g := range got {
			ids[i] = ofURL[g.Check.URL]
		}
		ap := learn.AveragePrecisionAt5(ids, qrels[q[0]])
		if ap > 0 {
			r.Top5++
		}
		sum += ap
	}
	n := time.Duration(max(len(queries), 1))
	r.MAP5 = sum / float64(max(len(queries), 1))
	r.DBCPU, r.GoCPU = r.DBCPU/n, r.GoCPU/n
	if len(lat) > 0 {
		slices.Sort(lat)
		r.P50 = lat[len(lat)/2]
	}
	r.Load = cputime.LoadAverage()
	return r
}
