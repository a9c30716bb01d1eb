package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/internal/tsatest"
)

func TestLoadCaptureConfig(t *testing.T) {
	t.Parallel()
	auth := tsatest.Start(t, tsatest.Options{})
	dir := filepath.Join(t.TempDir(), "captures")
	notPEM := filepath.Join(t.TempDir(), "roots.pem")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o600)
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c app.Config)
	}{
		{"nothing set", nil, "", func(t *testing.T, c app.Config) {
			if len(c.TSAURLs) != 0 || c.TSARoots != nil || c.CaptureDir != "" {
				t.Errorf("config = %+v, want no authorities, no roots, captures in the database", c)
			}
		}},
		{"all set", map[string]string{"FACTDESK_TSA_URLS": " https://a.example/tsr, ,http://b.example/ts", "FACTDESK_TSA_ROOTS": auth.CAFile, "FACTDESK_CAPTURE_DIR": dir}, "",
			func(t *testing.T, c app.Config) {
				if strings.Join(c.TSAURLs, " ") != "https://a.example/tsr http://b.example/ts" || c.TSARoots == nil || c.CaptureDir != dir {
					t.Errorf("config = %v %v %q", c.TSAURLs, c.TSARoots, c.CaptureDir)
				}
				if st, err := os.Stat(dir); err != nil || !st.IsDir() {
					t.Errorf("capture directory not created: %v", err)
				}
			}},
		{"relative URL", map[string]string{"FACTDESK_TSA_URLS": "tsa.example/tsr"}, "FACTDESK_TSA_URLS", nil},
		{"ftp URL", map[string]string{"FACTDESK_TSA_URLS": "ftp://tsa.example/tsr"}, "not an absolute http(s) URL", nil},
		{"missing roots file", map[string]string{"FACTDESK_TSA_ROOTS": filepath.Join(dir, "none.pem")}, "FACTDESK_TSA_ROOTS", nil},
		{"roots without a certificate", map[string]string{"FACTDESK_TSA_ROOTS": notPEM}, "holds no PEM certificate", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c app.Config
			err := loadCaptureConfig(&c, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("loadCaptureConfig = %v, want an error mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}
