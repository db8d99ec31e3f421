package cloak

/*
#cgo pkg-config: libcloak
#cgo CFLAGS: -I${SRCDIR}/../../include

// The header is taken from the source tree this module sits in when there is one: the
// uninstalled pkg-config file of a meson build names no include directory for it. An installed
// libcloak.pc names its own.

// libcloak's functions keep no pointer after they return and never call into Go: the operations
// called per secret or per item say so, so that cgo need not move their arguments to the heap.
#cgo noescape cloak_secret_seal
#cgo nocallback cloak_secret_seal
#cgo noescape cloak_secret_open
#cgo nocallback cloak_secret_open
#cgo noescape cloak_secret_reseal
#cgo nocallback cloak_secret_reseal
#cgo noescape cloak_vault_blind_index
#cgo nocallback cloak_vault_blind_index
#cgo noescape cloak_batch_seal_item
#cgo nocallback cloak_batch_seal_item
#cgo noescape cloak_batch_open_item
#cgo nocallback cloak_batch_open_item
#cgo noescape cloak_hpke_seal
#cgo nocallback cloak_hpke_seal
#cgo noescape cloak_hpke_open
#cgo nocallback cloak_hpke_open
#cgo noescape cloak_hpke_export
#cgo nocallback cloak_hpke_export
#cgo noescape cloak_hpke_seal_base
#cgo nocallback cloak_hpke_seal_base
#cgo noescape cloak_hpke_open_base
#cgo nocallback cloak_hpke_open_base
#cgo noescape cloak_share_seal
#cgo nocallback cloak_share_seal
#cgo noescape cloak_share_open
#cgo nocallback cloak_share_open
#include <stdlib.h>
#include <cloak.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Sizes of the fixed-size objects of format version 1, in bytes. They are the values of the C
// header's CLOAK_*BYTES macros; the package checks them, and the bounds below, against the twin
// functions of the linked library when it is loaded (see [Init]).
const (
	KeyBytes                 = 32  // master, login and vault keys
	KeyIDBytes               = 16  // the key id every blob carries
	LabelBytesMax            = 255 // vault ids, secret names, contexts
	HeaderBytes              = 20  // the envelope header of every blob
	IdentityPublicKeyBytes   = 32  // Ed25519 public key
	IdentitySecretKeyBytes   = 64  // Ed25519 seed followed by the public key
	IdentitySeedBytes        = 32  // Ed25519 seed (RFC 8032)
	SignatureBytes           = 64  // Ed25519 signature
	EncryptionPublicKeyBytes = 32  // X25519 public key
	EncryptionSecretKeyBytes = 32  // X25519 private key
	EncryptionSeedBytes      = 32  // minimum input keying material of DeriveKeyPair
	PublicKeyBlobBytes       = 52  // header + public key
	BundleBytes              = 148 // header + identity key + encryption key + signature
	WrappedKeyBytes          = 124 // header + public key + nonce + sealed private key
	ServiceAccountPrivateBlobBytes   = 84  // header + private key + public key, in the clear
	ShareBytes               = 196 // header + sender + enc + sealed vault key + signature
	SecretOverheadBytes      = 60  // a sealed secret is this much longer than its value
	BatchItemOverheadBytes   = 57  // a batch item is this much longer than name + value
	BatchDigestBytes         = 32  // one manifest entry
	BlindIndexBytes          = 32  // a blind index
	PasswordSaltBytes        = 16  // the salt of a password record
	PasswordRecordBytes      = 48  // header + m + t + p + salt
	HPKEEncBytes             = 32  // an HPKE encapsulated key
	HPKETagBytes             = 16  // an HPKE ciphertext is this much longer than its plaintext
	BatchItemsMax            = 1000000
	// PasswordBytesMax is the longest password accepted (the shortest is one byte).
	PasswordBytesMax = 4096
	// MaxHPKEExportBytes is the longest output of an HPKE export (255 * 32, RFC 9180).
	MaxHPKEExportBytes = 8160
)

// Bounds and defaults of the Argon2id parameters of a password record (RFC 9106's second
// recommendation). A record outside the bounds is refused with [ErrBadParams] before any memory is
// taken.
const (
	PasswordMemoryKiBMin       = 16384
	PasswordMemoryKiBMax       = 1048576
	PasswordMemoryKiBDefault   = 65536
	PasswordIterationsMin      = 1
	PasswordIterationsMax      = 16
	PasswordIterationsDefault  = 3
	PasswordParallelismMin     = 1
	PasswordParallelismMax     = 16
	PasswordParallelismDefault = 4
)

// Sizes used only inside the package.
const (
	fingerprintTextBytes = 36 // six groups of five digits, five spaces, NUL
	pairCodeTextBytes    = 72 // twelve groups of five digits, eleven spaces, NUL
	vaultStateBytes      = 512
	batchStateBytes      = 1024
	hpkeContextBytes     = 128
)

// initErr is the outcome of loading the library: cloak_init() and the size check.
var initErr error

func init() {
	if rc := C.cloak_init(); rc != 0 {
		initErr = newError("init", rc)
		return
	}
	initErr = checkSizes()
}

// checkSizes compares the constants of this package with the twin functions of the library it is
// linked with: a library built from another header would otherwise be fed buffers of the wrong
// size.
func checkSizes() error {
	sizes := []struct {
		name string
		lib  C.size_t
		want int
	}{
		{"keybytes", C.cloak_keybytes(), KeyBytes},
		{"keyidbytes", C.cloak_keyidbytes(), KeyIDBytes},
		{"labelbytes_max", C.cloak_labelbytes_max(), LabelBytesMax},
		{"headerbytes", C.cloak_headerbytes(), HeaderBytes},
		{"identity_publickeybytes", C.cloak_identity_publickeybytes(), IdentityPublicKeyBytes},
		{"identity_secretkeybytes", C.cloak_identity_secretkeybytes(), IdentitySecretKeyBytes},
		{"identity_seedbytes", C.cloak_identity_seedbytes(), IdentitySeedBytes},
		{"signaturebytes", C.cloak_signaturebytes(), SignatureBytes},
		{"encryption_publickeybytes", C.cloak_encryption_publickeybytes(), EncryptionPublicKeyBytes},
		{"encryption_secretkeybytes", C.cloak_encryption_secretkeybytes(), EncryptionSecretKeyBytes},
		{"encryption_seedbytes", C.cloak_encryption_seedbytes(), EncryptionSeedBytes},
		{"public_key_blobbytes", C.cloak_public_key_blobbytes(), PublicKeyBlobBytes},
		{"bundlebytes", C.cloak_bundlebytes(), BundleBytes},
		{"wrapped_keybytes", C.cloak_wrapped_keybytes(), WrappedKeyBytes},
		{"service_account_private_blobbytes", C.cloak_service_account_private_blobbytes(), ServiceAccountPrivateBlobBytes},
		{"sharebytes", C.cloak_sharebytes(), ShareBytes},
		{"secret_overheadbytes", C.cloak_secret_overheadbytes(), SecretOverheadBytes},
		{"batch_item_overheadbytes", C.cloak_batch_item_overheadbytes(), BatchItemOverheadBytes},
		{"batch_digestbytes", C.cloak_batch_digestbytes(), BatchDigestBytes},
		{"blind_indexbytes", C.cloak_blind_indexbytes(), BlindIndexBytes},
		{"password_saltbytes", C.cloak_password_saltbytes(), PasswordSaltBytes},
		{"password_recordbytes", C.cloak_password_recordbytes(), PasswordRecordBytes},
		{"fingerprint_textbytes", C.cloak_fingerprint_textbytes(), fingerprintTextBytes},
		{"pair_code_textbytes", C.cloak_pair_code_textbytes(), pairCodeTextBytes},
		{"vault_statebytes", C.cloak_vault_statebytes(), vaultStateBytes},
		{"batch_statebytes", C.cloak_batch_statebytes(), batchStateBytes},
		{"hpke_contextbytes", C.cloak_hpke_contextbytes(), hpkeContextBytes},
		{"hpke_encbytes", C.cloak_hpke_encbytes(), HPKEEncBytes},
		{"hpke_tagbytes", C.cloak_hpke_tagbytes(), HPKETagBytes},
		{"passwordbytes_max", C.cloak_passwordbytes_max(), PasswordBytesMax},
		{"batch_items_max", C.cloak_batch_items_max(), BatchItemsMax},
		{"password_memory_kib_default", C.size_t(C.cloak_password_memory_kib_default()), PasswordMemoryKiBDefault},
		{"password_memory_kib_min", C.size_t(C.cloak_password_memory_kib_min()), PasswordMemoryKiBMin},
		{"password_memory_kib_max", C.size_t(C.cloak_password_memory_kib_max()), PasswordMemoryKiBMax},
		{"password_iterations_default", C.size_t(C.cloak_password_iterations_default()), PasswordIterationsDefault},
		{"password_iterations_min", C.size_t(C.cloak_password_iterations_min()), PasswordIterationsMin},
		{"password_iterations_max", C.size_t(C.cloak_password_iterations_max()), PasswordIterationsMax},
		{"password_parallelism_default", C.size_t(C.cloak_password_parallelism_default()), PasswordParallelismDefault},
		{"password_parallelism_min", C.size_t(C.cloak_password_parallelism_min()), PasswordParallelismMin},
		{"password_parallelism_max", C.size_t(C.cloak_password_parallelism_max()), PasswordParallelismMax},
	}
	for _, s := range sizes {
		if int(s.lib) != s.want {
			return &Error{Code: codeInternal, Op: "init",
				Err: fmt.Errorf("libcloak %s: cloak_%s() is %d, this package expects %d",
					VersionString(), s.name, int(s.lib), s.want)}
		}
	}
	if C.sizeof_cloak_vault != vaultStateBytes || C.sizeof_cloak_batch != batchStateBytes ||
		C.sizeof_cloak_hpke_context != hpkeContextBytes {
		return &Error{Code: codeInternal, Op: "init", Err: fmt.Errorf("state sizes of cloak.h differ")}
	}
	return nil
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

// VersionString is the semantic version of the linked libcloak, e.g. "0.1.0".
func VersionString() string { return C.GoString(C.cloak_version_string()) }

// Version returns the major, minor and patch numbers of the linked libcloak. The major version is
// the one in the shared library's SONAME.
func Version() (major, minor, patch int) {
	return int(C.cloak_version_major()), int(C.cloak_version_minor()), int(C.cloak_version_patch())
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

// u8p is the C view of the first byte of a fixed-size array.
func u8p(p *byte) *C.uint8_t { return (*C.uint8_t)(unsafe.Pointer(p)) }

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

// SecretSealedLen is the length of a sealed secret holding valueLen bytes.
func SecretSealedLen(valueLen int) int { return int(C.cloak_secret_sealed_len(sz(valueLen))) }

// SecretOpenedLen is the value length of a sealed secret of sealedLen bytes, or 0 if sealedLen is
// too short to be one.
func SecretOpenedLen(sealedLen int) int { return int(C.cloak_secret_opened_len(sz(sealedLen))) }

// BatchItemLen is the length of a batch item holding a name and a value of the given lengths.
func BatchItemLen(nameLen, valueLen int) int {
	return int(C.cloak_batch_item_len(sz(nameLen), sz(valueLen)))
}

// BatchItemOpenedMaxLen is the buffer an item of itemLen bytes is decrypted in (name and value
// plus one byte), or 0 if itemLen is too short to be an item.
func BatchItemOpenedMaxLen(itemLen int) int {
	return int(C.cloak_batch_item_opened_maxlen(sz(itemLen)))
}

// BatchLen is the length of a batch blob for a vault id of vaultIDLen bytes and itemCount items.
func BatchLen(vaultIDLen, itemCount int) int {
	return int(C.cloak_batch_len(sz(vaultIDLen), sz(itemCount)))
}

// TextEncodedLen is an upper bound of the length of the text form of a blob of blobLen bytes,
// counting the C terminator.
func TextEncodedLen(blobLen int) int { return int(C.cloak_text_encoded_len(sz(blobLen))) }

// TextDecodedMaxLen is an upper bound of the blob length a text of textLen bytes decodes to.
func TextDecodedMaxLen(textLen int) int { return int(C.cloak_text_decoded_maxlen(sz(textLen))) }
