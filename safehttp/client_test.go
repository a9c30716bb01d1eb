package safehttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/safehttp"
)

// fakeResolver answers for the names it holds and asks the system resolver
// about the rest, so tests can point a name at an address without DNS.
type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	addrs, ok := f[host]
	if !ok {
		return net.DefaultResolver.LookupNetIP(ctx, network, host)
	}
	var out []netip.Addr
	for _, a := range addrs {
		if network == "ip" || (network == "ip4") == a.Unmap().Is4() {
			out = append(out, a)
		}
	}
	return out, nil
}

var testResolver = fakeResolver{
	"loopback.test":  {netip.MustParseAddr("127.0.0.1")},
	"loopback2.test": {netip.MustParseAddr("127.0.0.2")},
	"mapped.test":    {netip.MustParseAddr("::ffff:10.0.0.1")},
	"rebind.test":    {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("10.0.0.1")},
}

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

// countingServer starts a loopback server that counts requests and answers
// with h, or 200 "ok" when h is nil.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if h == nil {
			io.WriteString(w, "ok")
			return
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func port(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

func TestDeniedAddresses(t *testing.T) {
	t.Parallel()

	// Every URL uses the live server's port, so a form that slipped
	// through to loopback would register a hit.
	srv, hits := countingServer(t, nil)
	p := port(t, srv)
	client := safehttp.New(safehttp.Config{Resolver: testResolver, Timeout: 5 * time.Second})

	tests := []struct {
		host string
		want string // substring of the error message
	}{
		{"127.0.0.1", "127.0.0.1 is a loopback address"},
		{"127.0.0.1.", "127.0.0.1 is a loopback address"},
		{"localhost", "localhost resolves to 127.0.0.1, which is a loopback address"},
		{"loopback.test", "loopback.test resolves to 127.0.0.1, which is a loopback address"},
		{"169.254.169.254", "169.254.169.254 is a link-local address"},
		{"[::1]", "::1 is a loopback address"},
		{"[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is a loopback address"},
		{"[::ffff:169.254.169.254]", "link-local"},
		{"0.0.0.0", "0.0.0.0 is the unspecified address"},
		{"[::]", ":: is the unspecified address"},
		{"10.0.0.1", "10.0.0.1 is a private address"},
		{"172.16.5.4", "private"},
		{"192.168.1.1", "private"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"198.18.0.1", "benchmarking"},
		{"192.0.0.170", "IETF protocol assignment"},
		{"224.0.0.1", "multicast"},
		{"240.0.0.1", "reserved"},
		{"255.255.255.255", "broadcast"},
		{"[fd12:3456::1]", "unique local"},
		{"[fe80::1%25lo]", "link-local"},
		{"[ff02::1]", "multicast"},
		{"[64:ff9b::7f00:1]", "NAT64 address for 127.0.0.1"},
		{"[2002:a9fe:a9fe::]", "6to4 address for 169.254.169.254"},
		{"2130706433", "2130706433 is a numeric host"},
		{"0x7f000001", "numeric host"},
		{"0177.0.0.1", "numeric host"},
		{"0x7f.0.0.1", "numeric host"},
		{"127.1", "numeric host"},
		{"mapped.test", "mapped.test resolves to 10.0.0.1, which is a private address"},
		{"rebind.test", "rebind.test resolves to 10.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			t.Parallel()
			rawURL := "http://" + tt.host + ":" + p + "/"

			err := client.CheckURL(t.Context(), rawURL)
			checkBlocked(t, "CheckURL", err, tt.want)

			resp, err := client.Get(t.Context(), rawURL)
			if err == nil {
				resp.Body.Close()
			}
			checkBlocked(t, "Get", err, tt.want)
		})
	}
	t.Cleanup(func() {
		if n := hits.Load(); n != 0 {
			t.Errorf("server got %d requests, want 0", n)
		}
	})
}

func checkBlocked(t *testing.T, op string, err error, want string) {
	t.Helper()
	if !errors.Is(err, safehttp.ErrBlocked) {
		t.Fatalf("%s error = %v, want ErrBlocked", op, err)
	}
	if got := safehttp.Classify(err); got != safehttp.ClassBlocked {
		t.Errorf("Classify(%s error) = %q, want %q", op, got, safehttp.ClassBlocked)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%s error = %q, want it to contain %q", op, err, want)
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()

	client := safehttp.New(safehttp.Config{Resolver: testResolver})
	allowing := safehttp.New(safehttp.Config{Resolver: testResolver, AllowCIDRs: loopback})

	tests := []struct {
		name    string
		client  *safehttp.Client
		url     string
		wantErr error
	}{
		{"public literal", client, "https://93.184.216.34/hook", nil},
		{"public v6 literal", client, "https://[2606:4700:4700::1111]:8443/", nil},
		{"allowed loopback", allowing, "http://127.0.0.1:8080/", nil},
		{"allowed loopback name", allowing, "http://loopback.test/", nil},
		{"allowed localhost", allowing, "http://localhost/", nil},
		{"still denied outside allow list", allowing, "http://10.0.0.1/", safehttp.ErrBlocked},
		{"ftp scheme", client, "ftp://93.184.216.34/", safehttp.ErrInvalidURL},
		{"no scheme", client, "93.184.216.34/hook", safehttp.ErrInvalidURL},
		{"file scheme", client, "file:///etc/passwd", safehttp.ErrInvalidURL},
		{"no host", client, "http:///path", safehttp.ErrInvalidURL},
		{"bad port", client, "http://93.184.216.34:99999/", safehttp.ErrInvalidURL},
		{"unparsable", client, "http://[::1/", safehttp.ErrInvalidURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.client.CheckURL(t.Context(), tt.url)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("CheckURL(%q) = %v, want nil", tt.url, err)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("CheckURL(%q) = %v, want %v", tt.url, err, tt.wantErr)
			}
		})
	}
}

