//go:build cgo

package cloak

import "fmt"

// ObjectType is the type byte of a blob's envelope header (byte 1); its values (ObjectSecret,
// ObjectShare, ...) are those of cloak.h.
type ObjectType int

// objectNames are the types' names in the text form (docs/protocol.md section 3).
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
	ObjectServiceAccountPrivateKey: "accountkey",
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
	var id KeyID
	typ, err := cloakBlobInspect(id[:], blob)
	if err != nil {
		return 0, KeyID{}, err
	}
	return ObjectType(typ), id, nil
}

// TextEncode returns a blob's text form for copy and paste: "cloak-<type>-" and unpadded base64url
// of the blob and a 4-byte checksum. The blob's header must be valid.
func TextEncode(blob []byte) (string, error) { return cloakTextEncode(blob) }

// TextDecode reads a text form. Whitespace around it is accepted, anything else that is not
// canonical is not; a checksum that does not match fails with [ErrChecksum] (a copy and paste
// error, not a forgery). The decoded blob's header is checked, and must be of the type the text
// names.
func TextDecode(text string) ([]byte, error) { return cloakTextDecode(text) }
