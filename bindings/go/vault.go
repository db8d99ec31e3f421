package cloak

/*
#include <cloak.h>
*/
import "C"

import "unsafe"

// Vault holds the subkeys of one vault key (of one epoch) for one vault id, derived once and used
// for any number of secrets. It is safe for concurrent use by several goroutines. Its state lives
// in C memory at one fixed address, outside the Go heap; Wipe zeroes and frees it, and so does the
// garbage collector if Wipe was not called. Use it through its pointer: a copied Vault value shares
// the state and its lock would not guard it.
type Vault struct {
	state guardedState[C.cloak_vault]
}

// NewVault derives the subkeys of a vault key for a vault id (1 to LabelBytesMax bytes, chosen by
// the application). epoch is the key's epoch: 1 for the vault's first key, one more at each
// rotation (0 is refused with [ErrBadParams]); every secret sealed under the vault carries it.
func NewVault(key *VaultKey, epoch uint32, vaultID []byte) (*Vault, error) {
	const op = "vault init"
	if err := usable(op, key.live); err != nil {
		return nil, err
	}
	v := &Vault{}
	if err := allocState(op, &v.state.cState, v, C.sizeof_cloak_vault, cloakVaultWipe); err != nil {
		return nil, err
	}
	if err := cloakVaultInit(v.state.st, key.k[:], epoch, vaultID); err != nil {
		v.state.free()
		return nil, err
	}
	return v, nil
}

// Wipe zeroes and frees the vault's state. Using the vault afterwards fails with [ErrBadState]
// (cause [ErrWiped]). Calling Wipe again does nothing.
func (v *Vault) Wipe() { v.state.wipe() }

// read runs f on the vault's state under its read lock.
func (v *Vault) read(op string, f func(*C.cloak_vault) ([]byte, error)) ([]byte, error) {
	return v.state.run(op, false, f)
}

// KeyID is the id of the vault key, the key id its secrets carry (zero after Wipe).
func (v *Vault) KeyID() KeyID {
	var id KeyID
	_, _ = v.read("vault key id", func(st *C.cloak_vault) ([]byte, error) { cloakVaultKeyID(id[:], st); return nil, nil })
	return id
}

// Epoch is the epoch of the vault key (zero after Wipe).
func (v *Vault) Epoch() uint32 {
	var epoch uint32
	_, _ = v.read("vault epoch", func(st *C.cloak_vault) ([]byte, error) {
		epoch = uint32(cloakVaultEpoch(st))
		return nil, nil
	})
	return epoch
}

// Seal seals a secret's value under the vault, bound to the vault id, its name (1 to
// LabelBytesMax bytes) and an optional context (nil, or at most LabelBytesMax bytes). The result
// is SecretSealedLen(len(value)) bytes: the value is padded (at least 64 bytes, then at most about
// 12% more), so the server learns only a bucket of its length. The vault key's epoch travels in
// it. The name is not stored in it: keep it, or look the secret up by its [Vault.BlindIndex].
func (v *Vault) Seal(name, value, context []byte) ([]byte, error) {
	return v.read("secret seal", func(st *C.cloak_vault) ([]byte, error) { return cloakSecretSeal(st, name, context, value) })
}

// Open opens a sealed secret with the name and context it was sealed with. A secret of another
// vault key fails with [ErrWrongKey], one whose epoch field is not the vault's with [ErrMismatch];
// one that was altered, or moved to another vault id, name or context, fails with [ErrAuth].
func (v *Vault) Open(name, sealed, context []byte) ([]byte, error) {
	return v.read("secret open", func(st *C.cloak_vault) ([]byte, error) { return cloakSecretOpen(st, name, context, sealed) })
}

// lockPair read-locks two vaults in a fixed order (one lock if they are the same), so that
// concurrent reseals in both directions cannot deadlock against a pending Wipe.
func lockPair(a, b *Vault) (unlock func()) {
	if a == b {
		a.state.mu.RLock()
		return a.state.mu.RUnlock
	}
	first, second := a, b
	if uintptr(unsafe.Pointer(b)) < uintptr(unsafe.Pointer(a)) {
		first, second = b, a
	}
	first.state.mu.RLock()
	second.state.mu.RLock()
	return func() { second.state.mu.RUnlock(); first.state.mu.RUnlock() }
}

// Reseal opens a secret sealed under v and seals it under to (a rotated vault key, with its
// epoch), without the value leaving the library. The output has the same length as the input.
func (v *Vault) Reseal(to *Vault, name, sealed, context []byte) ([]byte, error) {
	defer lockPair(v, to)()
	if v.state.st == nil || to.state.st == nil {
		return nil, wipedState("secret reseal")
	}
	return cloakSecretReseal(v.state.st, to.state.st, name, context, sealed)
}

// BlindIndex is the keyed index of a secret name (32 bytes): the server can look a secret up by
// it, but cannot test guesses of names without the vault key. A rotation changes every index.
func (v *Vault) BlindIndex(name []byte) ([]byte, error) {
	return v.read("vault blind index", func(st *C.cloak_vault) ([]byte, error) {
		idx := make([]byte, BlindIndexBytes)
		if err := cloakVaultBlindIndex(st, idx, name); err != nil {
			return nil, err
		}
		return idx, nil
	})
}
