// Package tsa asks RFC 3161 timestamp authorities to sign a SHA-256 digest
// and verifies what they answer.
//
// Requests and responses are encoded and decoded with
// github.com/digitorus/timestamp, and the CMS signature is checked with
// github.com/digitorus/pkcs7: both are maintained, used by sigstore for the
// same job, and pure Go. The pinned versions are the last that build with Go
// 1.26 (the newest pseudo-versions require Go 1.27). On top of the library
// this package checks what RFC 3161 leaves to the client and the library
// does not: the nonce, the message imprint against the digest we sent, the
// signer's extended key usage (timeStamping), and the ESS signing-certificate
// attribute that binds the signature to the certificate in the token.
package tsa

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	_ "crypto/sha512" // SHA-384 and SHA-512 in signing-certificate-v2 attributes
	"crypto/subtle"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// Status says whether a digest has trusted time.
type Status string

const (
	// StatusTimestamped means at least one authority's token was verified.
	StatusTimestamped Status = "timestamped"
	// StatusUnconfigured means no authority is configured, so the capture
	// has only the desk's own clock.
	StatusUnconfigured Status = "untimestamped: no timestamp authority configured"
	// StatusFailed means authorities are configured but none returned a
	// token that verified; Result.Errors says why for each.
	StatusFailed Status = "untimestamped: no timestamp authority answered with a valid token"
)

// MaxResponseBytes bounds a TSA's answer; real tokens are a few KiB.
const MaxResponseBytes = 256 << 10

// Doer sends one HTTP request: *http.Client and *safehttp.Client both are.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Client asks each configured authority for a token.
type Client struct {
	// HTTP sends the requests. Production passes the safehttp client so an
	// authority URL is held to the same SSRF rules as a source.
	HTTP Doer
	// URLs are the authorities' endpoints, asked in order.
	URLs []string
	// Roots, when set, must anchor each token's signer certificate. Without
	// it a token is checked only against the certificate it carries, which
	// proves integrity, not who signed; the token can be checked against the
	// authority's published CA later.
	Roots *x509.CertPool
}

// Token is one verified timestamp token.
type Token struct {
	Authority string // the URL that issued it
	// DER is the TimeStampToken (a CMS ContentInfo), the form
	// `openssl ts -verify -token_in` reads.
	DER    []byte
	Time   time.Time
	Serial string // the authority's serial number, decimal
	Policy string // TSA policy OID
	// Signer is the signing certificate's subject, and SignerSHA256 its
	// fingerprint.
	Signer       string
	SignerSHA256 string
	Certificates []*x509.Certificate
	// ChainVerified is true when the signer chained to Client.Roots.
	ChainVerified bool
}

// AuthorityError is why one authority gave no usable token.
type AuthorityError struct {
	Authority string
	Err       error
}

func (e AuthorityError) Error() string { return e.Authority + ": " + e.Err.Error() }

// Result is the outcome of Stamp.
type Result struct {
	Status Status
	Digest []byte
	Tokens []Token
	Errors []AuthorityError
}

// Stamp asks every configured authority for a token over digest (a SHA-256
// sum). It never fails as a whole: an empty configuration or a failure at
// every authority shows in Result.Status.
func (c *Client) Stamp(ctx context.Context, digest []byte) Result {
	res := Result{Digest: append([]byte(nil), digest...)}
	if len(c.URLs) == 0 {
		res.Status = StatusUnconfigured
		return res
	}
	for _, u := range c.URLs {
		tok, err := c.stampOne(ctx, u, digest)
		if err != nil {
			res.Errors = append(res.Errors, AuthorityError{Authority: u, Err: err})
			continue
		}
		res.Tokens = append(res.Tokens, *tok)
	}
	if len(res.Tokens) > 0 {
		res.Status = StatusTimestamped
	} else {
		res.Status = StatusFailed
	}
	return res
}

