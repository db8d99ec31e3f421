package cloak

/*
#include <stdlib.h>
#include <cloak.h>
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// Vault holds the subkeys of one vault key for one vault id, derived once and used for any number
// of secrets. It is safe for concurrent use by several goroutines. Its state lives in C memory,
// outside the Go heap; Wipe zeroes and frees it, and so does the garbage collector if Wipe was not
// called.
type Vault struct {
	mu      sync.RWMutex
	st      *C.cloak_vault // nil after Wipe
	cleanup runtime.Cleanup
}

func freeVaultState(st *C.cloak_vault) {
	C.cloak_vault_wipe(st)
	C.free(unsafe.Pointer(st))
}

// NewVault derives the subkeys of a vault key for a vault id (1 to LabelBytesMax bytes, chosen by
// the application).
func NewVault(key *VaultKey, vaultID []byte) (*Vault, error) {
	const op = "vault init"
	if err := ready(op); err != nil {
		return nil, err
	}
	if !key.live {
		return nil, wiped(op)
	}
	st := (*C.cloak_vault)(C.calloc(1, C.sizeof_cloak_vault))
	if st == nil {
		return nil, paramError(op, codeNoMem, nil)
	}
	if err := newError(op, C.cloak_vault_init(st, u8p(&key.k[0]), u8(vaultID), sz(len(vaultID)))); err != nil {
		freeVaultState(st)
		return nil, err
	}
	v := &Vault{st: st}
	v.cleanup = runtime.AddCleanup(v, freeVaultState, st)
	return v, nil
}

// Wipe zeroes and frees the vault's state. Using the vault afterwards fails with [ErrBadParams]
// (cause [ErrWiped]). Calling Wipe again does nothing.
func (v *Vault) Wipe() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.st != nil {
		v.cleanup.Stop()
		freeVaultState(v.st)
		v.st = nil
	}
}

// KeyID is the id of the vault key, the key id its secrets carry (zero after Wipe).
func (v *Vault) KeyID() KeyID {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var id KeyID
	if v.st != nil {
		C.cloak_vault_key_id(u8p(&id[0]), v.st)
	}
	return id
}

// Seal seals a secret's value under the vault, bound to the vault id, its name (1 to
// LabelBytesMax bytes) and an optional context (0 to LabelBytesMax bytes). The result is
// SecretSealedLen(len(value)) bytes. The name is not stored in it: keep it, or look the secret up
// by its [Vault.BlindIndex].
func (v *Vault) Seal(name, context, value []byte) ([]byte, error) {
	const op = "secret seal"
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.st == nil {
		return nil, wiped(op)
	}
	out := make([]byte, SecretSealedLen(len(value)))
	var n C.size_t
	rc := C.cloak_secret_seal(v.st, u8(out), sz(len(out)), &n, u8(name), sz(len(name)), u8(context),
		sz(len(context)), u8(value), sz(len(value)))
	if err := newError(op, rc); err != nil {
		return nil, err
	}
	return out[:n:n], nil
}

// Open opens a sealed secret with the name and context it was sealed with. A secret of another
// vault key fails with [ErrWrongKey]; one that was altered, or moved to another vault id, name or
// context, fails with [ErrAuth].
func (v *Vault) Open(name, context, sealed []byte) ([]byte, error) {
	const op = "secret open"
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.st == nil {
		return nil, wiped(op)
	}
	out := make([]byte, SecretOpenedLen(len(sealed)))
	var n C.size_t
	rc := C.cloak_secret_open(v.st, u8(out), sz(len(out)), &n, u8(name), sz(len(name)), u8(context),
		sz(len(context)), u8(sealed), sz(len(sealed)))
	if err := newError(op, rc); err != nil {
		return nil, err
	}
	return out[:n:n], nil
}

// lockPair read-locks two vaults in a fixed order (one lock if they are the same), so that
// concurrent reseals in both directions cannot deadlock against a pending Wipe.
func lockPair(a, b *Vault) (unlock func()) {
	if a == b {
		a.mu.RLock()
		return a.mu.RUnlock
	}
	first, second := a, b
	if uintptr(unsafe.Pointer(b)) < uintptr(unsafe.Pointer(a)) {
		first, second = b, a
	}
	first.mu.RLock()
	second.mu.RLock()
	return func() { second.mu.RUnlock(); first.mu.RUnlock() }
}

// Reseal opens a secret sealed under v and seals it under to (a rotated vault key), without the
// value leaving the library. The output has the same length as the input.
func (v *Vault) Reseal(to *Vault, name, context, sealed []byte) ([]byte, error) {
	const op = "secret reseal"
	defer lockPair(v, to)()
	if v.st == nil || to.st == nil {
		return nil, wiped(op)
	}
	out := make([]byte, len(sealed))
	var n C.size_t
	rc := C.cloak_secret_reseal(v.st, to.st, u8(out), sz(len(out)), &n, u8(name), sz(len(name)), u8(context),
		sz(len(context)), u8(sealed), sz(len(sealed)))
	if err := newError(op, rc); err != nil {
		return nil, err
	}
	return out[:n:n], nil
}

// BlindIndex is the keyed index of a secret name (32 bytes): the server can look a secret up by
// it, but cannot test guesses of names without the vault key. A rotation changes every index.
func (v *Vault) BlindIndex(name []byte) ([]byte, error) {
	const op = "vault blind index"
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.st == nil {
		return nil, wiped(op)
	}
	idx := make([]byte, BlindIndexBytes)
	if err := newError(op, C.cloak_vault_blind_index(v.st, u8(idx), u8(name), sz(len(name)))); err != nil {
		return nil, err
	}
	return idx, nil
}
