package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/apptest"
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
// dashboard's event stream as a signed-in user, holds a webhook delivery in
// flight, and interrupts the server: it must end the stream, let the
// delivery finish, and exit cleanly at once, instead of waiting out the
// stream and hard-stopping its workers.
func TestServeShutsDownWithOpenDashboard(t *testing.T) {
	t.Parallel()
	// The receiver holds each delivery until the test releases it, once
	// the server is shutting down.
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	var releaseOnce sync.Once
	releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
	defer releaseAll()

	bin := filepath.Join(t.TempDir(), "factdesk")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	const email, password = "admin@serve.factdesk.test", "a long enough password 42"
	dbURL := pgtest.URL(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dbURL,
		"FACTDESK_WEBHOOK_ALLOW_CIDRS=127.0.0.1/32",
		"FACTDESK_ADDR=127.0.0.1:0",
		"FACTDESK_ADMIN_EMAIL="+email,
		"FACTDESK_ADMIN_PASSWORD="+password,
		"FACTDESK_WEBHOOK_WORKERS=2",
		// The delivery is released once shutdown has begun; on a busy
		// machine that can come after the default grace, and the test is
		// of the shutdown waiting for it, not of the grace's length.
		"FACTDESK_STOP_GRACE=12s",
		// The checkpoint key goes in the test's directory, never the user's.
		"FACTDESK_AUDIT_KEY_FILE="+filepath.Join(t.TempDir(), "checkpoint.key"),
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

	// A delivery in flight: the endpoint's ping waits at the receiver.
	token := apiToken(t, baseURL, email, password)
	var hook struct {
		ID int64 `json:"id"`
	}
	apiCall(t, baseURL, token, "POST", "/api/v1/webhooks", `{"url": "`+receiver.URL+`/hook", "events": ["*"]}`, http.StatusCreated, &hook)
	apiCall(t, baseURL, token, "POST", "/api/v1/webhooks/"+strconv.FormatInt(hook.ID, 10)+"/ping", "", http.StatusAccepted, nil)
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatalf("the ping never reached the receiver\n%s", logs)
	}

	began := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// Release the delivery only once shutdown has begun, so it is the
	// shutdown that waits for it.
	apptest.Eventually(t, 15*time.Second, "serve to log that it is shutting down", func() bool {
		return strings.Contains(logs.String(), `"msg":"shutting down"`)
	})
	releaseAll()
	// Waiting out the open stream would take serve's whole 30 s shutdown
	// budget; the bound sits far below it and far above a clean exit on a
	// busy machine, so it tells the two apart without timing the machine.
	const bound = 15 * time.Second
	select {
	case err := <-exited:
		took := time.Since(began)
		if err != nil {
			t.Fatalf("serve exited with %v after SIGINT, want code 0\n%s", err, logs)
		}
		if took > bound {
			t.Errorf("serve took %s to exit after SIGINT, want well under its 30s shutdown budget\n%s", took, logs)
		}
	case <-time.After(bound):
		t.Fatalf("serve still running %s after SIGINT\n%s", bound, logs)
	}
	select {
	case err := <-streamEnded:
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("the event stream ended with %v, want a clean end", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("the event stream is still open after serve exited")
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var status string
	if err := db.QueryRow("SELECT status FROM webhook_deliveries WHERE endpoint_id = $1", hook.ID).Scan(&status); err != nil || status != "succeeded" {
		t.Errorf("the delivery in flight at shutdown is %q (%v), want succeeded", status, err)
	}
	out := logs.String()
	if strings.Contains(out, "Hard stop") {
		t.Errorf("serve hard-stopped its workers:\n%s", out)
	}
	if !strings.Contains(out, `"msg":"stopped"`) {
		t.Errorf("serve did not log that it stopped:\n%s", out)
	}
}

// apiToken signs in to the API.
func apiToken(t *testing.T, baseURL, email, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	var out struct {
		Token string `json:"token"`
	}
	apiCall(t, baseURL, "", "POST", "/api/v1/auth/token", string(body), http.StatusCreated, &out)
	return out.Token
}

// apiCall sends a JSON request, checks the status, and decodes the answer
// into out when it is not nil.
func apiCall(t *testing.T, baseURL, token, method, path, body string, want int, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, baseURL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}
