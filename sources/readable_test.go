package sources_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/factdesk/factdesk/sources"
)

func TestReadable(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name        string
		contentType string
		body        string
		wantTitle   string
		wantText    string
	}{
		{
			name:        "plain text is returned as is",
			contentType: "text/plain; charset=utf-8",
			body:        "Line one\r\n\r\n  indented   spaces\n",
			wantText:    "Line one\r\n\r\n  indented   spaces\n",
		},
		{
			name:        "plain text in a declared charset is decoded",
			contentType: "text/plain; charset=iso-8859-1",
			body:        "caf\xe9",
			wantText:    "café",
		},
		{
			name:        "plain text loses NUL bytes and invalid UTF-8",
			contentType: "text/plain",
			body:        "a\x00b\xffc",
			wantText:    "ab\uFFFDc",
		},
		{
			name:        "unsupported type",
			contentType: "image/png",
			body:        "\x89PNG\r\n",
		},
		{
			name:        "paragraphs and whitespace",
			contentType: "text/html; charset=utf-8",
			body: `<html><head><title>
				Council  votes
			</title></head><body>
			<h1>Council votes</h1>
			<p>The   council
			voted <b>7</b>-<i>2</i> on Tuesday.</p>
			<p>Fact<strong>desk</strong> checked it.<br>Second line.</p>
			<ul><li>One</li><li>Two</li></ul>
			</body></html>`,
			wantTitle: "Council votes",
			wantText:  "Council votes\n\nThe council voted 7-2 on Tuesday.\n\nFactdesk checked it.\nSecond line.\n\nOne\n\nTwo",
		},
		{
			name:        "og:title when there is no title",
			contentType: "text/html",
			body:        `<head><meta property="og:title" content=" Headline  here "></head><p>Body</p>`,
			wantTitle:   "Headline here",
			wantText:    "Body",
		},
		{
			name:        "svg title is not the page title",
			contentType: "text/html",
			body:        `<body><svg><title>icon</title></svg><p>Body</p></body>`,
			wantText:    "Body",
		},
		{
			name:        "furniture elements are dropped",
			contentType: "text/html",
			body: `<body>
				<header>Site name</header><nav>Home | World</nav>
				<script>var x = "script";</script><style>p{}</style><noscript>Enable JS</noscript>
				<p>Kept.</p>
				<aside>Aside</aside><form>Search <input></form><iframe>frame</iframe>
				<svg><text>chart</text></svg><footer>Copyright</footer>
				<template>tpl</template><button>Click</button>
			</body>`,
			wantText: "Kept.",
		},
		{
			name:        "boilerplate classes and ids are dropped",
			contentType: "text/html",
			body: `<body>
				<div class="cookie-banner">We use cookies</div>
				<div id="site-menu">Menu</div>
				<div class="share-buttons">Share</div>
				<div class="relatedArticles">Related</div>
				<div id="comments">Comment one</div>
				<div class="ad-slot">Buy now</div>
				<div class="newsletter signup">Subscribe</div>
				<div role="navigation">Nav by role</div>
				<div hidden>Hidden</div><div aria-hidden="true">Aria hidden</div>
				<p class="commentary">Commentary stays.</p>
				<p class="canvas-text">Canvas stays.</p>
				<p class="headline">Headline stays.</p>
			</body>`,
			wantText: "Commentary stays.\n\nCanvas stays.\n\nHeadline stays.",
		},
		{
			name:        "body class does not hide the page",
			contentType: "text/html",
			body:        `<body class="single has-comments"><p>Story.</p></body>`,
			wantText:    "Story.",
		},
		{
			name:        "article preferred, and the longest one wins",
			contentType: "text/html",
			body: `<body><p>Outside.</p>
				<article><h2>Teaser</h2></article>
				<article><header><h1>Real headline</h1><p>Standfirst.</p></header>
				<p>The full story is here and is longer.</p>
				<footer>Tags: x</footer></article>
				<article class="comment"><p>A very long reader comment that goes on and on and on and on.</p></article>
			</body>`,
			wantText: "Real headline\n\nStandfirst.\n\nThe full story is here and is longer.",
		},
		{
			name:        "main when there is no article",
			contentType: "text/html",
			body:        `<body><div>Outside.</div><main><p>Inside main.</p></main></body>`,
			wantText:    "Inside main.",
		},
		{
			name:        "table cells",
			contentType: "text/html",
			body:        `<table><tr><th>Year</th><th>Rate</th></tr><tr><td>2024</td><td>3.1%</td></tr></table>`,
			wantText:    "Year Rate\n2024 3.1%",
		},
		{
			name:        "sniffed when the content type is missing",
			contentType: "",
			body:        `<!DOCTYPE html><html><head><title>T</title></head><body><p>Sniffed.</p></body></html>`,
			wantTitle:   "T",
			wantText:    "Sniffed.",
		},
		{
			name:        "meta charset is honoured",
			contentType: "text/html",
			body:        `<html><head><meta charset="windows-1252"><title>Caf` + "\xe9" + `</title></head><body><p>` + "\x93quoted\x94" + `</p></body></html>`,
			wantTitle:   "Café",
			wantText:    "“quoted”",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			title, text := sources.Readable([]byte(tt.body), tt.contentType)
			if title != tt.wantTitle {
				t.Errorf("Readable title = %q, want %q", title, tt.wantTitle)
			}
			if text != tt.wantText {
				t.Errorf("Readable text = %q, want %q", text, tt.wantText)
			}
		})
	}
}

