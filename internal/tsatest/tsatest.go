// Package tsatest runs a real RFC 3161 timestamp authority on loopback for
// tests: `openssl ts -reply` behind an HTTP handler, with a CA and a TSA
// certificate made by openssl in the test's temporary directory.
package tsatest

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Authority is one running TSA.
type Authority struct {
	URL string
	Dir string
	// CAFile is the root certificate (PEM); CertFile the TSA's own
	// certificate (PEM), for `openssl ts -verify -CAfile ... -untrusted ...`.
	CAFile   string
	CertFile string
	Roots    *x509.CertPool
	// Requests counts the queries answered.
	mu       sync.Mutex
	requests int
}

// Options tune an authority.
type Options struct {
	// Digests is the openssl "digests" setting: the imprint algorithms it
	// accepts. Default "sha256, sha384, sha512".
	Digests string
	// Name appears in the certificates' common names.
	Name string
}

// Requests is how many queries the authority has answered.
func (a *Authority) Requests() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.requests
}

// Start makes a CA and a TSA certificate (extendedKeyUsage critical,
// timeStamping) and serves `openssl ts -reply` on a loopback HTTP server
// that is closed when the test ends.
func Start(t testing.TB, opts Options) *Authority {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatalf("openssl is needed to run a test timestamp authority (apt-get install openssl): %v", err)
	}
	if opts.Digests == "" {
		opts.Digests = "sha256, sha384, sha512"
	}
	if opts.Name == "" {
		opts.Name = "factdesk test"
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("openssl", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("tsa.ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
	run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", "ca.key", "-out", "ca.pem", "-days", "3", "-subj", "/CN="+opts.Name+" TSA root",
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
	run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN="+opts.Name+" TSA")
	run("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "2",
		"-days", "2", "-extfile", "tsa.ext", "-out", "tsa.pem")
	write("serial", "01\n")
	write("tsa.cnf", fmt.Sprintf(`[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = %s
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.55555.1
other_policies = 1.3.6.1.4.1.55555.2
digests = %s
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`, dir, opts.Digests))

	a := &Authority{Dir: dir, CAFile: filepath.Join(dir, "ca.pem"), CertFile: filepath.Join(dir, "tsa.pem"), Roots: x509.NewCertPool()}
	caPEM, err := os.ReadFile(a.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(caPEM)
	ca, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	a.Roots.AddCert(ca)

	var serialMu sync.Mutex // openssl rewrites the serial file on every reply
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/timestamp-query" {
			http.Error(w, "want a POST of application/timestamp-query", http.StatusBadRequest)
			return
		}
		query, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		serialMu.Lock()
		defer serialMu.Unlock()
		cmd := exec.CommandContext(r.Context(), "openssl", "ts", "-reply", "-config", filepath.Join(dir, "tsa.cnf"),
			"-queryfile", "/dev/stdin", "-out", "/dev/stdout")
		cmd.Stdin = bytes.NewReader(query)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			http.Error(w, "openssl ts -reply: "+err.Error()+": "+errb.String(), http.StatusInternalServerError)
			return
		}
		a.mu.Lock()
		a.requests++
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(out.Bytes())
	}))
	t.Cleanup(srv.Close)
	a.URL = srv.URL + "/tsr"
	return a
}

// VerifyWithOpenSSL runs `openssl ts -verify` over a stored token (DER
// TimeStampToken) and the data it stamps, as an outsider would, and returns
// openssl's output; it fails the test when openssl does not print
// "Verification: OK".
func (a *Authority) VerifyWithOpenSSL(t testing.TB, token []byte, dataFile string, digestHex string) string {
	t.Helper()
	dir := t.TempDir()
	tok := filepath.Join(dir, "token.tst")
	if err := os.WriteFile(tok, token, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"ts", "-verify", "-token_in", "-in", tok, "-CAfile", a.CAFile, "-untrusted", a.CertFile}
	if dataFile != "" {
		args = append(args, "-data", dataFile)
	} else {
		args = append(args, "-digest", digestHex)
	}
	out, err := exec.Command("openssl", args...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verification: OK") {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