func TestAllowCIDRsPermitsServer(t *testing.T) {
	t.Parallel()

	srv, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.UserAgent())
	})
	client := safehttp.New(safehttp.Config{AllowCIDRs: loopback, Resolver: testResolver})

	for _, host := range []string{"127.0.0.1", "loopback.test", "localhost"} {
		resp, err := client.Get(t.Context(), "http://"+host+":"+port(t, srv)+"/")
		if err != nil {
			t.Fatalf("Get via %s: %v", host, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || string(body) != safehttp.DefaultUserAgent {
			t.Errorf("Get via %s = %d %q, want 200 %q", host, resp.StatusCode, body, safehttp.DefaultUserAgent)
		}
	}
	if got := hits.Load(); got != 3 {
		t.Errorf("server hits = %d, want 3", got)
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()

	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.UserAgent())
	})
	client := safehttp.New(safehttp.Config{AllowCIDRs: loopback, UserAgent: "factdesk-test/1"})

	tests := []struct {
		name   string
		header string
		want   string
	}{
		{"config value", "", "factdesk-test/1"},
		{"caller value wins", "custom/2", "custom/2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.header != "" {
				req.Header.Set("User-Agent", tt.header)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if string(body) != tt.want {
				t.Errorf("User-Agent = %q, want %q", body, tt.want)
			}
		})
	}
}

// redirector answers /hop/N with a redirect to /hop/N+1 until N reaches
// stopAt, then with 200.
func redirector(t *testing.T, stopAt int) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	return countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if err != nil {
			http.Error(w, "bad hop", http.StatusBadRequest)
			return
		}
		if n >= stopAt {
			io.WriteString(w, "done")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n+1), http.StatusFound)
	})
}

func TestRedirectLimit(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name         string
		maxRedirects int
		stopAt       int
		wantStatus   int
		wantErr      error
		wantHits     int64
	}{
		{"never follow", 0, 5, http.StatusFound, nil, 1},
		{"negative means never", -1, 5, http.StatusFound, nil, 1},
		{"within limit", 3, 3, http.StatusOK, nil, 4},
		{"over limit", 3, 4, 0, safehttp.ErrRedirect, 4},
		{"one allowed, two needed", 1, 2, 0, safehttp.ErrRedirect, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := redirector(t, tt.stopAt)
			client := safehttp.New(safehttp.Config{AllowCIDRs: loopback, MaxRedirects: tt.maxRedirects})

			resp, err := client.Get(t.Context(), srv.URL+"/hop/0")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Get = %v, want %v", err, tt.wantErr)
				}
				if got := safehttp.Classify(err); got != safehttp.ClassRedirect {
					t.Errorf("Classify = %q, want %q", got, safehttp.ClassRedirect)
				}
			} else {
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				resp.Body.Close()
				if resp.StatusCode != tt.wantStatus {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
				}
				if tt.wantStatus == http.StatusFound && resp.Header.Get("Location") != "/hop/1" {
					t.Errorf("Location = %q, want /hop/1", resp.Header.Get("Location"))
				}
			}
			if got := hits.Load(); got != tt.wantHits {
				t.Errorf("server hits = %d, want %d", got, tt.wantHits)
			}
		})
	}
}

func TestRedirectToDeniedAddress(t *testing.T) {
	t.Parallel()

	// A real server on ::1 proves the hop is refused, not merely failing to
	// connect: it must never see a request.
	v6Target := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("denied redirect target reached: %s", r.URL)
	}))
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Fatalf("this test needs an IPv6 loopback (::1) to prove a redirect there is refused: %v", err)
	}
	v6Target.Listener.Close()
	v6Target.Listener = ln
	v6Target.Start()
	t.Cleanup(v6Target.Close)

	tests := []struct {
		name     string
		allow    string
		location string
		want     string
	}{
		{"metadata endpoint", "127.0.0.0/8", "http://169.254.169.254/latest/meta-data/", "link-local"},
		{"private", "127.0.0.0/8", "http://10.0.0.1/admin", "private"},
		{"ipv6 loopback server", "127.0.0.0/8", v6Target.URL + "/", "::1 is a loopback address"},
		{"name resolving outside the allowed /32", "127.0.0.1/32", "http://loopback2.test/", "loopback2.test resolves to 127.0.0.2"},
		{"numeric host", "127.0.0.0/8", "http://0x7f.0.0.1/", "numeric host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tt.location, http.StatusFound)
			})
			allow, err := safehttp.ParseCIDRs(tt.allow)
			if err != nil {
				t.Fatal(err)
			}
			client := safehttp.New(safehttp.Config{AllowCIDRs: allow, MaxRedirects: 5, Resolver: testResolver})

			_, err = client.Get(t.Context(), srv.URL)
			checkBlocked(t, "Get", err, tt.want)
			if got := hits.Load(); got != 1 {
				t.Errorf("first server hits = %d, want 1", got)
			}
		})
	}
}

