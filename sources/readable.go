// Package sources handles the pages cited as sources for a claim.
package sources

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// MaxReadableBytes caps the text Readable returns. It is three times the
// fetch cap, the most a page can grow when a single-byte charset is decoded
// to UTF-8, so no page the fetch accepts loses text: a quote deep in a long
// page is searched for like any other. Only what a page shows is cut
// (see MaxShownTextBytes).
const MaxReadableBytes = 3 * MaxPageBytes

// maxTitleBytes caps the title for the same reason; no real headline is
// this long.
const maxTitleBytes = 1 << 10

// Readable returns the title and the main text of a fetched page. HTML is
// reduced to its article text, with one blank line between blocks; plain
// text is returned as it came. Other content types give empty results.
// contentType is the Content-Type header; when it is empty the type is
// sniffed from body.
//
// The output is valid UTF-8 without NUL bytes, because Postgres text
// columns reject both, and at most MaxReadableBytes long.
func Readable(body []byte, contentType string) (title, text string) {
	if contentType == "" {
		contentType = http.DetectContentType(body)
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		// A malformed header still usually starts with the type.
		mediaType, _, _ = strings.Cut(strings.ToLower(contentType), ";")
		mediaType = strings.TrimSpace(mediaType)
	}
	switch {
	case mediaType == "text/html" || mediaType == "application/xhtml+xml":
		return readableHTML(body, contentType)
	case strings.HasPrefix(mediaType, "text/"):
		return "", cleanText(decodePlain(body, params["charset"]), MaxReadableBytes)
	default:
		return "", ""
	}
}

// decodePlain converts body to UTF-8 when the server declared another
// charset; UTF-8 and undeclared bodies pass through untouched.
func decodePlain(body []byte, label string) string {
	if label == "" || strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "utf8") {
		return string(body)
	}
	r, err := charset.NewReaderLabel(label, bytes.NewReader(body))
	if err != nil {
		return string(body)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		return string(body)
	}
	return buf.String()
}

// cleanText makes s safe to store and cuts it to at most limit bytes on a
// rune boundary.
func cleanText(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	return truncate(s, limit)
}

func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func readableHTML(body []byte, contentType string) (title, text string) {
	// charset.NewReader honours the header, a BOM and <meta charset>, in
	// the order browsers do, and falls back to windows-1252 for invalid
	// UTF-8 as they do.
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		r = bytes.NewReader(body)
	}
	doc, err := html.Parse(r)
	if err != nil {
		// html.Parse only fails on reader errors, which a decoder over a
		// byte slice does not produce; treat it as an empty page.
		return "", ""
	}

	title = findTitle(doc)
	w := &textWriter{limit: MaxReadableBytes}
	root := mainRoot(doc)
	w.children(root, insideArticle(root))
	return cleanText(title, maxTitleBytes), cleanText(w.String(), MaxReadableBytes)
}

// findTitle prefers <title> and falls back to og:title.
func findTitle(doc *html.Node) string {
	var title, og string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Title:
			// Namespace is set for the <title> of an inline <svg>.
			if title == "" && n.Namespace == "" {
				title = collapseSpace(nodeText(n))
			}
		case atom.Meta:
			if og == "" && attr(n, "property") == "og:title" {
				og = collapseSpace(attr(n, "content"))
			}
		}
	}
	if title != "" {
		return title
	}
	return og
}

// mainRoot picks the element holding the article: the <article> with the
// most text (pages often add teaser <article>s for related stories), else
// <main>, else <body>.
func mainRoot(doc *html.Node) *html.Node {
	var best, main, body *html.Node
	bestLen := 0
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if droppedElements[c.DataAtom] {
				continue
			}
			if c.DataAtom != atom.Body && c.DataAtom != atom.Html && c.DataAtom != atom.Main && isBoilerplate(c) {
				continue
			}
			switch {
			case c.DataAtom == atom.Article:
				if l := textLen(c, true); l > bestLen {
					best, bestLen = c, l
				}
			case main == nil && (c.DataAtom == atom.Main || attr(c, "role") == "main"):
				main = c
			case body == nil && c.DataAtom == atom.Body:
				body = c
			}
			visit(c)
		}
	}
	visit(doc)
	switch {
	case best != nil:
		return best
	case main != nil:
		return main
	case body != nil:
		return body
	}
	return doc
}

// textLen estimates how much readable text is below n, without building
// it, to compare candidate articles.
func textLen(n *html.Node, inArticle bool) int {
	total := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			total += len(strings.TrimSpace(c.Data))
		case c.Type == html.ElementNode && !skipped(c, inArticle):
			total += textLen(c, inArticle || c.DataAtom == atom.Article)
		}
	}
	return total
}

// skipped reports whether the element n and everything below it stay out
// of the text. inArticle keeps <header> inside an <article>: there it holds
// the headline and standfirst, which are part of the story, not site
// chrome.
func skipped(n *html.Node, inArticle bool) bool {
	keepHeader := inArticle && n.DataAtom == atom.Header
	return (droppedElements[n.DataAtom] && !keepHeader) || isBoilerplate(n)
}

