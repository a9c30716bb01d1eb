package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/factdesk/factdesk/internal/apptest"
)

// person is one user's browser context: its own cookies and tab.
type person struct {
	t   *testing.T
	env *apptest.Env
	ctx context.Context
}

// open gives a fresh browser context. Call it after apptest.New, so its
// cleanup (closing the tab and its event stream) runs before the server's.
func open(t *testing.T, env *apptest.Env) *person {
	t.Helper()
	needBrowser(t)
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open browser context: %v", err)
	}
	return &person{t: t, env: env, ctx: ctx}
}

// do runs steps with a deadline; on failure it saves a screenshot of what
// the browser showed.
func (p *person) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		url, _ := chromedp.Run(p.ctx, chromedp.Location())
		p.screenshot("failure-" + strings.NewReplacer(" ", "-", "/", "_").Replace(what))
		p.t.Fatalf("%s (at %s): %v", what, url, err)
	}
}

// get runs one action that returns a value, with a deadline.
func get[T any](p *person, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	return v
}

func (p *person) signIn(u apptest.User) {
	p.t.Helper()
	p.do("sign in as "+u.Email,
		chromedp.Navigate(p.env.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SetValue(chromedp.ID("email"), u.Email),
		chromedp.SetValue(chromedp.ID("password"), u.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
}

func (p *person) visit(path string, waitFor string) {
	p.t.Helper()
	p.do("visit "+path, chromedp.Navigate(p.env.URL+path), chromedp.WaitVisible(chromedp.CSS(waitFor)))
}

// screenshotDir keeps the pictures: FACTDESK_SCREENSHOTS names a folder to
// collect them in; otherwise they go to the test's artifact directory
// (kept under go test -artifacts, temporary without it).
func screenshotDir(t *testing.T) string {
	if dir := os.Getenv("FACTDESK_SCREENSHOTS"); dir != "" {
		os.MkdirAll(dir, 0o755)
		return dir
	}
	return t.ArtifactDir()
}

func (p *person) screenshot(name string) {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(screenshotDir(p.t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Logf("save screenshot: %v", err)
		return
	}
	p.t.Logf("screenshot: %s", path)
}

// phone switches the viewport to a phone's width.
func (p *person) phone() {
	p.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
}
