package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/factdesk/factdesk/handlers/param"
	"github.com/factdesk/factdesk/models"
)

// bindJSON decodes the body strictly into v: one JSON value, no unknown
// fields, no key twice, keys matched to fields exactly, at most
// param.MaxBodyBytes.
func bindJSON(c *gin.Context, v any) error {
	dates, err := bindJSONDates(c, v)
	if err != nil {
		return err
	}
	if len(dates) > 0 {
		return models.Invalid("a date has the wrong format", dates...)
	}
	return nil
}

// bindJSONDates is bindJSON for inputs the workflow validates as a whole:
// a date that does not parse is returned as a field error, with the rest
// of the body decoded into v, so the caller can report it together with
// every other field's error instead of the date hiding them.
func bindJSONDates(c *gin.Context, v any) ([]models.FieldError, error) {
	if ct := c.ContentType(); ct != "" && ct != "application/json" {
		return nil, models.Errorf(models.EBadRequest, "send the body as application/json, not %s", ct)
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, param.MaxBodyBytes))
	if err != nil {
		return nil, decodeError(err, nil)
	}
	if err := strictKeys(raw, v); err != nil {
		return nil, err
	}
	var dates []models.FieldError
	for {
		err := decodeStrict(raw, v)
		var timeErr *time.ParseError
		if err == nil || !errors.As(err, &timeErr) {
			if err != nil {
				return nil, decodeError(err, raw)
			}
			return dates, nil
		}
		// Drop the field that failed and decode the rest afresh.
		field := fieldHolding(raw, timeErr.Value)
		rest, ok := withoutField(raw, field)
		if field == "" || !ok {
			return nil, decodeError(err, raw)
		}
		dates = append(dates, models.FieldError{Field: field, Message: dateFormatMessage})
		raw = rest
		reflect.ValueOf(v).Elem().SetZero()
	}
}

const dateFormatMessage = "dates must be RFC 3339, such as 2026-12-01T17:00:00Z"

func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return models.Errorf(models.EBadRequest, "the body must hold exactly one JSON value")
	}
	return nil
}

// strictKeys refuses what encoding/json lets through: a duplicate key
// (the last one wins there, so {"role":"viewer","role":"admin"} would read
// as admin to the desk and as viewer to anything that reads the first) and
// a key that matches a field only case-insensitively. The body is decoded
// with json v2 into a scratch value of v's type, which reports both by
// default once unknown members are refused; any other error is left to
// encoding/json, whose messages the API documents.
func strictKeys(raw []byte, v any) error {
	scratch := reflect.New(reflect.TypeOf(v).Elem()).Interface()
	err := jsonv2.Unmarshal(raw, scratch, jsonv2.RejectUnknownMembers(true))
	if syn, ok := errors.AsType[*jsontext.SyntacticError](err); ok && syn.Err == jsontext.ErrDuplicateName {
		name := pointerField(syn.JSONPointer)
		return &models.Error{Code: models.EBadRequest, Message: fmt.Sprintf("the key %q appears more than once", name),
			Fields: []models.FieldError{{Field: name, Message: "give each key once"}}}
	}
	if sem, ok := errors.AsType[*jsonv2.SemanticError](err); ok && sem.Err == jsonv2.ErrUnknownName {
		name := pointerField(sem.JSONPointer)
		return &models.Error{Code: models.EBadRequest, Message: fmt.Sprintf("unknown field %q (keys are case-sensitive)", name),
			Fields: []models.FieldError{{Field: name, Message: "not a field of this request"}}}
	}
	return nil
}

// pointerField writes a JSON pointer (/tags/0) as the field names the API
// uses elsewhere (tags.0).
func pointerField(p jsontext.Pointer) string {
	var parts []string
	for tok := range p.Tokens() {
		parts = append(parts, tok)
	}
	return strings.Join(parts, ".")
}

// withoutField is the JSON object raw without its top-level key field.
func withoutField(raw []byte, field string) ([]byte, bool) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return nil, false
	}
	if _, ok := fields[field]; !ok {
		return nil, false
	}
	delete(fields, field)
	out, err := json.Marshal(fields)
	return out, err == nil
}

// fieldHolding finds the top-level key whose string value is value. Errors
// from a type's own UnmarshalJSON (a bad date) carry no field name, so the
// body is searched for the value that failed.
func fieldHolding(raw []byte, value string) string {
	var fields map[string]any
	if json.Unmarshal(raw, &fields) != nil {
		return ""
	}
	for k, v := range fields {
		if s, ok := v.(string); ok && s == value {
			return k
		}
	}
	return ""
}

func decodeError(err error, raw []byte) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return models.Errorf(models.ETooLarge, "the body is larger than %d bytes", param.MaxBodyBytes)
	case errors.Is(err, io.EOF):
		return models.Errorf(models.EBadRequest, "the body is empty; send a JSON object")
	case errors.As(err, &syntax):
		return models.Errorf(models.EBadRequest, "malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return models.Errorf(models.EBadRequest, "malformed JSON: the body ends too early")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return models.Errorf(models.EBadRequest, "the body must be a JSON object")
		}
		return models.Invalid("a field has the wrong type", models.FieldError{Field: field, Message: fmt.Sprintf("must be a %s", jsonKind(typeErr.Type.Kind().String()))})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &models.Error{Code: models.EBadRequest, Message: fmt.Sprintf("unknown field %q", name), Fields: []models.FieldError{{Field: name, Message: "not a field of this request"}}}
	}
	var timeErr *time.ParseError
	if errors.As(err, &timeErr) {
		field := fieldHolding(raw, timeErr.Value)
		if field == "" {
			field = "body"
		}
		return models.Invalid("a date has the wrong format", models.FieldError{Field: field, Message: dateFormatMessage})
	}
	return models.Errorf(models.EBadRequest, "malformed JSON: %s", err.Error())
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "list"
	case "struct", "map":
		return "object"
	}
	return "number"
}
