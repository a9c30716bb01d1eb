package public

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// CacheConfig tunes the cache of rendered public responses.
type CacheConfig struct {
	// MaxBytes bounds the bodies kept (DefaultCacheBytes when zero); the
	// least recently served entries go first. A negative value turns the
	// cache off (responses still carry ETag and Last-Modified).
	MaxBytes int64
	// TTL is how long an entry is served at most
	// (FACTDESK_PUBLIC_CACHE_TTL, DefaultCacheTTL when zero). Entries are
	// dropped at once when a change is announced (store.PublicChannel);
	// the TTL only bounds how stale a page can be if an announcement is
	// lost.
	TTL time.Duration
	// CacheControl is sent with every public page and feed
	// (FACTDESK_PUBLIC_CACHE_CONTROL, DefaultCacheControl when empty), so
	// that a CDN or proxy can carry the load too.
	CacheControl string
}

// Defaults of CacheConfig.
const (
	DefaultCacheBytes   = 64 << 20
	DefaultCacheTTL     = time.Minute
	DefaultCacheControl = "public, max-age=60, stale-while-revalidate=600"
)

// Cache keeps the bytes of public responses and serves them again, with a
// strong ETag (a hash of the bytes) and Last-Modified, answering
// conditional requests with 304. Only 200 responses to anonymous GETs
// (no Authorization, no Cookie) without a query string that say
// Cache-Control: public and set no cookie are kept, so nothing private can
// be stored; what is stored is served to anyone.
//
// Entries are filled by Fill, a middleware on the public route group, so a
// route is cached by being in that table; Serve answers hits in front of
// the router, before any other middleware, since a stored response needs
// none of it (no session, no text check: its URL already passed them).
type Cache struct {
	cfg      CacheConfig
	maxEntry int64
	now      func() time.Time

	mu      sync.RWMutex
	entries map[string]*entry
	size    int64
	// filling has a channel per key being rendered for the cache, closed
	// when it is done: requests for the key meanwhile wait for it instead
	// of rendering it too (a viral page after a flush renders once).
	filling map[string]chan struct{}
	// gen counts flushes: a response rendered before a flush is not
	// stored after it.
	gen atomic.Uint64
	// flushed is when the last flush happened (unix nanoseconds). An
	// If-Modified-Since at or before it is not trusted (Last-Modified has
	// whole seconds).
	flushed atomic.Int64

	// Hit counts requests answered from memory; Observe, when set, is
	// told of each (for metrics).
	hits   atomic.Int64
	misses atomic.Int64
	// Observe is called after each hit with the route template, method
	// and status sent. Set it before serving.
	Observe func(route, method string, status int, d time.Duration)
}

type entry struct {
	route string
	representation
	// gzipped is the same response compressed, for clients that accept
	// gzip (every browser), when that is smaller; nil otherwise.
	gzipped  *representation
	modified time.Time
	expires  time.Time
	used     atomic.Int64
}

// representation is the bytes of one encoding of a response, with the
// headers and the strong ETag that belong to them.
type representation struct {
	header http.Header
	body   []byte
	etag   string
}

// size is what e keeps in memory.
func (e *entry) size() int64 {
	n := int64(len(e.body))
	if e.gzipped != nil {
		n += int64(len(e.gzipped.body))
	}
	return n
}

// minGzip is the smallest body worth compressing: below it the bytes
// saved do not pay for the header.
const minGzip = 1024

// compress adds the gzip representation. It runs once, when the entry is
// stored, at the best compression, so every hit after it sends the
// smaller body; a response then fits the server's 4 KiB write buffer
// with its headers and leaves in one write instead of two.
func (e *entry) compress() {
	if len(e.body) < minGzip || e.header.Get("Content-Encoding") != "" {
		return
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(e.body)
	zw.Close()
	if buf.Len() >= len(e.body) {
		return
	}
	// Caches in front (a CDN, a proxy) must keep the two apart.
	e.header.Set("Vary", "Accept-Encoding")
	h := e.header.Clone()
	etag := strings.TrimSuffix(e.etag, `"`) + `-gz"`
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("ETag", etag)
	e.gzipped = &representation{header: h, body: buf.Bytes(), etag: etag}
}

// pick is the representation to send for r: gzip when the client accepts
// it and there is one.
func (e *entry) pick(r *http.Request) *representation {
	if e.gzipped != nil && acceptsGzip(r.Header.Values("Accept-Encoding")) {
		return e.gzipped
	}
	return &e.representation
}

// acceptsGzip reads Accept-Encoding (RFC 9110 section 12.5.3): gzip (or
// x-gzip, or *) listed without q=0.
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "x-gzip" && coding != "*" {
				continue
			}
			if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
					continue
				}
			}
			return true
		}
	}
	return false
}

