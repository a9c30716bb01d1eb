package handlers

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/models"
)

// answerHead serves HEAD as the GET of the same URL without its body, for
// every GET route at once: gin routes HEAD only to HEAD routes, and
// crawlers and link checkers use HEAD. The response is held back until
// the handler ends, so Content-Length is the length the GET body has. A
// stream (server-sent events) flushes instead of ending: its headers go
// out at the first flush and the handler is told to stop, since a HEAD
// response has no body to stream.
func answerHead(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		get := r.Clone(ctx)
		get.Method = http.MethodGet
		hw := &headWriter{w: w, cancel: cancel}
		next.ServeHTTP(hw, get)
		hw.finish()
	})
}

// headWriter counts the body instead of sending it.
type headWriter struct {
	w       http.ResponseWriter
	cancel  context.CancelFunc
	status  int
	size    int64
	flushed bool
}

func (h *headWriter) Header() http.Header { return h.w.Header() }

func (h *headWriter) WriteHeader(status int) {
	if h.status == 0 && status >= 200 {
		h.status = status
	}
	if status < 200 && status != http.StatusSwitchingProtocols {
		h.w.WriteHeader(status)
	}
}

func (h *headWriter) Write(p []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	h.size += int64(len(p))
	return len(p), nil
}

// Flush sends the headers of a streamed response and ends the stream.
func (h *headWriter) Flush() {
	if h.flushed {
		return
	}
	h.flushed = true
	if h.status == 0 {
		h.status = http.StatusOK
	}
	h.w.WriteHeader(h.status)
	if f, ok := h.w.(http.Flusher); ok {
		f.Flush()
	}
	h.cancel()
}

// Hijack is refused: HEAD never upgrades a connection.
func (h *headWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("handlers: HEAD cannot hijack the connection")
}

func (h *headWriter) finish() {
	if h.flushed {
		return
	}
	if h.status == 0 {
		h.status = http.StatusOK
	}
	if h.Header().Get("Content-Length") == "" && h.status != http.StatusNoContent && h.status != http.StatusNotModified {
		h.Header().Set("Content-Length", strconv.FormatInt(h.size, 10))
	}
	h.w.WriteHeader(h.status)
}

// methodNotAllowed answers a known path asked with the wrong method: 405,
// with Allow listing the methods the path takes (RFC 9110 section 15.5.6).
// gin has put the routed methods in Allow; HEAD goes with GET, and OPTIONS
// with the API when cross-origin requests are allowed.
func methodNotAllowed(resp *respond.Renderer, cors *corsPolicy) gin.HandlerFunc {
	return func(c *gin.Context) {
		allowed := allowedMethods(c.Writer.Header().Get("Allow"))
		if slices.Contains(allowed, http.MethodGet) && !slices.Contains(allowed, http.MethodHead) {
			allowed = append(allowed, http.MethodHead)
		}
		if cors.enabled() && respond.IsAPI(c) && !slices.Contains(allowed, http.MethodOptions) {
			allowed = append(allowed, http.MethodOptions)
		}
		slices.Sort(allowed)
		c.Header("Allow", strings.Join(allowed, ", "))
		resp.Error(c, models.Errorf(models.EMethodNotAllowed, "%s is not supported here; use %s", c.Request.Method, strings.Join(allowed, " or ")))
	}
}

func allowedMethods(header string) []string {
	var out []string
	for _, m := range strings.Split(header, ",") {
		if m = strings.TrimSpace(m); m != "" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}
