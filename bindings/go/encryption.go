//go:build cgo

package cloak

import (
	"encoding/hex"
	"fmt"
)

// EncryptionPublicKey is a member's (shares are sealed to it) or a service account's (batches are
// sealed to it) encryption public key, of either suite: an [XWingPublicKey] (the default) or an
// [X25519PublicKey]. Every function that seals to a key picks its suite from the key, so keys of
// both suites mix in one vault. The two types are arrays: values compare with == (an interface
// value of one suite never equals one of the other) and serve as map keys.
type EncryptionPublicKey interface {
	// Suite is the key's suite.
	Suite() Suite
	// ID is the key id of the public key (docs/protocol.md section 1.2): the id that shares and
	// batches to it carry, and a member's encryption key id in a head's roster. It is zero for an
	// X-Wing key that fails its checks (see [XWingPublicKey.KeyHash]).
	ID() KeyID
	// Bytes returns a copy of the raw public key: 32 bytes (X25519) or 1216 (X-Wing).
	Bytes() []byte
	// Export returns the key as a blob of type encryption public key (52 or 1236 bytes), e.g.
	// for [TextEncode]. An X-Wing key is checked first ([ErrMalformed], [ErrInvalidKey]).
	Export() ([]byte, error)
	// RosterKey is what a head's roster names a service account by (docs/protocol.md section
	// 1.6's binding): an X25519 key itself, an X-Wing key's key hash. Give it to [Head.RosterFind].
	RosterKey() ([32]byte, error)
	// String returns the key in lowercase hex.
	String() string

	// raw is the key's bytes for the C calls; only this package's types implement the interface.
	raw() []byte
}

// X25519PublicKey is an encryption public key of suite 1 (SuiteX25519).
type X25519PublicKey [EncryptionPublicKeyBytes]byte

// Suite is SuiteX25519.
func (p X25519PublicKey) Suite() Suite { return SuiteX25519 }

// ID is the key's id (see [EncryptionPublicKey]).
func (p X25519PublicKey) ID() KeyID {
	blob := make([]byte, PublicKeyBlobBytes)
	cloakEncryptionPublicExport(blob, p[:])
	return KeyID(blob[HeaderBytes-KeyIDBytes : HeaderBytes])
}

// Bytes returns a copy of the 32-byte key.
func (p X25519PublicKey) Bytes() []byte { return p[:] }

// Export returns the key's 52-byte blob; it never fails (the key is checked where it is used).
func (p X25519PublicKey) Export() ([]byte, error) {
	blob := make([]byte, PublicKeyBlobBytes)
	cloakEncryptionPublicExport(blob, p[:])
	return blob, nil
}

// RosterKey is the key itself.
func (p X25519PublicKey) RosterKey() ([32]byte, error) { return p, nil }

// String returns the key in lowercase hex.
func (p X25519PublicKey) String() string { return hex.EncodeToString(p[:]) }

func (p X25519PublicKey) raw() []byte { return p[:] }

// XWingPublicKey is an encryption public key of suite 2 (SuiteXWing): the ML-KEM-768
// encapsulation key (1184 bytes) followed by the X25519 public key (32 bytes).
type XWingPublicKey [XWingPublicKeyBytes]byte

// Suite is SuiteXWing.
func (p XWingPublicKey) Suite() Suite { return SuiteXWing }

// KeyHash is the key's hash (SHA-256 of a label and the key), which stands for the 1216-byte key
// in HPKE infos, signed contents and roster entries; the key id is its first 16 bytes. The key is
// checked first: an ML-KEM part with a coefficient not below q is [ErrMalformed], an X25519 part
// that breaks docs/protocol.md section 1.4 [ErrMalformed] or [ErrInvalidKey].
func (p XWingPublicKey) KeyHash() ([XWingKeyHashBytes]byte, error) {
	var h [XWingKeyHashBytes]byte
	err := cloakXWingKeyHash(h[:], p[:])
	return h, err
}

// ID is the key's id, the first 16 bytes of its key hash (zero for a key that fails its checks).
func (p XWingPublicKey) ID() KeyID {
	h, err := p.KeyHash()
	if err != nil {
		return KeyID{}
	}
	return KeyID(h[:KeyIDBytes])
}

