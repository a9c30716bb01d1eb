package apptest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/factdesk/factdesk/handlers/api"
)

// The API's contract (handlers/api/openapi.yaml) is checked on every desk a
// test starts: the test server's handler is wrapped so that each request
// to /api/v1 and its response are validated against the document with
// kin-openapi's openapi3filter, and a mismatch fails the test that made
// the request.
//
// Responses are always validated: the status must be one the operation
// documents, and the body must match its schema, so every error is the
// documented problem+json. Requests are validated only when the server
// accepted them (a 2xx answer): a test that sends bad input on purpose gets
// a 4xx and its request is not held to the document, while a request the
// document forbids but the server accepts fails the test, since then the
// document or the server is wrong.

// APIPrefix is the path of the document's one server.
const APIPrefix = "/api/v1"

var contract = sync.OnceValues(func() (*Contract, error) {
	raw, err := api.OpenAPI()
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("apptest: load openapi.json: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("apptest: openapi.json is not a valid OpenAPI document: %w", err)
	}
	c := &Contract{Doc: doc}
	for _, p := range doc.Paths.InMatchingOrder() {
		c.paths = append(c.paths, template{path: p, segs: strings.Split(strings.Trim(p, "/"), "/")})
	}
	return c, nil
})

func init() {
	// The binary downloads the API serves; their bodies are not JSON.
	for _, ct := range []string{"application/warc", "application/wacz+zip"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
	openapi3filter.RegisterBodyDecoder("application/jsonl", openapi3filter.PlainBodyDecoder)
}

// Contract is the loaded OpenAPI document with a router over its paths.
type Contract struct {
	Doc   *openapi3.T
	paths []template
}

type template struct {
	path string
	segs []string
}

// OpenAPI loads the served OpenAPI document, failing t when it does not
// load or is not valid.
func OpenAPI(t testing.TB) *Contract {
	t.Helper()
	c, err := contract()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Find returns the documented operation for method and a path under
// /api/v1 (without the prefix), with its path parameters. A literal
// segment wins over a parameter, as in the route table (/claims/export
// is not /claims/{id}).
func (c *Contract) Find(method, path string) (*routers.Route, map[string]string, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best, bestScore := -1, -1
	var bestParams map[string]string
	for i, tp := range c.paths {
		if len(tp.segs) != len(segs) {
			continue
		}
		score, params, ok := 0, map[string]string{}, true
		for j, s := range tp.segs {
			if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
				v, err := url.PathUnescape(segs[j])
				if err != nil || v == "" {
					ok = false
					break
				}
				params[s[1:len(s)-1]] = v
				continue
			}
			if s != segs[j] {
				ok = false
				break
			}
			score |= 1 << (len(segs) - j)
		}
		if ok && score > bestScore {
			best, bestScore, bestParams = i, score, params
		}
	}
	if best < 0 {
		return nil, nil, false
	}
	item := c.Doc.Paths.Value(c.paths[best].path)
	op := item.GetOperation(method)
	if op == nil {
		return nil, nil, false
	}
	return &routers.Route{Spec: c.Doc, Path: c.paths[best].path, PathItem: item, Method: method, Operation: op}, bestParams, true
}

var filterOptions = &openapi3filter.Options{
	IncludeResponseStatus: true,
	MultiError:            true,
	// The document's one scheme is a bearer token; the server decides
	// whether it is valid, the document only that one was sent.
	AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
		h := in.RequestValidationInput.Request.Header.Get("Authorization")
		if scheme, token, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") && token != "" {
			return nil
		}
		return errors.New("no bearer token")
	},
}

