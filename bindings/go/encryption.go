package cloak

/*
#include <cloak.h>
*/
import "C"

import (
	"encoding/hex"
	"fmt"
	"runtime"
)

// EncryptionPublicKey is an X25519 public key: a member's (shares are sealed to it) or a service
// account's (batches are sealed to it).
type EncryptionPublicKey [EncryptionPublicKeyBytes]byte

// String returns the key in lowercase hex.
func (p EncryptionPublicKey) String() string { return hex.EncodeToString(p[:]) }

// Export returns the key as a 52-byte blob (type encryption public key), e.g. for [TextEncode].
func (p EncryptionPublicKey) Export() []byte {
	blob := make([]byte, PublicKeyBlobBytes)
	C.cloak_encryption_public_export(u8(blob), u8p(&p[0]))
	return blob
}

// ImportEncryptionPublicKey reads a blob made by [EncryptionPublicKey.Export].
func ImportEncryptionPublicKey(blob []byte) (EncryptionPublicKey, error) {
	var p EncryptionPublicKey
	rc := C.cloak_encryption_public_import(u8p(&p[0]), u8(blob), sz(len(blob)))
	return p, newError("encryption public import", rc)
}

// EncryptionKey is an X25519 key pair, a member's or a service account's. Its private half is
// the HPKE recipient key of DHKEM(X25519, HKDF-SHA256).
type EncryptionKey struct {
	pk   EncryptionPublicKey
	sk   [EncryptionSecretKeyBytes]byte
	live bool
}

func newEncryptionKey() *EncryptionKey {
	k := &EncryptionKey{live: true}
	runtime.SetFinalizer(k, (*EncryptionKey).Wipe)
	return k
}

// GenerateEncryptionKey returns a fresh random key pair. A service account may generate its own
// where it runs: only the public key needs to travel.
func GenerateEncryptionKey() (*EncryptionKey, error) {
	if err := ready("encryption keypair"); err != nil {
		return nil, err
	}
	k := newEncryptionKey()
	C.cloak_encryption_keypair(u8p(&k.pk[0]), u8p(&k.sk[0]))
	return k, nil
}

// EncryptionKeyFromSeed is RFC 9180's DeriveKeyPair for DHKEM(X25519, HKDF-SHA256). The seed must
// hold at least 32 bytes of entropy; a shorter one fails with [ErrBadParams].
func EncryptionKeyFromSeed(seed []byte) (*EncryptionKey, error) {
	const op = "encryption keypair from seed"
	if err := ready(op); err != nil {
		return nil, err
	}
	k := newEncryptionKey()
	rc := C.cloak_encryption_keypair_from_seed(u8p(&k.pk[0]), u8p(&k.sk[0]), u8(seed), sz(len(seed)))
	if err := newError(op, rc); err != nil {
		k.Wipe()
		return nil, err
	}
	return k, nil
}

// Public returns the public half (zero after Wipe).
func (k *EncryptionKey) Public() EncryptionPublicKey {
	if !k.live {
		return EncryptionPublicKey{}
	}
	return k.pk
}

