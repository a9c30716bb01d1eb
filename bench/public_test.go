package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
	"github.com/factdesk/factdesk/models"
)

// publicConns is how many connections the load generator keeps open.
const publicConns = 32

// BenchmarkPublicPages serves a published fact check's page and the JSON
// Feed from factdesk and, as the reference, the same bytes as files from
// nginx on another loopback port, in alternating one-second rounds with 32
// keep-alive connections, and reports requests per second and the ratio.
// Each is measured twice: without Accept-Encoding, and with
// Accept-Encoding: gzip as browsers send it, where nginx serves factdesk's
// own gzip bytes precompressed (gzip_static), so both send the same bytes.
// The load comes from wrk when it is installed (apt-get install wrk), or
// else from a small Go generator in this process; FACTDESK_BENCH_LOADGEN=go
// forces the latter. FACTDESK_BENCH_SECONDS sets the rounds, and so the
// seconds per server and target (5). It skips without nginx (apt-get install nginx).
//
//	go test -run '^$' -bench PublicPages -benchtime 1x ./bench
func BenchmarkPublicPages(b *testing.B) {
	nginxBin, err := exec.LookPath("nginx")
	if err != nil {
		for _, p := range []string{"/usr/sbin/nginx", "/usr/local/sbin/nginx"} {
			if _, err2 := os.Stat(p); err2 == nil {
				nginxBin, err = p, nil
			}
		}
	}
	if err != nil {
		// Without the reference there is no ratio to report: fail, never skip.
		b.Fatal("nginx is not installed (apt-get install -y nginx wrk): it serves the reference bytes")
	}
	seconds := 5
	if s, err := strconv.Atoi(os.Getenv("FACTDESK_BENCH_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	env := apptest.New(b)
	checker, editor := env.User(b, models.RoleChecker), env.User(b, models.RoleEditor)
	var slug string
	for i := range 20 {
		c := env.ClaimIn(b, models.StateConfirmed, checker, editor, fmt.Sprintf("Benchmark claim %d: the new bridge carries %d,000 cars a day.", i, 20+i))
		res := env.Do(b, "GET", "/api/v1/claims/"+strconv.FormatInt(c.ID, 10)+"/claimreview", checker.Token, nil)
		url, _ := res.JSON(b)["url"].(string)
		slug = url[strings.LastIndex(url, "/factchecks/"):]
	}
	env.WaitForJobs(b, "audit_checkpoint")

	root := b.TempDir()
	// Each document twice: as a client that names no encoding gets it
	// (wrk's default), and as browsers ask for it (Accept-Encoding:
	// gzip). nginx serves the same bytes for both: the files, and beside
	// them (gzip_static) the very gzip bytes factdesk sends.
	type target struct{ name, path, encoding string }
	targets := []target{{"page", slug, ""}, {"feed", "/factchecks.json", ""}, {"page-gzip", slug, "gzip"}, {"feed-gzip", "/factchecks.json", "gzip"}}
	bodies := map[target][]byte{}
	for _, tg := range targets {
		body, encoding := fetchAs(b, env.URL+tg.path, tg.encoding)
		if encoding != tg.encoding {
			b.Fatalf("GET %s with Accept-Encoding %q: Content-Encoding %q", tg.path, tg.encoding, encoding)
		}
		bodies[tg] = body
		file := filepath.Join(root, "www", filepath.FromSlash(tg.path))
		if tg.encoding == "gzip" {
			file += ".gz"
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(file, body, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	nginxURL := startNginx(b, nginxBin, root)

	gen := "go"
	wrk, err := exec.LookPath("wrk")
	if err == nil && os.Getenv("FACTDESK_BENCH_LOADGEN") != "go" {
		gen = "wrk"
	}
	b.ResetTimer()
	for _, tg := range targets {
		// Alternating one-second rounds, so both servers see the same
		// background load on a shared machine.
		var counts [2]int64
		bases := [2]string{env.URL, nginxURL}
		for round := range seconds {
			for k := range 2 {
				i := (round + k) % 2
				var n int64
				var err error
				if gen == "wrk" {
					n, err = runWrk(wrk, bases[i]+tg.path, tg.encoding, time.Second)
				} else {
					n, err = loadGo(bases[i], tg.path, tg.encoding, len(bodies[tg]), time.Second)
				}
				if err != nil {
					b.Fatalf("%s %s: %v", bases[i], tg.path, err)
				}
				counts[i] += n
			}
		}
		rates := [2]float64{float64(counts[0]) / float64(seconds), float64(counts[1]) / float64(seconds)}
		ratio := rates[0] / rates[1]
		fmt.Printf("%s %s (%d bytes), %d connections, %s: factdesk %.0f req/s | nginx, same bytes: %.0f req/s | ratio %.2f | load %s\n",
			tg.name, tg.path, len(bodies[tg]), publicConns, gen, rates[0], rates[1], ratio, loadAverage())
		b.ReportMetric(rates[0], tg.name+"-req/s")
		b.ReportMetric(ratio, tg.name+"-ratio")
	}
	hits, misses, size := env.App.PublicCache.Stats()
	fmt.Printf("cache: %d hits, %d rendered, %d bytes kept\n", hits, misses, size)
}

// startNginx runs nginx on a free loopback port, serving root/www, until
// the benchmark ends.
func startNginx(b *testing.B, bin, root string) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // the temporary directory is root's alone
	}
	conf := fmt.Sprintf(`%s
worker_processes auto;
daemon off;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	server {
		listen %[3]s;
		root %[2]s/www;
		gzip_static on;
		gzip_vary on;
		location = /factchecks.json { default_type "application/feed+json; charset=utf-8"; }
		location /factchecks/ { default_type "text/html; charset=utf-8"; }
	}
}
`, user, root, addr)
	confFile := filepath.Join(root, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", root, "-c", confFile, "-e", filepath.Join(root, "error.log"))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	apptest.Eventually(b, 10*time.Second, "nginx to listen on "+addr, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return "http://" + addr
}

var wrkRequests = regexp.MustCompile(`(\d+) requests in`)
var wrkErrors = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: .*`)

// fetchAs GETs url asking for encoding (none: no Accept-Encoding) and
// returns the body as sent, with its Content-Encoding.
func fetchAs(b *testing.B, url, encoding string) ([]byte, string) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		b.Fatal(err)
	}
	// Set, so that Go's client neither adds gzip nor unpacks it.
	req.Header.Set("Accept-Encoding", encoding)
	if encoding == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("GET %s = %d, %v", url, res.StatusCode, err)
	}
	return body, res.Header.Get("Content-Encoding")
}

// runWrk drives url with wrk (2 threads, publicConns connections) for d,
// asking for encoding when set, and returns the requests completed.
func runWrk(wrk, url, encoding string, d time.Duration) (int64, error) {
	args := []string{"-t2", "-c" + strconv.Itoa(publicConns), "-d" + strconv.Itoa(int(d.Seconds())) + "s"}
	if encoding != "" {
		args = append(args, "-H", "Accept-Encoding: "+encoding)
	}
	out, err := exec.Command(wrk, append(args, url)...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %v: %s", err, out)
	}
	if e := wrkErrors.Find(out); e != nil {
		return 0, fmt.Errorf("wrk: %s\n%s", e, out)
	}
	m := wrkRequests.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("wrk printed no request count: %s", out)
	}
	return strconv.ParseInt(string(m[1]), 10, 64)
}

// loadGo keeps publicConns keep-alive connections busy with GETs of path
// (asking for encoding when set) for d, checking each answer is a 200 of
// size bytes, and returns the requests completed.
func loadGo(base, path, encoding string, size int, d time.Duration) (int64, error) {
	addr := strings.TrimPrefix(base, "http://")
	ae := ""
	if encoding != "" {
		ae = "Accept-Encoding: " + encoding + "\r\n"
	}
	req := []byte("GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: factdesk-bench\r\n" + ae + "\r\n")
	var done atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, publicConns)
	deadline := time.Now().Add(d)
	for range publicConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			r := bufio.NewReaderSize(conn, 64<<10)
			for time.Now().Before(deadline) {
				if _, err := conn.Write(req); err != nil {
					errs <- err
					return
				}
				if err := readResponse(r, size); err != nil {
					errs <- err
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return done.Load(), <-errs
}

// readResponse reads one 200 response with a Content-Length of size.
func readResponse(r *bufio.Reader, size int) error {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(string(line), "HTTP/1.1 200") {
		return fmt.Errorf("status line %q", line)
	}
	length := -1
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if k, v, ok := strings.Cut(string(line), ":"); ok && strings.EqualFold(k, "Content-Length") {
			length, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if length != size {
		return errors.New("Content-Length " + strconv.Itoa(length) + ", want " + strconv.Itoa(size))
	}
	_, err = io.CopyN(io.Discard, r, int64(length))
	return err
}
