package cloak

/*
#include <cloak.h>
*/
import "C"

import (
	"bytes"
	"cmp"
	"errors"
	"slices"
	"time"
)

// A vault head (docs/protocol.md, "Vault heads and the Merkle tree") is a member-signed statement of
// a vault's state at one version: the vault id, the epoch and its vault key's id, the version (1
// for the first head, one more at every change), the previous head's hash, an expiry, the vault's
// policy, the roster (members and service accounts with the suite and id of their current
// encryption keys, and permissions) and a Merkle root over every secret. A client starts from a
// head it trusts by its signer ([VerifyFirstHead]), accepts each successor only if it chains to the
// head it holds ([Head.VerifyNext]), and checks freshness ([Head.Check]). The roster names each
// member's current key: shares and batches are checked against it ([Head.SealShare],
// [Head.OpenShare], [Head.NewBatchWriter], [Head.VerifyBatch]), so a server that serves a member's
// older X25519 bundle cannot have a share made to it.

// RosterEntry is one entry of a head's roster (docs/protocol.md section 10.2): kind, permissions,
// suite, public key, encryption key id. Make it with [MemberEntry], [ServiceAccountEntry] or
// [NewRosterEntry].
type RosterEntry [RosterEntryBytes]byte

// The fields of a roster entry (section 10.2).
const (
	rosterKindAt      = 0
	rosterPublicKeyAt = 4
)

// NewRosterEntry makes a roster entry from its fields, as cloak_roster_entry takes them. kind is
// RosterMember or RosterServiceAccount; suite is the suite of the encryption key. For a member,
// publicKey is its identity public key, encryptionKeyID the id of its current encryption public
// key and permissions a combination of PermissionWrite and PermissionAdmin; for a service account,
// publicKey is its key's [EncryptionPublicKey.RosterKey], encryptionKeyID that key's id and
// permissions 0. [MemberEntry] and [ServiceAccountEntry] fill these from the keys. Give
// [CreateHead] the entries sorted ([SortRoster]), each key once.
func NewRosterEntry(kind, permissions uint32, suite Suite, publicKey [32]byte, encryptionKeyID KeyID) (RosterEntry, error) {
	var e RosterEntry
	if err := ready("roster entry"); err != nil {
		return e, err
	}
	if err := cloakRosterEntry(e[:], kind, permissions, uint32(suite), publicKey[:], encryptionKeyID[:]); err != nil {
		return RosterEntry{}, err
	}
	return e, nil
}

// MemberEntry is the roster entry of a member: its identity, its permissions (PermissionWrite,
// PermissionAdmin, both or neither: a reader) and its current encryption public key, of either
// suite (an X-Wing key that fails its checks is refused as [XWingPublicKey.KeyHash] says). A member
// who gets a new key (e.g. an X-Wing key replacing an X25519 one) needs a new entry in a new head.
func MemberEntry(identity IdentityPublicKey, permissions uint32, encryption EncryptionPublicKey) (RosterEntry, error) {
	if _, err := publicImpl("roster entry", encryption); err != nil {
		return RosterEntry{}, err
	}
	// The roster key is the key hash for X-Wing, of which the id is the start: computing it checks
	// the key, where ID would give a zero id for a key that fails.
	if _, err := encryption.RosterKey(); err != nil {
		return RosterEntry{}, err
	}
	return NewRosterEntry(RosterMember, permissions, encryption.Suite(), identity, encryption.ID())
}

// ServiceAccountEntry is the roster entry of a service account with this encryption public key,
// of either suite. An X-Wing key that fails its checks is refused as [XWingPublicKey.KeyHash]
// says.
func ServiceAccountEntry(account EncryptionPublicKey) (RosterEntry, error) {
	if _, err := publicImpl("roster entry", account); err != nil {
		return RosterEntry{}, err
	}
	key, err := account.RosterKey()
	if err != nil {
		return RosterEntry{}, err
	}
	return NewRosterEntry(RosterServiceAccount, 0, account.Suite(), key, account.ID())
}