func insideArticle(n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n.DataAtom == atom.Article {
			return true
		}
	}
	return false
}

// droppedElements never hold article text.
var droppedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Form: true, atom.Iframe: true, atom.Svg: true, atom.Math: true,
	atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Input: true,
	atom.Object: true, atom.Embed: true, atom.Canvas: true, atom.Audio: true,
	atom.Video: true, atom.Dialog: true,
}

// boilerplateWords are class and id words that mark page furniture. They
// are matched as whole words ("site-nav", "relatedArticles") rather than
// substrings, so "commentary" or "canvas" are not mistaken for them.
var boilerplateWords = map[string]bool{
	"cookie": true, "cookies": true, "consent": true, "gdpr": true,
	"nav": true, "navbar": true, "navigation": true, "breadcrumb": true, "breadcrumbs": true,
	"menu": true, "menus": true, "footer": true, "sidebar": true,
	"share": true, "sharing": true, "social": true,
	"subscribe": true, "subscription": true, "newsletter": true, "paywall": true,
	"related": true, "recommended": true, "promo": true,
	"comment": true, "comments": true,
	"advert": true, "adverts": true, "advertisement": true, "ad": true, "ads": true, "sponsored": true,
}

// boilerplateRoles are ARIA landmark roles for page furniture.
var boilerplateRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true,
	"search": true, "dialog": true, "alertdialog": true,
}

func isBoilerplate(n *html.Node) bool {
	if boilerplateRoles[attr(n, "role")] {
		return true
	}
	// Hidden content is not something a reader saw on the page.
	if hasAttr(n, "hidden") || attr(n, "aria-hidden") == "true" {
		return true
	}
	return hasBoilerplateWord(attr(n, "class")) || hasBoilerplateWord(attr(n, "id"))
}

// hasBoilerplateWord splits s at punctuation, spaces and lower-to-upper case
// changes and looks each word up in boilerplateWords.
func hasBoilerplateWord(s string) bool {
	start := 0
	prevLower := false
	for i, r := range s {
		letterOrDigit := unicode.IsLetter(r) || unicode.IsDigit(r)
		split := !letterOrDigit || (prevLower && unicode.IsUpper(r))
		if split {
			if boilerplateWords[strings.ToLower(s[start:i])] {
				return true
			}
			start = i
			if !letterOrDigit {
				start = i + utf8.RuneLen(r)
			}
		}
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
	}
	return boilerplateWords[strings.ToLower(s[start:])]
}

// blockElements start a new paragraph.
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Blockquote: true, atom.Details: true,
	atom.Dd: true, atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Fieldset: true,
	atom.Figcaption: true, atom.Figure: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hgroup: true,
	atom.Hr: true, atom.Li: true, atom.Main: true, atom.Ol: true, atom.P: true,
	atom.Pre: true, atom.Section: true, atom.Summary: true, atom.Table: true,
	atom.Caption: true, atom.Ul: true, atom.Body: true,
}

// textWriter accumulates text with whitespace collapsed: runs of spaces
// become one space, a <br> or table row becomes a line break and a block
// element becomes a blank line. Nothing is written at the start or end.
type textWriter struct {
	strings.Builder
	limit int
	space bool // a space is owed before the next word
	brk   int  // newlines owed before the next word: 0, 1 or 2
}

func (w *textWriter) full() bool { return w.Len() > w.limit }

func (w *textWriter) breakLine(n int) {
	w.brk = max(w.brk, n)
}

func (w *textWriter) text(s string) {
	word := -1 // start of the word being scanned, or -1 between words
	for i := 0; i <= len(s); {
		space, size := true, 1
		if i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				space = asciiSpace[c]
			} else {
				var r rune
				r, size = utf8.DecodeRuneInString(s[i:])
				space = unicode.IsSpace(r)
			}
		}
		switch {
		case !space && word < 0:
			word = i
		case space && word >= 0:
			w.word(s[word:i])
			word = -1
			if w.full() {
				return
			}
		}
		if space && i < len(s) {
			w.space = true
		}
		i += size
	}
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// word writes s, which holds no whitespace, after whatever separator is
// owed.
func (w *textWriter) word(s string) {
	if w.Len() > 0 {
		switch {
		case w.brk > 0:
			w.WriteString("\n\n"[:w.brk])
		case w.space:
			w.WriteByte(' ')
		}
	}
	w.space, w.brk = false, 0
	w.WriteString(s)
}

// children writes the readable text below n; see skipped for inArticle.
func (w *textWriter) children(n *html.Node, inArticle bool) {
	for c := n.FirstChild; c != nil && !w.full(); c = c.NextSibling {
		w.node(c, inArticle)
	}
}

func (w *textWriter) node(n *html.Node, inArticle bool) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	if skipped(n, inArticle) {
		return
	}
	switch n.DataAtom {
	case atom.Br, atom.Tr:
		w.breakLine(1)
	case atom.Td, atom.Th:
		w.space = true
	}
	block := blockElements[n.DataAtom]
	if block {
		w.breakLine(2)
	}
	w.children(n, inArticle || n.DataAtom == atom.Article)
	if block {
		w.breakLine(2)
	}
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}
