package cloak

import (
	"encoding/hex"
	"fmt"
)

// EncryptionPublicKey is an X25519 public key: a member's (shares are sealed to it) or a service
// account's (batches are sealed to it).
type EncryptionPublicKey [EncryptionPublicKeyBytes]byte

// String returns the key in lowercase hex.
func (p EncryptionPublicKey) String() string { return hex.EncodeToString(p[:]) }

// Export returns the key as a 52-byte blob (type encryption public key), e.g. for [TextEncode].
func (p EncryptionPublicKey) Export() []byte { return publicKeyBlob(p[:], cloakEncryptionPublicExport) }

// ID is the key id of the public key (docs/protocol.md section 1.2): the id that shares and batches
// to it carry, and a member's encryption key id in a head's roster.
func (p EncryptionPublicKey) ID() KeyID {
	var id KeyID
	copy(id[:], p.Export()[HeaderBytes-KeyIDBytes:HeaderBytes])
	return id
}

// publicKeyBlob is the blob of a public key, made by the library's export call for its type.
func publicKeyBlob(publicKey []byte, export func(blob, publicKey []byte)) []byte {
	blob := make([]byte, PublicKeyBlobBytes)
	export(blob, publicKey)
	return blob
}

// ImportEncryptionPublicKey reads a blob made by [EncryptionPublicKey.Export].
func ImportEncryptionPublicKey(blob []byte) (EncryptionPublicKey, error) {
	var p EncryptionPublicKey
	return p, cloakEncryptionPublicImport(p[:], blob)
}

// EncryptionKey is an X25519 key pair, a member's or a service account's. Its private half is
// the HPKE recipient key of DHKEM(X25519, HKDF-SHA256).
type EncryptionKey struct {
	pk   EncryptionPublicKey
	sk   [EncryptionSecretKeyBytes]byte
	live bool
}

func newEncryptionKey() *EncryptionKey {
	return finalized(&EncryptionKey{live: true}, (*EncryptionKey).Wipe)
}

// GenerateEncryptionKey returns a fresh random key pair. A service account may generate its own
// where it runs: only the public key needs to travel.
func GenerateEncryptionKey() (*EncryptionKey, error) {
	return filledKey("encryption keypair", true, newEncryptionKey, func(k *EncryptionKey) error {
		cloakEncryptionKeypair(k.pk[:], k.sk[:])
		return nil
	})
}

// EncryptionKeyFromSeed is RFC 9180's DeriveKeyPair for DHKEM(X25519, HKDF-SHA256). The seed must
// hold at least 32 bytes of entropy; a shorter one fails with [ErrBadParams].
func EncryptionKeyFromSeed(seed []byte) (*EncryptionKey, error) {
	return filledKey("encryption keypair from seed", true, newEncryptionKey, func(k *EncryptionKey) error {
		return cloakEncryptionKeypairFromSeed(k.pk[:], k.sk[:], seed)
	})
}

// Public returns the public half (zero after Wipe).
func (k *EncryptionKey) Public() EncryptionPublicKey {
	if !k.live {
		return EncryptionPublicKey{}
	}
	return k.pk
}

// SecretBytes returns a copy of the 32-byte X25519 private key (SerializePrivateKey of RFC 9180),
// for another HPKE implementation; nil after Wipe. Wipe the copy when done. To store the key, wrap
// it or export it instead.
func (k *EncryptionKey) SecretBytes() []byte {
	if !k.live {
		return nil
	}
	return append([]byte(nil), k.sk[:]...)
}

// Wipe zeroes the key pair. Using it afterwards fails with [ErrBadParams] (cause [ErrWiped]).
func (k *EncryptionKey) Wipe() { clear(k.sk[:]); k.pk = EncryptionPublicKey{}; k.live = false }

// Format prints the public key, never the private one.
func (k EncryptionKey) Format(f fmt.State, _ rune) {
	printAs(f, "cloak.EncryptionKey(public "+k.Public().String()+")")
}

