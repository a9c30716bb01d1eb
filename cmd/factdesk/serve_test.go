package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/pgtest"
)

// lockedLog collects a process's stderr while the test reads it.
type lockedLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *lockedLog) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

var servingOn = regexp.MustCompile(`serving on (http://\S+)`)

// TestServeShutsDownWithOpenDashboard runs the real binary, opens a
// dashboard's event stream as a signed-in user, and interrupts the server:
// it must end the stream and exit cleanly within two seconds, instead of
// waiting out the stream and hard-stopping its workers.
func TestServeShutsDownWithOpenDashboard(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "factdesk")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	const email, password = "admin@serve.factdesk.test", "a long enough password 42"
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+pgtest.URL(t),
		"FACTDESK_ADDR=127.0.0.1:0",
		"FACTDESK_ADMIN_EMAIL="+email,
		"FACTDESK_ADMIN_PASSWORD="+password,
		"FACTDESK_WEBHOOK_WORKERS=2",
	)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	logs := &lockedLog{}
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.add(sc.Text())
			if m := servingOn.FindStringSubmatch(sc.Text()); m != nil {
				base <- m[1]
			}
		}
		// Wait only after stderr is drained, as os/exec asks.
		exited <- cmd.Wait()
	}()
	// A test that fails early leaves no server behind; after a clean exit
	// this does nothing.
	t.Cleanup(func() { cmd.Process.Kill() })

	var baseURL string
	select {
	case baseURL = <-base:
	case err := <-exited:
		t.Fatalf("serve exited before serving: %v\n%s", err, logs)
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not start within a minute:\n%s", logs)
	}

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(baseURL+"/login", url.Values{"email": {email}, "password": {password}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in = %d, want 303\n%s", res.StatusCode, logs)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", baseURL+"/events", nil)
	stream, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	if ct := stream.Header.Get("Content-Type"); stream.StatusCode != http.StatusOK || ct != "text/event-stream" {
		t.Fatalf("GET /events = %d %s, want 200 text/event-stream", stream.StatusCode, ct)
	}
	streamEnded := make(chan error, 1)
	connected := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			if sc.Text() == ": connected" {
				close(connected)
			}
		}
		streamEnded <- sc.Err()
	}()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		t.Fatalf("the event stream did not say it was connected\n%s", logs)
	}

	began := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		took := time.Since(began)
		if err != nil {
			t.Fatalf("serve exited with %v after SIGINT, want code 0\n%s", err, logs)
		}
		if took > 2*time.Second {
			t.Errorf("serve took %s to exit after SIGINT, want at most 2s\n%s", took, logs)
		}
	case <-time.After(2 * time.Second):
		t.Fatalf("serve still running 2s after SIGINT\n%s", logs)
	}
	select {
	case err := <-streamEnded:
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("the event stream ended with %v, want a clean end", err)
		}
	case <-time.After(time.Second):
		t.Errorf("the event stream is still open after serve exited")
	}
	out := logs.String()
	if strings.Contains(out, "Hard stop") {
		t.Errorf("serve hard-stopped its workers:\n%s", out)
	}
	if !strings.Contains(out, `"msg":"stopped"`) {
		t.Errorf("serve did not log that it stopped:\n%s", out)
	}
}