// NewCache returns a cache configured by cfg (zero values take the
// defaults).
func NewCache(cfg CacheConfig) *Cache {
	if cfg.MaxBytes == 0 {
		cfg.MaxBytes = DefaultCacheBytes
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultCacheTTL
	}
	if cfg.CacheControl == "" {
		cfg.CacheControl = DefaultCacheControl
	}
	c := &Cache{cfg: cfg, maxEntry: cfg.MaxBytes / 16, now: time.Now, entries: map[string]*entry{}, filling: map[string]chan struct{}{}}
	return c
}

// CacheControl is the Cache-Control header of public pages and feeds.
func (c *Cache) CacheControl() string { return c.cfg.CacheControl }

// Flush drops every entry. Call it when anything public may have changed;
// the app calls it on every notification on store.PublicChannel, in every
// process.
func (c *Cache) Flush() {
	c.mu.Lock()
	c.gen.Add(1)
	c.flushed.Store(c.now().UnixNano())
	clear(c.entries)
	c.size = 0
	c.mu.Unlock()
}

// Stats says how many requests were answered from memory and how many
// were rendered, and how many bytes are kept.
func (c *Cache) Stats() (hits, misses, bytes int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.hits.Load(), c.misses.Load(), c.size
}

func cacheKey(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return r.URL.Path
	}
	return r.URL.Path + "?" + r.URL.RawQuery
}

func (c *Cache) lookup(key string, now time.Time) *entry {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	if e == nil || now.After(e.expires) {
		return nil
	}
	e.used.Store(now.UnixNano())
	return e
}

// Serve answers GET and HEAD requests for stored responses, and passes
// every other request to next.
func (c *Cache) Serve(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		start := c.now()
		key := cacheKey(r)
		e := c.lookup(key, start)
		if e == nil && c.wait(r, key) {
			e = c.lookup(key, c.now())
		}
		if e == nil {
			next.ServeHTTP(w, r)
			return
		}
		c.hits.Add(1)
		status := c.write(w, r, e)
		if c.Observe != nil {
			c.Observe(e.route, r.Method, status, c.now().Sub(start))
		}
	})
}

// wait waits for the rendering of key in flight, if any, and reports
// whether there was one. A request whose client goes away stops waiting.
func (c *Cache) wait(r *http.Request, key string) bool {
	c.mu.RLock()
	ch := c.filling[key]
	c.mu.RUnlock()
	if ch == nil {
		return false
	}
	select {
	case <-ch:
		return true
	case <-r.Context().Done():
		return false
	}
}

// beginFill marks key as being rendered for the cache, unless it already
// is; the returned function ends that.
func (c *Cache) beginFill(key string) func() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.filling[key] != nil {
		return func() {}
	}
	ch := make(chan struct{})
	c.filling[key] = ch
	return func() {
		c.mu.Lock()
		delete(c.filling, key)
		c.mu.Unlock()
		close(ch)
	}
}

// write sends e in the encoding r accepts, or 304 when the request's
// validators match that representation.
func (c *Cache) write(w http.ResponseWriter, r *http.Request, e *entry) int {
	rep := e.pick(r)
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	if c.notModified(r, e, rep) {
		h.Del("Content-Length")
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(rep.body)
	}
	return http.StatusOK
}

// notModified evaluates If-None-Match, or If-Modified-Since when there is
// no If-None-Match (RFC 9110 section 13.2.2).
func (c *Cache) notModified(r *http.Request, e *entry, rep *representation) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return etagMatches(inm, rep.etag)
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" {
		return false
	}
	t, err := http.ParseTime(ims)
	if err != nil {
		return false
	}
	// A client's date in the second of the last flush may name bytes
	// from before it: only a later one is proof.
	if t.UnixNano() <= c.flushed.Load() {
		return false
	}
	return !e.modified.After(t)
}

