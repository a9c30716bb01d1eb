// Package web holds the dashboard's templates and static assets, embedded in
// the binary so a deployment is one file and the pages can never drift from
// the code that fills them.
//
// The layout and the shared partials are parsed once at start-up, and every
// page is checked against them then; Load fails if a page is missing or does
// not parse, so a broken build fails loudly at boot rather than on the first
// visit. Each page is kept parsed once it has been shown (see Views).
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
//
// A page's parse tree holds the layout and every partial, about 300 kB,
// and html/template copies it for each clone; twenty-five pages held at
// start-up were 7.5 MB of a server's heap whether anyone opened the
// dashboard or not. So Load keeps only the layout and partials parsed
// (base) and checks every page once; a page is parsed onto a clone of base
// the first time it is shown in a zone, and kept.
type Views struct {
	// base is never executed: html/template may clone a template only
	// before its first execution.
	base *template.Template
	// pages maps each page to its file.
	pages map[string]string
	mu    sync.Mutex
	zoned map[zonedPage]*template.Template
}

type zonedPage struct{ zone, page string }

// maxZoned bounds the cache of zoned pages; a desk uses a handful of
// zones, and past this the cache starts over rather than grow.
const maxZoned = 512

// shared are the templates every page is parsed with.
var shared = []string{"templates/layout.html", "templates/partials.html", "templates/nav.html", "templates/charts.html"}

// Load parses the layout and partials, and checks that every page parses
// with them, so a broken page fails at start-up rather than on its first
// visit.
func Load() (*Views, error) {
	base, err := template.New("base").Funcs(Funcs).ParseFS(files, shared...)
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	v := &Views{base: base, pages: map[string]string{}, zoned: map[zonedPage]*template.Template{}}
	for _, name := range Pages {
		file := "templates/pages/" + name + ".html"
		if _, err := fs.Stat(files, file); err != nil {
			return nil, fmt.Errorf("web: page %q is missing: %w", name, err)
		}
		v.pages[name] = file
		// Parsed to be checked, then dropped (see Views).
		if _, err := v.parse(time.UTC, name); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// parse parses page onto a clone of the layout whose time helpers use loc.
func (v *Views) parse(loc *time.Location, page string) (*template.Template, error) {
	t, err := v.base.Clone()
	if err != nil {
		return nil, fmt.Errorf("web: clone layout for %q: %w", page, err)
	}
	if _, err := t.Funcs(TimeFuncs(loc)).ParseFS(files, v.pages[page]); err != nil {
		return nil, fmt.Errorf("web: parse page %q: %w", page, err)
	}
	return t, nil
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

// page is page as shown in zone loc, parsed on first use.
func (v *Views) page(loc *time.Location, page string) (*template.Template, error) {
	if _, ok := v.pages[page]; !ok {
		return nil, fmt.Errorf("web: no page %q", page)
	}
	key := zonedPage{zone: loc.String(), page: page}
	v.mu.Lock()
	defer v.mu.Unlock()
	if t, ok := v.zoned[key]; ok {
		return t, nil
	}
	t, err := v.parse(loc, page)
	if err != nil {
		return nil, err
	}
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
