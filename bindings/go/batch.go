package cloak

/*
#include <cloak.h>
*/
import "C"

import (
	"errors"
	"time"
)

// A batch is a service account's snapshot of a vault at one head version (docs/protocol.md
// section 9): one HPKE encapsulation to the account, items that open on their own in any order,
// and a manifest of every item's digest signed by the creator. It binds the vault id, the epoch,
// the head's version, hash and expiry, the account's key and the creator, so that a holder of the
// account's private key can read the items but cannot alter, add or repeat one, nor pass off a
// batch of another vault, epoch or head.

// BatchDigest is the digest of one sealed item (BLAKE2b-256), the manifest entry the creator signs.
type BatchDigest [BatchDigestBytes]byte

// HeadHash is the hash of a vault head (see [Head.Hash]), which batches carry.
type HeadHash [HeadHashBytes]byte

// batchState is a cloak_batch in C memory, outside the Go heap.
type batchState = guardedState[C.cloak_batch]

// newBatchState allocates owner's state after the checks every batch operation makes.
func newBatchState[O any](op string, state *batchState, owner *O, live bool) error {
	if err := usable(op, live); err != nil {
		return err
	}
	return allocState(op, &state.cState, owner, C.sizeof_cloak_batch, cloakBatchWipe)
}

// unixSeconds is t as the library's u64 Unix time in seconds; times before 1970 are 0.
func unixSeconds(t time.Time) uint64 {
	if s := t.Unix(); s > 0 {
		return uint64(s)
	}
	return 0
}

// fromUnixSeconds is the inverse of unixSeconds (a time past what time.Time holds saturates).
func fromUnixSeconds(s uint64) time.Time {
	const maxSeconds = 1<<63 - 1
	if s > maxSeconds {
		s = maxSeconds
	}
	return time.Unix(int64(s), 0).UTC()
}

// BatchWriter seals the items of one batch, then signs the batch. Any number of goroutines may
// call SealItem at once: the library reserves each item's index atomically. Finish and Wipe wait
// for the SealItem calls under way. Use it through its pointer.
type BatchWriter struct {
	state      batchState
	suite      *suiteImpl
	vaultIDLen int
}

// NewBatchWriter starts a batch for the service account's public key (of either suite: the batch
// has its suite), made by the creator's identity (the one that will sign it with
// [BatchWriter.Finish]), of the vault vaultID (1 to LabelBytesMax bytes) at the vault head of the
// given epoch, version, hash and expiry (the head the creator has just verified; see [Head], and
// [Head.NewBatchWriter], which takes them from the head after checking the account's key against
// its roster). Epoch and head version start at 1 (0 is [ErrBadParams]). The account reads the
// batch until expiry, and must fetch a newer one after.
func NewBatchWriter(account EncryptionPublicKey, creator IdentityPublicKey, vaultID []byte, epoch uint32,
	headVersion uint64, headHash HeadHash, expiry time.Time) (*BatchWriter, error) {
	const op = "batch begin"
	s, err := publicImpl(op, account)
	if err != nil {
		return nil, err
	}
	w := &BatchWriter{suite: s, vaultIDLen: len(vaultID)}
	if err := newBatchState(op, &w.state, w, true); err != nil {
		return nil, err
	}
	if err := s.batchBegin(w.state.st, account.raw(), creator[:], vaultID, epoch, headVersion, headHash[:],
		unixSeconds(expiry)); err != nil {
		w.state.free()
		return nil, err
	}
	return w, nil
}

// SealItem seals one secret (its name, 1 to LabelBytesMax bytes, travels inside the item) as an
// item of BatchItemLen(len(name), len(value)) bytes, and returns it with its index in the batch
// and its digest. Keep every digest at its index: [BatchWriter.Finish] takes them in index order.
// At most BatchItemsMax items. It is safe to call from several goroutines at once.
func (w *BatchWriter) SealItem(name, value []byte) (item []byte, index uint32, digest BatchDigest, err error) {
	const op = "batch seal item"
	w.state.mu.RLock()
	defer w.state.mu.RUnlock()
	if w.state.st == nil {
		return nil, 0, digest, wipedState(op)
	}
	item, index, err = cloakBatchSealItem(w.state.st, digest[:], name, value)
	if err != nil {
		return nil, 0, BatchDigest{}, err
	}
	return item, index, digest, nil
}

