package learn

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/factdesk/factdesk/extract/train"
	"github.com/factdesk/factdesk/internal/cputime"
	"github.com/factdesk/factdesk/match"
	"github.com/factdesk/factdesk/store"
)

// VerifiedClaims is the CLEF-2020 task 2 collection loaded as claims: the
// vclaim id of each claim.
type VerifiedClaims struct {
	Of    map[int64]string
	Count int
}

// LoadVerifiedClaims fills st, an empty desk database, with the 10,375
// verified claims of ../shared/data/claim-retrieval as confirmed claims,
// each with its fact-check's title as its summary,
// then analyses the table and counts its lexemes as the learn job would.
// A database that already holds exactly those claims is reused.
func LoadVerifiedClaims(ctx context.Context, st *store.Store, dataDir string) (*VerifiedClaims, error) {
	var ids, texts, titles []string
	err := train.ReadTSV(filepath.Join(dataDir, "claim-retrieval", "clef2020_t2_vclaims.tsv.gz"), func(m map[string]string) error {
		ids, texts, titles = append(ids, m["id"]), append(texts, m["vclaim"]), append(titles, m["title"])
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The fact-check's title is the claim's summary: it restates the
	// claim in other words, as a desk's verdict summary does.
	claimIDs, err := st.LoadEvaluationClaimsSummarised(ctx, texts, titles)
	if err != nil {
		return nil, err
	}
	vc := &VerifiedClaims{Of: map[int64]string{}, Count: len(texts)}
	for i, id := range claimIDs {
		vc.Of[id] = ids[i]
	}
	return vc, nil
}

// RetrievalReport is MAP@5 of one split's tweets through
// store.SimilarClaims, the path behind POST /api/v1/claims/similar, and
// what a lookup costs.
type RetrievalReport struct {
	Split         string
	Queries       int
	MAP5          float64
	Top5, Offered int // tweets with a gold claim in the top 5, among the candidates
	DBCPU, GoCPU  time.Duration
	P50, P95      time.Duration
	Claims        int
	LoadAverage   string
	// BM25 and BM25English are the lab's reference system's MAP@5 on the
	// same tweets (BM25Baseline): with Elasticsearch's default analysis,
	// as the lab ran it, and with its english analyzer.
	BM25, BM25English float64
}

// EvalRetrieval runs every tweet of split ("train" or "dev") through
// st.SimilarClaims. st must use one connection, whose server process's CPU
// time is read from /proc.
func EvalRetrieval(ctx context.Context, st *store.Store, vc *VerifiedClaims, dataDir, split string) (*RetrievalReport, error) {
	queries, qrels, err := readSplit(dataDir, split)
	if err != nil {
		return nil, err
	}
	backend, err := st.BackendPID(ctx)
	if err != nil {
		return nil, err
	}
	r := &RetrievalReport{Split: split, Queries: len(queries), Claims: vc.Count}
	var lat []time.Duration
	sum := 0.0
	for _, q := range queries {
		db0, go0 := cputime.Process(backend), cputime.Self()
		t0 := time.Now()
		got, err := st.SimilarClaims(ctx, q[1], store.SimilarOptions{Limit: 5})
		lat = append(lat, time.Since(t0))
		r.DBCPU += cputime.Process(backend) - db0
		r.GoCPU += cputime.Self() - go0
		if err != nil {
			return nil, err
		}
		rel := qrels[q[0]]
		ids := make([]string, len(got))
		for i, g := range got {
			ids[i] = vc.Of[g.Claim.ID]
		}
		ap := AveragePrecisionAt5(ids, rel)
		if ap > 0 {
			r.Top5++
		}
		sum += ap
		cands, err := st.SimilarCandidates(ctx, q[1])
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(cands, func(c match.Candidate) bool {
			id, _ := strconv.ParseInt(c.ID, 10, 64)
			return rel[vc.Of[id]]
		}) {
			r.Offered++
		}
	}
	r.MAP5 = sum / float64(max(len(queries), 1))
	n := time.Duration(max(len(lat), 1))
	r.DBCPU, r.GoCPU = r.DBCPU/n, r.GoCPU/n
	slices.SortFunc(lat, cmp.Compare)
	if len(lat) > 0 {
		r.P50, r.P95 = lat[len(lat)*50/100], lat[min(len(lat)-1, len(lat)*95/100)]
	}
	r.LoadAverage = cputime.LoadAverage()
	if r.BM25, err = BaselineMAP5(dataDir, split, false); err != nil {
		return nil, err
	}
	if r.BM25English, err = BaselineMAP5(dataDir, split, true); err != nil {
		return nil, err
	}
	return r, nil
}

// readSplit reads a split's tweets (id and text) and, by tweet id, the
// ids of the verified claims its judges marked relevant.
func readSplit(dataDir, split string) ([][2]string, map[string]map[string]bool, error) {
	dir := filepath.Join(dataDir, "claim-retrieval")
	var queries [][2]string
	if err := train.ReadTSV(filepath.Join(dir, "clef2020_t2_"+split+"_queries.tsv.gz"), func(m map[string]string) error {
		queries = append(queries, [2]string{m["id"], m["text"]})
		return nil
	}); err != nil {
		return nil, nil, err
	}
	qrels := map[string]map[string]bool{}
	if err := train.ReadTSV(filepath.Join(dir, "clef2020_t2_"+split+"_qrels.tsv"), func(m map[string]string) error {
		if qrels[m["query"]] == nil {
			qrels[m["query"]] = map[string]bool{}
		}
		qrels[m["query"]][m["vclaim"]] = true
		return nil
	}); err != nil {
		return nil, nil, err
	}
	return queries, qrels, nil
}

// Write prints the report as factdesk model eval shows it.
func (r *RetrievalReport) Write(w io.Writer) {
	fmt.Fprintf(w, "Retrieval, CLEF-2020 task 2 %s tweets over the %d verified claims through store.SimilarClaims:\n", r.Split, r.Claims)
	fmt.Fprintf(w, "  MAP@5 %.4f; a gold claim in the top 5 for %d of %d, among the candidates for %d\n", r.MAP5, r.Top5, r.Queries, r.Offered)
	fmt.Fprintf(w, "  reference: the lab's BM25 baseline (vclaim and title) %.4f, ours/BM25 %.3f; with english analysis %.4f, ours/BM25 %.3f\n",
		r.BM25, r.MAP5/max(r.BM25, 1e-9), r.BM25English, r.MAP5/max(r.BM25English, 1e-9))
	fmt.Fprintf(w, "  per lookup: %.2f ms PostgreSQL CPU + %.2f ms Go CPU; wall p50 %s p95 %s (load average %s)\n",
		ms(r.DBCPU), ms(r.GoCPU), r.P50.Round(10*time.Microsecond), r.P95.Round(10*time.Microsecond), r.LoadAverage)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
