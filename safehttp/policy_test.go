package safehttp

import (
	"net/netip"
	"strings"
	"testing"
)

func TestPolicyDeny(t *testing.T) {
	t.Parallel()

	tests := []struct {
		addr  string
		allow string
		want  string // substring of the reason; "" means allowed
	}{
		{addr: "8.8.8.8"},
		{addr: "1.1.1.1"},
		{addr: "93.184.216.34"},
		{addr: "100.63.255.255"},
		{addr: "100.128.0.0"},
		{addr: "172.32.0.1"},
		{addr: "198.20.0.1"},
		{addr: "223.255.255.255"},
		{addr: "2606:4700:4700::1111"},
		{addr: "::ffff:8.8.8.8"},
		{addr: "64:ff9b::808:808"},
		{addr: "2002:808:808::1"},

		{addr: "0.0.0.0", want: "unspecified"},
		{addr: "0.1.2.3", want: "this network"},
		{addr: "10.255.255.255", want: "private"},
		{addr: "100.64.0.1", want: "carrier-grade NAT"},
		{addr: "127.0.0.1", want: "loopback"},
		{addr: "127.255.255.254", want: "loopback"},
		{addr: "169.254.169.254", want: "link-local"},
		{addr: "172.16.0.1", want: "private"},
		{addr: "172.31.255.255", want: "private"},
		{addr: "192.0.0.170", want: "IETF protocol assignment"},
		{addr: "192.0.2.1", want: "documentation"},
		{addr: "192.168.0.1", want: "private"},
		{addr: "198.18.0.1", want: "benchmarking"},
		{addr: "198.19.255.255", want: "benchmarking"},
		{addr: "224.0.0.1", want: "multicast"},
		{addr: "239.255.255.250", want: "multicast"},
		{addr: "240.0.0.1", want: "reserved"},
		{addr: "255.255.255.255", want: "broadcast"},

		{addr: "::", want: "unspecified"},
		{addr: "::1", want: "loopback"},
		{addr: "::ffff:127.0.0.1", want: "loopback"},
		{addr: "::ffff:a9fe:a9fe", want: "link-local"},
		{addr: "::ffff:10.0.0.1", want: "private"},
		{addr: "::10.0.0.1", want: "IPv4-compatible"},
		{addr: "64:ff9b::a00:1", want: "NAT64 address for 10.0.0.1, which is a private address"},
		{addr: "64:ff9b::7f00:1", want: "NAT64 address for 127.0.0.1, which is a loopback address"},
		{addr: "64:ff9b:1::1", want: "local-use NAT64"},
		{addr: "2002:a9fe:a9fe::1", want: "6to4 address for 169.254.169.254, which is a link-local address"},
		{addr: "2002:c0a8:101::", want: "6to4 address for 192.168.1.1"},
		{addr: "2001:db8::1", want: "documentation"},
		{addr: "2001::1", want: "IETF protocol assignment"},
		{addr: "100::1", want: "discard-only"},
		{addr: "fc00::1", want: "unique local"},
		{addr: "fd12:3456::1", want: "unique local"},
		{addr: "fe80::1", want: "link-local"},
		{addr: "fe80::1%eth0", want: "link-local"},
		{addr: "fec0::1", want: "site-local"},
		{addr: "ff02::1", want: "multicast"},
		{addr: "4000::1", want: "global unicast"},

		// Operator overrides.
		{addr: "127.0.0.1", allow: "127.0.0.0/8"},
		{addr: "::ffff:127.0.0.1", allow: "127.0.0.0/8"},
		{addr: "::1", allow: "127.0.0.0/8", want: "loopback"},
		{addr: "::1", allow: "::1/128"},
		{addr: "10.1.2.3", allow: "10.0.0.0/8"},
		{addr: "64:ff9b::a01:203", allow: "10.0.0.0/8"},
		{addr: "10.1.2.3", allow: "10.9.0.0/16", want: "private"},
		{addr: "fd00::5", allow: "fd00::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.addr+"/"+tt.allow, func(t *testing.T) {
			t.Parallel()
			allow, err := ParseCIDRs(tt.allow)
			if err != nil {
				t.Fatal(err)
			}
			got := policy{allow: allow}.deny(netip.MustParseAddr(tt.addr))
			switch {
			case tt.want == "" && got != "":
				t.Errorf("deny(%s) = %q, want allowed", tt.addr, got)
			case tt.want != "" && !strings.Contains(got, tt.want):
				t.Errorf("deny(%s) = %q, want it to mention %q", tt.addr, got, tt.want)
			}
		})
	}
}

func TestEndsInNumber(t *testing.T) {
	t.Parallel()

	tests := []struct {
		host string
		want bool
	}{
		{"2130706433", true},
		{"0177.0.0.1", true},
		{"0x7f.0.0.1", true},
		{"0X7F000001", true},
		{"127.1", true},
		{"1.2.3.0x", true},
		{"example.com", false},
		{"cafe.be", false},
		{"0x7f.example", false},
		{"1.2.3.4.example", false},
		{"0xg", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := endsInNumber(tt.host); got != tt.want {
			t.Errorf("endsInNumber(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}
