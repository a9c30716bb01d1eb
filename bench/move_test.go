package bench

import (
	"context"
	"database/sql"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/pgtest"
	"github.com/factdesk/factdesk/store"
	"github.com/factdesk/factdesk/transfer"
)

// moveClaims is the size of the larger desk BenchmarkDeskMove moves; the
// reference desk is a quarter of it.
//
//	go test ./bench -run '^$' -bench DeskMove -benchtime 1x -args -move-claims 100000
var moveClaims = flag.Int("move-claims", 8000, "claims of the larger desk BenchmarkDeskMove exports and imports")

// BenchmarkDeskMove exports a whole desk (`factdesk export --all`) and
// imports it into a fresh database (`factdesk import`), for a reference
// desk and one four times its size. It reports records per second and the
// Go heap's peak while each runs, and the peak's ratio between the two
// sizes: both directions stream, so the ratio stays near 1 while the
// archive grows fourfold.
func BenchmarkDeskMove(b *testing.B) {
	ctx := context.Background()
	type result struct {
		records                int64
		archiveMB              float64
		exportRate, importRate float64
		exportHeap, importHeap uint64
	}
	run := func(b *testing.B, n int) result {
		src := pgtest.URL(b)
		db, err := sql.Open("pgx", src)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if err := fillExportDesk(ctx, db, n); err != nil {
			b.Fatalf("fill %d claims: %v", n, err)
		}
		st, err := store.Open(ctx, src, store.Options{MaxConns: 2})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		path := filepath.Join(b.TempDir(), "desk.jsonl")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		peak := sampleHeap()
		start := time.Now()
		counts, err := transfer.Export(ctx, st, f, transfer.ExportOptions{})
		exportTime := time.Since(start)
		exportHeap := peak()
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		var r result
		for _, c := range counts {
			r.records += c
		}
		fi, _ := os.Stat(path)
		r.archiveMB = float64(fi.Size()) / (1 << 20)

		dst, err := store.Open(ctx, pgtest.URL(b), store.Options{MaxConns: 2})
		if err != nil {
			b.Fatal(err)
		}
		defer dst.Close()
		in, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer in.Close()
		runtime.GC()
		peak = sampleHeap()
		start = time.Now()
		_, _, err = transfer.Import(ctx, dst, io.Reader(in), transfer.ImportOptions{SealSecret: func(int64) []byte { return nil }})
		importTime := time.Since(start)
		importHeap := peak()
		if err != nil {
			b.Fatal(err)
		}
		r.exportRate, r.importRate = float64(r.records)/exportTime.Seconds(), float64(r.records)/importTime.Seconds()
		r.exportHeap, r.importHeap = exportHeap, importHeap
		return r
	}
	for b.Loop() {
		ref := run(b, *moveClaims/4)
		big := run(b, *moveClaims)
		mb := func(v uint64) float64 { return float64(v) / (1 << 20) }
		b.Logf("reference desk: %d records, %.1f MB archive; export %.0f records/s, peak heap %.1f MB; import %.0f records/s, peak heap %.1f MB",
			ref.records, ref.archiveMB, ref.exportRate, mb(ref.exportHeap), ref.importRate, mb(ref.importHeap))
		b.Logf("4x desk:        %d records, %.1f MB archive; export %.0f records/s, peak heap %.1f MB; import %.0f records/s, peak heap %.1f MB",
			big.records, big.archiveMB, big.exportRate, mb(big.exportHeap), big.importRate, mb(big.importHeap))
		b.Logf("4x/reference: archive %.2f, export heap %.2f, import heap %.2f", big.archiveMB/ref.archiveMB,
			float64(big.exportHeap)/float64(ref.exportHeap), float64(big.importHeap)/float64(ref.importHeap))
		b.ReportMetric(big.exportRate, "export-records/s")
		b.ReportMetric(big.importRate, "import-records/s")
		b.ReportMetric(float64(big.exportHeap)/float64(ref.exportHeap), "export-heap-ratio")
		b.ReportMetric(float64(big.importHeap)/float64(ref.importHeap), "import-heap-ratio")
	}
}
