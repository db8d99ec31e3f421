package cloak

/*
#include <cloak.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// ObjectType is the type byte of a blob's envelope header (byte 1).
type ObjectType int

// The object types of format version 1 (docs/protocol.md section 2).
const (
	ObjectPasswordRecord           ObjectType = 0x01
	ObjectIdentityPublicKey        ObjectType = 0x02
	ObjectEncryptionPublicKey      ObjectType = 0x03
	ObjectBundle                   ObjectType = 0x04
	ObjectWrappedIdentityKey       ObjectType = 0x05
	ObjectWrappedEncryptionKey     ObjectType = 0x06
	ObjectWrappedServiceAccountKey ObjectType = 0x07
	ObjectSecret                   ObjectType = 0x08
	ObjectShare                    ObjectType = 0x09
	ObjectBatch                    ObjectType = 0x0A
	ObjectBatchItem                ObjectType = 0x0B
	ObjectServiceAccountKey        ObjectType = 0x0C
)

var objectNames = map[ObjectType]string{
	ObjectPasswordRecord:           "password",
	ObjectIdentityPublicKey:        "identity",
	ObjectEncryptionPublicKey:      "pubkey",
	ObjectBundle:                   "bundle",
	ObjectWrappedIdentityKey:       "wrappedidentity",
	ObjectWrappedEncryptionKey:     "wrappedkey",
	ObjectWrappedServiceAccountKey: "wrappedaccount",
	ObjectSecret:                   "secret",
	ObjectShare:                    "share",
	ObjectBatch:                    "batch",
	ObjectBatchItem:                "item",
	ObjectServiceAccountKey:        "accountkey",
}

// String is the type's name in the text form ("share", "accountkey", ...).
func (t ObjectType) String() string {
	if n, ok := objectNames[t]; ok {
		return n
	}
	return fmt.Sprintf("ObjectType(%#x)", int(t))
}

// Inspect reads a blob's header: it checks the version, the suite and the type, and returns the
// type and the key id. It does not check the body.
func Inspect(blob []byte) (ObjectType, KeyID, error) {
	var typ C.int
	var id KeyID
	rc := C.cloak_blob_inspect(&typ, u8p(&id[0]), u8(blob), sz(len(blob)))
	if err := newError("blob inspect", rc); err != nil {
		return 0, KeyID{}, err
	}
	return ObjectType(typ), id, nil
}

// TextEncode returns a blob's text form for copy and paste: "cloak-<type>-" and unpadded base64url
// of the blob and a 4-byte checksum. The blob's header must be valid.
func TextEncode(blob []byte) (string, error) {
	text := make([]byte, TextEncodedLen(len(blob)))
	var n C.size_t
	rc := C.cloak_text_encode((*C.char)(unsafe.Pointer(u8(text))), sz(len(text)), &n, u8(blob),
		sz(len(blob)))
	defer wipeBytes(text) // the text of a service-account key is the key
	if err := newError("text encode", rc); err != nil {
		return "", err
	}
	return string(text[:n]), nil
}

// TextDecode reads a text form. Whitespace around it is accepted, anything else that is not
// canonical is not; a checksum that does not match fails with [ErrChecksum] (a copy and paste
// error, not a forgery). The decoded blob's header is checked, and must be of the type the text
// names.
func TextDecode(text string) ([]byte, error) {
	in := []byte(text)
	defer wipeBytes(in)
	buf := make([]byte, TextDecodedMaxLen(len(in)))
	defer wipeBytes(buf)
	var n C.size_t
	rc := C.cloak_text_decode(u8(buf), sz(len(buf)), &n, (*C.char)(unsafe.Pointer(u8(in))),
		sz(len(in)))
	if err := newError("text decode", rc); err != nil {
		return nil, err
	}
	return append([]byte(nil), buf[:n]...), nil
}
