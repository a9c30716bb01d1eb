package safehttp

import (
	"net/netip"
)

// rule denies one address range. When embeds is set the range is a
// translation scheme that carries an IPv4 address inside the IPv6 one; the
// address is then judged by the IPv4 address it leads to, because that is
// where a packet would finally arrive.
type rule struct {
	prefix netip.Prefix
	reason string
	embeds func(netip.Addr) netip.Addr
}

// denyRules is checked in order, so narrow ranges come before the wider ones
// that contain them and the error names the most specific reason.
var denyRules = []rule{
	// IPv4.
	{prefix: p("0.0.0.0/32"), reason: "the unspecified address"},
	{prefix: p("0.0.0.0/8"), reason: `a "this network" address`},
	{prefix: p("10.0.0.0/8"), reason: "a private address"},
	{prefix: p("100.64.0.0/10"), reason: "a carrier-grade NAT address"},
	{prefix: p("127.0.0.0/8"), reason: "a loopback address"},
	{prefix: p("169.254.0.0/16"), reason: "a link-local address"},
	{prefix: p("172.16.0.0/12"), reason: "a private address"},
	{prefix: p("192.0.0.0/24"), reason: "an IETF protocol assignment address"},
	{prefix: p("192.0.2.0/24"), reason: "a documentation address"},
	{prefix: p("192.88.99.0/24"), reason: "a 6to4 relay anycast address"},
	{prefix: p("192.168.0.0/16"), reason: "a private address"},
	{prefix: p("198.18.0.0/15"), reason: "a benchmarking address"},
	{prefix: p("198.51.100.0/24"), reason: "a documentation address"},
	{prefix: p("203.0.113.0/24"), reason: "a documentation address"},
	{prefix: p("224.0.0.0/4"), reason: "a multicast address"},
	{prefix: p("255.255.255.255/32"), reason: "the broadcast address"},
	{prefix: p("240.0.0.0/4"), reason: "a reserved address"},

	// IPv6. IPv4-mapped addresses (::ffff:0:0/96) never get here: they are
	// unmapped first and judged as IPv4.
	{prefix: p("::/128"), reason: "the unspecified address"},
	{prefix: p("::1/128"), reason: "a loopback address"},
	{prefix: p("::/96"), reason: "a deprecated IPv4-compatible address"},
	{prefix: p("64:ff9b::/96"), reason: "a NAT64 address", embeds: nat64},
	{prefix: p("64:ff9b:1::/48"), reason: "a local-use NAT64 address"},
	{prefix: p("100::/64"), reason: "a discard-only address"},
	{prefix: p("2001:db8::/32"), reason: "a documentation address"},
	// Covers Teredo, whose embedded client address is obfuscated and cannot
	// be judged cheaply, along with benchmarking and ORCHID ranges.
	{prefix: p("2001::/23"), reason: "an IETF protocol assignment address"},
	{prefix: p("2002::/16"), reason: "a 6to4 address", embeds: sixToFour},
	{prefix: p("fc00::/7"), reason: "a unique local (private) address"},
	{prefix: p("fe80::/10"), reason: "a link-local address"},
	{prefix: p("fec0::/10"), reason: "a deprecated site-local address"},
	{prefix: p("ff00::/8"), reason: "a multicast address"},
}

// globalUnicast is the only IPv6 space currently handed out for the public
// internet; anything outside it is reserved, so we refuse it rather than
// keep a list of every reserved block.
var globalUnicast = p("2000::/3")

func p(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// nat64 returns the IPv4 address held in the last 32 bits (RFC 6052).
func nat64(a netip.Addr) netip.Addr {
	b := a.As16()
	return netip.AddrFrom4([4]byte(b[12:16]))
}

// sixToFour returns the IPv4 address held in bits 16-47 (RFC 3056).
func sixToFour(a netip.Addr) netip.Addr {
	b := a.As16()
	return netip.AddrFrom4([4]byte(b[2:6]))
}

// policy decides which addresses the client may connect to.
type policy struct {
	allow []netip.Prefix
}

// check returns a *BlockedError if addr must not be contacted, naming host
// (which may be empty) as the name that led to it.
func (pol policy) check(host string, addr netip.Addr) error {
	reason := pol.deny(addr)
	if reason == "" {
		return nil
	}
	if host != "" {
		// Go's resolver may answer in IPv4-mapped form; the IPv4 form is
		// what an operator would recognise.
		addr = addr.Unmap()
	}
	return &BlockedError{Host: host, Addr: addr, Reason: reason}
}

// deny returns why addr is refused, or "" if it may be contacted.
func (pol policy) deny(addr netip.Addr) string {
	if !addr.IsValid() {
		return "not a valid address"
	}
	addr = addr.WithZone("")
	// Operators allow a range in whichever form they think of it, so try
	// both the address as given and its IPv4 form.
	if pol.allowed(addr) {
		return ""
	}
	addr = addr.Unmap()
	if pol.allowed(addr) {
		return ""
	}
	for _, r := range denyRules {
		if !r.prefix.Contains(addr) {
			continue
		}
		if r.embeds == nil {
			return r.reason
		}
		inner := r.embeds(addr)
		why := pol.deny(inner)
		if why == "" {
			return ""
		}
		return r.reason + " for " + inner.String() + ", which is " + why
	}
	if addr.Is6() && !globalUnicast.Contains(addr) {
		return "outside the IPv6 global unicast range"
	}
	return ""
}

func (pol policy) allowed(addr netip.Addr) bool {
	for _, pfx := range pol.allow {
		if pfx.Contains(addr) {
			return true
		}
	}
	return false
}
