package publish

import (
	"bytes"
	"embed"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"time"
)

//go:embed templates
var templateFS embed.FS

// Each view is parsed once with the layout; a missing or broken template
// fails at start-up, not on a reader's request.
var (
	css       = mustRead("templates/style.css")
	pageView  = mustParse("templates/page.html")
	listView  = mustParse("templates/list.html")
	srcView   = mustParse("templates/source.html")
	errorView = mustParse("templates/error.html")
	publicCSP = "default-src 'none'; style-src " + styleHashSrc(css) + "; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

// CSP is the Content-Security-Policy of public responses that are not
// rendered pages (feeds, proofs). Nothing runs: there is no script-src
// (the JSON-LD block is data, which CSP does not govern). A rendered page
// carries its Brand's CSP, which also allows the colours' style element.
func CSP() string { return publicCSP }

func mustRead(name string) string {
	b, err := templateFS.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("publish: %s: %v", name, err))
	}
	return string(b)
}

func mustParse(view string) *template.Template {
	t := template.New("layout").Funcs(template.FuncMap{
		"date": func(t any) string { return humanDate(timeOf(t)) },
		"iso":  func(t any) string { return timeOf(t).UTC().Format(time.RFC3339) },
		// stamp is a capture's or a timestamp's time, to the second.
		"stamp": func(t time.Time) string { return t.UTC().Format("2 January 2006, 15:04:05 UTC") },
		"warc":  WARCPath,
	})
	return template.Must(t.ParseFS(templateFS, "templates/layout.html", view))
}

// timeOf lets the templates date a time or a pointer to one (the
// retraction's, which is nil until there is one).
func timeOf(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case *time.Time:
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}

func humanDate(t time.Time) string { return t.UTC().Format("2 January 2006") }

type pageData struct {
	Publisher Organization
	Brand     Brand
	CSS       template.CSS
	BrandCSS  template.CSS
	Page      *Page
	JSONLD    template.JS
	Items     []Listed
	Error     *ErrorPage
	Archive   *archiveData
}

type archiveData struct {
	*Archive
	Canonical string
}

func (s *Site) data(b Brand) pageData {
	return pageData{Publisher: s.publisher(b), Brand: b, CSS: template.CSS(css), BrandCSS: b.styleCSS()}
}

// RenderPage renders a fact check's page, with the Brand Load gave it,
// into a buffer, so a template error never sends half a page.
func (s *Site) RenderPage(p *Page) ([]byte, error) {
	data := s.data(p.Brand)
	data.Page = p
	if p.ClaimReview != nil {
		ld, err := MarshalScriptSafe(p.ClaimReview)
		if err != nil {
			return nil, fmt.Errorf("publish: encode JSON-LD: %w", err)
		}
		// template.JS inserts the bytes as they are; MarshalScriptSafe's
		// escaping is what keeps claim text inside the script element.
		data.JSONLD = template.JS(ld)
	}
	return render(pageView, data)
}

// RenderArchive renders the archived copy of a source, with the Brand of
// the page it is cited on.
func (s *Site) RenderArchive(a *Archive) ([]byte, error) {
	canonical := s.cfg.PublicURL + ArchivePath(a.Page.Slug, a.Source.EvidenceID)
	data := s.data(a.Page.Brand)
	data.Page, data.Archive = a.Page, &archiveData{Archive: a, Canonical: canonical}
	return render(srcView, data)
}

// RenderList renders the list of published checks.
func (s *Site) RenderList(b Brand, items []Listed) ([]byte, error) {
	data := s.data(b)
	data.Items = items
	return render(listView, data)
}

// ErrorPage is what a public error page says.
type ErrorPage struct {
	Status          int
	Heading, Detail string
	RequestID       string
}

// RenderError renders a public error page (a missing fact check, a
// failure) in the desk's branding.
func (s *Site) RenderError(b Brand, e ErrorPage) ([]byte, error) {
	data := s.data(b)
	data.Error = &e
	return render(errorView, data)
}

func render(t *template.Template, data pageData) ([]byte, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("publish: render: %w", err)
	}
	return buf.Bytes(), nil
}

