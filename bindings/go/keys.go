//go:build cgo

package cloak

import (
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
)

// Keys that hold secrets are structs with unexported fields, used through pointers: they print as
// a placeholder (never their bytes), and Wipe zeroes them. A key is also wiped when the garbage
// collector frees it. Go may still have copied the bytes elsewhere (a stack that grew, a slice
// returned by SecretBytes); wiping is best effort, as in any garbage-collected language.

// KeyID is the 16-byte id a blob carries of the key it needs (docs/protocol.md section 1.2). It
// reveals nothing about a symmetric key.
type KeyID [KeyIDBytes]byte

// String returns the key id in lowercase hex.
func (id KeyID) String() string { return hex.EncodeToString(id[:]) }

// printAs writes a fixed placeholder for every fmt verb, so a secret never reaches a log.
func printAs(f fmt.State, s string) { _, _ = io.WriteString(f, s) }

// symmetricKey is the 32 bytes of a master, login or vault key, and whether they are still live.
type symmetricKey struct {
	k    [KeyBytes]byte
	live bool
}

func (s *symmetricKey) base() *symmetricKey { return s }

// id is cloak_key_id: Expand(key, "libcloak v2 key id", 16); zero after wipe.
func (s *symmetricKey) id() KeyID {
	var id KeyID
	if s.live {
		cloakKeyID(id[:], s.k[:])
	}
	return id
}

// SecretBytes returns a copy of the key (nil after Wipe), e.g. for an operating system's key store
// or, for a login key, to send to the server. Wipe the copy when done.
func (s *symmetricKey) SecretBytes() []byte {
	if !s.live {
		return nil
	}
	return append([]byte(nil), s.k[:]...)
}

// Wipe zeroes the key. Using it afterwards fails with [ErrBadParams] (cause [ErrWiped]).
func (s *symmetricKey) Wipe() { clear(s.k[:]); s.live = false }

// finalized returns k, to be wiped when the garbage collector frees it.
func finalized[T any](k *T, wipe func(*T)) *T {
	runtime.SetFinalizer(k, wipe)
	return k
}

// keyFromBytes is a new symmetric key holding a copy of b, which must be KeyBytes long.
func keyFromBytes[K interface{ base() *symmetricKey }](op string, b []byte, newKey func() K) (K, error) {
	var none K
	if err := checkSize(op, "a key", b, KeyBytes); err != nil {
		return none, err
	}
	k := newKey()
	copy(k.base().k[:], b)
	return k, nil
}

// MasterKey is the key a password derives (see [DerivePassword]); it wraps the member's private
// keys and never leaves the client.
type MasterKey struct{ symmetricKey }

// MasterKeyFromBytes makes a master key from 32 bytes, e.g. kept in an operating system's key
// store. The slice is copied; wipe it yourself.
func MasterKeyFromBytes(b []byte) (*MasterKey, error) {
	return keyFromBytes("master key", b, newMasterKey)
}

func newMasterKey() *MasterKey {
	return finalized(&MasterKey{symmetricKey{live: true}}, (*MasterKey).Wipe)
}

// ID is the key id that the blobs this key wraps carry (zero after Wipe).
func (m *MasterKey) ID() KeyID { return m.id() }

// Format prints the key's id, never the key.
func (m MasterKey) Format(f fmt.State, _ rune) { printAs(f, "cloak.MasterKey(id "+m.ID().String()+")") }

// LoginKey is the key a password derives alongside the master key, sent to the server as proof of
// the password. It reveals nothing about the master key.
type LoginKey struct{ symmetricKey }

func newLoginKey() *LoginKey {
	return finalized(&LoginKey{symmetricKey{live: true}}, (*LoginKey).Wipe)
}

// Format prints a placeholder, never the key.
func (l LoginKey) Format(f fmt.State, _ rune) { printAs(f, "cloak.LoginKey(redacted)") }

// VaultKey is the 32-byte random key of a vault. It travels only inside shares (see [SealShare]);
// secrets are sealed under keys derived from it (see [NewVault]).
type VaultKey struct{ symmetricKey }

// GenerateVaultKey returns a fresh random vault key.
func GenerateVaultKey() (*VaultKey, error) {
	if err := ready("vault key generate"); err != nil {
		return nil, err
	}
	v := newVaultKey()
	cloakVaultKeyGenerate(v.k[:])
	return v, nil
}

// VaultKeyFromBytes makes a vault key from 32 bytes. The slice is copied; wipe it yourself.
func VaultKeyFromBytes(b []byte) (*VaultKey, error) { return keyFromBytes("vault key", b, newVaultKey) }

func newVaultKey() *VaultKey {
	return finalized(&VaultKey{symmetricKey{live: true}}, (*VaultKey).Wipe)
}

// ID is the key id every secret sealed under this key carries (zero after Wipe).
func (v *VaultKey) ID() KeyID { return v.id() }

// Format prints the key's id, never the key.
func (v VaultKey) Format(f fmt.State, _ rune) { printAs(f, "cloak.VaultKey(id "+v.ID().String()+")") }