func TestRedirectScheme(t *testing.T) {
	t.Parallel()

	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/file", http.StatusFound)
	})
	client := safehttp.New(safehttp.Config{AllowCIDRs: loopback, MaxRedirects: 5})

	_, err := client.Get(t.Context(), srv.URL)
	if !errors.Is(err, safehttp.ErrRedirect) {
		t.Fatalf("Get = %v, want ErrRedirect", err)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()

	const limit = 1000
	tests := []struct {
		size    int
		wantErr bool
	}{
		{0, false},
		{999, false},
		{1000, false},
		{1001, true},
		{50000, true},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.size), func(t *testing.T) {
			t.Parallel()
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, strings.Repeat("x", tt.size))
			})
			client := safehttp.New(safehttp.Config{AllowCIDRs: loopback, MaxBodyBytes: limit})

			resp, err := client.Get(t.Context(), srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if tt.wantErr {
				if !errors.Is(err, safehttp.ErrTooLarge) {
					t.Fatalf("ReadAll error = %v, want ErrTooLarge", err)
				}
				if got := safehttp.Classify(err); got != safehttp.ClassTooLarge {
					t.Errorf("Classify = %q, want %q", got, safehttp.ClassTooLarge)
				}
				if len(body) != limit {
					t.Errorf("read %d bytes before failing, want %d", len(body), limit)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadAll: %v", err)
			}
			if len(body) != tt.size {
				t.Errorf("read %d bytes, want %d", len(body), tt.size)
			}
		})
	}
}

func TestReadLimitedOnResponse(t *testing.T) {
	t.Parallel()

	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 5000))
	})
	client := safehttp.New(safehttp.Config{AllowCIDRs: loopback, MaxBodyBytes: 1000})

	tests := []struct {
		maxBytes int64
		wantLen  int
	}{
		{500, 500},   // the caller's limit is the smaller one
		{1000, 1000}, // both limits agree
		{2000, 1000}, // the client's limit cuts first
	}
	for _, tt := range tests {
		resp, err := client.Get(t.Context(), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		data, truncated, err := safehttp.ReadLimited(resp.Body, tt.maxBytes)
		resp.Body.Close()
		if err != nil || !truncated || len(data) != tt.wantLen {
			t.Errorf("ReadLimited(body, %d) = %d bytes, %v, %v; want %d bytes, true, nil",
				tt.maxBytes, len(data), truncated, err, tt.wantLen)
		}
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()

	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	client := safehttp.New(safehttp.Config{AllowCIDRs: loopback, Timeout: 100 * time.Millisecond})

	start := time.Now()
	_, err := client.Get(t.Context(), srv.URL)
	if got := safehttp.Classify(err); got != safehttp.ClassTimeout {
		t.Fatalf("Classify(%v) = %q, want %q", err, got, safehttp.ClassTimeout)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("request took %v, want about 100ms", elapsed)
	}
}

func TestClassifyLive(t *testing.T) {
	t.Parallel()

	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	// The handshake failure is the point of the test; keep it out of the log.
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)

	// Take a free port and release it, so nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + ln.Addr().String() + "/"
	ln.Close()

	slow, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})

	allowing := safehttp.New(safehttp.Config{AllowCIDRs: loopback, Timeout: 2 * time.Second})
	strict := safehttp.New(safehttp.Config{Timeout: 2 * time.Second})

	canceled, cancel := context.WithCancel(t.Context())
	cancel()

	tests := []struct {
		name   string
		client *safehttp.Client
		ctx    context.Context
		url    string
		want   safehttp.ErrorClass
	}{
		{"refused", allowing, t.Context(), closedURL, safehttp.ClassRefused},
		{"dns", allowing, t.Context(), "http://no-such-host.invalid/", safehttp.ClassDNS},
		{"tls", allowing, t.Context(), tlsSrv.URL, safehttp.ClassTLS},
		{"blocked", strict, t.Context(), tlsSrv.URL, safehttp.ClassBlocked},
		{"canceled", allowing, canceled, slow.URL, safehttp.ClassCanceled},
		{"bad scheme", allowing, t.Context(), "gopher://127.0.0.1/", safehttp.ClassHTTP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := tt.client.Get(tt.ctx, tt.url)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("Get(%s) succeeded, want %s error", tt.url, tt.want)
			}
			if got := safehttp.Classify(err); got != tt.want {
				t.Errorf("Classify(%v) = %q, want %q", err, got, tt.want)
			}
		})
	}
}
