package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/factdesk/factdesk/models"
)

// MaxBodyBytes caps request bodies.
const MaxBodyBytes = 1 << 20

// bindJSON decodes the body strictly into v: one JSON value, no unknown
// fields, at most MaxBodyBytes.
func bindJSON(c *gin.Context, v any) error {
	if ct := c.ContentType(); ct != "" && ct != "application/json" {
		return models.Errorf(models.EBadRequest, "send the body as application/json, not %s", ct)
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decodeError(err)
		}
		return models.Errorf(models.EBadRequest, "the body must hold exactly one JSON value")
	}
	return nil
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return models.Errorf(models.ETooLarge, "the body is larger than %d bytes", MaxBodyBytes)
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
		return models.Invalid("a date has the wrong format", models.FieldError{Field: "due_at", Message: "dates must be RFC 3339, such as 2026-12-01T17:00:00Z"})
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

// pathID reads a numeric path parameter; a non-number is a plain 404, since
// no such resource can exist.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.Errorf(models.ENotFound, "%s %q not found", strings.TrimSuffix(name, "_id"), c.Param(name))
	}
	return id, nil
}
