// Package web holds the dashboard's templates and static assets, embedded in
// the binary so a deployment is one file and the pages can never drift from
// the code that fills them.
//
// Every page is parsed once at start-up together with the layout and the
// shared partials; Load fails if a page is missing, so a broken build fails
// loudly at boot rather than on the first visit.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"sync"
	"time"
)

//go:embed templates static
var files embed.FS

// Pages lists every view the dashboard renders. Load parses each with the
// layout; adding a handler for a new page means adding its name here.
var Pages = []string{
	"login", "queue", "board", "claim", "claim_new", "review", "users", "overview", "error",
	"import", "claim_related", "sources", "webhooks", "captures", "list", "bulk",
	"notifications", "notification_settings", "unsubscribe", "integrations", "views", "profile",
	"user_deactivate", "settings", "models",
}

// Views are the parsed pages.
type Views struct {
	// pages are never executed themselves: html/template may clone a
	// template only before its first execution, and each time zone gets
	// its own clone whose time helpers show that zone.
	pages map[string]*template.Template
	mu    sync.Mutex
	zoned map[zonedPage]*template.Template
}

type zonedPage struct{ zone, page string }

// maxZoned bounds the cache of zoned clones; a desk uses a handful of
// zones, and past this the cache starts over rather than grow.
const maxZoned = 512

// Load parses every page with the layout and partials.
func Load() (*Views, error) {
	v := &Views{pages: map[string]*template.Template{}, zoned: map[zonedPage]*template.Template{}}
	for _, name := range Pages {
		file := "templates/pages/" + name + ".html"
		if _, err := fs.Stat(files, file); err != nil {
			return nil, fmt.Errorf("web: page %q is missing: %w", name, err)
		}
		t, err := template.New(name).Funcs(Funcs).ParseFS(files, "templates/layout.html", "templates/partials.html", "templates/nav.html", "templates/charts.html", file)
		if err != nil {
			return nil, fmt.Errorf("web: parse page %q: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// Render executes the named template of page (the page itself is
// "layout"; fragments such as "board-columns" render alone) into a buffer,
// so a template error never sends half a page.
func (v *Views) Render(page, tmpl string, data any) ([]byte, error) {
	return v.RenderIn(time.UTC, page, tmpl, data)
}

// RenderIn is Render with every time the page shows in zone loc.
func (v *Views) RenderIn(loc *time.Location, page, tmpl string, data any) ([]byte, error) {
	t, err := v.page(loc, page)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, tmpl, data); err != nil {
		return nil, fmt.Errorf("web: render %s/%s: %w", page, tmpl, err)
	}
	return buf.Bytes(), nil
}

// page is the clone of a page whose time helpers use loc, made on first
// use.
func (v *Views) page(loc *time.Location, page string) (*template.Template, error) {
	base, ok := v.pages[page]
	if !ok {
		return nil, fmt.Errorf("web: no page %q", page)
	}
	key := zonedPage{zone: loc.String(), page: page}
	v.mu.Lock()
	defer v.mu.Unlock()
	if t, ok := v.zoned[key]; ok {
		return t, nil
	}
	t, err := base.Clone()
	if err != nil {
		return nil, fmt.Errorf("web: clone page %q: %w", page, err)
	}
	t.Funcs(TimeFuncs(loc))
	if len(v.zoned) >= maxZoned {
		clear(v.zoned)
	}
	v.zoned[key] = t
	return t, nil
}

// Static is the static asset tree (htmx, styles, scripts).
func Static() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the directory is embedded above; this cannot fail
	}
	return sub
}

// assetVersions holds a content hash per asset so URLs change when the
// file does, which lets browsers cache assets forever.
var assetVersions = func() map[string]string {
	out := map[string]string{}
	fs.WalkDir(Static(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := Static().Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		io.Copy(h, f)
		out[p] = hex.EncodeToString(h.Sum(nil))[:12]
		return nil
	})
	return out
}()

// Asset returns the versioned URL of a static file.
func Asset(name string) string {
	return path.Join("/static", name) + "?v=" + assetVersions[name]
}

// AssetVersion is the content hash of a static file, "" if there is none.
func AssetVersion(name string) string { return assetVersions[name] }
