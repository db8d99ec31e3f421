package cloak

/*
#include <cloak.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// The constants, sentinel errors, object types and the calls' mechanics are generated from the
// header into api_gen.go (tools/apigen.py); this file and the others hold the Go types over them.

// initErr is the outcome of loading the library: cloak_init() and the size check.
var initErr error

func init() {
	if initErr = cloakInit(); initErr != nil {
		return
	}
	if diff := twinMismatch(); diff != "" {
		initErr = &Error{Code: codeInternal, Op: "init",
			Err: fmt.Errorf("libcloak %s was built from another cloak.h than this package: %s", VersionString(), diff)}
	}
}

// Init reports whether the library loaded: cloak_init() succeeded (libsodium found its random
// source) and the linked libcloak has the sizes this package was written for. The package calls
// cloak_init() itself when it is loaded; every operation that could be affected returns this
// error too, so calling Init is optional. It is safe to call from several goroutines.
func Init() error { return initErr }

// ready is the first step of every operation that draws randomness or works on keys.
func ready(op string) error {
	if initErr != nil {
		return &Error{Code: codeInternal, Op: op, Err: initErr}
	}
	return nil
}

// usable is the first step of an operation on keys: the library loaded, and every key it uses
// still live (not wiped).
func usable(op string, live ...bool) error {
	if err := ready(op); err != nil {
		return err
	}
	for _, l := range live {
		if !l {
			return wiped(op)
		}
	}
	return nil
}

// output makes an n-byte output, has fill write it, and returns it, or nil and fill's error.
func output(n int, fill func([]byte) error) ([]byte, error) {
	out := make([]byte, n)
	if err := fill(out); err != nil {
		return nil, err
	}
	return out, nil
}

// filledKey makes a key with newKey and has fill write it, after the checks of usable; on
// failure the key is wiped and nil returned.
func filledKey[K interface{ Wipe() }](op string, live bool, newKey func() K, fill func(K) error) (K, error) {
	var none K
	if err := usable(op, live); err != nil {
		return none, err
	}
	k := newKey()
	if err := fill(k); err != nil {
		k.Wipe()
		return none, err
	}
	return k, nil
}

// VersionString is the semantic version of the linked libcloak, e.g. "0.1.0".
func VersionString() string { return cloakVersionString() }

// Version returns the major, minor and patch numbers of the linked libcloak. The major version is
// the one in the shared library's SONAME.
func Version() (major, minor, patch int) {
	return cloakVersionMajor(), cloakVersionMinor(), cloakVersionPatch()
}

// emptyInput is what an empty slice passes to C: a valid pointer with a zero length. The library
// reads a NULL blob as a programmer error (CLOAK_E_BAD_PARAMS) even with a zero length, while an
// empty blob is malformed input; in Go nil and empty slices are the same thing.
var emptyInput [1]byte

// u8 is the C view of a byte slice: its first byte, or a valid pointer when it is empty. Its
// backing array holds no Go pointers, so cgo lets it be passed.
func u8(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return (*C.uint8_t)(unsafe.Pointer(&emptyInput[0]))
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// u8opt is u8 for a parameter whose NULL means "none" (an expected name): nil stays NULL.
func u8opt(b []byte) *C.uint8_t {
	if b == nil {
		return nil
	}
	return u8(b)
}

// cstr is the C view of a string's bytes (not NUL-terminated: a length goes with it). The library
// only reads them.
func cstr(s string) *C.char {
	if len(s) == 0 {
		return (*C.char)(unsafe.Pointer(&emptyInput[0]))
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}

// sz converts a length for C; a negative length (only a caller's mistake can make one) becomes
// the largest size, which every length check of the library refuses.
func sz(n int) C.size_t {
	if n < 0 {
		return ^C.size_t(0)
	}
	return C.size_t(n)
}

// wipeBytes zeroes b. The call is not removed by the compiler: clear on a slice that escapes to a
// C call or is returned is always performed.
func wipeBytes(b []byte) { clear(b) }
