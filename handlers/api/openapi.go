package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// openAPISource is the API's contract, written by hand next to the route
// table it describes (openapi.yaml says how to add an operation).
//
//go:embed openapi.yaml
var openAPISource []byte

var openAPI = sync.OnceValues(func() (*openAPIDoc, error) {
	raw, err := yaml.YAMLToJSON(openAPISource)
	if err != nil {
		return nil, fmt.Errorf("api: openapi.yaml: %w", err)
	}
	// A key written next to a merged fragment that already has it (a
	// "422" beside <<: *authed) comes out twice in the JSON; Swagger UI's
	// parser then refuses the whole document, so refuse it here first.
	if err := noDuplicateKeys(raw); err != nil {
		return nil, fmt.Errorf("api: openapi.yaml: %w", err)
	}
	// x-fragments holds the YAML anchors the document reuses; once they
	// are expanded it is only noise for readers of the JSON.
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("api: openapi.yaml: %w", err)
	}
	if _, ok := doc["x-fragments"]; ok {
		raw, err = dropMember(raw, "x-fragments")
		if err != nil {
			return nil, err
		}
	}
	sum := sha256.Sum256(raw)
	return &openAPIDoc{json: raw, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}, nil
})

// noDuplicateKeys reports the first object in raw that has a key twice,
// by its path.
func noDuplicateKeys(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				k := key.(string)
				if seen[k] {
					return fmt.Errorf("%s has the key %q twice (a key beside a merged fragment that already has it?)", path, k)
				}
				seen[k] = true
				if err := walk(path + "/" + k); err != nil {
					return err
				}
			}
			_, err = dec.Token() // }
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(fmt.Sprintf("%s/%d", path, i)); err != nil {
					return err
				}
			}
			_, err = dec.Token() // ]
			return err
		}
		return nil
	}
	return walk("")
}

type openAPIDoc struct {
	json []byte
	etag string
}

// dropMember removes one top-level member from a JSON object, keeping the
// order of the others (the document reads top to bottom).
func dropMember(raw []byte, name string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out bytes.Buffer
	if _, err := dec.Token(); err != nil { // {
		return nil, err
	}
	out.WriteByte('{')
	first := true
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, err
		}
		if key == name {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(key)
		out.Write(k)
		out.WriteByte(':')
		out.Write(value)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// OpenAPI is the OpenAPI 3.1 document of the API and its webhooks, as
// GET /api/v1/openapi.json serves it.
func OpenAPI() ([]byte, error) {
	d, err := openAPI()
	if err != nil {
		return nil, err
	}
	return d.json, nil
}

// openAPIDocument serves the document. It changes only with the binary,
// so caches may keep it for an hour and revalidate by its ETag.
func (s *Server) openAPIDocument(c *gin.Context) {
	d, err := openAPI()
	if err != nil {
		s.respondError(c, err)
		return
	}
	c.Header("ETag", d.etag)
	c.Header("Cache-Control", "public, max-age=3600")
	if c.GetHeader("If-None-Match") == d.etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "application/json", d.json)
}
