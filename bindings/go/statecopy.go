package cloak

/*
#include <stdlib.h>
#include <string.h>
#include <cloak.h>
*/
import "C"

import "unsafe"

// The library refuses a state used at another address than the one it was initialised at. The
// binding never moves a state (see cState); these functions make such a copy on purpose so that
// the tests can show the refusal (CLOAK_E_BAD_STATE) through the binding. Nothing else calls them.

// withCopy runs f on a byte-for-byte copy of st (size bytes) at a new C address, then wipes and
// frees the copy.
func withCopy[S any](st *S, size C.size_t, f func(*S) error) error {
	p := C.malloc(size)
	if p == nil {
		return paramError("state copy", codeNoMem, nil)
	}
	C.memcpy(p, unsafe.Pointer(st), size)
	defer func() {
		clear(unsafe.Slice((*byte)(p), int(size)))
		C.free(p)
	}()
	return f((*S)(p))
}

// sealWithCopiedState seals a secret with a copy of the vault's state.
func (v *Vault) sealWithCopiedState(name, value []byte) error {
	_, err := v.read("secret seal", func(st *C.cloak_vault) ([]byte, error) {
		return nil, withCopy(st, C.sizeof_cloak_vault, func(cp *C.cloak_vault) error {
			_, err := cloakSecretSeal(cp, name, nil, value)
			return err
		})
	})
	return err
}

// sealWithCopiedState seals an item with a copy of the writer's state.
func (w *BatchWriter) sealWithCopiedState(name, value []byte) error {
	w.state.mu.RLock()
	defer w.state.mu.RUnlock()
	if w.state.st == nil {
		return wipedState("batch seal item")
	}
	return withCopy(w.state.st, C.sizeof_cloak_batch, func(cp *C.cloak_batch) error {
		var digest [BatchDigestBytes]byte
		_, _, err := cloakBatchSealItem(cp, digest[:], name, value)
		return err
	})
}

// sealWithCopiedState seals a message with a copy of the sender's context.
func (s *HPKESender) sealWithCopiedState(plaintext []byte) error {
	_, err := s.ctx.do("hpke seal", func(st *C.cloak_hpke_context) ([]byte, error) {
		return nil, withCopy(st, C.sizeof_cloak_hpke_context, func(cp *C.cloak_hpke_context) error {
			_, err := cloakHPKESeal(cp, nil, plaintext)
			return err
		})
	})
	return err
}

// checkWithCopiedState checks a batch with a copy of the reader's state.
func (r *BatchReader) checkWithCopiedState(now uint64) error {
	r.state.mu.Lock()
	defer r.state.mu.Unlock()
	if r.state.st == nil {
		return wipedState("batch check")
	}
	return withCopy(r.state.st, C.sizeof_cloak_batch, func(cp *C.cloak_batch) error {
		return cloakBatchCheck(cp, 1, 1, now)
	})
}

// checkWithCopiedState checks a head with a copy of its state.
func (h *Head) checkWithCopiedState(now uint64) error {
	_, err := h.state.run("head check", false, func(st *C.cloak_head) ([]byte, error) {
		return nil, withCopy(st, C.sizeof_cloak_head, func(cp *C.cloak_head) error {
			return cloakHeadCheck(cp, 1, 1, now)
		})
	})
	return err
}
