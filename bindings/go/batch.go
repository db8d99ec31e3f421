package cloak

/*
#include <cloak.h>
*/
import "C"

import "sync"

// A batch re-encrypts the secrets of a vault to a service account with one HPKE encapsulation
// (docs/protocol.md section 9). Its items open on their own, in any order; the batch blob carries
// the digest of every item, signed by its creator, so a holder of the account's private key can
// read the items but cannot alter or add one.

// batchState is a cloak_batch in C memory, outside the Go heap.
type batchState = cState[C.cloak_batch]

// newBatchState allocates owner's state after the checks every batch operation makes.
func newBatchState[O any](op string, state *batchState, owner *O, live bool) error {
	if err := usable(op, live); err != nil {
		return err
	}
	return allocState(op, state, owner, C.sizeof_cloak_batch, cloakBatchWipe)
}

// BatchWriter seals the items of one batch, then signs the batch. It is safe for concurrent use
// (items are numbered in the order their SealItem calls take the writer's lock). Do not copy it.
type BatchWriter struct {
	mu         sync.Mutex
	state      batchState
	vaultIDLen int
	digests    []byte // BatchDigestBytes per item sealed, in order
}

// NewBatchWriter starts a batch for the service account's public key and a vault id (1 to
// LabelBytesMax bytes).
func NewBatchWriter(account EncryptionPublicKey, vaultID []byte) (*BatchWriter, error) {
	w := &BatchWriter{vaultIDLen: len(vaultID)}
	if err := newBatchState("batch begin", &w.state, w, true); err != nil {
		return nil, err
	}
	if err := cloakBatchBegin(w.state.st, account[:], vaultID); err != nil {
		w.state.free()
		return nil, err
	}
	return w, nil
}

// SealItem seals one secret (its name, 1 to LabelBytesMax bytes, travels inside the item) as the
// batch's next item, of BatchItemLen(len(name), len(value)) bytes. At most BatchItemsMax items.
func (w *BatchWriter) SealItem(name, value []byte) ([]byte, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.state.st == nil {
		return nil, wiped("batch seal item")
	}
	var digest [BatchDigestBytes]byte
	item, err := cloakBatchSealItem(w.state.st, digest[:], name, value)
	if err != nil {
		return nil, err
	}
	w.digests = append(w.digests, digest[:]...)
	return item, nil
}

// Len is the number of items sealed so far.
func (w *BatchWriter) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.digests) / BatchDigestBytes
}

// Finish signs the batch with the creator's identity and returns the batch blob, of
// BatchLen(len(vaultID), w.Len()) bytes. The writer is wiped whether it succeeds or not.
func (w *BatchWriter) Finish(creator *IdentityKey) ([]byte, error) {
	const op = "batch finish"
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.state.st == nil {
		return nil, wiped(op)
	}
	defer w.state.free()
	if !creator.live {
		return nil, wiped(op)
	}
	return cloakBatchFinish(w.state.st, BatchLen(w.vaultIDLen, len(w.digests)/BatchDigestBytes), w.digests,
		creator.sk[:])
}

// Wipe zeroes and frees the writer's state without finishing the batch.
func (w *BatchWriter) Wipe() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.state.free()
}

// BatchSender returns the identity a batch claims as its creator (parsed, not verified), e.g. to
// tell a user whose fingerprint to check.
func BatchSender(batch []byte) (IdentityPublicKey, error) {
	var p IdentityPublicKey
	return p, cloakBatchSender(p[:], batch)
}

// BatchItemIndex returns an item's index in its batch (parsed, not verified), e.g. to notice a
// repeated item.
func BatchItemIndex(item []byte) (uint32, error) {
	return cloakBatchItemIndex(item)
}

// BatchReader opens the items of a verified batch. It keeps its own copy of the batch's bytes, the
// very bytes that were verified. It is safe for concurrent use by several goroutines.
type BatchReader struct {
	mu    sync.RWMutex
	state batchState
	batch []byte
}

// VerifyBatch checks a batch for the service account: its key id ([ErrWrongKey]), its creator
// against the trusted identities ([ErrUntrustedSigner]) and its signature ([ErrBadSignature]),
// and opens its encapsulation.
func VerifyBatch(batch []byte, account *EncryptionKey, trusted []IdentityPublicKey) (*BatchReader, error) {
	list := make([]byte, 0, len(trusted)*IdentityPublicKeyBytes)
	for i := range trusted {
		list = append(list, trusted[i][:]...)
	}
	r := &BatchReader{batch: append([]byte(nil), batch...)}
	if err := newBatchState("batch verify", &r.state, r, account.live); err != nil {
		return nil, err
	}
	if err := cloakBatchVerify(r.state.st, r.batch, account.pk[:], account.sk[:], list); err != nil {
		r.state.free()
		return nil, err
	}
	return r, nil
}

// ItemCount is the number of items the batch lists (0 after Wipe).
func (r *BatchReader) ItemCount() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.state.st == nil {
		return 0
	}
	return cloakBatchItemCount(r.state.st)
}

// Signer is the identity that signed the batch, one of those trusted (zero after Wipe).
func (r *BatchReader) Signer() IdentityPublicKey {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var p IdentityPublicKey
	if r.state.st != nil {
		cloakBatchSigner(p[:], r.state.st)
	}
	return p
}

// OpenItem opens one item of the batch and returns the secret's name and value. An item of
// another batch, or with an index the batch does not list, fails with [ErrMismatch]; one that is
// not the item the creator signed fails with [ErrBadSignature].
func (r *BatchReader) OpenItem(item []byte) (name, value []byte, err error) {
	return r.open("batch open item", item, nil)
}

// OpenNamedItem opens one item that must hold the secret called name ([ErrMismatch] otherwise)
// and returns its value.
func (r *BatchReader) OpenNamedItem(item, name []byte) ([]byte, error) {
	if len(name) == 0 {
		// An empty expected name must not turn into "any name" (a NULL pointer for C).
		return nil, paramError("batch open named item", codeBadParams, nil)
	}
	_, value, err := r.open("batch open named item", item, name)
	return value, err
}

func (r *BatchReader) open(op string, item, expected []byte) ([]byte, []byte, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.state.st == nil {
		return nil, nil, wiped(op)
	}
	return cloakBatchOpenItem(r.state.st, r.batch, item, expected)
}

// Wipe zeroes and frees the reader's state (the HPKE context of the batch).
func (r *BatchReader) Wipe() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.state.free()
}
