package cloak

/*
#include <cloak.h>
*/
import "C"

import (
	"errors"
	"fmt"
)

// Error is a failure reported by libcloak, or by this package before calling it (a wrong-size
// argument or a wiped key: [ErrBadParams]; a wiped state, or a batch opened before its check:
// [ErrBadState]). Code is the C library's negative status code; Op names the operation.
//
// Test for a kind of failure with errors.Is and the sentinel of its code:
//
//	if errors.Is(err, cloak.ErrWrongKey) { /* fetch the other key */ }
//
// An *Error matches every *Error target of the same Code, so each sentinel ([ErrMalformed] ...
// [ErrWeakParams], one per status code of cloak.h) matches the errors of its code whatever their Op.
type Error struct {
	Code int    // a cloak_status: CLOAK_E_MALFORMED is -1, and so on
	Op   string // the operation that failed, e.g. "secret open"; empty for the sentinels
	Err  error  // the underlying cause when this package detected it (e.g. ErrWiped), or nil
}

// ErrWiped is the cause (see [Error.Unwrap]) of the error returned when a key or a state is used
// after its Wipe method, or is a zero value that no constructor made: [ErrBadParams] for a key,
// [ErrBadState] for a state ([Vault], [BatchWriter], [BatchReader], [Head], the HPKE contexts).
var ErrWiped = errors.New("key or state wiped or never initialised")

// ErrNotChecked is the cause of the [ErrBadState] error of [BatchReader.OpenItem] on a reader whose
// [BatchReader.Check] has not succeeded: no item opens before the batch's freshness is checked.
var ErrNotChecked = errors.New("batch not checked for freshness")

// Error returns "cloak: <op>: <the library's sentence for the code>".
func (e *Error) Error() string {
	msg := StatusString(e.Code)
	if e.Err != nil {
		msg += " (" + e.Err.Error() + ")"
	}
	if e.Op == "" {
		return "cloak: " + msg
	}
	return "cloak: " + e.Op + ": " + msg
}

// Is reports whether target is an *Error with the same Code, so that errors.Is(err,
// cloak.ErrAuth) holds for every authentication failure.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// StatusString is the C library's short English sentence for a status code (cloak_status_string).
func StatusString(code int) string { return cloakStatusString(code) }

// statusError is the error of a failed call: the library's status code and the operation.
func statusError(op string, rc C.int) error { return &Error{Code: int(rc), Op: op} }

// paramError is a failure this package detects before calling the library.
func paramError(op string, code int, cause error) error {
	return &Error{Code: code, Op: op, Err: cause}
}

// checkSize refuses a fixed-size argument of another size ([ErrBadParams]).
func checkSize(op, what string, b []byte, n int) error {
	if len(b) != n {
		return paramError(op, codeBadParams, fmt.Errorf("%s is %d bytes, not %d", what, len(b), n))
	}
	return nil
}

// checkMultiple refuses an array argument that is not a whole number of elements of n bytes.
func checkMultiple(op, what string, b []byte, n int) error {
	if len(b)%n != 0 {
		return paramError(op, codeBadParams, fmt.Errorf("%s is %d bytes, not a multiple of %d", what, len(b), n))
	}
	return nil
}

// checkLength refuses a negative output length.
func checkLength(op, what string, n int) error {
	if n < 0 {
		return paramError(op, codeBadParams, fmt.Errorf("%s is negative (%d)", what, n))
	}
	return nil
}

// mustSize is checkSize for the calls that cannot fail: only this package's own arrays reach
// them, so another size is a bug of the package.
func mustSize(what string, b []byte, n int) {
	if len(b) != n {
		panic(fmt.Sprintf("cloak: %s is %d bytes, not %d", what, len(b), n))
	}
}

// wiped is the error of a wiped key.
func wiped(op string) error { return &Error{Code: codeBadParams, Op: op, Err: ErrWiped} }

// wipedState is the error of a wiped or never initialised state, the library's CLOAK_E_BAD_STATE.
func wipedState(op string) error { return &Error{Code: codeBadState, Op: op, Err: ErrWiped} }
