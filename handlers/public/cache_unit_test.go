package public

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

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
	var c *Cache
	c = NewCache(CacheConfig{})
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
