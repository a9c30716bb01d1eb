package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/internal/cputime"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

const clients = 32

// BenchmarkClaimWrites measures the write path the desk lives on. Each of
// 32 clients owns one claim and cycles it through verify, send_back and an
// edit, so every request is a real, successful write (lock, version check,
// rules, update, history, events) and clients never conflict. The clients
// run in a child process, so the peak RSS reported is the server's: this
// process holds the desk (and the benchmark's bookkeeping), the child only
// the HTTP clients.
func BenchmarkClaimWrites(b *testing.B) {
	apiStmts := &statementCounter{}
	env := apptest.New(b, func(c *app.Config) { c.DBMaxConns = 2 * clients; c.DBTracer = apiStmts })
	checker := env.User(b, models.RoleChecker)
	editor := env.User(b, models.RoleEditor)
	claims := make([]*models.Claim, clients)
	for i := range claims {
		claims[i] = env.ClaimIn(b, models.StateVerifying, checker, editor, fmt.Sprintf("Benchmark claim %d: turnout was %d percent.", i, 50+i))
		if _, err := env.App.Engine.AddEvidence(context.Background(), checker.User, claims[i].ID, workflow.NewEvidence{URL: "https://example.org/turnout", Stance: models.StanceSupports}); err != nil {
			b.Fatal(err)
		}
	}
	load := writeLoad{URL: env.URL, CheckerToken: checker.Token, EditorToken: editor.Token, N: b.N}
	for _, c := range claims {
		load.Claims = append(load.Claims, loadClaim{ID: c.ID, Version: c.Version})
	}

	sqlStmts := &statementCounter{}
	pg, err := newPGCPU(context.Background(), env.DBURL, apiStmts, sqlStmts)
	if err != nil {
		b.Fatal(err)
	}
	defer pg.close()
	apiStmts.reset()
	b.ResetTimer()
	// The load generator runs in a process of its own (loadgen_test.go), so
	// this process's peak resident set is the server's.
	pg.begin()
	goCPU := cputime.Self()
	res, err := generateLoad(load)
	apiGoCPU := cputime.Self() - goCPU
	apiPG, pgErr := pg.end(context.Background())
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if pgErr != nil {
		b.Fatal(pgErr)
	}
	serverRSS, anonMB, fileMB := peakRSSMB(), statusMB("RssAnon"), statusMB("RssFile")
	apiLat, apiElapsed := res.latencies(), time.Duration(res.ElapsedNS)
	apiPerOp, apiWaited := apiStmts.perOp(b.N), apiStmts.waitedPerOp(b.N)

	// The same writes without the API: lock, update, history insert, in one
	// transaction per operation, through pgx with 32 connections. It does
	// less than the API's write: no chained hash, no event with its
	// deliveries, no notifications; it is the floor a write stands on.
	poolConfig, err := pgxpool.ParseConfig(env.DBURL + poolSizeParam(env.DBURL))
	if err != nil {
		b.Fatal(err)
	}
	poolConfig.ConnConfig.Tracer = sqlStmts
	pool, err := pgxpool.NewWithConfig(context.Background(), poolConfig)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	pg.begin()
	goCPU = cputime.Self()
	sqlLat, sqlElapsed := runClients(b.N, func(worker, op int) error {
		return rawWrite(context.Background(), pool, claims[worker].ID, checker.ID, op)
	})
	sqlGoCPU := cputime.Self() - goCPU
	sqlPG, err := pg.end(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	// A second reference, beside the first: hand-written SQL doing what
	// the API's write does besides the floor (rawFullWrite).
	floorPerOp, floorBreakdown, floorWaited := sqlStmts.perOp(b.N), sqlStmts.breakdown(b.N), sqlStmts.waitedPerOp(b.N)
	sqlStmts.reset()
	pg.begin()
	goCPU = cputime.Self()
	_, fullElapsed := runClients(b.N, func(worker, op int) error {
		return rawFullWrite(context.Background(), pool, claims[worker].ID, checker.ID, op)
	})
	fullGoCPU := cputime.Self() - goCPU
	fullPG, err := pg.end(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	fullRate := float64(b.N) / fullElapsed.Seconds()

	apiRate := float64(b.N) / apiElapsed.Seconds()
	sqlRate := float64(b.N) / sqlElapsed.Seconds()
	b.ReportMetric(apiRate, "api_ops/s")
	b.ReportMetric(ms(percentile(apiLat, 50)), "api_p50_ms")
	b.ReportMetric(ms(percentile(apiLat, 99)), "api_p99_ms")
	b.ReportMetric(sqlRate, "sql_ops/s")
	b.ReportMetric(ms(percentile(sqlLat, 99)), "sql_p99_ms")
	b.ReportMetric(apiRate/sqlRate, "api/sql")
	b.ReportMetric(apiRate/fullRate, "api/sql_same_work")
	b.ReportMetric(serverRSS, "peak_rss_MB")
	b.ReportMetric(apiPerOp, "api_stmts/op")
	b.Logf("ops=%d  API %.0f ops/s p50 %.2f ms p99 %.2f ms | raw SQL %.0f ops/s p99 %.2f ms | API/SQL %.2f (target ≥ 0.6) | server peak RSS %.0f MB (target ≤ 80; after the load %.0f MB anonymous + %.0f MB of the executable's pages; the load generator ran apart, its own peak %.0f MB)",
		b.N, apiRate, ms(percentile(apiLat, 50)), ms(percentile(apiLat, 99)), sqlRate, ms(percentile(sqlLat, 99)), apiRate/sqlRate, serverRSS, anonMB, fileMB, res.PeakRSSMB)
	b.Logf("raw SQL doing the API's whole write (hash chain, event and deliveries, send-back notification) %.0f ops/s, %.2f statements: API/it %.2f",
		fullRate, sqlStmts.perOp(b.N), apiRate/fullRate)
	b.Logf("statements per write, BEGIN and COMMIT included: API %.2f %s | raw SQL %.2f %s",
		apiPerOp, apiStmts.breakdown(b.N), floorPerOp, floorBreakdown)
	b.Logf("waiting for the database per write (statements' send to answer, summed): API %.2f ms of its mean %.2f ms | raw SQL %.2f ms of its mean %.2f ms",
		ms(apiWaited), ms(mean(apiLat)), ms(floorWaited), ms(mean(sqlLat)))
	perOp := func(d time.Duration) float64 { return ms(d / time.Duration(b.N)) }
	// Printed, not logged: the benchmark log keeps only ten lines.
	fmt.Printf("CPU per write (load average %s): API Go %.3f ms + load generator %.3f + PostgreSQL %s | raw SQL Go %.3f + PostgreSQL %s | raw whole write Go %.3f + PostgreSQL %s\n",
		cputime.LoadAverage(), perOp(apiGoCPU), perOp(time.Duration(res.CPUNS)), apiPG.perOp(b.N),
		perOp(sqlGoCPU), sqlPG.perOp(b.N), perOp(fullGoCPU), fullPG.perOp(b.N))
	// The CPU ratio is the throughput ratio a machine with no other load
	// and every core busy would show: the API's write costs its Go, its
	// load generator (the HTTP clients) and PostgreSQL's share.
	apiCPU := apiGoCPU + time.Duration(res.CPUNS) + apiPG.ownTotal()
	sqlCPU, fullCPU := sqlGoCPU+sqlPG.ownTotal(), fullGoCPU+fullPG.ownTotal()
	fmt.Printf("CPU per write in all: API %.3f ms | raw SQL %.3f ms: raw/API %.2f | raw SQL doing the whole write %.3f ms: it/API %.2f\n",
		perOp(apiCPU), perOp(sqlCPU), float64(sqlCPU)/float64(apiCPU), perOp(fullCPU), float64(fullCPU)/float64(apiCPU))
	b.ReportMetric(float64(sqlCPU)/float64(apiCPU), "sql/api_cpu")
	b.ReportMetric(perOp(apiPG.ownTotal()), "api_pg_cpu_ms/op")
	b.ReportMetric(perOp(fullPG.ownTotal()), "sql_same_work_pg_cpu_ms/op")
	b.ReportMetric(perOp(apiGoCPU), "api_go_cpu_ms/op")
	// The backends' process ids, to read a system-wide perf profile of
	// the server by (perf report --pid).
	if os.Getenv("FACTDESK_BENCH_PIDS") != "" && b.N > 1 {
		fmt.Printf("api backends %v\nraw backends %v\n", slices.Sorted(maps.Keys(apiStmts.backends())), slices.Sorted(maps.Keys(sqlStmts.backends())))
	}
	if os.Getenv("FACTDESK_BENCH_STATEMENTS") != "" && b.N > 1 {
		// Printed, not logged: the benchmark log keeps only ten lines.
		fmt.Printf("API statements per write, most frequent first:%s\n", apiStmts.top(b.N, 40))
		fmt.Printf("raw SQL (the whole write) statements per write:%s\n", sqlStmts.top(b.N, 10))
	}
}

// statementCounter is a pgx tracer counting the statements sent, by their
// first word, so the benchmark can say how many statements a write costs.
type statementCounter struct {
	mu     sync.Mutex
	counts map[string]int
	texts  map[string]int
	// waited is the time from sending each statement to its answer, in
	// all and by text.
	waited     time.Duration
	textWaited map[string]time.Duration
	// pids are the backends the statements ran on (pgCPU).
	pids backendSet
	// labels caches each statement's statementLabel by its SQL.
	labels map[string]statementLabel
}

type statementStart struct{}

type started struct {
	at   time.Time
	text string
}

func (s *statementCounter) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	s.pids.add(conn.PgConn().PID())
	s.mu.Lock()
	if s.counts == nil {
		s.counts, s.texts, s.textWaited = map[string]int{}, map[string]int{}, map[string]time.Duration{}
	}
	// Each statement's word and shortened text are worked out once: the
	// tracer's own CPU is counted as the server's, and the API's longer
	// statements would otherwise cost it more than the raw SQL's.
	l, ok := s.labels[data.SQL]
	if !ok {
		if s.labels == nil {
			s.labels = map[string]statementLabel{}
		}
		word, _, _ := strings.Cut(strings.TrimSpace(data.SQL), " ")
		text := strings.Join(strings.Fields(data.SQL), " ")
		l = statementLabel{word: strings.ToUpper(strings.TrimRight(word, ";(")), text: text[:min(len(text), 110)]}
		s.labels[data.SQL] = l
	}
	s.counts[l.word]++
	s.texts[l.text]++
	s.mu.Unlock()
	return context.WithValue(ctx, statementStart{}, started{time.Now(), l.text})
}

// statementLabel is how a statement is counted: by its first word and
// its first 110 characters, whitespace folded.
type statementLabel struct{ word, text string }

func (s *statementCounter) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	if st, ok := ctx.Value(statementStart{}).(started); ok {
		d := time.Since(st.at)
		s.mu.Lock()
		s.waited += d
		if s.textWaited != nil {
			s.textWaited[st.text] += d
		}
		s.mu.Unlock()
	}
}