// Finish signs the batch with the creator's identity key and returns the batch blob, of
// BatchLen(len(vaultID), len(digests)) bytes to an X25519 key, BatchLenXWing(...) to an X-Wing key. digests are the items' digests in index order, one
// per item sealed ([ErrBadParams] otherwise); a key other than the creator's given to
// [NewBatchWriter] is [ErrMismatch]. The writer is wiped whether it succeeds or not.
func (w *BatchWriter) Finish(digests []BatchDigest, creator *IdentityKey) ([]byte, error) {
	const op = "batch finish"
	w.state.mu.Lock()
	defer w.state.mu.Unlock()
	if w.state.st == nil {
		return nil, wipedState(op)
	}
	defer w.state.free()
	if !creator.live {
		return nil, wiped(op)
	}
	list := make([]byte, 0, len(digests)*BatchDigestBytes)
	for i := range digests {
		list = append(list, digests[i][:]...)
	}
	return cloakBatchFinish(w.state.st, w.suite.batchLen(w.vaultIDLen, len(digests)), list, creator.sk[:])
}

// Wipe zeroes and frees the writer's state without finishing the batch.
func (w *BatchWriter) Wipe() { w.state.wipe() }

// BatchSender returns the identity a batch claims as its creator (parsed, not verified), e.g. to
// tell a user whose fingerprint to check.
func BatchSender(batch []byte) (IdentityPublicKey, error) {
	var p IdentityPublicKey
	return p, cloakBatchSender(p[:], batch)
}

// BatchCount returns the number of items a batch lists (parsed, not verified), e.g. to show what
// a batch holds before trusting it. [VerifyBatch] sizes the reader's tags with it.
func BatchCount(batch []byte) (int, error) {
	n, err := cloakBatchCount(batch)
	return int(n), err
}

// BatchItemIndex returns an item's index in its batch (parsed, not verified).
func BatchItemIndex(item []byte) (uint32, error) {
	return cloakBatchItemIndex(item)
}

// BatchReader opens the items of a verified batch. After [VerifyBatch] the batch's bytes are no
// longer needed: the reader keeps, for every item, a tag (a MAC of the item's signed digest under
// a key that only its C state holds), and these tags never leave it. [BatchReader.Check] must
// succeed before any item opens. Each item opens once: a second open of its index is refused. It
// is safe for concurrent use by several goroutines (item opens take turns). Use it through its
// pointer.
type BatchReader struct {
	state   batchState // its lock, taken exclusively, guards every field
	tags    []byte     // BatchTagBytes per item, written by verify, zeroed by the library as items open
	checked bool
}

// VerifyBatch checks a batch for the service account: that it is of the account key's suite
// ([ErrUnsupportedSuite]) and a batch of the expected vault ([ErrMismatch]), its key id
// ([ErrWrongKey]), its creator against the trusted identities ([ErrUntrustedSigner]) and its
// signature ([ErrBadSignature]), and opens its encapsulation. Then call [BatchReader.Check].
// [Head.VerifyBatch] checks the batch against the vault's head first.
func VerifyBatch(batch, vaultID []byte, account *EncryptionKey, trusted []IdentityPublicKey) (*BatchReader, error) {
	const op = "batch verify"
	s, err := account.usableKey(op)
	if err != nil {
		return nil, err
	}
	// The count is parsed, not verified, only to size the tags; verify checks it with the rest.
	count, err := cloakBatchCount(batch)
	if err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			ce.Op = op
		}
		return nil, err
	}
	if count > BatchItemsMax || int(count) > len(batch)/BatchDigestBytes {
		// A count the blob cannot hold: malformed, as verify would say, without sizing tags for it.
		return nil, &Error{Code: codeMalformed, Op: op}
	}
	list := make([]byte, 0, len(trusted)*IdentityPublicKeyBytes)
	for i := range trusted {
		list = append(list, trusted[i][:]...)
	}
	r := &BatchReader{}
	if err := newBatchState(op, &r.state, r, true); err != nil {
		return nil, err
	}
	tags, err := s.batchVerify(r.state.st, BatchTagsLen(int(count)), batch, vaultID, account.pk, account.sk[:], list)
	if err != nil {
		r.state.free()
		return nil, err
	}
	r.tags = tags
	return r, nil
}