// etagMatches applies the weak comparison If-None-Match asks for.
func etagMatches(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

// Fill is the middleware of the public route group: it holds the
// response back, gives a 200 its ETag and Last-Modified, answers a
// conditional request with 304, and stores what may be stored.
func (c *Cache) Fill(ctx *gin.Context) {
	r := ctx.Request
	if r.Method != http.MethodGet {
		ctx.Next()
		return
	}
	if anonymous(r) && c.cfg.MaxBytes >= 0 && r.URL.RawQuery == "" {
		defer c.beginFill(cacheKey(r))()
	}
	gen := c.gen.Load()
	c.misses.Add(1)
	rec := &recorder{ResponseWriter: ctx.Writer}
	ctx.Writer = rec
	ctx.Next()
	ctx.Writer = rec.ResponseWriter
	w := ctx.Writer
	if rec.status != http.StatusOK || rec.raw {
		if rec.status != 0 && !rec.raw {
			w.WriteHeader(rec.status)
		}
		w.Write(rec.body.Bytes())
		return
	}
	e := c.entryOf(ctx, rec.body.Bytes())
	if c.storable(r, w.Header()) {
		e.compress()
		c.store(gen, cacheKey(r), e)
	}
	c.write(w, r, e)
}

// entryOf makes the response's entry: its headers (less the request's
// own), its validators and its expiry.
func (c *Cache) entryOf(ctx *gin.Context, body []byte) *entry {
	now := c.now()
	h := ctx.Writer.Header().Clone()
	h.Del("X-Request-Id")
	sum := sha256.Sum256(body)
	e := &entry{route: ctx.FullPath(),
		representation: representation{header: h, body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`},
		modified:       now.UTC().Truncate(time.Second), expires: now.Add(c.cfg.TTL)}
	h.Set("ETag", e.etag)
	h.Set("Last-Modified", e.modified.Format(http.TimeFormat))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return e
}

// storable: an anonymous request without a query string (so random
// queries cannot push the pages people read out of the cache), a public
// response that sets no cookie.
func (c *Cache) storable(r *http.Request, h http.Header) bool {
	if c.cfg.MaxBytes < 0 || !anonymous(r) || r.URL.RawQuery != "" {
		return false
	}
	if h.Get("Set-Cookie") != "" || h.Get("Vary") != "" {
		return false
	}
	cc := h.Get("Cache-Control")
	return strings.Contains(cc, "public") && !strings.Contains(cc, "no-store") && !strings.Contains(cc, "private")
}

// anonymous: the request carries no credentials of any kind.
func anonymous(r *http.Request) bool {
	return r.Header.Get("Authorization") == "" && r.Header.Get("Cookie") == ""
}

// store keeps e unless a flush happened since its rendering began (gen),
// evicting the least recently served entries beyond MaxBytes.
func (c *Cache) store(gen uint64, key string, e *entry) {
	n := e.size()
	if n > c.maxEntry {
		return
	}
	e.used.Store(c.now().UnixNano())
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if old := c.entries[key]; old != nil {
		c.size -= old.size()
	}
	c.entries[key] = e
	c.size += n
	for c.size > c.cfg.MaxBytes {
		c.evictOldest()
	}
}

// evictOldest drops the least recently served entry. It scans: entries
// are few (pages that are read), and eviction only happens on a fill.
func (c *Cache) evictOldest() {
	var oldKey string
	var oldest *entry
	for k, e := range c.entries {
		if oldest == nil || e.used.Load() < oldest.used.Load() {
			oldKey, oldest = k, e
		}
	}
	if oldest == nil {
		c.size = 0
		return
	}
	delete(c.entries, oldKey)
	c.size -= oldest.size()
}

// recorder holds a response back until the handler ends. A handler that
// flushes or hijacks gets the real writer from then on (raw), and its
// response is neither stored nor validated.
type recorder struct {
	gin.ResponseWriter
	status int
	body   bytes.Buffer
	raw    bool
}

func (r *recorder) WriteHeader(status int) {
	if r.raw {
		r.ResponseWriter.WriteHeader(status)
		return
	}
	// As gin's own writer: the last status before the body wins, and a
	// negative one (gin's "keep what is set") is no status.
	if status > 0 && r.body.Len() == 0 {
		r.status = status
	}
}

func (r *recorder) WriteHeaderNow() {
	if r.raw {
		r.ResponseWriter.WriteHeaderNow()
		return
	}
	if r.status == 0 {
		r.status = http.StatusOK
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.raw {
		return r.ResponseWriter.Write(p)
	}
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

func (r *recorder) WriteString(s string) (int, error) { return r.Write([]byte(s)) }

func (r *recorder) Status() int {
	if r.raw || r.status == 0 {
		return r.ResponseWriter.Status()
	}
	return r.status
}

func (r *recorder) Size() int {
	if r.raw {
		return r.ResponseWriter.Size()
	}
	return r.body.Len()
}

func (r *recorder) Written() bool { return r.raw && r.ResponseWriter.Written() || r.status != 0 }

// Flush sends what was held back and streams the rest.
func (r *recorder) Flush() {
	r.goRaw()
	r.ResponseWriter.Flush()
}

func (r *recorder) goRaw() {
	if r.raw {
		return
	}
	r.raw = true
	if r.status != 0 {
		r.ResponseWriter.WriteHeader(r.status)
	}
	if r.body.Len() > 0 {
		r.ResponseWriter.Write(r.body.Bytes())
		r.body.Reset()
	}
}
