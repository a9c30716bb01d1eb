// Package e2e drives the dashboard in a real headless Chromium against a
// real server and database. One browser process serves every test; each
// user gets their own browser context (separate cookies), like separate
// people at separate desks.
//
// Without Chromium the tests skip, unless FACTDESK_REQUIRE_BROWSER=1 (CI
// sets it), in which case they fail: a missing browser must not pass as
// green.
package e2e_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

var (
	browserCtx context.Context
	browserErr error
)

func findChromium() string {
	if p := os.Getenv("FACTDESK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	path := findChromium()
	if path == "" {
		browserErr = fmt.Errorf("no Chromium found on PATH (install it with apt-get install -y chromium, or set FACTDESK_CHROMIUM)")
		return m.Run()
	}
	profile, err := os.MkdirTemp("", "factdesk-e2e-chromium-")
	if err != nil {
		browserErr = err
		return m.Run()
	}
	defer os.RemoveAll(profile)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		browserErr = fmt.Errorf("cannot start %s: %w", path, err)
		return m.Run()
	}
	browserCtx = ctx
	return m.Run()
}

// needBrowser fails or skips the test when there is no browser.
func needBrowser(t *testing.T) {
	t.Helper()
	if browserErr == nil {
		return
	}
	if os.Getenv("FACTDESK_REQUIRE_BROWSER") == "1" {
		t.Fatalf("FACTDESK_REQUIRE_BROWSER=1 but %v", browserErr)
	}
	t.Skipf("skipping browser test: %v (set FACTDESK_REQUIRE_BROWSER=1 to fail instead)", browserErr)
}
