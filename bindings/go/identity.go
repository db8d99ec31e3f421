//go:build cgo

package cloak

import (
	"encoding/hex"
	"fmt"
)

// IdentityPublicKey is a member's Ed25519 public key: what people compare (see
// [IdentityPublicKey.Fingerprint]) and what shares and batches are checked against.
type IdentityPublicKey [IdentityPublicKeyBytes]byte

// String returns the key in lowercase hex.
func (p IdentityPublicKey) String() string { return hex.EncodeToString(p[:]) }

// Fingerprint is the key's fingerprint for out-of-band comparison: six groups of five digits,
// e.g. "95759 28761 85120 65414 05923 96030".
func (p IdentityPublicKey) Fingerprint() string {
	return cloakIdentityFingerprint(p[:])
}

// PairCode is the one code two people compare to check each other's identity: both fingerprints,
// the same whichever of the two computes it.
func PairCode(a, b IdentityPublicKey) string {
	return cloakIdentityPairCode(a[:], b[:])
}

// Export returns the key as a 52-byte blob (type identity public key), e.g. for [TextEncode].
func (p IdentityPublicKey) Export() []byte {
	blob := make([]byte, PublicKeyBlobBytes)
	cloakIdentityPublicExport(blob, p[:])
	return blob
}

// ImportIdentityPublicKey reads a blob made by [IdentityPublicKey.Export].
func ImportIdentityPublicKey(blob []byte) (IdentityPublicKey, error) {
	var p IdentityPublicKey
	return p, cloakIdentityPublicImport(p[:], blob)
}

// Verify checks a signature made by [IdentityKey.Sign] over message under context. It returns nil
// or an error matching [ErrBadSignature] (or [ErrBadParams] for a signature that is not 64 bytes).
func (p IdentityPublicKey) Verify(signature, message, context []byte) error {
	return cloakIdentityVerify(signature, message, context, p[:])
}

// IdentityKey is a member's Ed25519 signing key. It is opaque: make it only with
// [GenerateIdentityKey], [IdentityKeyFromSeed] or [UnwrapIdentityKey].
type IdentityKey struct {
	sk   [IdentitySecretKeyBytes]byte // seed || public key
	live bool
}

func newIdentityKey() *IdentityKey {
	return finalized(&IdentityKey{live: true}, (*IdentityKey).Wipe)
}

// GenerateIdentityKey returns a fresh random identity key.
func GenerateIdentityKey() (*IdentityKey, error) {
	return filledKey("identity keypair", true, newIdentityKey, func(k *IdentityKey) error {
		var pk IdentityPublicKey
		cloakIdentityKeypair(pk[:], k.sk[:])
		return nil
	})
}

// IdentityKeyFromSeed derives the identity key of a 32-byte RFC 8032 seed.
func IdentityKeyFromSeed(seed []byte) (*IdentityKey, error) {
	return filledKey("identity keypair from seed", true, newIdentityKey, func(k *IdentityKey) error {
		var pk IdentityPublicKey
		return cloakIdentityKeypairFromSeed(pk[:], k.sk[:], seed)
	})
}

// Public returns the key's public half (zero after Wipe).
func (k *IdentityKey) Public() IdentityPublicKey {
	var p IdentityPublicKey
	if k.live {
		copy(p[:], k.sk[IdentitySeedBytes:])
	}
	return p
}

// Sign signs message under a context label (domain separation; it may be empty, and is at most
// LabelBytesMax). Such signatures can never pass for the library's own (bundles, shares,
// batches).
func (k *IdentityKey) Sign(message, context []byte) ([]byte, error) {
	if err := usable("identity sign", k.live); err != nil {
		return nil, err
	}
	return output(SignatureBytes, func(sig []byte) error { return cloakIdentitySign(sig, message, context, k.sk[:]) })
}

// Bundle returns the member's public bundle (148 bytes with an X25519 key, 1332 with an X-Wing
// key): this identity signs the encryption public key, proving that both belong to the same
// member. The bundle has the encryption key's suite.
func (k *IdentityKey) Bundle(encryption EncryptionPublicKey) ([]byte, error) {
	const op = "bundle create"
	if err := usable(op, k.live); err != nil {
		return nil, err
	}
	s, err := publicImpl(op, encryption)
	if err != nil {
		return nil, err
	}
	return output(s.bundleLen, func(b []byte) error { return s.bundleCreate(b, k.sk[:], encryption.raw()) })
}

// VerifyBundle checks a bundle's signature and returns the two public keys it binds; the
// encryption key is of the bundle's suite. Which identity to trust is the caller's decision
// (compare its fingerprint out of band); which of a member's keys is current, its vault's head
// says (see [Head.CheckRecipient]).
func VerifyBundle(bundle []byte) (IdentityPublicKey, EncryptionPublicKey, error) {
	return verifyBundle(impl(readerSuite(bundle)), bundle)
}

func verifyBundle(s *suiteImpl, bundle []byte) (IdentityPublicKey, EncryptionPublicKey, error) {
	var id IdentityPublicKey
	pk := make([]byte, s.publicKeyLen)
	if err := s.bundleVerify(id[:], pk, bundle); err != nil {
		return IdentityPublicKey{}, nil, err
	}
	return id, publicKeyOf(s.suite, pk), nil
}

// Wrap returns the key wrapped under the master key (124 bytes, type wrapped identity key), to
// store on the server.
func (k *IdentityKey) Wrap(master *MasterKey) ([]byte, error) {
	if err := usable("identity wrap", k.live, master.live); err != nil {
		return nil, err
	}
	return output(WrappedKeyBytes, func(w []byte) error { return cloakIdentityWrap(w, master.k[:], k.sk[:]) })
}

// UnwrapIdentityKey opens a key wrapped by [IdentityKey.Wrap]. A blob wrapped under another master
// key fails with [ErrWrongKey], a tampered one with [ErrAuth].
func UnwrapIdentityKey(master *MasterKey, wrapped []byte) (*IdentityKey, error) {
	return filledKey("identity unwrap", master.live, newIdentityKey, func(k *IdentityKey) error {
		var pk IdentityPublicKey
		return cloakIdentityUnwrap(pk[:], k.sk[:], master.k[:], wrapped)
	})
}

// SecretBytes returns a copy of the 64-byte Ed25519 secret key (the seed followed by the public
// key, as libsodium and crypto/ed25519 hold it), for another Ed25519 implementation; nil after
// Wipe. Wipe the copy when done. To store the key, wrap it instead.
func (k *IdentityKey) SecretBytes() []byte {
	if !k.live {
		return nil
	}
	return append([]byte(nil), k.sk[:]...)
}

// Wipe zeroes the key. Using it afterwards fails with [ErrBadParams] (cause [ErrWiped]).
func (k *IdentityKey) Wipe() { clear(k.sk[:]); k.live = false }

// Format prints the public key, never the secret one.
func (k IdentityKey) Format(f fmt.State, _ rune) {
	printAs(f, "cloak.IdentityKey(public "+k.Public().String()+")")
}
