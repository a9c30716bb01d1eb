package safehttp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/netip"
	"syscall"
)

var (
	// ErrBlocked is matched by every error caused by the address policy:
	// a denied IP, a hostname resolving to one, or a numeric host in a
	// form we refuse to interpret.
	ErrBlocked = errors.New("safehttp: address blocked")

	// ErrTooLarge is returned while reading a response body that is larger
	// than Config.MaxBodyBytes.
	ErrTooLarge = errors.New("safehttp: response body too large")

	// ErrRedirect is returned when a redirect cannot be followed: too many
	// hops, or a Location with a scheme other than http or https.
	ErrRedirect = errors.New("safehttp: redirect refused")

	// ErrInvalidURL is returned for URLs that cannot be parsed, lack a host,
	// or use a scheme other than http or https.
	ErrInvalidURL = errors.New("safehttp: invalid URL")
)

// BlockedError says which address was refused and why. It matches
// ErrBlocked with errors.Is.
type BlockedError struct {
	// Host is the name from the URL when it differs from Addr; empty for
	// IP literals.
	Host string
	// Addr is the refused address. It is invalid when Host is a numeric
	// form we refuse to interpret.
	Addr netip.Addr
	// Reason completes the sentence "<addr> is …", e.g. "a private address".
	Reason string
}

func (e *BlockedError) Error() string {
	switch {
	case !e.Addr.IsValid():
		return "safehttp: " + e.Host + " is " + e.Reason
	case e.Host == "" || e.Host == e.Addr.String():
		return "safehttp: " + e.Addr.String() + " is " + e.Reason
	default:
		return "safehttp: " + e.Host + " resolves to " + e.Addr.String() + ", which is " + e.Reason
	}
}

// Is makes errors.Is(err, ErrBlocked) true.
func (e *BlockedError) Is(target error) bool { return target == ErrBlocked }

// ErrorClass is a coarse, stable label for why a request failed, suitable
// for storing with a delivery attempt or showing next to a source.
type ErrorClass string

const (
	// ClassTimeout means the request ran out of time: connecting, during the
	// TLS handshake, waiting for headers or reading the body.
	ClassTimeout ErrorClass = "timeout"
	// ClassCanceled means the caller's context was canceled; the remote side
	// is not at fault, so it should not count against the endpoint.
	ClassCanceled ErrorClass = "canceled"
	// ClassDNS means the hostname could not be resolved.
	ClassDNS ErrorClass = "dns"
	// ClassRefused means no connection could be opened to an allowed
	// address: the port was closed or the host unreachable.
	ClassRefused ErrorClass = "refused"
	// ClassBlocked means the address policy refused the destination; retrying
	// will not help until the URL or Config.AllowCIDRs changes.
	ClassBlocked ErrorClass = "blocked"
	// ClassTLS means the TLS handshake failed, most often because the
	// certificate is untrusted, expired or for another name.
	ClassTLS ErrorClass = "tls"
	// ClassTooLarge means the response body exceeded Config.MaxBodyBytes.
	ClassTooLarge ErrorClass = "too_large"
	// ClassRedirect means a redirect was refused: too many hops or a
	// non-HTTP scheme.
	ClassRedirect ErrorClass = "redirect"
	// ClassHTTP covers everything else: a malformed URL or response, a
	// connection reset mid-exchange, or an unexpected protocol error.
	ClassHTTP ErrorClass = "http"
)

// Classify maps an error from Client.Do, Client.Get, Client.CheckURL or a
// response body read to an ErrorClass. It returns "" for a nil error.
// Status codes are not errors here; callers judge them separately.
func Classify(err error) ErrorClass {
	if err == nil {
		return ""
	}
	// Policy and size errors come first: they are our own decisions and
	// may be wrapped in errors that look like network failures.
	switch {
	case errors.Is(err, ErrBlocked):
		return ClassBlocked
	case errors.Is(err, ErrTooLarge):
		return ClassTooLarge
	case errors.Is(err, ErrRedirect):
		return ClassRedirect
	}

	// A DNS lookup that timed out is still a DNS problem, so this comes
	// before the generic timeout check.
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return ClassDNS
	}

	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return ClassTimeout
	}
	if errors.Is(err, context.Canceled) {
		return ClassCanceled
	}
	if errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) {
		return ClassRefused
	}
	if isTLS(err) {
		return ClassTLS
	}
	return ClassHTTP
}

func isTLS(err error) bool {
	var (
		verifyErr   *tls.CertificateVerificationError
		recordErr   tls.RecordHeaderError
		alertErr    tls.AlertError
		unknownAuth x509.UnknownAuthorityError
		hostnameErr x509.HostnameError
		invalidErr  x509.CertificateInvalidError
		opErr       *net.OpError
	)
	switch {
	case errors.As(err, &verifyErr),
		errors.As(err, &recordErr),
		errors.As(err, &alertErr),
		errors.As(err, &unknownAuth),
		errors.As(err, &hostnameErr),
		errors.As(err, &invalidErr):
		return true
	case errors.As(err, &opErr):
		// crypto/tls reports alerts sent by the peer this way; the alert
		// type itself is unexported.
		return opErr.Op == "remote error"
	}
	return false
}