// Check checks the batch's freshness: an epoch below minEpoch or a head version below
// minHeadVersion is [ErrStale] (pass the highest you have seen of this vault, or the minimums your
// configuration pins, 1 if none), and now after the batch's expiry is [ErrExpired]. Items open
// only after a Check succeeded.
func (r *BatchReader) Check(minEpoch uint32, minHeadVersion uint64, now time.Time) error {
	const op = "batch check"
	r.state.mu.Lock()
	defer r.state.mu.Unlock()
	if r.state.st == nil {
		return wipedState(op)
	}
	if err := cloakBatchCheck(r.state.st, minEpoch, minHeadVersion, unixSeconds(now)); err != nil {
		return err
	}
	r.checked = true
	return nil
}

// OpenItem opens one item of the batch and returns the secret's name and value; wipe the value
// when done. A reader not yet checked fails with [ErrBadState] (cause [ErrNotChecked]). An item of
// another batch, or with an index the batch does not list, fails with [ErrMismatch]; one that is
// not the item the creator signed, or whose index was already opened, with [ErrBadSignature]. The
// name is the one the creator signed: compare it with the one you expect.
func (r *BatchReader) OpenItem(item []byte) (name, value []byte, err error) {
	const op = "batch open item"
	r.state.mu.Lock()
	defer r.state.mu.Unlock()
	if r.state.st == nil {
		return nil, nil, wipedState(op)
	}
	if !r.checked {
		return nil, nil, &Error{Code: codeBadState, Op: op, Err: ErrNotChecked}
	}
	return cloakBatchOpenItem(r.state.st, r.tags, item)
}

// accessor runs f on a verified reader's state under its lock; it does nothing after Wipe.
func (r *BatchReader) accessor(f func(*C.cloak_batch)) {
	r.state.mu.Lock()
	defer r.state.mu.Unlock()
	if r.state.st != nil {
		f(r.state.st)
	}
}

// ItemCount is the number of items the batch lists (0 after Wipe).
func (r *BatchReader) ItemCount() (n int) {
	r.accessor(func(st *C.cloak_batch) { n = cloakBatchItemCount(st) })
	return n
}

// Signer is the identity that signed the batch, one of those trusted (zero after Wipe).
func (r *BatchReader) Signer() (p IdentityPublicKey) {
	r.accessor(func(st *C.cloak_batch) { cloakBatchSigner(p[:], st) })
	return p
}

// Epoch is the epoch of the vault key the batch was made under (0 after Wipe).
func (r *BatchReader) Epoch() (epoch uint32) {
	r.accessor(func(st *C.cloak_batch) { epoch = uint32(cloakBatchEpoch(st)) })
	return epoch
}

// HeadVersion is the version of the vault head the batch was made at (0 after Wipe).
func (r *BatchReader) HeadVersion() (version uint64) {
	r.accessor(func(st *C.cloak_batch) { version = uint64(cloakBatchHeadVersion(st)) })
	return version
}

// HeadHash is the hash of the vault head the batch was made at (zero after Wipe).
func (r *BatchReader) HeadHash() (h HeadHash) {
	r.accessor(func(st *C.cloak_batch) { cloakBatchHeadHash(h[:], st) })
	return h
}

// Expiry is the time after which the batch is refused (the Unix epoch after Wipe).
func (r *BatchReader) Expiry() (t time.Time) {
	var s uint64
	r.accessor(func(st *C.cloak_batch) { s = uint64(cloakBatchExpiry(st)) })
	return fromUnixSeconds(s)
}

// Wipe zeroes and frees the reader's state (the HPKE context and the MAC key of the batch) and
// its tags.
func (r *BatchReader) Wipe() {
	r.state.mu.Lock()
	defer r.state.mu.Unlock()
	r.state.free()
	wipeBytes(r.tags)
	r.tags = nil
	r.checked = false
}
