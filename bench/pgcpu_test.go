package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/factdesk/factdesk/internal/cputime"
)

// pgCPU splits the CPU the PostgreSQL server spent during a phase of a
// benchmark by who it worked for: the connections a statementCounter
// traced, the other connections to the benchmark's database (River's,
// the listeners'), the server's own processes (WAL writer, checkpointer,
// background writer) and the rest (other databases: other benchmarks and
// tests sharing the server, left out of the figures). It reads
// /proc/<pid>/stat, so it counts only a server on this machine.
type pgCPU struct {
	monitor *pgx.Conn
	// traced are the backends whose statements the counters saw.
	traced []*statementCounter
	start  map[int]time.Duration
}

// pgCPUSplit is what pgCPU measured over one phase.
type pgCPUSplit struct {
	Traced, OtherOwn, Server, OtherDatabases time.Duration
	// Started is the part of Traced spent by backends that started
	// during the phase: connecting, warming their caches, first plans.
	Started time.Duration
	// StartedN counts them.
	StartedN int
}

func (s pgCPUSplit) ownTotal() time.Duration { return s.Traced + s.OtherOwn + s.Server }

// perOp renders the split per operation, in milliseconds.
func (s pgCPUSplit) perOp(n int) string {
	per := func(d time.Duration) float64 { return ms(d / time.Duration(n)) }
	return fmt.Sprintf("%.3f ms (its connections %.3f, of which %.3f in the %d that connected during the load; the database's other connections %.3f, the server's own processes %.3f)",
		per(s.ownTotal()), per(s.Traced), per(s.Started), s.StartedN, per(s.OtherOwn), per(s.Server))
}

func newPGCPU(ctx context.Context, dbURL string, traced ...*statementCounter) (*pgCPU, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	return &pgCPU{monitor: conn, traced: traced}, nil
}

func (p *pgCPU) close() { p.monitor.Close(context.Background()) }

// begin starts a phase.
func (p *pgCPU) begin() { p.start = postgresProcesses() }

// end ends the phase and splits what the server spent in it.
func (p *pgCPU) end(ctx context.Context) (pgCPUSplit, error) {
	now := postgresProcesses()
	var out pgCPUSplit
	rows, err := p.monitor.Query(ctx, `SELECT pid, coalesce(datname = current_database(), false), datname IS NULL FROM pg_stat_activity`)
	if err != nil {
		return out, err
	}
	ours, serverOwn := map[int]bool{}, map[int]bool{}
	for rows.Next() {
		var pid int
		var own, server bool
		if err := rows.Scan(&pid, &own, &server); err != nil {
			return out, err
		}
		ours[pid], serverOwn[pid] = own, server
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	traced := map[int]bool{}
	for _, c := range p.traced {
		for pid := range c.backends() {
			traced[pid] = true
		}
	}
	postmaster := postmasterPID()
	for pid, cpu := range now {
		d := cpu - p.start[pid]
		switch {
		case traced[pid]:
			out.Traced += d
			if _, before := p.start[pid]; !before {
				out.Started += d
				out.StartedN++
			}
		case ours[pid]:
			out.OtherOwn += d
		case serverOwn[pid] || pid == postmaster:
			out.Server += d
		default:
			out.OtherDatabases += d
		}
	}
	return out, nil
}

// postgresProcesses is the CPU time so far of every process named
// postgres.
func postgresProcesses() map[int]time.Duration {
	out := map[int]time.Duration{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		comm, err := os.ReadFile(dir + "/comm")
		if err != nil || strings.TrimSpace(string(comm)) != "postgres" {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(dir))
		out[pid] = cputime.Process(pid)
	}
	return out
}

// postmasterPID is the parent of the server's processes: the postgres
// process whose parent is not one.
func postmasterPID() int {
	for pid := range postgresProcesses() {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		ppid, _ := strconv.Atoi(fields[1])
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", ppid)); err != nil || strings.TrimSpace(string(comm)) != "postgres" {
			return pid
		}
	}
	return 0
}

// backendSet records the backend process ids a tracer's statements ran on.
type backendSet struct {
	mu   sync.Mutex
	pids map[uint32]bool
}

func (b *backendSet) add(pid uint32) {
	b.mu.Lock()
	if b.pids == nil {
		b.pids = map[uint32]bool{}
	}
	b.pids[pid] = true
	b.mu.Unlock()
}

func (s *statementCounter) backends() map[int]bool {
	s.pids.mu.Lock()
	defer s.pids.mu.Unlock()
	out := map[int]bool{}
	for pid := range s.pids.pids {
		out[int(pid)] = true
	}
	return out
}
