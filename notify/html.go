package notify

import (
	"bytes"
	"html/template"
)

type htmlLink struct{ Label, URL string }

type htmlLine struct{ Text, Detail, URL string }

type htmlGroup struct {
	Claims []htmlLink
	Lines  []htmlLine
}

type htmlMail struct {
	Title           string
	Groups          []htmlGroup
	Inbox, Settings string
	Unsubscribe     []htmlLink
}

// mailTemplate is the HTML alternative of every email. html/template
// escapes every value, claim text and comments included.
var mailTemplate = template.Must(template.New("mail").Parse(`<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.4">
<h1 style="font-size: 1.2em">{{.Title}}</h1>
{{range .Groups}}<div style="margin: 1em 0">
{{range .Claims}}<p><a href="{{.URL}}">{{.Label}}</a></p>{{end}}
<ul>{{range .Lines}}<li>{{if .URL}}<a href="{{.URL}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{if .Detail}}<br><q>{{.Detail}}</q>{{end}}</li>{{end}}</ul>
</div>{{end}}
<p><a href="{{.Inbox}}">Open your inbox</a></p>
<hr>
<p style="font-size: 0.9em">{{range .Unsubscribe}}<a href="{{.URL}}">{{.Label}}</a> · {{end}}<a href="{{.Settings}}">All email settings</a></p>
</body></html>
`))

func renderHTML(m htmlMail) string {
	var b bytes.Buffer
	if err := mailTemplate.Execute(&b, m); err != nil {
		// The template and its data are ours; an error is a bug, and the
		// plain-text part still carries everything.
		return ""
	}
	return b.String()
}
