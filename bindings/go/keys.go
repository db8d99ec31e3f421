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

// symmetricKeyID is cloak_key_id: Expand(key, "libcloak v1 key id", 16).
func symmetricKeyID(k *[KeyBytes]byte) KeyID {
	var id KeyID
	cloakKeyID(id[:], k[:])
	return id
}

// MasterKey is the key a password derives (see [DerivePassword]); it wraps the member's private
// keys and never leaves the client.
type MasterKey struct {
	k    [KeyBytes]byte
	live bool
}

// MasterKeyFromBytes makes a master key from 32 bytes, e.g. kept in an operating system's key
// store. The slice is copied; wipe it yourself.
func MasterKeyFromBytes(b []byte) (*MasterKey, error) {
	if err := checkSize("master key", "a key", b, KeyBytes); err != nil {
		return nil, err
	}
	k := newMasterKey()
	copy(k.k[:], b)
	return k, nil
}

func newMasterKey() *MasterKey {
	m := &MasterKey{live: true}
	runtime.SetFinalizer(m, (*MasterKey).Wipe)
	return m
}

// ID is the key id that the blobs this key wraps carry (zero after Wipe).
func (m *MasterKey) ID() KeyID {
	if !m.live {
		return KeyID{}
	}
	return symmetricKeyID(&m.k)
}

// SecretBytes returns a copy of the key (nil after Wipe), e.g. for an operating system's key
// store. Wipe the copy when done.
func (m *MasterKey) SecretBytes() []byte {
	if !m.live {
		return nil
	}
	return append([]byte(nil), m.k[:]...)
}

// Wipe zeroes the key. Using it afterwards fails with [ErrBadParams] (cause [ErrWiped]).
func (m *MasterKey) Wipe() { clear(m.k[:]); m.live = false }

// Format prints the key's id, never the key.
func (m MasterKey) Format(f fmt.State, _ rune) { printAs(f, "cloak.MasterKey(id "+m.ID().String()+")") }

// LoginKey is the key a password derives alongside the master key, sent to the server as proof of
// the password. It reveals nothing about the master key.
type LoginKey struct {
	k    [KeyBytes]byte
	live bool
}

// SecretBytes returns a copy of the login key, to send to the server (nil after Wipe). Wipe the
// copy when done.
func (l *LoginKey) SecretBytes() []byte {
	if !l.live {
		return nil
	}
	return append([]byte(nil), l.k[:]...)
}

// Wipe zeroes the key.
func (l *LoginKey) Wipe() { clear(l.k[:]); l.live = false }

// Format prints a placeholder, never the key.
func (l LoginKey) Format(f fmt.State, _ rune) { printAs(f, "cloak.LoginKey(redacted)") }

// VaultKey is the 32-byte random key of a vault. It travels only inside shares (see [SealShare]);
// secrets are sealed under keys derived from it (see [NewVault]).
type VaultKey struct {
	k    [KeyBytes]byte
	live bool
}

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
func VaultKeyFromBytes(b []byte) (*VaultKey, error) {
	if err := checkSize("vault key", "a key", b, KeyBytes); err != nil {
		return nil, err
	}
	k := newVaultKey()
	copy(k.k[:], b)
	return k, nil
}

func newVaultKey() *VaultKey {
	v := &VaultKey{live: true}
	runtime.SetFinalizer(v, (*VaultKey).Wipe)
	return v
}

// ID is the key id every secret sealed under this key carries (zero after Wipe).
func (v *VaultKey) ID() KeyID {
	if !v.live {
		return KeyID{}
	}
	return symmetricKeyID(&v.k)
}

// SecretBytes returns a copy of the key (nil after Wipe). Wipe the copy when done.
func (v *VaultKey) SecretBytes() []byte {
	if !v.live {
		return nil
	}
	return append([]byte(nil), v.k[:]...)
}

// Wipe zeroes the key. Using it afterwards fails with [ErrBadParams] (cause [ErrWiped]).
func (v *VaultKey) Wipe() { clear(v.k[:]); v.live = false }

// Format prints the key's id, never the key.
func (v VaultKey) Format(f fmt.State, _ rune) { printAs(f, "cloak.VaultKey(id "+v.ID().String()+")") }
