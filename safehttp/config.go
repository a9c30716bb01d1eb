package safehttp

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Defaults applied by New when the matching Config field is zero. A zero
// limit meaning "unlimited" would be the unsafe choice for a client whose
// job is fetching URLs supplied by users.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBodyBytes = 10 << 20
	DefaultUserAgent    = "factdesk"
)

// Config controls a Client.
type Config struct {
	// AllowCIDRs are ranges the operator trusts, such as an internal
	// webhook receiver. They override the built-in deny list.
	AllowCIDRs []netip.Prefix
	// Timeout bounds a whole request, redirects and body read included.
	// Zero means DefaultTimeout.
	Timeout time.Duration
	// MaxBodyBytes caps how much of a response body can be read before the
	// read fails with ErrTooLarge. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxRedirects is how many redirects are followed. Zero means a 3xx
	// response is returned as is, which webhook delivery relies on;
	// negative values count as zero.
	MaxRedirects int
	// UserAgent is sent when the request has none. Empty means
	// DefaultUserAgent.
	UserAgent string
	// Resolver looks up hostnames. Nil means net.DefaultResolver. Tests use
	// it to point names at addresses without touching real DNS.
	Resolver Resolver
}

// Resolver is the part of *net.Resolver the client needs.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// ParseCIDRs parses a comma-separated list such as "127.0.0.0/8,::1/128",
// as found in an environment variable. Blank entries are skipped and a bare
// address means just that host. Host bits are cleared, so "10.1.2.3/8"
// becomes 10.0.0.0/8.
func ParseCIDRs(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for i, field := range strings.Split(s, ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		if !strings.Contains(field, "/") {
			addr, err := netip.ParseAddr(field)
			if err != nil {
				return nil, fmt.Errorf("safehttp: CIDR list entry %d %q is neither a CIDR nor an IP address: %w", i+1, field, err)
			}
			out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
			continue
		}
		pfx, err := netip.ParsePrefix(field)
		if err != nil {
			return nil, fmt.Errorf("safehttp: CIDR list entry %d %q: %w", i+1, field, err)
		}
		out = append(out, pfx.Masked())
	}
	return out, nil
}
