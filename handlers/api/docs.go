package api

import (
	"embed"
	"net/http"
	"path"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
)

// docsFiles are the browsable API docs: Swagger UI, vendored by
// scripts/vendor-swagger-ui.sh (licence in docs/LICENSE), and the few
// lines that start it on the served document.
//
//go:embed docs
var docsFiles embed.FS

// docsCSP lets the docs page run only its own files. Swagger UI sets
// styles through the DOM, which style-src does not govern, and its icons
// are data: images; it talks to this desk's API alone.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API docs · factdesk</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="/api/docs/assets/docs.css">
</head>
<body>
<header class="docs-head">
<h1>factdesk API</h1>
<nav><a href="/api/v1/openapi.json">openapi.json</a><a href="/">Dashboard</a></nav>
</header>
<main id="docs"><noscript><p>The interactive docs need JavaScript. The contract itself is
<a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p></noscript></main>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/docs.js"></script>
</body>
</html>
`

// docsTypes are the content types of the files the docs page loads;
// nothing else under docs/ is served.
var docsTypes = map[string]string{
	"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
	"swagger-ui.css":       "text/css; charset=utf-8",
	"docs.js":              "text/javascript; charset=utf-8",
	"docs.css":             "text/css; charset=utf-8",
}

func docsHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", docsCSP)
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// docsPage serves /api/docs, the browsable form of openapi.json.
func (s *Server) docsPage(c *gin.Context) {
	docsHeaders(c)
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(docsPage))
}

// docsAsset serves one of the docs page's files. They change only with
// the binary.
func (s *Server) docsAsset(c *gin.Context) {
	name := path.Base(c.Param("file"))
	ctype, ok := docsTypes[name]
	if !ok {
		s.respondError(c, models.Errorf(models.ENotFound, "there is nothing at %s", c.Request.URL.Path))
		return
	}
	body, err := docsFiles.ReadFile("docs/" + name)
	if err != nil {
		s.respondError(c, err)
		return
	}
	docsHeaders(c)
	c.Header("Cache-Control", "public, max-age=86400")
	c.Data(http.StatusOK, ctype, body)
}