// SortRoster sorts entries as [CreateHead] takes them: by kind (members first), then by public key.
func SortRoster(entries []RosterEntry) {
	slices.SortFunc(entries, func(a, b RosterEntry) int {
		if c := cmp.Compare(a[rosterKindAt], b[rosterKindAt]); c != 0 {
			return c
		}
		return bytes.Compare(a[rosterPublicKeyAt:rosterPublicKeyAt+32], b[rosterPublicKeyAt:rosterPublicKeyAt+32])
	})
}

// CreateHead makes and signs a head, of HeadLen(len(vaultID), len(roster)) bytes: version 1 has a
// zero previousHash, every later version the hash of the head it follows ([Head.Hash]). policy is 0
// or VaultPostQuantumOnly, which requires every roster entry to be of SuiteXWing ([ErrBadParams])
// and makes readers refuse X25519 shares and batches ([ErrPolicy]); a head that sets it where its
// predecessor did not must also start a new epoch (a rotation), or readers refuse it
// ([ErrMismatch]). The signer's right to make the change is checked by readers against the
// previous head's roster, not here.
func CreateHead(vaultID []byte, epoch uint32, vaultKeyID KeyID, version uint64, previousHash HeadHash,
	expiry time.Time, merkleRoot MerkleHash, leafCount, policy uint32, roster []RosterEntry, signer *IdentityKey) ([]byte, error) {
	if err := usable("head create", signer.live); err != nil {
		return nil, err
	}
	list := make([]byte, 0, len(roster)*RosterEntryBytes)
	for i := range roster {
		list = append(list, roster[i][:]...)
	}
	return cloakHeadCreate(vaultID, epoch, vaultKeyID[:], version, previousHash[:], unixSeconds(expiry),
		merkleRoot[:], leafCount, policy, list, signer.sk[:])
}

// Head is a verified vault head. It keeps a copy of the bytes it was verified from (the library
// needs them to follow the chain and to search the roster). It is safe for concurrent use by
// several goroutines. Its state lives in C memory at one fixed address; use it through its
// pointer.
type Head struct {
	state   guardedState[C.cloak_head]
	blob    []byte
	vaultID []byte // the vault id it was verified for, which every successor keeps
}