// Check validates one exchange: the request (when accepted with a 2xx)
// and the response. It returns nil for requests outside /api/v1, for
// HEAD and OPTIONS (answered for every GET and by the CORS policy, not
// per operation), and for a 404 or 405 from a method and path the
// document does not have.
func (c *Contract) Check(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	if !strings.HasPrefix(req.URL.Path, APIPrefix+"/") || req.Method == http.MethodHead || req.Method == http.MethodOptions {
		return nil
	}
	route, params, ok := c.Find(req.Method, strings.TrimPrefix(req.URL.Path, APIPrefix))
	if !ok {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return nil
		}
		return fmt.Errorf("%s %s answered %d, but the OpenAPI document has no such operation", req.Method, req.URL.Path, status)
	}
	ctx := context.Background()
	r := req.Clone(ctx)
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: filterOptions}
	var errs []string
	if status >= 200 && status < 300 {
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			errs = append(errs, "request: "+brief(err))
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: filterOptions,
	}
	if status == http.StatusNoContent || status == http.StatusNotModified {
		out.Body = nil
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		errs = append(errs, fmt.Sprintf("response %d: %s", status, brief(err)))
	}
	// What a schema cannot say: a problem's status is the response's.
	if status >= 400 {
		var p struct {
			Status int `json:"status"`
		}
		if json.Unmarshal(body, &p) == nil && p.Status != status {
			errs = append(errs, fmt.Sprintf("response %d: the problem says status %d", status, p.Status))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s %s (operation %s) breaks the OpenAPI document:\n%s", req.Method, req.URL.Path, route.Operation.OperationID, strings.Join(errs, "\n"))
}

// CheckWebhook validates one delivery a receiver got against the
// document's webhooks: the Standard Webhooks headers and the envelope of
// its event type.
func (c *Contract) CheckWebhook(header http.Header, body []byte) error {
	var env struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("webhook body is not a JSON envelope: %w", err)
	}
	item := c.Doc.Webhooks[env.Type]
	if item == nil || item.Post == nil {
		return fmt.Errorf("webhook event type %q is not in the OpenAPI document's webhooks", env.Type)
	}
	req, err := http.NewRequest(http.MethodPost, "http://receiver.test/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = header.Clone()
	route := &routers.Route{Spec: c.Doc, Path: env.Type, PathItem: item, Method: http.MethodPost, Operation: item.Post}
	in := &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: &openapi3filter.Options{MultiError: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Errorf("webhook %s breaks the OpenAPI document: %s", env.Type, brief(err))
	}
	return nil
}

// brief is a validation error without the schemas kin-openapi prints
// after each reason (whole components, hundreds of lines), without the
// echoes of unevaluatedProperties, and with at most a few lines of each
// offending value.
func brief(err error) string {
	var out []string
	skip, echo, kept := false, false, 0
	for _, line := range strings.Split(err.Error(), "\n") {
		switch trimmed := strings.TrimSpace(line); {
		case trimmed == "Schema:":
			skip = true
			continue
		case strings.HasPrefix(trimmed, "| ") && strings.HasSuffix(trimmed, ": false schema"):
			// unevaluatedProperties refusing every member once one part
			// of a composed schema failed: an echo of the first failure.
			skip, echo = true, true
			continue
		case trimmed == "Value:":
			if echo {
				continue
			}
			skip, kept = false, 0
		case line == "" || strings.HasPrefix(line, "  "):
			if skip {
				continue
			}
			if kept++; kept > 6 {
				if kept == 7 {
					out = append(out, "  …")
				}
				continue
			}
		default:
			skip, echo, kept = false, false, 0
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// CheckWebhook fails t when a delivery does not match the document's
// webhooks. Receivers in tests call it for every standard-format POST.
func CheckWebhook(t testing.TB, header http.Header, body []byte) {
	t.Helper()
	if err := OpenAPI(t).CheckWebhook(header, body); err != nil {
		t.Error(err)
	}
}

// validating wraps the desk's handler so that every API exchange is
// checked against the contract, failing t on a mismatch.
func validating(t testing.TB, next http.Handler) http.Handler {
	c := OpenAPI(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, APIPrefix+"/") {
			next.ServeHTTP(w, r)
			return
		}
		var reqBody []byte
		if r.Body != nil {
			var err error
			if reqBody, err = io.ReadAll(r.Body); err != nil {
				t.Errorf("apptest: read request body: %v", err)
			}
			r.Body = io.NopCloser(bytes.NewReader(reqBody))
		}
		// The handler may change r (gin does not, but be safe): keep a copy.
		seen := r.Clone(r.Context())
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if err := c.Check(seen, reqBody, rec.status, w.Header(), rec.body.Bytes()); err != nil {
			t.Errorf("%v", err)
		}
	})
}

// recorder passes a response through while keeping a copy of it.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 && status >= 200 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(p)
	return r.ResponseWriter.Write(p)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := r.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, http.ErrNotSupported
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Operations lists the document's operations as "METHOD /api/v1/path".
func (c *Contract) Operations() []string {
	var out []string
	for path, item := range c.Doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+APIPrefix+path)
		}
	}
	sort.Strings(out)
	return out
}