// Bytes returns a copy of the 1216-byte key.
func (p XWingPublicKey) Bytes() []byte { return p[:] }

// Export returns the key's 1236-byte blob, after the checks of [XWingPublicKey.KeyHash].
func (p XWingPublicKey) Export() ([]byte, error) {
	return output(XWingPublicKeyBlobBytes, func(blob []byte) error { return cloakXWingPublicExport(blob, p[:]) })
}

// RosterKey is the key hash (see [XWingPublicKey.KeyHash]).
func (p XWingPublicKey) RosterKey() ([32]byte, error) { return p.KeyHash() }

// String returns the key in lowercase hex (2432 characters).
func (p XWingPublicKey) String() string { return hex.EncodeToString(p[:]) }

func (p XWingPublicKey) raw() []byte { return p[:] }

// publicKeyOf is the typed public key of a suite's raw bytes (which are of its length).
func publicKeyOf(s Suite, pk []byte) EncryptionPublicKey {
	if s == SuiteXWing {
		return XWingPublicKey(pk)
	}
	return X25519PublicKey(pk)
}

// publicImpl is the suite of a public key given to an operation; nil (no key) is [ErrBadParams].
func publicImpl(op string, p EncryptionPublicKey) (*suiteImpl, error) {
	if p == nil {
		return nil, paramError(op, codeBadParams, fmt.Errorf("no encryption public key"))
	}
	return impl(p.Suite()), nil
}

// ImportEncryptionPublicKey reads a blob made by [EncryptionPublicKey.Export], of either suite,
// and returns the key of its suite (checked by docs/protocol.md section 1.4 or 1.6).
func ImportEncryptionPublicKey(blob []byte) (EncryptionPublicKey, error) {
	return importEncryptionPublicKey(impl(readerSuite(blob)), blob)
}

// The readers below take the suite whose C function reads the blob: the public functions pass the
// blob's own (readerSuite); the tests also pass the other, as the C API's callers can.

func importEncryptionPublicKey(s *suiteImpl, blob []byte) (EncryptionPublicKey, error) {
	pk := make([]byte, s.publicKeyLen)
	if err := s.publicImport(pk, blob); err != nil {
		return nil, err
	}
	return publicKeyOf(s.suite, pk), nil
}

// EncryptionKey is an encryption key pair of either suite, a member's or a service account's:
// an X-Wing key (the default) or an X25519 key. Its private half is the HPKE recipient key of its
// suite's KEM, 32 bytes in both: an X25519 private key, or X-Wing's seed.
type EncryptionKey struct {
	suite Suite
	pk    []byte // the suite's public key length
	sk    [EncryptionSecretKeyBytes]byte
	live  bool
}

// newEncryptionKey is a key of suite s to fill (s must be a suite).
func newEncryptionKey(s *suiteImpl) *EncryptionKey {
	return finalized(&EncryptionKey{suite: s.suite, pk: make([]byte, s.publicKeyLen), live: true}, (*EncryptionKey).Wipe)
}

// GenerateEncryptionKey returns a fresh random key pair of the default suite, X-Wing. A service
// account may generate its own where it runs: only the public key needs to travel.
func GenerateEncryptionKey() (*EncryptionKey, error) {
	return GenerateEncryptionKeyOfSuite(DefaultSuite)
}

// GenerateEncryptionKeyOfSuite returns a fresh random key pair of the suite: SuiteXWing, or
// SuiteX25519 for peers without ML-KEM or where blobs must stay small (a share is 200 bytes
// instead of 1288), at the cost of confidentiality against a future quantum computer. Another
// value is [ErrBadParams].
func GenerateEncryptionKeyOfSuite(suite Suite) (*EncryptionKey, error) {
	const op = "encryption keypair"
	s := impl(suite)
	if s == nil {
		return nil, badSuite(op, suite)
	}
	return filledKey(op, true, func() *EncryptionKey { return newEncryptionKey(s) }, func(k *EncryptionKey) error {
		s.keypair(k.pk, k.sk[:])
		return nil
	})
}