func (s *statementCounter) reset() {
	s.mu.Lock()
	s.counts, s.texts, s.textWaited, s.waited = nil, nil, nil, 0
	s.mu.Unlock()
}

// waitedPerOp is the mean time per operation spent waiting for the
// database's answers.
func (s *statementCounter) waitedPerOp(n int) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waited / time.Duration(n)
}

// top lists the most frequent statements (their first 110 characters)
// with their count per operation and their mean wait for an answer.
func (s *statementCounter) top(n, k int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	texts := make([]string, 0, len(s.texts))
	for t := range s.texts {
		texts = append(texts, t)
	}
	slices.SortFunc(texts, func(a, b string) int { return s.texts[b] - s.texts[a] })
	var out strings.Builder
	for _, t := range texts[:min(k, len(texts))] {
		fmt.Fprintf(&out, "\n  %5.2f  %6.2f ms  %s", float64(s.texts[t])/float64(n), ms(s.textWaited[t]/time.Duration(s.texts[t])), t)
	}
	return out.String()
}

func (s *statementCounter) perOp(n int) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	for _, c := range s.counts {
		total += c
	}
	return float64(total) / float64(n)
}

// breakdown lists the statements per operation by first word.
func (s *statementCounter) breakdown(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	words := make([]string, 0, len(s.counts))
	for w := range s.counts {
		words = append(words, w)
	}
	slices.Sort(words)
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = fmt.Sprintf("%s %.2f", w, float64(s.counts[w])/float64(n))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func poolSizeParam(url string) string {
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return sep + "pool_max_conns=" + strconv.Itoa(clients)
}

// rawWrite is the SQL core of a transition, written by hand.
func rawWrite(ctx context.Context, pool *pgxpool.Pool, claimID, actorID int64, op int) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var version, seq int
	var state string
	if err := tx.QueryRow(ctx, `SELECT version, last_seq, state FROM claims WHERE id = $1 FOR UPDATE`, claimID).Scan(&version, &seq, &state); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE claims SET version = $2, last_seq = $3, priority = $4, updated_at = now() WHERE id = $1 AND version = $5`,
		claimID, version+1, seq+1, []string{"low", "high"}[op%2], version); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO claim_history (claim_id, seq, kind, action, from_state, to_state, actor_id, comment)
		VALUES ($1, $2, 'transitioned', 'send_back', $3, $3, $4, 'raw benchmark')`, claimID, seq+1, state, actorID); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// rawFullWrite is rawWrite doing the rest of what the API's write does, by
