package warc

import (
	"context"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"sync"
	"time"
)

// FromResponse fills a Fetch from a completed response and the body the
// caller read from it (already limited by the caller, e.g. safehttp). The
// request headers are those of resp.Request, i.e. of the last hop; the
// User-Agent the transport added from settings is recorded when the request
// itself had none. When s.Redirects is empty it is filled from the redirect
// chain net/http keeps on the response.
func FromResponse(resp *http.Response, body []byte, remoteIP netip.Addr, at time.Time, s Settings) *Fetch {
	f := &Fetch{
		Proto:          resp.Proto,
		StatusCode:     resp.StatusCode,
		ResponseHeader: resp.Header.Clone(),
		Body:           body,
		RemoteIP:       remoteIP,
		Time:           at,
		Settings:       s,
	}
	if len(resp.Status) > 4 {
		f.Status = resp.Status[4:]
	}
	if req := resp.Request; req != nil {
		f.URL = req.URL.String()
		f.Method = req.Method
		f.RequestHeader = req.Header.Clone()
		if f.RequestHeader == nil {
			f.RequestHeader = http.Header{}
		}
		if f.RequestHeader.Get("User-Agent") == "" && s.UserAgent != "" {
			f.RequestHeader.Set("User-Agent", s.UserAgent)
		}
	}
	if len(f.Settings.Redirects) == 0 {
		// Each hop's request links the redirect response that caused it;
		// walk back to list the chain in order.
		var chain []string
		for req := resp.Request; req != nil && req.Response != nil && req.Response.Request != nil; req = req.Response.Request {
			chain = append([]string{req.Response.Request.URL.String()}, chain...)
		}
		f.Settings.Redirects = chain
	}
	if resp.TLS != nil {
		f.PeerCertificates = resp.TLS.PeerCertificates
	}
	return f
}

// TraceRemoteIP returns a context that records the address of the last
// connection a request made with it is sent on, and a function reading it
// (zero before any connection). Redirects reuse the context, so after the
// response arrives it is the address of the final hop.
func TraceRemoteIP(ctx context.Context) (context.Context, func() netip.Addr) {
	var (
		mu   sync.Mutex
		addr netip.Addr
	)
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			if info.Conn == nil {
				return
			}
			if ta, ok := info.Conn.RemoteAddr().(*net.TCPAddr); ok {
				if a, ok := netip.AddrFromSlice(ta.IP); ok {
					mu.Lock()
					addr = a.Unmap()
					mu.Unlock()
				}
			}
		},
	}
	return httptrace.WithClientTrace(ctx, trace), func() netip.Addr {
		mu.Lock()
		defer mu.Unlock()
		return addr
	}
}
