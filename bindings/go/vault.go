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
	cloakVaultWipe(st)
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
	if err := cloakVaultInit(st, key.k[:], vaultID); err != nil {
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
		cloakVaultKeyID(id[:], v.st)
	}
	return id
}

// Seal seals a secret's value under the vault, bound to the vault id, its name (1 to
// LabelBytesMax bytes) and an optional context (nil, or at most LabelBytesMax bytes). The result
// is SecretSealedLen(len(value)) bytes. The name is not stored in it: keep it, or look the secret
// up by its [Vault.BlindIndex].
func (v *Vault) Seal(name, value, context []byte) ([]byte, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.st == nil {
		return nil, wiped("secret seal")
	}
	return cloakSecretSeal(v.st, name, context, value)
}

// Open opens a sealed secret with the name and context it was sealed with. A secret of another
// vault key fails with [ErrWrongKey]; one that was altered, or moved to another vault id, name or
// context, fails with [ErrAuth].
func (v *Vault) Open(name, sealed, context []byte) ([]byte, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.st == nil {
		return nil, wiped("secret open")
	}
	return cloakSecretOpen(v.st, name, context, sealed)
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
func (v *Vault) Reseal(to *Vault, name, sealed, context []byte) ([]byte, error) {
	defer lockPair(v, to)()
	if v.st == nil || to.st == nil {
		return nil, wiped("secret reseal")
	}
	return cloakSecretReseal(v.st, to.st, name, context, sealed)
}

// BlindIndex is the keyed index of a secret name (32 bytes): the server can look a secret up by
// it, but cannot test guesses of names without the vault key. A rotation changes every index.
func (v *Vault) BlindIndex(name []byte) ([]byte, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.st == nil {
		return nil, wiped("vault blind index")
	}
	idx := make([]byte, BlindIndexBytes)
	if err := cloakVaultBlindIndex(v.st, idx, name); err != nil {
		return nil, err
	}
	return idx, nil
}
