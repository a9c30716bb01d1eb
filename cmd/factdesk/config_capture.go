package main

import (
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/factdesk/factdesk/app"
)

// loadCaptureConfig reads where captures are kept and which timestamp
// authorities sign them, from getenv (os.Getenv; tests pass a map's).
func loadCaptureConfig(c *app.Config, getenv func(string) string) error {
	for _, raw := range strings.Split(getenv("FACTDESK_TSA_URLS"), ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("FACTDESK_TSA_URLS: %q is not an absolute http(s) URL: list them like https://freetsa.org/tsr,https://tsa.example/ts", raw)
		}
		c.TSAURLs = append(c.TSAURLs, raw)
	}
	if file := getenv("FACTDESK_TSA_ROOTS"); file != "" {
		pemBytes, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("FACTDESK_TSA_ROOTS: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pemBytes) {
			return fmt.Errorf("FACTDESK_TSA_ROOTS=%q holds no PEM certificate", file)
		}
		c.TSARoots = roots
	}
	if dir := getenv("FACTDESK_CAPTURE_DIR"); dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return fmt.Errorf("FACTDESK_CAPTURE_DIR: %w", err)
		}
		if err := os.MkdirAll(abs, 0o750); err != nil {
			return fmt.Errorf("FACTDESK_CAPTURE_DIR=%q cannot be created: %w", dir, err)
		}
		c.CaptureDir = abs
	}
	return nil
}
