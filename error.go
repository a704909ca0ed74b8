// Package boai holds what every part of boai shares: the error type whose
// code decides the HTTP status and what the user is told.
package boai

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in one place (internal/web).
const (
	EINVALID      = "invalid"      // bad input; the message says what to fix
	ENOTFOUND     = "not_found"    // no such record, or not visible to the caller
	ECONFLICT     = "conflict"     // clashes with what is recorded (idempotency key reused, locked record)
	EFORBIDDEN    = "forbidden"    // the caller may not do this
	EUNAUTHORIZED = "unauthorized" // no valid session or token
	ETOOMANY      = "too_many"     // rate limited or locked out
	EINTERNAL     = "internal"     // our fault; details only in the log
)

// Error is an error a user may see. Message is safe to show; Err keeps the
// detail for the log.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
