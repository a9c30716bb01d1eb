package public

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// cacheRouter serves /p/:n with a body of size bytes behind c, calling
// during (when set) while each response renders.
func cacheRouter(c *Cache, size int, during func()) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	g := r.Group("", func(ctx *gin.Context) { ctx.Header("Cache-Control", c.CacheControl()); ctx.Next() }, c.Fill)
	g.GET("/p/:n", func(ctx *gin.Context) {
		if during != nil {
			during()
		}
		ctx.Data(http.StatusOK, "text/plain", []byte(strings.Repeat(ctx.Param("n"), size)))
	})
	return c.Serve(r)
}

func TestCacheStaysWithinItsSize(t *testing.T) {
	t.Parallel()
	c := NewCache(CacheConfig{MaxBytes: 64 << 10})
	h := cacheRouter(c, 1000, nil)
	for i := range 500 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/p/"+strconv.Itoa(i), nil))
		if _, _, size := c.Stats(); size > 64<<10 {
			t.Fatalf("after %d pages the cache holds %d bytes, over its %d", i+1, size, 64<<10)
		}
	}
	// The most recently served stay.
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/p/keep", nil))
	hits, _, _ := c.Stats()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/p/keep", nil))
	if h2, _, _ := c.Stats(); h2 != hits+1 {
		t.Errorf("the newest page was evicted")
	}
}

// A response rendered while a flush happens is served but not kept: it
// may show what the flush announced was gone.
func TestCacheDropsResponsesRenderedAcrossAFlush(t *testing.T) {
	t.Parallel()
	c := NewCache(CacheConfig{})
	h := cacheRouter(c, 10, func() { c.Flush() })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/p/a", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") == "" {
		t.Fatalf("GET = %d, ETag %q", rec.Code, rec.Header().Get("ETag"))
	}
	if _, _, size := c.Stats(); size != 0 {
		t.Errorf("a response rendered across a flush was kept (%d bytes)", size)
	}
}

// BenchmarkCacheHit is the in-process cost of answering from memory,
// without the network: a lookup, the headers, the body.
func BenchmarkCacheHit(b *testing.B) {
	c := NewCache(CacheConfig{})
	h := cacheRouter(c, 4000, nil)
	req := httptest.NewRequest("GET", "/p/x", nil)
	h.ServeHTTP(httptest.NewRecorder(), req)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(discard{http.Header{}}, req)
	}
}

type discard struct{ h http.Header }

func (d discard) Header() http.Header         { clear(d.h); return d.h }
func (d discard) Write(p []byte) (int, error) { return len(p), nil }
func (d discard) WriteHeader(int)             {}

// A page requested by many while it renders renders once: the others wait
// for it, then are answered from memory.
func TestCacheRendersAColdPageOnce(t *testing.T) {
	t.Parallel()
	var renders atomic.Int64
	release := make(chan struct{})
	c := NewCache(CacheConfig{})
	h := cacheRouter(c, 100, func() {
		renders.Add(1)
		<-release
	})
	var wg sync.WaitGroup
	codes := make([]int, 21)
	get := func(i int) {
		defer wg.Done()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/p/cold", nil))
		codes[i] = rec.Code
	}
	wg.Add(1)
	go get(0)
	deadline := time.Now().Add(5 * time.Second)
	for renders.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first request never rendered")
		}
		runtime.Gosched()
	}
	for i := 1; i < len(codes); i++ {
		wg.Add(1)
		go get(i)
	}
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("%d concurrent requests rendered the page %d times, want once", len(codes), n)
	}
	for i, code := range codes {
		if code != http.StatusOK {
			t.Errorf("request %d = %d", i, code)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{"gzip"}, true},
		{[]string{"gzip, deflate, br, zstd"}, true},
		{[]string{"br;q=1.0, GZIP;q=0.5"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"*"}, true},
		{[]string{"identity"}, false},
		{[]string{"br", "gzip"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.0, deflate"}, false},
		{[]string{"deflate, br"}, false},
	} {
		if got := acceptsGzip(tc.header); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}
