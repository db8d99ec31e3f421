package cloak

/*
#include <cloak.h>
*/
import "C"

import "errors"

// The status codes of libcloak (cloak_status in cloak.h), the Code of an [*Error].
const (
	codeMalformed          = -1
	codeUnsupportedVersion = -2
	codeUnsupportedSuite   = -3
	codeWrongType          = -4
	codeWrongKey           = -5
	codeAuth               = -6
	codeBadSignature       = -7
	codeUntrustedSigner    = -8
	codeBufferTooSmall     = -9
	codeBadParams          = -10
	codeInvalidKey         = -11
	codeChecksum           = -12
	codeMismatch           = -13
	codeNoMem              = -14
	codeInternal           = -15
)

// Error is a failure reported by libcloak, or by this package before calling it (a wrong-length
// argument, a wiped key). Code is the C library's negative status code; Op names the operation.
//
// Test for a kind of failure with errors.Is and the sentinel of its code:
//
//	if errors.Is(err, cloak.ErrWrongKey) { /* fetch the other key */ }
//
// An *Error matches every *Error target of the same Code, so each sentinel below matches the
// errors of its code whatever their Op.
type Error struct {
	Code int    // a cloak_status: CLOAK_E_MALFORMED is -1, and so on
	Op   string // the operation that failed, e.g. "secret open"; empty for the sentinels
	Err  error  // the underlying cause when this package detected it (e.g. ErrWiped), or nil
}

// Sentinel errors, one per status code of the C library (docs/protocol.md, section 11).
var (
	// ErrMalformed: the input is not a well-formed encoding: wrong length, trailing bytes, bad
	// text.
	ErrMalformed = &Error{Code: codeMalformed}
	// ErrUnsupportedVersion: the blob's format version is not one this library reads.
	ErrUnsupportedVersion = &Error{Code: codeUnsupportedVersion}
	// ErrUnsupportedSuite: the blob names a cipher suite this library does not implement.
	ErrUnsupportedSuite = &Error{Code: codeUnsupportedSuite}
	// ErrWrongType: a well-formed blob of another object type than the function reads.
	ErrWrongType = &Error{Code: codeWrongType}
	// ErrWrongKey: the blob was made for another key (its key id does not match the key given).
	ErrWrongKey = &Error{Code: codeWrongKey}
	// ErrAuth: decryption failed: the blob was altered, or is opened in another context.
	ErrAuth = &Error{Code: codeAuth}
	// ErrBadSignature: a signature does not verify, or a batch item is not in the signed
	// manifest.
	ErrBadSignature = &Error{Code: codeBadSignature}
	// ErrUntrustedSigner: a valid signature by an identity the caller did not list as trusted.
	ErrUntrustedSigner = &Error{Code: codeUntrustedSigner}
	// ErrBufferTooSmall: an output buffer is smaller than the length helper says. This package
	// sizes every buffer itself, so it only passes this on from the library.
	ErrBufferTooSmall = &Error{Code: codeBufferTooSmall}
	// ErrBadParams: a parameter is out of bounds (Argon2id costs, a label's length, an item
	// count), or a key or state is used after Wipe.
	ErrBadParams = &Error{Code: codeBadParams}
	// ErrInvalidKey: a public key was rejected: low order, or it gives an all-zero shared secret.
	ErrInvalidKey = &Error{Code: codeInvalidKey}
	// ErrChecksum: the checksum of a text form does not match: a copy and paste error.
	ErrChecksum = &Error{Code: codeChecksum}
	// ErrMismatch: decrypted and authentic, but it belongs elsewhere: another secret name, batch
	// or public key.
	ErrMismatch = &Error{Code: codeMismatch}
	// ErrNoMem: Argon2id could not get its working memory.
	ErrNoMem = &Error{Code: codeNoMem}
	// ErrInternal: the library could not initialise, or a system facility (threads) failed.
	ErrInternal = &Error{Code: codeInternal}
)

// ErrWiped is the cause (see [Error.Unwrap]) of the [ErrBadParams] error returned when a key or a
// state is used after its Wipe method, or is a zero value that no constructor made.
var ErrWiped = errors.New("key or state wiped or never initialised")

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
func StatusString(code int) string { return C.GoString(C.cloak_status_string(C.int(code))) }

// newError turns a status of the C library into an error: nil for CLOAK_OK.
func newError(op string, rc C.int) error {
	if rc == 0 {
		return nil
	}
	return &Error{Code: int(rc), Op: op}
}

// paramError is a failure this package detects before calling the library.
func paramError(op string, code int, cause error) error {
	return &Error{Code: code, Op: op, Err: cause}
}

func wiped(op string) error { return &Error{Code: codeBadParams, Op: op, Err: ErrWiped} }
