package cloak_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"libcloak.dev/cloak"
)

// repoPath is a path inside the libcloak source tree, which holds this module at bindings/go.
func repoPath(parts ...string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(append([]string{filepath.Dir(file), "..", ".."}, parts...)...)
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// wantErr fails unless err matches sentinel with errors.Is, is an *Error of that code, and matches
// no other sentinel.
func wantErr(t testing.TB, what string, err error, sentinel *cloak.Error) {
	t.Helper()
	if problem := errorProblem(err, sentinel); problem != "" {
		t.Fatalf("%s: %s", what, problem)
	}
}

// errorProblem says how err differs from the sentinel error it should be, or returns "".
func errorProblem(err error, sentinel *cloak.Error) string {
	if err == nil {
		return fmt.Sprintf("no error, want %v", sentinel)
	}
	if !errors.Is(err, sentinel) {
		return fmt.Sprintf("error %v, want %v", err, sentinel)
	}
	var ce *cloak.Error
	if !errors.As(err, &ce) || ce.Code != sentinel.Code {
		return fmt.Sprintf("error %#v is not an *Error of code %d", err, sentinel.Code)
	}
	for _, s := range allSentinels {
		if s.err != sentinel && errors.Is(err, s.err) {
			return fmt.Sprintf("error %v also matches %s", err, s.name)
		}
	}
	return ""
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// ok returns v, or panics (failing the test with a stack trace) on an unexpected error.
func ok[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func eq(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s:\n got %x\nwant %x", what, got, want)
	}
}

// allSentinels lists every sentinel with its code and its status name in cloak.h (without
// CLOAK_E_), the name the vector file uses.
var allSentinels = []struct {
	name   string
	err    *cloak.Error
	code   int
	status string
}{
	{"ErrMalformed", cloak.ErrMalformed, -1, "MALFORMED"},
	{"ErrUnsupportedVersion", cloak.ErrUnsupportedVersion, -2, "UNSUPPORTED_VERSION"},
	{"ErrUnsupportedSuite", cloak.ErrUnsupportedSuite, -3, "UNSUPPORTED_SUITE"},
	{"ErrWrongType", cloak.ErrWrongType, -4, "WRONG_TYPE"},
	{"ErrWrongKey", cloak.ErrWrongKey, -5, "WRONG_KEY"},
	{"ErrAuth", cloak.ErrAuth, -6, "AUTH"},
	{"ErrBadSignature", cloak.ErrBadSignature, -7, "BAD_SIGNATURE"},
	{"ErrUntrustedSigner", cloak.ErrUntrustedSigner, -8, "UNTRUSTED_SIGNER"},
	{"ErrBufferTooSmall", cloak.ErrBufferTooSmall, -9, "BUFFER_TOO_SMALL"},
	{"ErrBadParams", cloak.ErrBadParams, -10, "BAD_PARAMS"},
	{"ErrInvalidKey", cloak.ErrInvalidKey, -11, "INVALID_KEY"},
	{"ErrChecksum", cloak.ErrChecksum, -12, "CHECKSUM"},
	{"ErrMismatch", cloak.ErrMismatch, -13, "MISMATCH"},
	{"ErrNoMem", cloak.ErrNoMem, -14, "NOMEM"},
	{"ErrInternal", cloak.ErrInternal, -15, "INTERNAL"},
	{"ErrStale", cloak.ErrStale, -16, "STALE"},
	{"ErrExpired", cloak.ErrExpired, -17, "EXPIRED"},
	{"ErrBadState", cloak.ErrBadState, -18, "BAD_STATE"},
	{"ErrWeakParams", cloak.ErrWeakParams, -19, "WEAK_PARAMS"},
	{"ErrPolicy", cloak.ErrPolicy, -20, "POLICY"},
}

// region is a byte range of a blob and the error a change there must give.
type region struct {
	from, to int // [from, to)
	want     *cloak.Error
	// wantFor, when set, gives the error for byte i changed by XOR x instead; nil means the
	// change must be accepted.
	wantFor func(i int, x byte) *cloak.Error
}

// blobCase is a valid blob, the function that reads it (returning only its error; it must also
// check that nothing is returned on failure), and what the spec says of every change.
type blobCase struct {
	name    string
	blob    []byte
	open    func([]byte) error
	regions []region // after the 4 first header bytes; must cover [4, len(blob))
	// truncErr gives the error for a blob cut to n bytes (n >= 20 and < len), and extendErr for
	// one byte more.
	truncErr  func(n int) *cloak.Error
	extendErr *cloak.Error
	// otherType is a valid type other than the blob's own.
	otherType byte
	// relabelErr is the error for the blob relabelled to the other suite: ErrUnsupportedSuite
	// (when nil) for a reader of one suite, ErrMalformed for one that reads the blob's suite and
	// finds the other suite's length.
	relabelErr *cloak.Error
}

func fixedLen(int) *cloak.Error { return cloak.ErrMalformed }

// checkTampering changes every byte of the blob, truncates it to every shorter length and extends
// it by one byte, and checks the exact error of each (docs/protocol.md section 2's order).
func checkTampering(t *testing.T, c blobCase) {
	t.Helper()
	if err := c.open(bytes.Clone(c.blob)); err != nil {
		t.Fatalf("%s: the untouched blob fails: %v", c.name, err)
	}
	covered := make([]bool, len(c.blob))
	for _, r := range c.regions {
		for i := r.from; i < r.to; i++ {
			covered[i] = true
		}
	}
	for i := 4; i < len(c.blob); i++ {
		if !covered[i] {
			t.Fatalf("%s: byte %d is in no region", c.name, i)
		}
	}
	mutate := func(i int, v byte) []byte {
		b := bytes.Clone(c.blob)
		b[i] = v
		return b
	}
	wantErr(t, c.name+" version 0", c.open(mutate(0, 0)), cloak.ErrUnsupportedVersion)
	wantErr(t, c.name+" version 1", c.open(mutate(0, 1)), cloak.ErrUnsupportedVersion)
	wantErr(t, c.name+" version 3", c.open(mutate(0, 3)), cloak.ErrUnsupportedVersion)
	wantErr(t, c.name+" type 0", c.open(mutate(1, 0)), cloak.ErrMalformed)
	wantErr(t, c.name+" type 0x0e", c.open(mutate(1, 0x0e)), cloak.ErrMalformed)
	wantErr(t, c.name+" other type", c.open(mutate(1, c.otherType)), cloak.ErrWrongType)
	wantErr(t, c.name+" suite byte 2", c.open(mutate(2, 1)), cloak.ErrUnsupportedSuite)
	wantErr(t, c.name+" suite 0", c.open(mutate(3, 0)), cloak.ErrUnsupportedSuite)
	wantErr(t, c.name+" suite 3", c.open(mutate(3, 3)), cloak.ErrUnsupportedSuite)
	relabelErr := c.relabelErr
	if relabelErr == nil {
		relabelErr = cloak.ErrUnsupportedSuite
	}
	wantErr(t, c.name+" other suite", c.open(mutate(3, 3-c.blob[3])), relabelErr)
	for _, r := range c.regions {
		for i := r.from; i < r.to; i++ {
			for _, x := range []byte{0x01, 0x80} {
				err := c.open(mutate(i, c.blob[i]^x))
				want := r.want
				if r.wantFor != nil {
					want = r.wantFor(i, x)
				}
				what := fmt.Sprintf("%s byte %d ^ %#x", c.name, i, x)
				if want == nil {
					if err != nil {
						t.Fatalf("%s: %v, want success", what, err)
					}
					continue
				}
				wantErr(t, what, err, want)
			}
		}
	}
	for n := 0; n < len(c.blob); n++ {
		want := cloak.ErrMalformed
		if n >= cloak.HeaderBytes {
			want = c.truncErr(n)
		}
		wantErr(t, fmt.Sprintf("%s cut to %d", c.name, n), c.open(bytes.Clone(c.blob[:n])), want)
	}
	wantErr(t, c.name+" extended", c.open(append(bytes.Clone(c.blob), 0)), c.extendErr)
}

func loadJSON(t testing.TB, v any, parts ...string) {
	t.Helper()
	data, err := os.ReadFile(repoPath(parts...))
	must(t, err)
	must(t, json.Unmarshal(data, v))
}

// lp8 is u8(len(x)) || x (docs/protocol.md section 1).
func lp8(x []byte) []byte {
	if len(x) > 255 {
		panic("lp8 of more than 255 bytes")
	}
	return append([]byte{byte(len(x))}, x...)
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// specPublicKeyID is section 1.2's key id of a public key.
func specPublicKeyID(pk []byte) []byte {
	h := sha256.Sum256(cat(lp8([]byte("libcloak v2 public key id")), pk))
	return h[:16]
}

// suites are the two suites, the default first.
var suites = []cloak.Suite{cloak.SuiteXWing, cloak.SuiteX25519}

// newKey is a fresh encryption key pair of a suite.
func newKey(t testing.TB, s cloak.Suite) *cloak.EncryptionKey {
	t.Helper()
	k, err := cloak.GenerateEncryptionKeyOfSuite(s)
	must(t, err)
	return k
}

// sizes are a suite's blob lengths.
type suiteSizes struct {
	publicKey, publicBlob, bundle, wrapped, privateBlob, share, enc int
}

func sizesOf(s cloak.Suite) suiteSizes {
	if s == cloak.SuiteXWing {
		return suiteSizes{cloak.XWingPublicKeyBytes, cloak.XWingPublicKeyBlobBytes, cloak.XWingBundleBytes,
			cloak.XWingWrappedKeyBytes, cloak.XWingServiceAccountPrivateBlobBytes, cloak.XWingShareBytes, cloak.XWingEncBytes}
	}
	return suiteSizes{cloak.EncryptionPublicKeyBytes, cloak.PublicKeyBlobBytes, cloak.BundleBytes, cloak.WrappedKeyBytes,
		cloak.ServiceAccountPrivateBlobBytes, cloak.ShareBytes, cloak.HPKEEncBytes}
}

// mlkemReduced tells whether every 12-bit coefficient of an ML-KEM-768 encapsulation key's first
// 1152 bytes is below q = 3329: FIPS 203's modulus check, written here from its definition.
func mlkemReduced(ek []byte) bool {
	for i := 0; i+3 <= 1152; i += 3 {
		c0 := int(ek[i]) | int(ek[i+1]&0x0f)<<8
		c1 := int(ek[i+1]>>4) | int(ek[i+2])<<4
		if c0 >= 3329 || c1 >= 3329 {
			return false
		}
	}
	return true
}

// xwingKeyErr is the error of an X-Wing public key changed by XOR x at byte i (0 to 1215) where
// the key is checked before any signature: a coefficient of the ML-KEM part no longer below q, or
// bit 255 of the X25519 part set, is malformed; other changes pass that check (nil).
func xwingKeyErr(pk []byte, i int, x byte) *cloak.Error {
	k := bytes.Clone(pk)
	k[i] ^= x
	if !mlkemReduced(k[:1184]) || k[1215]&0x80 != 0 {
		return cloak.ErrMalformed
	}
	return nil
}
