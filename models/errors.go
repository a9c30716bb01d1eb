package models

import (
	"errors"
	"fmt"
	"time"
)

// ErrorCode classifies a domain error. Exactly one place, the handlers'
// error renderer, maps codes to HTTP statuses.
type ErrorCode string

const (
	// EBadRequest: the request itself is malformed (bad JSON, unknown field).
	EBadRequest ErrorCode = "bad_request"
	// EUnauthorized: no valid credentials.
	EUnauthorized ErrorCode = "unauthorized"
	// EForbidden: valid credentials, but this user may not do this.
	EForbidden ErrorCode = "forbidden"
	// ENotFound: the thing asked for does not exist.
	ENotFound ErrorCode = "not_found"
	// EMethodNotAllowed: the path exists, but not with this method.
	EMethodNotAllowed ErrorCode = "method_not_allowed"
	// EConflict: the request clashes with the current state (stale version,
	// action not allowed from this state, duplicate email).
	EConflict ErrorCode = "conflict"
	// EInvalid: well-formed, but a value or a workflow requirement fails.
	EInvalid ErrorCode = "invalid"
	// ETooLarge: the request body exceeds the limit.
	ETooLarge ErrorCode = "too_large"
	// ERateLimited: too many attempts; try later.
	ERateLimited ErrorCode = "rate_limited"
	// EUnavailable: a dependency such as the database is down.
	EUnavailable ErrorCode = "unavailable"
	// EInternal: a bug or an unexpected failure. Its message is never shown.
	EInternal ErrorCode = "internal"
)

// FieldError names one invalid field or one unmet requirement.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a domain error: a code for machines, a message for people, and
// the fields at fault.
type Error struct {
	Code    ErrorCode
	Message string
	Fields  []FieldError
	// RetryAfter, when positive, is how long the client should wait before
	// trying again; the HTTP layer sends it as Retry-After.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	return fmt.Sprintf("%s (%d field errors)", e.Message, len(e.Fields))
}

// Errorf builds a domain error with a formatted message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds an EInvalid error listing the fields at fault.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: EInvalid, Message: message, Fields: fields}
}

// RateLimited builds an ERateLimited error that says how long to wait.
func RateLimited(retryAfter time.Duration, format string, args ...any) *Error {
	return &Error{Code: ERateLimited, Message: fmt.Sprintf(format, args...), RetryAfter: retryAfter}
}

// RetryAfterOf returns the wait carried by a domain error anywhere in err's
// chain, and false when there is none.
func RetryAfterOf(err error) (time.Duration, bool) {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return e.RetryAfter, true
	}
	return 0, false
}

// CodeOf returns the code of a domain error anywhere in err's chain, and
// EInternal for everything else.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// IsCode reports whether err carries code.
func IsCode(err error, code ErrorCode) bool { return err != nil && CodeOf(err) == code }