// newHead allocates a head's state for blob after the checks every verify makes.
func newHead(op string, blob, vaultID []byte) (*Head, error) {
	if err := ready(op); err != nil {
		return nil, err
	}
	h := &Head{blob: append([]byte(nil), blob...), vaultID: append([]byte(nil), vaultID...)}
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
	h, err := newHead(op, blob, vaultID)
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
// writer that changes the roster, the policy or the epoch). A head that makes the vault
// post-quantum only without a new epoch is [ErrMismatch].
func (h *Head) VerifyNext(blob []byte) (*Head, error) {
	const op = "head verify next"
	h.state.mu.RLock()
	defer h.state.mu.RUnlock()
	if h.state.st == nil {
		return nil, wipedState(op)
	}
	next, err := newHead(op, blob, h.vaultID)
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

// Policy is the vault's policy bits: VaultPostQuantumOnly or 0 (0 after Wipe).
func (h *Head) Policy() (p uint32) {
	h.read(func(st *C.cloak_head) { p = uint32(cloakHeadPolicy(st)) })
	return p
}

// PostQuantumOnly reports whether the head makes the vault post-quantum only: every roster key is
// an X-Wing key, and X25519 shares and batches are refused ([ErrPolicy]).
func (h *Head) PostQuantumOnly() bool { return h.Policy()&VaultPostQuantumOnly != 0 }

// VaultID returns a copy of the vault id the head was verified for.
func (h *Head) VaultID() []byte { return append([]byte(nil), h.vaultID...) }

// Bytes returns a copy of the head's blob.
func (h *Head) Bytes() []byte { return append([]byte(nil), h.blob...) }

// RosterFind looks a key up in the head's roster (kind RosterMember with an identity public key,
// or RosterServiceAccount with an encryption key's [EncryptionPublicKey.RosterKey]) and returns its
// permissions and the suite and key id of its current encryption key; a key the roster lacks is
// [ErrMismatch].
func (h *Head) RosterFind(kind uint32, publicKey [32]byte) (permissions uint32, suite Suite, encryptionKeyID KeyID, err error) {
	_, err = h.state.run("head roster find", false, func(st *C.cloak_head) ([]byte, error) {
		var s uint32
		var err error
		permissions, s, err = cloakHeadRosterFind(encryptionKeyID[:], st, h.blob, kind, publicKey[:])
		suite = Suite(s)
		return nil, err
	})
	if err != nil {
		return 0, 0, KeyID{}, err
	}
	return permissions, suite, encryptionKeyID, nil
}

// check runs one of the head checks of docs/protocol.md section 10.8 under the read lock.
func (h *Head) check(op string, f func(st *C.cloak_head) error) error {
	_, err := h.checked(op, f)
	return err
}

// headFields are what a share or a batch takes from its head.
type headFields struct {
	epoch   uint32
	version uint64
	keyID   KeyID
	hash    HeadHash
	expiry  uint64
}

// checked runs a head check and reads the head's fields under one read lock, so that no Wipe
// comes between them.
func (h *Head) checked(op string, f func(st *C.cloak_head) error) (hf headFields, err error) {
	_, err = h.state.run(op, false, func(st *C.cloak_head) ([]byte, error) {
		if err := f(st); err != nil {
			return nil, err
		}
		hf.epoch, hf.version, hf.expiry = uint32(cloakHeadEpoch(st)), uint64(cloakHeadVersion(st)), uint64(cloakHeadExpiry(st))
		cloakHeadVaultKeyID(hf.keyID[:], st)
		cloakHeadHash(hf.hash[:], st)
		return nil, nil
	})
	return hf, err
}

// checkRecipient is the check of [Head.CheckRecipient] (member) or
// [Head.CheckServiceAccountRecipient] (nil member), with the head's fields.
func (h *Head) checkRecipient(member *IdentityPublicKey, key EncryptionPublicKey) (headFields, error) {
	const op = "head check recipient"
	if _, err := publicImpl(op, key); err != nil {
		return headFields{}, err
	}
	return h.checked(op, func(st *C.cloak_head) error {
		// The member's identity is nil (NULL) for a service account.
		var identity []byte
		if member != nil {
			identity = member[:]
		}
		return cloakHeadCheckRecipient(st, h.blob, identity, key.raw())
	})
}

// CheckRecipient checks, before sealing a share, that key is the current encryption key the
// roster names for the member identity: a member the roster lacks, or a key of another id or suite
// (an older X25519 key the server served in a validly signed bundle) is [ErrMismatch], and an
// X25519 key in a post-quantum-only vault [ErrPolicy]. [Head.SealShare] calls it.
func (h *Head) CheckRecipient(member IdentityPublicKey, key EncryptionPublicKey) error {
	_, err := h.checkRecipient(&member, key)
	return err
}

// CheckServiceAccountRecipient is [Head.CheckRecipient] for a batch to a service account: the
// roster must name a service account with this key ([ErrMismatch]), and a post-quantum-only vault
// refuses an X25519 one ([ErrPolicy]). [Head.NewBatchWriter] calls it.
func (h *Head) CheckServiceAccountRecipient(account EncryptionPublicKey) error {
	_, err := h.checkRecipient(nil, account)
	return err
}

// CheckShare checks a share received by the member recipient, before it is opened: the share's
// suite and key id must be those of the member's current key in the roster, and its epoch the
// head's ([ErrMismatch]); an X25519 share in a post-quantum-only vault is [ErrPolicy]. The share is
// parsed, not verified: open it too ([Head.OpenShare] does both).
func (h *Head) CheckShare(recipient IdentityPublicKey, share []byte) error {
	return h.check("head check share", func(st *C.cloak_head) error {
		return cloakHeadCheckShare(st, h.blob, recipient[:], share)
	})
}

// CheckBatch checks a batch a service account received, before it is verified: the roster must
// name a service account of the batch's key id and suite, and the batch's epoch must be the head's
// ([ErrMismatch]); an X25519 batch in a post-quantum-only vault is [ErrPolicy]. The batch is parsed,
// not verified: verify it too ([Head.VerifyBatch] does both).
func (h *Head) CheckBatch(batch []byte) error {
	return h.check("head check batch", func(st *C.cloak_head) error {
		return cloakHeadCheckBatch(st, h.blob, batch)
	})
}

// SealShare shares the head's vault key with a member: it checks that key is the member's current
// key in the roster ([Head.CheckRecipient]) and that vaultKey is the one the head names
// ([ErrMismatch] otherwise), then seals the key at the head's epoch and vault id ([SealShare]), in
// the suite of the member's key.
func (h *Head) SealShare(vaultKey *VaultKey, member IdentityPublicKey, key EncryptionPublicKey, sender *IdentityKey) ([]byte, error) {
	const op = "share seal"
	if err := usable(op, vaultKey.live); err != nil {
		return nil, err
	}
	hf, err := h.checkRecipient(&member, key)
	if err != nil {
		return nil, err
	}
	if vaultKey.ID() != hf.keyID {
		return nil, &Error{Code: codeMismatch, Op: op, Err: errNotHeadKey}
	}
	return SealShare(vaultKey, hf.epoch, h.vaultID, key, sender)
}

// errNotHeadKey is the cause of the [ErrMismatch] of a share whose vault key is not its head's.
var errNotHeadKey = errors.New("the vault key is not the one the head names")

// OpenShare opens a share to the member me (with its encryption key pair) after checking it
// against the head ([Head.CheckShare]): a share to the member's current key, at the head's epoch.
// Then [OpenShare] checks the sender against trustedSender and the signature, and the vault key it
// opens must be the one the head names ([ErrMismatch] otherwise).
func (h *Head) OpenShare(share []byte, me IdentityPublicKey, key *EncryptionKey, trustedSender IdentityPublicKey) (*VaultKey, error) {
	const op = "share open"
	hf, err := h.checked("head check share", func(st *C.cloak_head) error {
		return cloakHeadCheckShare(st, h.blob, me[:], share)
	})
	if err != nil {
		return nil, err
	}
	vk, _, err := OpenShare(share, h.vaultID, key, trustedSender, hf.epoch)
	if err != nil {
		return nil, err
	}
	if vk.ID() != hf.keyID {
		vk.Wipe()
		return nil, &Error{Code: codeMismatch, Op: op, Err: errNotHeadKey}
	}
	return vk, nil
}

// NewBatchWriter starts a batch for a service account at this head: it checks the account's key
// against the roster ([Head.CheckServiceAccountRecipient]), then begins the batch ([NewBatchWriter])
// with the head's vault id, epoch, version, hash and expiry.
func (h *Head) NewBatchWriter(account EncryptionPublicKey, creator IdentityPublicKey) (*BatchWriter, error) {
	hf, err := h.checkRecipient(nil, account)
	if err != nil {
		return nil, err
	}
	return NewBatchWriter(account, creator, h.vaultID, hf.epoch, hf.version, hf.hash, fromUnixSeconds(hf.expiry))
}

// VerifyBatch checks a batch the service account received against the head ([Head.CheckBatch]),
// then verifies it for the account ([VerifyBatch]) with the head's vault id. Then call
// [BatchReader.Check].
func (h *Head) VerifyBatch(batch []byte, account *EncryptionKey, trusted []IdentityPublicKey) (*BatchReader, error) {
	if err := h.CheckBatch(batch); err != nil {
		return nil, err
	}
	return VerifyBatch(batch, h.vaultID, account, trusted)
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