// JSONFeed is a JSON Feed 1.1 document (jsonfeed.org/version/1.1).
type JSONFeed struct {
	Version     string         `json:"version"`
	Title       string         `json:"title"`
	HomePageURL string         `json:"home_page_url"`
	FeedURL     string         `json:"feed_url"`
	Language    string         `json:"language,omitempty"`
	Authors     []FeedAuthor   `json:"authors,omitempty"`
	Items       []JSONFeedItem `json:"items"`
}

// FeedAuthor is the publisher in a JSON Feed.
type FeedAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// JSONFeedItem is one published check.
type JSONFeedItem struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	Title         string   `json:"title"`
	ContentText   string   `json:"content_text"`
	DatePublished string   `json:"date_published"`
	DateModified  string   `json:"date_modified,omitempty"`
	Tags          []string `json:"tags,omitempty"`
}

func itemTitle(l Listed) string {
	t := l.VerdictLabel + ": " + l.Text
	switch {
	case l.Retracted:
		t = "Retracted: " + l.Text
	case l.UnderReview:
		t = "Under review. " + t
	}
	return t
}

// itemText is a feed item's text: the summary, or for a retracted check
// the dated notice and its reason.
func itemText(l Listed) string {
	if !l.Retracted {
		return l.Summary
	}
	t := "This fact check was retracted on " + humanDate(*l.RetractedAt) + "."
	if l.RetractionReason != "" {
		t += " Reason: " + l.RetractionReason
	}
	return t
}

// itemModified is when a feed item last changed: its retraction, or its
// latest republication; zero when neither happened.
func itemModified(l Listed) time.Time {
	if l.RetractedAt != nil {
		return *l.RetractedAt
	}
	if !l.PublishedAt.Equal(l.FirstPublishedAt) {
		return l.PublishedAt
	}
	return time.Time{}
}

// JSONFeed builds the JSON Feed of items, titled with the desk's name.
func (s *Site) JSONFeed(b Brand, items []Listed) JSONFeed {
	f := JSONFeed{
		Version: "https://jsonfeed.org/version/1.1", Title: b.Name + " fact checks",
		HomePageURL: s.cfg.PublicURL + "/factchecks", FeedURL: s.cfg.PublicURL + "/factchecks.json",
		Authors: []FeedAuthor{{Name: b.Name, URL: s.cfg.PublisherURL}}, Items: []JSONFeedItem{},
	}
	for _, l := range items {
		it := JSONFeedItem{ID: l.URL, URL: l.URL, Title: itemTitle(l), ContentText: itemText(l),
			DatePublished: l.FirstPublishedAt.UTC().Format(time.RFC3339), Tags: []string{string(l.Verdict)}}
		if l.Retracted {
			it.Tags = []string{"retracted"}
		}
		if m := itemModified(l); !m.IsZero() {
			it.DateModified = m.UTC().Format(time.RFC3339)
		}
		f.Items = append(f.Items, it)
	}
	return f
}

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Description string  `xml:"description"`
	Category    string  `xml:"category,omitempty"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// RSS renders items as an RSS 2.0 document. encoding/xml escapes every
// text, so claim text cannot inject markup. The channel carries the
// desk's name.
func (s *Site) RSS(b Brand, items []Listed) ([]byte, error) {
	ch := rssChannel{Title: b.Name + " fact checks", Link: s.cfg.PublicURL + "/factchecks",
		Description: "Fact checks published by " + b.Name}
	for i, l := range items {
		at, category := l.PublishedAt, l.VerdictLabel
		if l.Retracted {
			at, category = *l.RetractedAt, "Retracted"
		}
		if i == 0 {
			ch.LastBuildDate = at.UTC().Format(time.RFC1123Z)
		}
		ch.Items = append(ch.Items, rssItem{Title: itemTitle(l), Link: l.URL, GUID: rssGUID{IsPermaLink: "true", Value: l.URL},
			PubDate: at.UTC().Format(time.RFC1123Z), Description: itemText(l), Category: category})
	}
	out, err := xml.MarshalIndent(rss{Version: "2.0", Channel: ch}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("publish: encode RSS: %w", err)
	}
	return append([]byte(xml.Header), out...), nil
}

// MarshalFeed encodes a JSON Feed.
func MarshalFeed(f JSONFeed) ([]byte, error) { return json.Marshal(f) }
