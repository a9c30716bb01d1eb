package wacz

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

var wwwPrefix = regexp.MustCompile(`^www\d*\.`)

// SURT is the sort-friendly URI form CDXJ indexes are keyed on, in the
// spelling replay tools compute when they look a URL up (ReplayWeb.page,
// pywb, warcio): lowercased, scheme and a leading "www." dropped, host
// labels reversed and comma-joined, a non-default port kept, then ")", the
// path and the query with its parameters sorted. A URL that does not parse
// is its own key.
func SURT(raw string) string {
	u, err := url.Parse(strings.ToLower(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return raw
	}
	host := wwwPrefix.ReplaceAllString(u.Hostname(), "")
	labels := strings.Split(host, ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	var b strings.Builder
	b.WriteString(strings.Join(labels, ","))
	if p := u.Port(); p != "" && !(u.Scheme == "http" && p == "80") && !(u.Scheme == "https" && p == "443") {
		b.WriteString(":" + p)
	}
	b.WriteString(")")
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	if u.RawQuery != "" {
		params := strings.Split(u.RawQuery, "&")
		sort.Strings(params)
		b.WriteString("?" + strings.Join(params, "&"))
	}
	return b.String()
}