// hand: the lock reads the history head, the entry carries a hash chained
// onto it, the claim's event is written with a delivery per subscribed
// endpoint, and a send-back (every third operation, as in the API load)
// notifies the checker. Statement for statement it is what the API sends
// for a write, without HTTP, rules or the Go around them.
func rawFullWrite(ctx context.Context, pool *pgxpool.Pool, claimID, actorID int64, op int) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var version, seq int
	var state, text string
	var head []byte
	if err := tx.QueryRow(ctx, `SELECT c.version, c.last_seq, c.state, c.text, h.hash FROM claims c
		LEFT JOIN LATERAL (SELECT hash FROM claim_history WHERE claim_id = c.id ORDER BY seq DESC LIMIT 1) h ON true
		WHERE c.id = $1 FOR UPDATE OF c`, claimID).Scan(&version, &seq, &state, &text, &head); err != nil {
		return err
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	entry, _ := json.Marshal(map[string]any{"claim_id": claimID, "seq": seq + 1, "kind": "updated", "actor_id": actorID, "at": at})
	hash := sha256.Sum256(append(head, entry...))
	if _, err := tx.Exec(ctx, `WITH saved AS (
			UPDATE claims SET version = $2, last_seq = $3, priority = $4, updated_at = $6 WHERE id = $1 AND version = $5 RETURNING id
		)
		INSERT INTO claim_history (claim_id, seq, kind, action, from_state, to_state, actor_id, comment, at, hash)
		SELECT saved.id, $3, 'transitioned', 'send_back', $7, $7, $8, 'raw benchmark', $6, $9 FROM saved`,
		claimID, version+1, seq+1, []string{"low", "high"}[op%2], version, at, state, actorID, hash[:]); err != nil {
		return err
	}
	payload, _ := json.Marshal(map[string]any{"type": "claim.updated", "timestamp": at,
		"data": map[string]any{"claim": map[string]any{"id": claimID, "text": text, "state": state, "version": version + 1}, "seq": seq + 1, "actor_id": actorID}})
	if _, err := tx.Exec(ctx, `WITH ev AS (
			INSERT INTO events (id, type, claim_id, seq, payload, created_at) VALUES ($1, 'claim.updated', $2, $3, $4, $5) RETURNING id
		)
		INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, created_at, updated_at)
		SELECT w.id, ev.id, 'pending', 1, $5, $5 FROM webhook_endpoints w, ev
		WHERE w.active AND w.events && ARRAY['claim.updated', '*']::text[]`,
		fmt.Sprintf("evt_raw_%d_%d", claimID, seq+1), claimID, seq+1, string(payload), at); err != nil {
		return err
	}
	if op%3 == 1 {
		if _, err := tx.Exec(ctx, `INSERT INTO notifications (recipient_id, kind, claim_id, actor_id, seq, payload, created_at, updated_at)
			SELECT u.id, 'sent_back', $2, $1, $3, '{"comment": "raw benchmark"}', $4, $4 FROM users u WHERE u.id = $1 AND u.active`,
			actorID, claimID, seq+1, at); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// runClients runs n operations spread over the clients and returns every
// operation's latency and the wall time.
func runClients(n int, op func(worker, op int) error) ([]time.Duration, time.Duration) {
	return runClientsN(clients, n, op)
}

// runClientsN is runClients with workers clients.
func runClientsN(workers, n int, op func(worker, op int) error) ([]time.Duration, time.Duration) {
	lat, elapsed, err := runClientsErr(workers, n, op)
	if err != nil {
		panic(err)
	}
	return lat, elapsed
}

// runClientsErr is runClientsN returning the first operation's error.
func runClientsErr(workers, n int, op func(worker, op int) error) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				t0 := time.Now()
				if err := op(w, i/workers); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	return lat, time.Since(start), firstErr
}

func jsonRequest(method, url string, body any) *http.Request {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func mean(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return sum / time.Duration(len(d))
}

// peakRSSMB reads the process's peak resident set from /proc.
func peakRSSMB() float64 {
	if mb := statusMB("VmHWM"); mb > 0 {
		return mb
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.Sys) / (1 << 20)
}

// statusMB reads one kB field of /proc/self/status (VmHWM, RssAnon,
// RssFile) in MB; 0 where there is no such file.
func statusMB(field string) float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