func (c *Client) stampOne(ctx context.Context, authority string, digest []byte) (*Token, error) {
	if len(digest) != sha256.Size {
		return nil, fmt.Errorf("tsa: digest is %d bytes, want a SHA-256 sum", len(digest))
	}
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, fmt.Errorf("tsa: nonce: %w", err)
	}
	der, err := Request(digest, nonce)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, authority, bytes.NewReader(der))
	if err != nil {
		return nil, fmt.Errorf("tsa: request: %w", err)
	}
	req.Header.Set("Content-Type", "application/timestamp-query")
	req.Header.Set("Accept", "application/timestamp-reply")
	hc := c.HTTP
	if hc == nil {
		return nil, errors.New("tsa: no HTTP client given")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("tsa: post: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("tsa: authority answered HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("tsa: read answer: %w", err)
	}
	if len(body) > MaxResponseBytes {
		return nil, fmt.Errorf("tsa: answer is over %d bytes", MaxResponseBytes)
	}
	tok, err := VerifyResponse(body, digest, nonce, c.Roots)
	if err != nil {
		return nil, err
	}
	tok.Authority = authority
	return tok, nil
}

// Request is the DER TimeStampReq for a SHA-256 digest, asking for the
// authority's certificate in the token (certReq) so the token verifies on
// its own.
func Request(digest []byte, nonce *big.Int) ([]byte, error) {
	r := timestamp.Request{
		HashAlgorithm: crypto.SHA256,
		HashedMessage: digest,
		Nonce:         nonce,
		Certificates:  true,
	}
	der, err := r.Marshal()
	if err != nil {
		return nil, fmt.Errorf("tsa: encode request: %w", err)
	}
	return der, nil
}

// VerifyResponse checks a DER TimeStampResp: status granted, and then
// everything VerifyToken checks, plus the nonce when one was sent.
func VerifyResponse(der, digest []byte, nonce *big.Int, roots *x509.CertPool) (*Token, error) {
	// ParseResponse turns a status other than granted or grantedWithMods
	// into an error carrying the authority's status text.
	ts, err := timestamp.ParseResponse(der)
	if err != nil {
		return nil, fmt.Errorf("tsa: response: %w", err)
	}
	if nonce != nil && (ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0) {
		return nil, fmt.Errorf("tsa: nonce %v in token, sent %v", ts.Nonce, nonce)
	}
	return verify(ts, digest, roots)
}

// VerifyToken checks a stored DER TimeStampToken against digest: the CMS
// signature, the message imprint (SHA-256, equal to digest), the signer's
// timeStamping key usage, the ESS binding to the signer certificate and,
// when roots is set, the chain at the token's time.
func VerifyToken(der, digest []byte, roots *x509.CertPool) (*Token, error) {
	ts, err := timestamp.Parse(der)
	if err != nil {
		return nil, fmt.Errorf("tsa: token: %w", err)
	}
	return verify(ts, digest, roots)
}

var (
	oidSigningCertificate   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidSHA256               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
)

type essCertID struct {
	CertHash     []byte
	IssuerSerial asn1.RawValue `asn1:"optional"`
}

type signingCertificate struct {
	Certs    []essCertID
	Policies asn1.RawValue `asn1:"optional"`
}

type essCertIDv2 struct {
	HashAlgorithm pkix.AlgorithmIdentifier `asn1:"optional"`
	CertHash      []byte
	IssuerSerial  asn1.RawValue `asn1:"optional"`
}

type signingCertificateV2 struct {
	Certs    []essCertIDv2
	Policies asn1.RawValue `asn1:"optional"`
}

