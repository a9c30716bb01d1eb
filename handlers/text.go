package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/handlers/respond"
	"github.com/factdesk/factdesk/models"
)

// refuseBadText is the one place that keeps NUL bytes and invalid UTF-8 out
// of the desk. PostgreSQL refuses both in text columns, so without it they
// surfaced as 500s from deep inside a query, some of them before sign-in.
// It reads the path, the query string, and url-encoded form and JSON bodies
// (up to param.MaxBodyBytes; a longer body is passed on for the handler's
// own limit to refuse) and answers 422 naming the field at fault.
func refuseBadText(resp *respond.Renderer) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := checkRequestText(c.Request); err != nil {
			resp.Error(c, err)
			return
		}
		c.Next()
	}
}

func checkRequestText(r *http.Request) error {
	if !cleanText(r.URL.Path) {
		return badText("path", "the address")
	}
	if err := checkQuery(r.URL.RawQuery, "query parameter"); err != nil {
		return err
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	// The API binder reads a body without a Content-Type as JSON, so
	// such a body is checked as JSON too.
	if ct != "application/x-www-form-urlencoded" && ct != "application/json" && ct != "" {
		return nil
	}
	body, complete, err := peekBody(r)
	if err != nil || !complete {
		// Unreadable or too long: the handler reads the body again and
		// refuses it with its own message.
		return nil
	}
	if ct != "application/x-www-form-urlencoded" {
		return checkJSON(body)
	}
	return checkQuery(string(body), "form field")
}

// peekBody reads up to param.MaxBodyBytes and puts what it read back in
// front of the rest, so the handler sees the body unchanged.
func peekBody(r *http.Request) (body []byte, complete bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r.Body, param.MaxBodyBytes+1))
	rest := r.Body
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), rest), rest}
	return body, err == nil && len(body) <= param.MaxBodyBytes, err
}

// checkQuery checks every name and value of a url-encoded string. Pairs
// that do not decode are left to the parser, which drops them.
func checkQuery(raw, kind string) error {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			continue
		}
		if !cleanText(key) {
			return badText(strconv.QuoteToASCII(key), "a "+kind+" name")
		}
		if val, err := url.QueryUnescape(v); err == nil && !cleanText(val) {
			return badText(key, "the "+kind+" "+strconv.Quote(key))
		}
	}
	return nil
}

// checkJSON walks a JSON body. Raw invalid UTF-8 is caught before decoding,
// because encoding/json would quietly turn it into U+FFFD; an escaped NUL
// ("\u0000") only shows once decoded. Malformed JSON is the binder's to
// report.
func checkJSON(body []byte) error {
	if !utf8.Valid(body) {
		return badText(fieldAtInvalidByte(body), "the JSON body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return walkJSON(dec, "")
}

// walkJSON checks one value and everything inside it; field is the dotted
// path of the value.
func walkJSON(dec *json.Decoder, field string) error {
	tok, err := dec.Token()
	if err != nil {
		return nil
	}
	switch t := tok.(type) {
	case string:
		if strings.IndexByte(t, 0) >= 0 {
			return badText(orBody(field), "the field "+strconv.Quote(orBody(field)))
		}
	case json.Delim:
		switch t {
		case '{':
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil
				}
				key, _ := kt.(string)
				name := key
				if field != "" {
					name = field + "." + key
				}
				if strings.IndexByte(key, 0) >= 0 {
					return badText(strconv.QuoteToASCII(name), "a field name")
				}
				if err := walkJSON(dec, name); err != nil {
					return err
				}
			}
			dec.Token()
		case '[':
			for i := 0; dec.More(); i++ {
				if err := walkJSON(dec, field+"["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
			dec.Token()
		}
	}
	return nil
}

// fieldAtInvalidByte names the top-level key being written where the first
// invalid byte sits, as well as a cheap scan can tell; "body" otherwise.
func fieldAtInvalidByte(body []byte) string {
	at := 0
	for at < len(body) {
		r, n := utf8.DecodeRune(body[at:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		at += n
	}
	// The last quoted string followed by a colon before the bad byte is
	// the key whose value holds it.
	prefix := body[:at]
	for i := bytes.LastIndex(prefix, []byte(`":`)); i > 0; i = bytes.LastIndex(prefix[:i], []byte(`":`)) {
		if start := bytes.LastIndexByte(prefix[:i], '"'); start >= 0 {
			return string(prefix[start+1 : i])
		}
	}
	return "body"
}

func orBody(field string) string {
	if field == "" {
		return "body"
	}
	return field
}

// cleanText reports whether s is valid UTF-8 without NUL bytes. Overlong
// forms (%c0%80) and encoded surrogates (%ed%a0%80) are invalid UTF-8.
func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

func badText(field, where string) error {
	return &models.Error{Code: models.EInvalid,
		Message: strings.ToUpper(where[:1]) + where[1:] + " holds a NUL byte or text that is not valid UTF-8; remove it and try again",
		Fields:  []models.FieldError{{Field: field, Message: "must be text without NUL bytes, in valid UTF-8"}}}
}
