package safehttp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// CheckURL reports whether rawURL is one the client would fetch: it must
// parse, use http or https, and its host must not be, or resolve to, a
// denied address. Use it to validate a webhook endpoint when it is saved.
// Passing it is no guarantee for later, since DNS can change; the dial-time
// check is what actually protects each request.
func (c *Client) CheckURL(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidURL, err)
	}
	if err := checkScheme(u); err != nil {
		return err
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("%w: %q has no host", ErrInvalidURL, u.Redacted())
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: port %q is out of range", ErrInvalidURL, port)
		}
	}
	_, err = c.resolve(ctx, "ip", host)
	return err
}

// resolve returns the addresses host stands for, or an error if host is a
// denied literal or any address it resolves to is denied. A name with both
// public and internal addresses is refused outright: it is either
// misconfigured or a rebinding attempt, and dialing only the good addresses
// would make the outcome depend on record order.
func (c *Client) resolve(ctx context.Context, network, host string) ([]netip.Addr, error) {
	literal := strings.TrimSuffix(host, ".")
	if addr, err := netip.ParseAddr(literal); err == nil {
		if err := c.policy.check("", addr); err != nil {
			return nil, err
		}
		return []netip.Addr{addr.Unmap()}, nil
	}
	// Browsers and C resolvers read "2130706433", "0x7f.1" and "0177.0.0.1"
	// as IPv4 addresses while Go's parser does not. Whatever we do with
	// such a host, some layer may disagree with us, so refuse it.
	if endsInNumber(literal) {
		return nil, &BlockedError{Host: host, Reason: "a numeric host that is not a canonical dotted-quad IPv4 address"}
	}

	addrs, err := c.resolver.LookupNetIP(ctx, network, host)
	if err != nil {
		var dnsErr *net.DNSError
		if !errors.As(err, &dnsErr) {
			// Keep custom resolvers classifiable as DNS failures.
			err = &net.DNSError{Err: err.Error(), Name: host, UnwrapErr: err}
		}
		return nil, fmt.Errorf("safehttp: resolve %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("safehttp: resolve %s: %w", host, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true})
	}
	out := make([]netip.Addr, 0, len(addrs))
	for _, addr := range addrs {
		if err := c.policy.check(host, addr); err != nil {
			return nil, err
		}
		out = append(out, addr.Unmap())
	}
	return out, nil
}

// endsInNumber follows the WHATWG URL standard: a host whose last label is
// decimal digits or 0x-prefixed hex is meant as an IPv4 address.
func endsInNumber(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last == "" {
		return false
	}
	if hex, ok := strings.CutPrefix(strings.ToLower(last), "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return strings.Trim(last, "0123456789") == ""
}

// dialFunc returns a DialContext that resolves the host itself, checks
// every address, and dials only checked IPs, so the address judged is the
// address connected to.
func (c *Client) dialFunc(d *net.Dialer) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, portStr, err := net.SplitHostPort(address)
		if err != nil {
			return nil, fmt.Errorf("safehttp: dial %s: %w", address, err)
		}
		port, err := strconv.ParseUint(portStr, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("safehttp: dial %s: bad port: %w", address, err)
		}
		ipNetwork := "ip"
		switch network {
		case "tcp4":
			ipNetwork = "ip4"
		case "tcp6":
			ipNetwork = "ip6"
		}
		addrs, err := c.resolve(ctx, ipNetwork, host)
		if err != nil {
			return nil, err
		}
		var firstErr error
		for _, addr := range addrs {
			conn, err := d.DialContext(ctx, network, netip.AddrPortFrom(addr, uint16(port)).String())
			if err == nil {
				return conn, nil
			}
			if firstErr == nil {
				firstErr = err
			}
			if ctx.Err() != nil {
				break
			}
		}
		return nil, firstErr
	}
}

// control is a net.Dialer.Control hook that refuses the socket's final
// destination if the policy denies it.
func (pol policy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("safehttp: dial %s: %w", address, err)
	}
	return pol.check("", ap.Addr())
}