func verify(ts *timestamp.Timestamp, digest []byte, roots *x509.CertPool) (*Token, error) {
	if ts.HashAlgorithm != crypto.SHA256 {
		return nil, fmt.Errorf("tsa: token imprint uses %v, want SHA-256", ts.HashAlgorithm)
	}
	if subtle.ConstantTimeCompare(ts.HashedMessage, digest) != 1 {
		return nil, fmt.Errorf("tsa: token imprint %x does not match digest %x", ts.HashedMessage, digest)
	}
	// timestamp.Parse has checked the signature against the signer
	// certificate when the token carries one; without it nothing was checked.
	p7, err := pkcs7.Parse(ts.RawToken)
	if err != nil {
		return nil, fmt.Errorf("tsa: token: %w", err)
	}
	signer := p7.GetOnlySigner()
	if signer == nil {
		return nil, errors.New("tsa: token does not carry exactly one signer with its certificate")
	}
	if !hasTimeStampingEKU(signer) {
		return nil, fmt.Errorf("tsa: signer %q lacks the timeStamping extended key usage", signer.Subject)
	}
	if err := checkESS(p7, signer); err != nil {
		return nil, err
	}
	tok := &Token{
		DER:          ts.RawToken,
		Time:         ts.Time,
		Policy:       ts.Policy.String(),
		Signer:       signer.Subject.String(),
		SignerSHA256: fingerprint(signer),
		Certificates: p7.Certificates,
	}
	if ts.SerialNumber != nil {
		tok.Serial = ts.SerialNumber.String()
	}
	if roots != nil {
		inter := x509.NewCertPool()
		for _, c := range p7.Certificates {
			inter.AddCert(c)
		}
		err := p7.VerifyWithOpts(x509.VerifyOptions{
			Roots:         roots,
			Intermediates: inter,
			// The chain must have been valid when the token was made, not
			// necessarily now: a token outlives its signer's certificate.
			CurrentTime: ts.Time,
			KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
		})
		if err != nil {
			return nil, fmt.Errorf("tsa: chain: %w", err)
		}
		tok.ChainVerified = true
	}
	return tok, nil
}

func hasTimeStampingEKU(c *x509.Certificate) bool {
	for _, u := range c.ExtKeyUsage {
		if u == x509.ExtKeyUsageTimeStamping {
			return true
		}
	}
	return false
}

// checkESS requires the signing-certificate attribute (v2 with any hash the
// standard library knows, or v1 with SHA-1) to name the signer certificate,
// so a token cannot be re-dressed with another certificate of the same key.
func checkESS(p7 *pkcs7.PKCS7, signer *x509.Certificate) error {
	var v2 signingCertificateV2
	if err := p7.UnmarshalSignedAttribute(oidSigningCertificateV2, &v2); err == nil {
		if len(v2.Certs) == 0 {
			return errors.New("tsa: empty signing-certificate-v2 attribute")
		}
		id := v2.Certs[0]
		h := crypto.SHA256
		if len(id.HashAlgorithm.Algorithm) > 0 && !id.HashAlgorithm.Algorithm.Equal(oidSHA256) {
			var ok bool
			if h, ok = hashByOID(id.HashAlgorithm.Algorithm); !ok {
				return fmt.Errorf("tsa: signing-certificate-v2 uses unknown hash %v", id.HashAlgorithm.Algorithm)
			}
		}
		hh := h.New()
		hh.Write(signer.Raw)
		if subtle.ConstantTimeCompare(hh.Sum(nil), id.CertHash) != 1 {
			return errors.New("tsa: signing-certificate-v2 attribute names another certificate")
		}
		return nil
	}
	var v1 signingCertificate
	if err := p7.UnmarshalSignedAttribute(oidSigningCertificate, &v1); err != nil {
		return errors.New("tsa: token has no signing-certificate attribute")
	}
	if len(v1.Certs) == 0 {
		return errors.New("tsa: empty signing-certificate attribute")
	}
	sum := sha1.Sum(signer.Raw)
	if subtle.ConstantTimeCompare(sum[:], v1.Certs[0].CertHash) != 1 {
		return errors.New("tsa: signing-certificate attribute names another certificate")
	}
	return nil
}

func hashByOID(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}):
		return crypto.SHA384, true
	case oid.Equal(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}):
		return crypto.SHA512, true
	case oid.Equal(asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}):
		return crypto.SHA1, true
	}
	return 0, false
}

func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}