// EncryptionKeyFromSeed is HPKE's DeriveKeyPair for the suite's KEM (RFC 9180 section 7.1.3 for
// X25519; draft-ietf-hpke-pq for X-Wing, as crypto/hpke's MLKEM768X25519). The seed is 32 to 255
// bytes of which at least 32 are entropy ([ErrBadParams] otherwise). The suite is explicit: one
// seed gives unrelated keys in the two suites.
func EncryptionKeyFromSeed(suite Suite, seed []byte) (*EncryptionKey, error) {
	const op = "encryption keypair from seed"
	s := impl(suite)
	if s == nil {
		return nil, badSuite(op, suite)
	}
	return filledKey(op, true, func() *EncryptionKey { return newEncryptionKey(s) }, func(k *EncryptionKey) error {
		return s.keypairFromSeed(k.pk, k.sk[:], seed)
	})
}

// XWingKeyFromSecretBytes makes an X-Wing key pair from its 32-byte private key (X-Wing's seed, as
// [EncryptionKey.SecretBytes] returns it and another HPKE implementation serializes it), deriving
// the public key. The slice is copied; wipe it yourself.
func XWingKeyFromSecretBytes(secret []byte) (*EncryptionKey, error) {
	const op = "xwing public key"
	if err := checkSize(op, "an X-Wing private key", secret, XWingSecretKeyBytes); err != nil {
		return nil, err
	}
	return filledKey(op, true, func() *EncryptionKey { return newEncryptionKey(xwingImpl) }, func(k *EncryptionKey) error {
		copy(k.sk[:], secret)
		cloakXWingPublicKey(k.pk, k.sk[:])
		return nil
	})
}

// impl is the key's suite calls.
func (k *EncryptionKey) impl() *suiteImpl { return impl(k.suite) }

// Suite is the key's suite (kept after Wipe).
func (k *EncryptionKey) Suite() Suite { return k.suite }

// Public returns the public half, an [XWingPublicKey] or an [X25519PublicKey] (zero after Wipe;
// nil for a zero-value EncryptionKey, which no constructor makes).
func (k *EncryptionKey) Public() EncryptionPublicKey {
	s := k.impl()
	if s == nil {
		return nil
	}
	if !k.live {
		return publicKeyOf(s.suite, make([]byte, s.publicKeyLen))
	}
	return publicKeyOf(s.suite, k.pk)
}

// SecretBytes returns a copy of the 32-byte private key (SerializePrivateKey of the suite's HPKE
// KEM: an X25519 private key, or X-Wing's seed), for another HPKE implementation; nil after
// Wipe. Wipe the copy when done. To store the key, wrap it or export it instead.
func (k *EncryptionKey) SecretBytes() []byte {
	if !k.live {
		return nil
	}
	return append([]byte(nil), k.sk[:]...)
}

// Wipe zeroes the key pair. Using it afterwards fails with [ErrBadParams] (cause [ErrWiped]).
func (k *EncryptionKey) Wipe() { clear(k.sk[:]); clear(k.pk); k.live = false }

// Format prints the suite and the public key's id, never the private key.
func (k EncryptionKey) Format(f fmt.State, _ rune) {
	id := KeyID{}
	if k.live && k.impl() != nil {
		id = k.Public().ID()
	}
	printAs(f, "cloak.EncryptionKey("+k.suite.String()+", id "+id.String()+")")
}

// usableKey is usable for an operation on k: the library loaded, k and the other keys live, and
// k made by a constructor (of a suite).
func (k *EncryptionKey) usableKey(op string, live ...bool) (*suiteImpl, error) {
	if err := usable(op, append(live, k.live)...); err != nil {
		return nil, err
	}
	s := k.impl()
	if s == nil {
		return nil, wiped(op)
	}
	return s, nil
}

func (k *EncryptionKey) wrap(op string, master *MasterKey, serviceAccount bool) ([]byte, error) {
	s, err := k.usableKey(op, master.live)
	if err != nil {
		return nil, err
	}
	f := s.wrap
	if serviceAccount {
		f = s.wrapServiceAccount
	}
	return output(s.wrappedLen, func(w []byte) error { return f(w, master.k[:], k.sk[:]) })
}

