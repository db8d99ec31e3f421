package cloak

/*
#include <cloak.h>
*/
import "C"

import "time"

// A vault head (docs/protocol.md, "Vault heads and the Merkle tree") is a member-signed statement of
// a vault's state at one version: the vault id, the epoch and its vault key's id, the version (1
// for the first head, one more at every change), the previous head's hash, an expiry, the roster
// (members and service accounts with their keys and permissions) and a Merkle root over every
// secret. A client starts from a head it trusts by its signer ([VerifyFirstHead]), accepts each
// successor only if it chains to the head it holds ([Head.VerifyNext]), and checks freshness
// ([Head.Check]).

// RosterEntry is one entry of a head's roster, made by [NewRosterEntry].
type RosterEntry [RosterEntryBytes]byte

// NewRosterEntry makes a roster entry. kind is RosterMember or RosterServiceAccount; for a member,
// publicKey is its identity public key, encryptionKeyID the key id of its encryption public key
// (see [EncryptionPublicKey.ID]) and permissions a combination of PermissionWrite and
// PermissionAdmin; for a service account, publicKey is its encryption public key,
// encryptionKeyID that key's id and permissions 0. Give [CreateHead] the entries sorted by kind,
// then public key, each key once.
func NewRosterEntry(kind, permissions uint32, publicKey [32]byte, encryptionKeyID KeyID) (RosterEntry, error) {
	var e RosterEntry
	if err := ready("roster entry"); err != nil {
		return e, err
	}
	if err := cloakRosterEntry(e[:], kind, permissions, publicKey[:], encryptionKeyID[:]); err != nil {
		return RosterEntry{}, err
	}
	return e, nil
}

// CreateHead makes and signs a head, of HeadLen(len(vaultID), len(roster)) bytes: version 1 has a
// zero previousHash, every later version the hash of the head it follows ([Head.Hash]). The
// signer's right to make the change is checked by readers against the previous head's roster, not
// here.
func CreateHead(vaultID []byte, epoch uint32, vaultKeyID KeyID, version uint64, previousHash HeadHash,
	expiry time.Time, merkleRoot MerkleHash, leafCount uint32, roster []RosterEntry, signer *IdentityKey) ([]byte, error) {
	if err := usable("head create", signer.live); err != nil {
		return nil, err
	}
	list := make([]byte, 0, len(roster)*RosterEntryBytes)
	for i := range roster {
		list = append(list, roster[i][:]...)
	}
	return cloakHeadCreate(vaultID, epoch, vaultKeyID[:], version, previousHash[:], unixSeconds(expiry),
		merkleRoot[:], leafCount, list, signer.sk[:])
}

// Head is a verified vault head. It keeps a copy of the bytes it was verified from (the library
// needs them to follow the chain and to search the roster). It is safe for concurrent use by
// several goroutines. Its state lives in C memory at one fixed address; use it through its
// pointer.
type Head struct {
	state guardedState[C.cloak_head]
	blob  []byte
}

// newHead allocates a head's state for blob after the checks every verify makes.
func newHead(op string, blob []byte) (*Head, error) {
	if err := ready(op); err != nil {
		return nil, err
	}
	h := &Head{blob: append([]byte(nil), blob...)}
	if err := allocState(op, &h.state.cState, h, C.sizeof_cloak_head, cloakHeadWipe); err != nil {
		return nil, err
	}
	return h, nil
}

// VerifyFirstHead verifies a head the caller takes as its starting point: of the expected vault
// ([ErrMismatch]), signed by one of the trusted identities who is an admin of the head's own
// roster ([ErrUntrustedSigner]), with a valid signature ([ErrBadSignature]).
func VerifyFirstHead(blob, vaultID []byte, trusted []IdentityPublicKey) (*Head, error) {
	const op = "head verify first"
	list := make([]byte, 0, len(trusted)*IdentityPublicKeyBytes)
	for i := range trusted {
		list = append(list, trusted[i][:]...)
	}
	h, err := newHead(op, blob)
	if err != nil {
		return nil, err
	}
	if err := cloakHeadVerifyFirst(h.state.st, h.blob, vaultID, list); err != nil {
		h.state.free()
		return nil, err
	}
	return h, nil
}

// VerifyNext verifies the successor of h and returns it: it must be version h.Version()+1 (an
// older or equal version is [ErrStale], a gap [ErrMismatch]: fetch the heads between), chain to
// h's hash (a fork is [ErrMismatch]), keep the epoch or raise it by one, and be signed by a member
// that h's roster allows to make the change ([ErrUntrustedSigner]: a removed member, or a
// writer that changes the roster or the epoch).
func (h *Head) VerifyNext(blob []byte) (*Head, error) {
	const op = "head verify next"
	h.state.mu.RLock()
	defer h.state.mu.RUnlock()
	if h.state.st == nil {
		return nil, wipedState(op)
	}
	next, err := newHead(op, blob)
	if err != nil {
		return nil, err
	}
	if err := cloakHeadVerifyNext(next.state.st, h.state.st, h.blob, next.blob); err != nil {
		next.state.free()
		return nil, err
	}
	return next, nil
}

