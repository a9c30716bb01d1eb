package pgtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
)

// Cluster is a PostgreSQL server of one test's own, for tests that stop
// and start the database (an outage), which must never touch the shared
// server. Starting one costs about two seconds (initdb).
type Cluster struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	// URL connects to the cluster's "factdesk" database, which app.Open
	// creates and migrates.
	URL string
}

// ClusterBin is where the PostgreSQL 15 server programs are installed;
// FACTDESK_PG_BIN overrides it.
func ClusterBin() string {
	if b := os.Getenv("FACTDESK_PG_BIN"); b != "" {
		return b
	}
	return "/usr/lib/postgresql/15/bin"
}

// NewCluster initialises and starts a cluster in a temporary directory on
// a free loopback port; it is stopped when t ends. As root (CI containers)
// the server runs as the postgres user, since it refuses to run as root.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if os.Geteuid() == 0 {
		// The server's user must reach the directory.
		os.Chmod(filepath.Dir(dir), 0o755)
		os.Chmod(dir, 0o777)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	c := &Cluster{t: t, bin: ClusterBin(), dir: dir, port: port,
		URL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/factdesk?sslmode=disable", port)}
	c.run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	c.Start()
	t.Cleanup(func() {
		argv := c.command("pg_ctl", "-D", data, "-m", "immediate", "stop")
		exec.Command(argv[0], argv[1:]...).Run()
	})
	return c
}

// Start starts the server and waits until it accepts connections.
func (c *Cluster) Start() {
	c.t.Helper()
	opts := "-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=40 -p " + strconv.Itoa(c.port)
	c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "log"), "-w", "-o", opts, "start")
}

// Stop stops the server at once, dropping every connection, as a crash
// or a failover would.
func (c *Cluster) Stop() {
	c.t.Helper()
	c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
}

func (c *Cluster) command(name string, args ...string) []string {
	prog := filepath.Join(c.bin, name)
	if os.Geteuid() != 0 {
		return append([]string{prog}, args...)
	}
	if _, err := user.Lookup("postgres"); err != nil {
		c.t.Fatalf("pgtest: running as root needs a postgres user for the cluster: %v", err)
	}
	return append([]string{"runuser", "-u", "postgres", "--", prog}, args...)
}

func (c *Cluster) run(name string, args ...string) {
	c.t.Helper()
	argv := c.command(name, args...)
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		c.t.Fatalf("pgtest: %s: %v\n%s\n%s", name, err, out, log)
	}
}
