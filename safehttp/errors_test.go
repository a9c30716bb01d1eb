package safehttp_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"syscall"
	"testing"

	"github.com/factdesk/factdesk/safehttp"
)

func TestClassify(t *testing.T) {
	t.Parallel()

	wrap := func(err error) error {
		return &url.Error{Op: "Get", URL: "http://example.com/", Err: err}
	}
	tests := []struct {
		name string
		err  error
		want safehttp.ErrorClass
	}{
		{"nil", nil, ""},
		{"blocked", wrap(&safehttp.BlockedError{Addr: netip.MustParseAddr("10.0.0.1"), Reason: "a private address"}), safehttp.ClassBlocked},
		{"too large", fmt.Errorf("read: %w", safehttp.ErrTooLarge), safehttp.ClassTooLarge},
		{"redirect", wrap(safehttp.ErrRedirect), safehttp.ClassRedirect},
		{"deadline", wrap(context.DeadlineExceeded), safehttp.ClassTimeout},
		{"os deadline", wrap(os.ErrDeadlineExceeded), safehttp.ClassTimeout},
		{"dns timeout is dns", wrap(&net.DNSError{Err: "i/o timeout", IsTimeout: true}), safehttp.ClassDNS},
		{"dns not found", wrap(&net.DNSError{Err: "no such host", IsNotFound: true}), safehttp.ClassDNS},
		{"canceled", wrap(context.Canceled), safehttp.ClassCanceled},
		{"refused", wrap(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), safehttp.ClassRefused},
		{"unreachable", wrap(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}), safehttp.ClassRefused},
		{"unknown authority", wrap(x509.UnknownAuthorityError{}), safehttp.ClassTLS},
		{"wrong host", wrap(x509.HostnameError{}), safehttp.ClassTLS},
		{"remote alert", wrap(&net.OpError{Op: "remote error", Err: errors.New("tls: handshake failure")}), safehttp.ClassTLS},
		{"reset", wrap(&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), safehttp.ClassHTTP},
		{"other", errors.New("malformed HTTP response"), safehttp.ClassHTTP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := safehttp.Classify(tt.err); got != tt.want {
				t.Errorf("Classify(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestBlockedErrorMessage(t *testing.T) {
	t.Parallel()

	tests := []struct {
		err  *safehttp.BlockedError
		want string
	}{
		{
			&safehttp.BlockedError{Addr: netip.MustParseAddr("10.0.0.1"), Reason: "a private address"},
			"safehttp: 10.0.0.1 is a private address",
		},
		{
			&safehttp.BlockedError{Host: "intranet.example", Addr: netip.MustParseAddr("10.0.0.1"), Reason: "a private address"},
			"safehttp: intranet.example resolves to 10.0.0.1, which is a private address",
		},
		{
			&safehttp.BlockedError{Host: "0x7f.1", Reason: "a numeric host"},
			"safehttp: 0x7f.1 is a numeric host",
		},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(tt.err, safehttp.ErrBlocked) {
			t.Errorf("errors.Is(%v, ErrBlocked) = false", tt.err)
		}
	}
}