func TestReadableCap(t *testing.T) {
	t.Parallel()

	// "é" is two bytes and the prefix makes the cap fall mid-rune.
	long := "x" + strings.Repeat("é", sources.MaxReadableBytes)
	tests := []struct {
		name        string
		contentType string
		body        string
	}{
		{"plain", "text/plain; charset=utf-8", long},
		{"html", "text/html; charset=utf-8", "<p>" + long + "</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, text := sources.Readable([]byte(tt.body), tt.contentType)
			if len(text) > sources.MaxReadableBytes || len(text) < sources.MaxReadableBytes-utf8.UTFMax {
				t.Errorf("len(text) = %d, want just under %d", len(text), sources.MaxReadableBytes)
			}
			if !utf8.ValidString(text) {
				t.Error("text was cut inside a rune")
			}
		})
	}
}

// benchPage builds an article page of about size bytes with the usual
// furniture around it, and returns it with a sentence from near its end.
func benchPage(size int) (page []byte, lastSentence string) {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Budget vote – live</title>
<script>window.dataLayer = [];</script><style>body{font:16px serif}</style></head><body>
<header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav></header>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<main><article><header><h1>Council passes budget</h1><p class="standfirst">A “historic” day — or not?</p></header>
`)
	for i := 0; b.Len() < size; i++ {
		lastSentence = "Paragraph " + strings.Repeat("x", i%7) + " says the rate rose to 3.9 percent."
		b.WriteString(`<p>The council’s spokesperson said “the budget is balanced” on Tuesday — `)
		b.WriteString(`while critics in Zürich, São Paulo and 東京 disagreed. <a href="/x">Read more</a>. `)
		b.WriteString(lastSentence)
		b.WriteString("</p>\n")
		if i%20 == 0 {
			b.WriteString(`<figure><img src="a.jpg"><figcaption>Councillors at the vote.</figcaption></figure>`)
			b.WriteString(`<div class="ad-slot"><script>ad()</script>Advertisement</div>` + "\n")
		}
	}
	b.WriteString(`</article><aside class="related">Related stories</aside></main>
<section id="comments"><article class="comment"><p>First!</p></article></section>
<footer>© Example News</footer></body></html>`)
	return []byte(b.String()), lastSentence
}

func BenchmarkReadable(b *testing.B) {
	page, _ := benchPage(200 << 10)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		sources.Readable(page, "text/html; charset=utf-8")
	}
}