// Wrap returns a member's encryption key wrapped under the master key (type wrapped encryption
// key: 124 bytes for X25519, 1308 for X-Wing).
func (k *EncryptionKey) Wrap(master *MasterKey) ([]byte, error) {
	return k.wrap("encryption wrap", master, false)
}

// WrapServiceAccount returns a service account's private key wrapped under its creator's master
// key (type wrapped service-account key, 124 or 1308 bytes), so the creator can recover it.
func (k *EncryptionKey) WrapServiceAccount(master *MasterKey) ([]byte, error) {
	return k.wrap("service account wrap", master, true)
}

func unwrapEncryption(op string, s *suiteImpl, master *MasterKey, wrapped []byte, serviceAccount bool) (*EncryptionKey, error) {
	f := s.unwrap
	if serviceAccount {
		f = s.unwrapServiceAccount
	}
	return filledKey(op, master.live, func() *EncryptionKey { return newEncryptionKey(s) }, func(k *EncryptionKey) error {
		return f(k.pk, k.sk[:], master.k[:], wrapped)
	})
}

// UnwrapEncryptionKey opens a key wrapped by [EncryptionKey.Wrap], of either suite (the blob's).
// The blob's type is checked: a wrapped service-account key fails with [ErrWrongType].
func UnwrapEncryptionKey(master *MasterKey, wrapped []byte) (*EncryptionKey, error) {
	return unwrapEncryption("encryption unwrap", impl(readerSuite(wrapped)), master, wrapped, false)
}

// UnwrapServiceAccountKey opens a key wrapped by [EncryptionKey.WrapServiceAccount], of either
// suite.
func UnwrapServiceAccountKey(master *MasterKey, wrapped []byte) (*EncryptionKey, error) {
	return unwrapEncryption("service account unwrap", impl(readerSuite(wrapped)), master, wrapped, true)
}

// WrappedKeyPublicKey returns the public key and the type (ObjectWrappedIdentityKey,
// ObjectWrappedEncryptionKey or ObjectWrappedServiceAccountKey) a wrapped key of either suite
// carries, without the master key: 32 bytes (Ed25519 or X25519) or 1216 (X-Wing; [BlobSuite]
// tells which). They are parsed, not authenticated: only unwrapping proves them. Another blob
// type fails with [ErrWrongType].
func WrappedKeyPublicKey(wrapped []byte) ([]byte, ObjectType, error) {
	return wrappedKeyPublicKey(impl(readerSuite(wrapped)), wrapped)
}

func wrappedKeyPublicKey(s *suiteImpl, wrapped []byte) ([]byte, ObjectType, error) {
	pk := make([]byte, s.publicKeyLen)
	typ, err := s.wrappedPublicKey(pk, wrapped)
	if err != nil {
		return nil, 0, err
	}
	return pk, ObjectType(typ), nil
}

// ExportServiceAccountPrivate returns the key pair, private key included, in the clear (type
// service-account private key: 84 bytes for X25519, 1268 for X-Wing), for a CI variable or a key
// file; [TextEncode] gives its text form. Anyone who reads it can open every batch sealed to the
// account.
func (k *EncryptionKey) ExportServiceAccountPrivate() ([]byte, error) {
	s, err := k.usableKey("service account private export")
	if err != nil {
		return nil, err
	}
	return output(s.privateBlobLen, func(blob []byte) error { return s.privateExport(blob, k.pk, k.sk[:]) })
}

// ImportServiceAccountPrivate reads a blob made by [EncryptionKey.ExportServiceAccountPrivate], of
// either suite, checking that the private key gives the public key ([ErrMismatch] otherwise).
func ImportServiceAccountPrivate(blob []byte) (*EncryptionKey, error) {
	return importServiceAccountPrivate(impl(readerSuite(blob)), blob)
}

func importServiceAccountPrivate(s *suiteImpl, blob []byte) (*EncryptionKey, error) {
	return filledKey("service account private import", true, func() *EncryptionKey { return newEncryptionKey(s) },
		func(k *EncryptionKey) error { return s.privateImport(k.pk, k.sk[:], blob) })
}