// Check checks the head's freshness: an epoch below minEpoch or a version below minVersion is
// [ErrStale], now after the head's expiry [ErrExpired].
func (h *Head) Check(minEpoch uint32, minVersion uint64, now time.Time) error {
	_, err := h.state.run("head check", false, func(st *C.cloak_head) ([]byte, error) {
		return nil, cloakHeadCheck(st, minEpoch, minVersion, unixSeconds(now))
	})
	return err
}

// read runs f on a verified head's state under its read lock; it does nothing after Wipe.
func (h *Head) read(f func(*C.cloak_head)) {
	_, _ = h.state.run("head", false, func(st *C.cloak_head) ([]byte, error) { f(st); return nil, nil })
}

// Version is the head's version (0 after Wipe).
func (h *Head) Version() (v uint64) {
	h.read(func(st *C.cloak_head) { v = uint64(cloakHeadVersion(st)) })
	return v
}

// Epoch is the epoch of the vault key the head names (0 after Wipe).
func (h *Head) Epoch() (e uint32) {
	h.read(func(st *C.cloak_head) { e = uint32(cloakHeadEpoch(st)) })
	return e
}

// Expiry is the time after which the head is refused (the Unix epoch after Wipe).
func (h *Head) Expiry() time.Time {
	var s uint64
	h.read(func(st *C.cloak_head) { s = uint64(cloakHeadExpiry(st)) })
	return fromUnixSeconds(s)
}

// LeafCount is the number of secrets the head's Merkle tree commits to (0 after Wipe).
func (h *Head) LeafCount() (n int) {
	h.read(func(st *C.cloak_head) { n = cloakHeadLeafCount(st) })
	return n
}

// Hash is the head's hash: the next head's previous hash, and what batches made at this head carry
// (zero after Wipe).
func (h *Head) Hash() (hash HeadHash) {
	h.read(func(st *C.cloak_head) { cloakHeadHash(hash[:], st) })
	return hash
}

// MerkleRoot is the root of the tree over the vault's secrets (zero after Wipe).
func (h *Head) MerkleRoot() (root MerkleHash) {
	h.read(func(st *C.cloak_head) { cloakHeadMerkleRoot(root[:], st) })
	return root
}

// VaultKeyID is the id of the epoch's vault key ([VaultKey.ID]; zero after Wipe).
func (h *Head) VaultKeyID() (id KeyID) {
	h.read(func(st *C.cloak_head) { cloakHeadVaultKeyID(id[:], st) })
	return id
}

// Signer is the identity that signed the head (zero after Wipe).
func (h *Head) Signer() (p IdentityPublicKey) {
	h.read(func(st *C.cloak_head) { cloakHeadSigner(p[:], st) })
	return p
}

// Bytes returns a copy of the head's blob.
func (h *Head) Bytes() []byte { return append([]byte(nil), h.blob...) }

// RosterFind looks a key up in the head's roster (kind RosterMember with an identity public key,
// or RosterServiceAccount with an encryption public key) and returns its permissions and its
// encryption key id; a key the roster lacks is [ErrMismatch].
func (h *Head) RosterFind(kind uint32, publicKey [32]byte) (permissions uint32, encryptionKeyID KeyID, err error) {
	_, err = h.state.run("head roster find", false, func(st *C.cloak_head) ([]byte, error) {
		var err error
		permissions, err = cloakHeadRosterFind(encryptionKeyID[:], st, h.blob, kind, publicKey[:])
		return nil, err
	})
	if err != nil {
		return 0, KeyID{}, err
	}
	return permissions, encryptionKeyID, nil
}

// VerifyInclusion checks that a secret is in the vault as sealed: its leaf ([NewMerkleLeaf]) is in
// the head's tree ([ErrMismatch] if not; a proof that does not parse is [ErrMalformed]).
func (h *Head) VerifyInclusion(leaf MerkleLeaf, proof []byte) error {
	_, err := h.state.run("merkle verify inclusion", false, func(st *C.cloak_head) ([]byte, error) {
		return nil, cloakMerkleVerifyInclusion(st, leaf[:], proof)
	})
	return err
}

// VerifyAbsence checks that no secret of the head's tree has this blind index ([ErrMismatch] if
// one may; a proof that does not parse is [ErrMalformed]).
func (h *Head) VerifyAbsence(blindIndex, proof []byte) error {
	_, err := h.state.run("merkle verify absence", false, func(st *C.cloak_head) ([]byte, error) {
		return nil, cloakMerkleVerifyAbsence(st, blindIndex, proof)
	})
	return err
}

// Wipe zeroes and frees the head's state. Calling it again does nothing.
func (h *Head) Wipe() { h.state.wipe() }
