package readme_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/demo"
	"github.com/factdesk/factdesk/internal/apptest"
)

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section is the README's text from heading to the next heading of the
// same level.
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	start := strings.Index(doc, "\n"+heading+"\n")
	if start < 0 {
		t.Fatalf("the README has no %q section", heading)
	}
	rest := doc[start+len(heading)+2:]
	if end := strings.Index(rest, "\n## "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

var fence = regexp.MustCompile("(?s)```sh\n(.*?)```")

// shellLines are the README's shell lines that mention curl or set a
// variable the curl lines use, with continuations joined.
func shellLines(doc string) []string {
	var out []string
	for _, m := range fence.FindAllStringSubmatch(doc, -1) {
		if !strings.Contains(m[1], "curl ") {
			continue
		}
		joined := strings.ReplaceAll(m[1], "\\\n", " ")
		for _, line := range strings.Split(joined, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				out = append(out, line)
			}
		}
	}
	return out
}

// words splits a shell line into words, honouring single and double
// quotes, and returns the trailing comment apart.
func words(line string) (ws []string, comment string) {
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case ch == '\'' || ch == '"':
			end := strings.IndexByte(line[i+1:], ch)
			if end < 0 {
				end = len(line) - i - 1
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case ch == ' ' || ch == '\t':
			if inWord {
				ws, inWord = append(ws, cur.String()), false
				cur.Reset()
			}
		case ch == '#' && !inWord:
			return ws, line[i+1:]
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		ws = append(ws, cur.String())
	}
	return ws, ""
}

// shell runs the README's lines the way bash would for these few forms:
// VAR=value, VAR=$(curl … | jq -r .field), auth=(…) and curl.
type shell struct {
	t    *testing.T
	vars map[string]string
	auth []string
}

func (s *shell) expand(w string) string {
	for name, v := range s.vars {
		w = strings.ReplaceAll(w, "${"+name+"}", v)
		w = strings.ReplaceAll(w, "$"+name, v)
	}
	return w
}

var (
	assign     = regexp.MustCompile(`^([A-Za-z_]+)=(.*)$`)
	substitute = regexp.MustCompile(`^\$\((curl .*) \| jq -r \.([a-z_]+)\)$`)
	statusList = regexp.MustCompile(`\b[1-5]\d\d\b`)
)

func (s *shell) run(line string) {
	t := s.t
	if m := assign.FindStringSubmatch(line); m != nil && !strings.HasPrefix(line, "curl") {
		name, value := m[1], m[2]
		switch {
		case name == "auth":
			ws, _ := words(strings.TrimSuffix(strings.TrimPrefix(value, "("), ")"))
			s.auth = ws
		case substitute.MatchString(value):
			sm := substitute.FindStringSubmatch(value)
			status, body := s.curl(sm[1])
			if status/100 != 2 {
				t.Fatalf("README: %s: status %d: %s", sm[1], status, body)
			}
			var v map[string]any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Fatalf("README: %s: not JSON: %s", sm[1], body)
			}
			s.vars[name] = fmt.Sprint(v[sm[2]])
		case strings.HasPrefix(value, "$("):
			t.Fatalf("README: cannot run %q", line)
		default:
			s.vars[name] = s.expand(value)
		}
		return
	}
	if !strings.HasPrefix(line, "curl ") {
		t.Fatalf("README: cannot run %q", line)
	}
	_, comment := words(line)
	want := statusList.FindAllString(comment, -1)
	status, body := s.curl(line)
	if len(want) > 0 {
		if !slices.Contains(want, strconv.Itoa(status)) {
			t.Errorf("README: %s\n  status %d, the comment promises %v: %s", line, status, want, body)
		}
	} else if status/100 != 2 {
		t.Errorf("README: %s\n  status %d: %s", line, status, body)
	}
}

// curl sends what a curl command line would.
func (s *shell) curl(line string) (int, []byte) {
	t := s.t
	ws, _ := words(line)
	var args []string
	for _, w := range ws[1:] {
		if w == "${auth[@]}" {
			args = append(args, s.auth...)
			continue
		}
		args = append(args, w)
	}
	method, url := "", ""
	var body []byte
	header := http.Header{}
	for i := 0; i < len(args); i++ {
		a := s.expand(args[i])
		switch a {
		case "-s", "-S", "-sS", "-i":
		case "-X":
			i++
			method = args[i]
		case "-H":
			i++
			name, value, _ := strings.Cut(s.expand(args[i]), ":")
			header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		case "-d", "--data":
			i++
			body = []byte(s.expand(args[i]))
		default:
			if strings.HasPrefix(a, "-") {
				t.Fatalf("README: curl option %s is not understood by this test", a)
			}
			url = a
		}
	}
	if method == "" {
		method = http.MethodGet
		if body != nil {
			method = http.MethodPost
		}
	}
	if body != nil && header.Get("Content-Type") == "" {
		// curl -d sends a form unless told otherwise.
		header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("README: %s: %v", line, err)
	}
	req.Header = header
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("README: %s: %v", line, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// TestREADMECurlExamplesRun runs the API section's curl examples as
// written against a fresh demo desk (as `factdesk serve --demo` loads it)
// and checks each status: 2xx, or what the line's comment promises.
func TestREADMECurlExamplesRun(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	if _, err := demo.Load(context.Background(), env.App.Engine, env.App.Auth, env.App.Store); err != nil {
		t.Fatal(err)
	}
	lines := shellLines(section(t, readme(t), "## The API"))
	if len(lines) < 5 {
		t.Fatalf("found only %d shell lines in the API section", len(lines))
	}
	const documented = "http://127.0.0.1:8080"
	s := &shell{t: t, vars: map[string]string{}}
	for _, line := range lines {
		// The examples address the default listen address; this desk
		// listens elsewhere.
		s.run(strings.ReplaceAll(line, documented, env.URL))
	}
}

var tableEntry = regexp.MustCompile("`((?:GET|POST|PATCH|PUT|DELETE)(?:/(?:GET|POST|PATCH|PUT|DELETE))*) (/[^` ?]*)")

// TestREADMEListsEveryAPIRoute fails when a route of the API's route table
// is missing from the README's API table.
func TestREADMEListsEveryAPIRoute(t *testing.T) {
	t.Parallel()
	env := apptest.New(t)
	listed := map[string]bool{}
	for _, m := range tableEntry.FindAllStringSubmatch(section(t, readme(t), "## The API"), -1) {
		for _, method := range strings.Split(m[1], "/") {
			listed[method+" "+m[2]] = true
		}
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	for _, r := range env.App.Routes() {
		path, ok := strings.CutPrefix(r.Path, "/api/v1")
		if !ok {
			continue
		}
		if path == "" {
			path = "/"
		}
		path = param.ReplaceAllString(path, "{$1}")
		if !listed[r.Method+" "+path] {
			t.Errorf("the README's API table does not list %s %s", r.Method, path)
		}
	}
}
