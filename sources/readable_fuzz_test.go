package sources_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/factdesk/factdesk/sources"
)

// FuzzReadable checks that whatever a server sends, Readable returns text a
// Postgres text column accepts (valid UTF-8, no NUL) within its caps, and
// that clean plain text passes through unchanged.
func FuzzReadable(f *testing.F) {
	for _, s := range [][2]string{
		{"<html><head><title>T</title></head><body><article><p>One.</p><p>Two</p></article></body></html>", "text/html; charset=utf-8"},
		{"<meta charset=windows-1252><p>caf\xe9 \x93quoted\x94</p>", ""},
		{"<nav>menu</nav><main><h1>Head</h1><script>x()</script>body\x00text</main>", "text/html"},
		{"plain \xff\xfe text\x00", "text/plain"},
		{"\xff\xfeh\x00i\x00", "text/plain; charset=utf-16"},
		{"<p>x", "text/html; charset=bogus"},
		{"%PDF-1.4", "application/pdf"},
		{"<table><tr><td>a<td>b</table><pre>  x\n  y</pre>", ";;;"},
	} {
		f.Add([]byte(s[0]), s[1])
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		title, text := sources.Readable(body, contentType)
		for name, s := range map[string]string{"title": title, "text": text} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("Readable(%q, %q) %s = %q: not valid UTF-8 without NUL", body, contentType, name, s)
			}
		}
		if len(title) > 1<<10 || len(text) > sources.MaxReadableBytes {
			t.Fatalf("Readable(%q, %q): title %d bytes, text %d bytes, over the caps", body, contentType, len(title), len(text))
		}
		if clean := string(body); utf8.ValidString(clean) && !strings.ContainsRune(clean, 0) && len(clean) <= sources.MaxReadableBytes {
			if _, got := sources.Readable(body, "text/plain; charset=utf-8"); got != clean {
				t.Fatalf("Readable(%q) as plain UTF-8 = %q, want it unchanged", body, got)
			}
		}
	})
}