// Bytes returns a copy of the 32-byte X25519 private key (SerializePrivateKey of RFC 9180), for
// another HPKE implementation; nil after Wipe. Wipe the copy when done. To store the key, wrap it
// or export it instead.
func (k *EncryptionKey) Bytes() []byte {
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

type wrapFunc func(w *C.uint8_t, master *C.uint8_t, sk *C.uint8_t) C.int

func (k *EncryptionKey) wrap(op string, master *MasterKey, f wrapFunc) ([]byte, error) {
	if err := ready(op); err != nil {
		return nil, err
	}
	if !k.live || !master.live {
		return nil, wiped(op)
	}
	w := make([]byte, WrappedKeyBytes)
	if err := newError(op, f(u8(w), u8p(&master.k[0]), u8p(&k.sk[0]))); err != nil {
		return nil, err
	}
	return w, nil
}

// Wrap returns a member's encryption key wrapped under the master key (124 bytes, type wrapped
// encryption key).
func (k *EncryptionKey) Wrap(master *MasterKey) ([]byte, error) {
	return k.wrap("encryption wrap", master, func(w, m, sk *C.uint8_t) C.int {
		return C.cloak_encryption_wrap(w, m, sk)
	})
}

// WrapServiceAccount returns a service account's private key wrapped under its creator's master
// key (124 bytes, type wrapped service-account key), so the creator can recover it.
func (k *EncryptionKey) WrapServiceAccount(master *MasterKey) ([]byte, error) {
	return k.wrap("service account wrap", master, func(w, m, sk *C.uint8_t) C.int {
		return C.cloak_service_account_wrap(w, m, sk)
	})
}

type unwrapFunc func(pk, sk, master, wrapped *C.uint8_t, n C.size_t) C.int

func unwrapEncryption(op string, master *MasterKey, wrapped []byte, f unwrapFunc) (*EncryptionKey, error) {
	if !master.live {
		return nil, wiped(op)
	}
	k := newEncryptionKey()
	if err := newError(op, f(u8p(&k.pk[0]), u8p(&k.sk[0]), u8p(&master.k[0]), u8(wrapped), sz(len(wrapped)))); err != nil {
		k.Wipe()
		return nil, err
	}
	return k, nil
}

// UnwrapEncryptionKey opens a key wrapped by [EncryptionKey.Wrap]. The blob's type is checked: a
// wrapped service-account key fails with [ErrWrongType].
func UnwrapEncryptionKey(master *MasterKey, wrapped []byte) (*EncryptionKey, error) {
	return unwrapEncryption("encryption unwrap", master, wrapped, func(pk, sk, m, w *C.uint8_t, n C.size_t) C.int {
		return C.cloak_encryption_unwrap(pk, sk, m, w, n)
	})
}

// UnwrapServiceAccountKey opens a key wrapped by [EncryptionKey.WrapServiceAccount].
func UnwrapServiceAccountKey(master *MasterKey, wrapped []byte) (*EncryptionKey, error) {
	return unwrapEncryption("service account unwrap", master, wrapped, func(pk, sk, m, w *C.uint8_t, n C.size_t) C.int {
		return C.cloak_service_account_unwrap(pk, sk, m, w, n)
	})
}

// WrappedKeyPublicKey returns the public key and the type (ObjectWrappedIdentityKey,
// ObjectWrappedEncryptionKey or ObjectWrappedServiceAccountKey) a wrapped key carries, without the
// master key. They are parsed, not authenticated: only unwrapping proves them. Another blob type
// fails with [ErrWrongType].
func WrappedKeyPublicKey(wrapped []byte) ([]byte, ObjectType, error) {
	pk := make([]byte, 32)
	var typ C.int
	rc := C.cloak_wrapped_key_public_key(u8(pk), &typ, u8(wrapped), sz(len(wrapped)))
	if err := newError("wrapped key public key", rc); err != nil {
		return nil, 0, err
	}
	return pk, ObjectType(typ), nil
}

// ExportServiceAccount returns the key pair in the clear (84 bytes, type service-account key), for
// a CI variable or a key file; [TextEncode] gives its text form.
func (k *EncryptionKey) ExportServiceAccount() ([]byte, error) {
	const op = "service account export"
	if !k.live {
		return nil, wiped(op)
	}
	blob := make([]byte, ServiceAccountPrivateBlobBytes)
	if err := newError(op, C.cloak_service_account_private_export(u8(blob), u8p(&k.pk[0]), u8p(&k.sk[0]))); err != nil {
		return nil, err
	}
	return blob, nil
}

// ImportServiceAccountKey reads a blob made by [EncryptionKey.ExportServiceAccount], checking that
// the private key gives the public key ([ErrMismatch] otherwise).
func ImportServiceAccountKey(blob []byte) (*EncryptionKey, error) {
	const op = "service account import"
	if err := ready(op); err != nil {
		return nil, err
	}
	k := newEncryptionKey()
	if err := newError(op, C.cloak_service_account_private_import(u8p(&k.pk[0]), u8p(&k.sk[0]), u8(blob), sz(len(blob)))); err != nil {
		k.Wipe()
		return nil, err
	}
	return k, nil
}