type wrapFunc func(wrapped, masterKey, secretKey []byte) error

func (k *EncryptionKey) wrap(op string, master *MasterKey, f wrapFunc) ([]byte, error) {
	if err := usable(op, k.live, master.live); err != nil {
		return nil, err
	}
	return output(WrappedKeyBytes, func(w []byte) error { return f(w, master.k[:], k.sk[:]) })
}

// Wrap returns a member's encryption key wrapped under the master key (124 bytes, type wrapped
// encryption key).
func (k *EncryptionKey) Wrap(master *MasterKey) ([]byte, error) {
	return k.wrap("encryption wrap", master, cloakEncryptionWrap)
}

// WrapServiceAccount returns a service account's private key wrapped under its creator's master
// key (124 bytes, type wrapped service-account key), so the creator can recover it.
func (k *EncryptionKey) WrapServiceAccount(master *MasterKey) ([]byte, error) {
	return k.wrap("service account wrap", master, cloakServiceAccountWrap)
}

type unwrapFunc func(publicKey, secretKey, masterKey, wrapped []byte) error

func unwrapEncryption(op string, master *MasterKey, wrapped []byte, f unwrapFunc) (*EncryptionKey, error) {
	return filledKey(op, master.live, newEncryptionKey, func(k *EncryptionKey) error {
		return f(k.pk[:], k.sk[:], master.k[:], wrapped)
	})
}

// UnwrapEncryptionKey opens a key wrapped by [EncryptionKey.Wrap]. The blob's type is checked: a
// wrapped service-account key fails with [ErrWrongType].
func UnwrapEncryptionKey(master *MasterKey, wrapped []byte) (*EncryptionKey, error) {
	return unwrapEncryption("encryption unwrap", master, wrapped, cloakEncryptionUnwrap)
}

// UnwrapServiceAccountKey opens a key wrapped by [EncryptionKey.WrapServiceAccount].
func UnwrapServiceAccountKey(master *MasterKey, wrapped []byte) (*EncryptionKey, error) {
	return unwrapEncryption("service account unwrap", master, wrapped, cloakServiceAccountUnwrap)
}

// WrappedKeyPublicKey returns the public key and the type (ObjectWrappedIdentityKey,
// ObjectWrappedEncryptionKey or ObjectWrappedServiceAccountKey) a wrapped key carries, without the
// master key. They are parsed, not authenticated: only unwrapping proves them. Another blob type
// fails with [ErrWrongType].
func WrappedKeyPublicKey(wrapped []byte) ([]byte, ObjectType, error) {
	pk := make([]byte, WrappedKeyPublicKeyBytes)
	typ, err := cloakWrappedKeyPublicKey(pk, wrapped)
	if err != nil {
		return nil, 0, err
	}
	return pk, ObjectType(typ), nil
}

// ExportServiceAccountPrivate returns the key pair, private key included, in the clear (84
// bytes, type service-account private key), for a CI variable or a key file; [TextEncode] gives
// its text form. Anyone who reads it can open every batch sealed to the account.
func (k *EncryptionKey) ExportServiceAccountPrivate() ([]byte, error) {
	if err := usable("service account private export", k.live); err != nil {
		return nil, err
	}
	return output(ServiceAccountPrivateBlobBytes, func(blob []byte) error {
		return cloakServiceAccountPrivateExport(blob, k.pk[:], k.sk[:])
	})
}

// ImportServiceAccountPrivate reads a blob made by [EncryptionKey.ExportServiceAccountPrivate],
// checking that the private key gives the public key ([ErrMismatch] otherwise).
func ImportServiceAccountPrivate(blob []byte) (*EncryptionKey, error) {
	return filledKey("service account private import", true, newEncryptionKey, func(k *EncryptionKey) error {
		return cloakServiceAccountPrivateImport(k.pk[:], k.sk[:], blob)
	})
}
