package bench

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/cputime"
	"github.com/factdesk/factdesk/match"
)

// BenchmarkRerankCLEF2020 measures the Go side of a similar-claim lookup
// alone: the candidates the real SQL offers for every CLEF-2020 task 2
// training and dev tweet are read once, then each lookup cleans its tweet
// and re-ranks them as store.SimilarClaims does. It reports the CPU per
// lookup (cpu_ms/lookup; ns/op is per tweet too) and prints a digest of
// every ranked list (ids, scores, relations, reasons) and of every
// cleaned tweet, its context and its feature vectors, so that a change
// meant only to be faster can show that it ranks exactly as before.
//
//	go test -run '^$' -bench RerankCLEF2020 -benchmem ./bench
func BenchmarkRerankCLEF2020(b *testing.B) {
	ctx := context.Background()
	st, _ := loadVClaims(b)
	type lookup struct {
		text  string
		cands []match.Candidate
	}
	var lookups []lookup
	for _, split := range []string{"train", "dev"} {
		queries, _ := loadQueries(b, split)
		for _, q := range queries {
			cands, err := st.SimilarCandidates(ctx, q[1])
			if err != nil {
				b.Fatal(err)
			}
			lookups = append(lookups, lookup{q[1], cands})
		}
	}
	rerank := func(l lookup) []match.Result {
		return match.RankAbout(match.CleanQuery(l.text), match.TweetContext(l.text), l.cands)
	}
	b.ReportAllocs()
	// The process's CPU time, the garbage collector's included, is the
	// figure to compare on a shared machine: wall time counts the other
	// processes' turns.
	cpu0 := cputime.Self()
	i := 0
	for b.Loop() {
		rerank(lookups[i%len(lookups)])
		i++
	}
	b.ReportMetric(float64(cputime.Self()-cpu0)/float64(time.Millisecond)/float64(i), "cpu_ms/lookup")
	ranked, features := sha256.New(), sha256.New()
	for _, l := range lookups {
		for _, r := range rerank(l) {
			fmt.Fprintf(ranked, "%s %v %s %q\n", r.ID, r.Score, r.Relation, r.Reasons)
		}
		fmt.Fprintln(ranked)
		clean, about := match.CleanQuery(l.text), match.TweetContext(l.text)
		fmt.Fprintf(features, "%q %q\n", clean, about)
		for _, x := range match.RankFeatures(clean, about, l.cands) {
			fmt.Fprintln(features, x)
		}
	}
	fmt.Printf("re-ranked %d tweets; digest of the ranked lists %x, of the cleaned tweets and features %x\n",
		len(lookups), ranked.Sum(nil)[:8], features.Sum(nil)[:8])
}
