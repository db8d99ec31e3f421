"""Vault heads and the Merkle commitment over a vault's secrets.

A head is a member-signed statement of a vault's state at one version: the vault id, the epoch and
the key id of that epoch's vault key, the version (1, then +1 at every change), the hash of the
previous head, an expiry time, the roster (members and service accounts) and a Merkle root over
every secret, and the vault's policy (post-quantum only or not). A reader trusts its first head by
its signer (Head.verify_first()), then follows the chain (Head.verify_next()), and checks freshness
(Head.check()). A verified head answers inclusion (a secret is in the vault as sealed) and absence
(no secret has this blind index) proofs, and says which key of each member and service account is
current, in which suite: Head.seal_share(), .open_share(), .batch_writer() and .open_batch() check
shares and batches against it (docs/protocol.md 10.8), so that a server serving a member's older
X25519 bundle cannot get a vault key shared over X25519."""

from __future__ import annotations

import time
from typing import Any, NamedTuple, Optional, Sequence, Union

from . import _low
from . import constants as K
from ._buf import BytesLike, Label, label
from ._state import CState
from .batch import BatchReader, BatchWriter, TrustedKeys, _trusted
from .envelope import Suite
from .errors import MismatchError
from .keys import EncryptionKeyPair, EncryptionPublicKey, IdentityKeyPair, SymmetricKey, _identity_sk, _key, _public_key
from .vault import OpenedShare, share_open, share_seal

__all__ = ["Head", "RosterEntry", "roster_entry", "roster_member", "roster_service_account", "head_len",
           "head_create", "merkle_leaf", "merkle_root", "merkle_prove_inclusion", "merkle_prove_absence"]

IdentityKey = Union[BytesLike, IdentityKeyPair]
PublicKey = Union[EncryptionPublicKey, EncryptionKeyPair, BytesLike]


def _identity_public(key: IdentityKey) -> Any:
    return key.public_key if isinstance(key, IdentityKeyPair) else key

Leaves = Union[Sequence[BytesLike], BytesLike]


def head_len(vault_id_len: int, roster_count: int) -> int:
    """cloak_head_len(): the length of a head blob."""
    return int(_low.head_len(vault_id_len, roster_count))


def roster_entry(kind: int, permissions: int, suite: int, public_key: BytesLike, encryption_key_id: BytesLike) -> bytes:
    """cloak_roster_entry(): one roster entry (ROSTER_ENTRYBYTES), in the C function's argument
    order. For a member (kind ROSTER_MEMBER): its permissions (PERMISSION_WRITE, PERMISSION_ADMIN),
    the suite of its current encryption key, its identity public key and that encryption key's id.
    For a service account (ROSTER_SERVICE_ACCOUNT): no permissions, its key's suite, its key's
    binding (EncryptionPublicKey.binding: an X25519 key itself, an X-Wing key's key hash) and id.
    roster_member() and roster_service_account() fill these in from the keys."""
    return bytes(_low.roster_entry(kind, permissions, suite, public_key, encryption_key_id))


def roster_member(identity: IdentityKey, encryption_public_key: PublicKey, permissions: int = 0) -> bytes:
    """A member's roster entry: its identity, and the suite and key id of its current encryption
    key (an EncryptionPublicKey, e.g. from bundle_verify(), its bytes, or the key pair)."""
    pk = _public_key(encryption_public_key, "encryption_public_key")
    return roster_entry(K.ROSTER_MEMBER, permissions, pk.suite, _identity_public(identity), pk.key_id)


def roster_service_account(account_public_key: PublicKey) -> bytes:
    """A service account's roster entry, from its public key of either suite."""
    pk = _public_key(account_public_key, "account_public_key")
    return roster_entry(K.ROSTER_SERVICE_ACCOUNT, 0, pk.suite, pk.binding, pk.key_id)


def head_create(vault_id: Label, epoch: int, vault_key_id: BytesLike, version: int,
                previous_hash: Optional[BytesLike], expiry: int, merkle_root: BytesLike, leaf_count: int,
                roster: Union[Sequence[BytesLike], BytesLike], signer: IdentityKeyPair, *, policy: int = 0) -> bytes:
    """cloak_head_create(): a head signed by `signer`. previous_hash is the hash of the head it
    follows (None, meaning all zero, for version 1); the roster's entries are sorted by (kind,
    public key), each key once. `policy` is 0 or VAULT_POST_QUANTUM_ONLY (then every roster entry
    must be of suite 2, BadParamsError; readers also want a head that sets it to raise the epoch).
    Readers check the signer's rights against the previous head's roster, not this function."""
    prev = bytes(K.HEAD_HASHBYTES) if previous_hash is None else previous_hash
    return bytes(_low.head_create(label(vault_id, "vault_id"), epoch, vault_key_id, version, prev, expiry,
                                  merkle_root, leaf_count, policy, roster, _identity_sk(signer, "signer")))


def merkle_leaf(blind_index: BytesLike, sealed: BytesLike) -> bytes:
    """cloak_merkle_leaf(): a secret's leaf, its blind index and a digest of its sealed bytes."""
    return bytes(_low.merkle_leaf(blind_index, sealed))


def merkle_root(leaves: Leaves) -> bytes:
    """cloak_merkle_root(): the root over leaves strictly increasing by blind index (a list of
    MERKLE_LEAFBYTES leaves, or their concatenation; BadParamsError otherwise)."""
    return bytes(_low.merkle_root(leaves))


def merkle_prove_inclusion(leaves: Leaves, index: int) -> bytes:
    """cloak_merkle_prove_inclusion(): a proof that leaves[index] is in the tree."""
    return bytes(_low.merkle_prove_inclusion(leaves, index))


def merkle_prove_absence(leaves: Leaves, blind_index: BytesLike) -> bytes:
    """cloak_merkle_prove_absence(): a proof that no leaf has this blind index."""
    return bytes(_low.merkle_prove_absence(leaves, blind_index))


class RosterEntry(NamedTuple):
    """What Head.roster_find() gives: the entry's permissions, the suite of its encryption key and
    that key's id."""

    permissions: int
    suite: Union[Suite, int]
    encryption_key_id: bytes


def _roster_key(key: object) -> Any:
    """The 32 bytes a roster entry is found by: a member's identity key, or a service account's
    binding (an encryption public key or key pair is turned into it; raw 32 bytes are taken as it)."""
    if isinstance(key, IdentityKeyPair):
        return key.public_key
    if isinstance(key, (EncryptionPublicKey, EncryptionKeyPair)):
        return _public_key(key).binding
    if isinstance(key, (bytes, bytearray, memoryview)) and len(key) == K.XWING_PUBLICKEYBYTES:
        return EncryptionPublicKey(key).binding
    return key


class Head(CState):
    """A verified vault head (a cloak_head state) and the bytes it was verified from.

    Made by Head.verify_first() (a head trusted by its signer) or head.verify_next() (its
    successor). The object keeps the blob it was verified from and passes exactly those bytes where
    the library needs them (the next head's check, roster lookups). Read-only after verification, so
    one Head may serve many threads; wiped by wipe(), on context manager exit and when
    garbage-collected."""

    __slots__ = ("blob", "vault_id")
    blob: bytes
    vault_id: bytes
    _wipe_state = staticmethod(_low.head_wipe)
    _no_copy = "is bound to its memory and cannot be pickled or copied"

    def __init__(self) -> None:
        raise TypeError("use Head.verify_first() or head.verify_next()")

    @classmethod
    def _blank(cls, blob: BytesLike, vault_id: bytes) -> "Head":
        obj = cls.__new__(cls)
        obj._new_state(K.HEAD_STATEBYTES)
        obj.blob = bytes(blob)
        obj.vault_id = vault_id
        return obj

    @classmethod
    def verify_first(cls, blob: BytesLike, vault_id: Label, trusted: TrustedKeys) -> "Head":
        """cloak_head_verify_first(): a head of `vault_id` the caller takes as its starting point,
        signed by one of `trusted` who is an admin in the head's own roster."""
        vid = label(vault_id, "vault_id")
        head = cls._blank(blob, vid)
        _low.head_verify_first(head._state, head.blob, vid, _trusted(trusted))
        head._live = True
        return head

    def verify_next(self, blob: BytesLike) -> "Head":
        """cloak_head_verify_next(): this head's successor. An older or equal version is StaleError;
        a gap or a fork (another previous hash) MismatchError; a signer this head's roster does not
        allow to make the change UntrustedSignerError."""
        head = type(self)._blank(blob, self.vault_id)
        _low.head_verify_next(head._state, self._ptr(), self.blob, head.blob)
        head._live = True
        return head

    def check(self, min_epoch: int, min_version: int, now: Optional[int] = None) -> None:
        """cloak_head_check(): an epoch below min_epoch or a version below min_version is StaleError,
        `now` (Unix seconds; the system clock by default) past the expiry ExpiredError."""
        _low.head_check(self._ptr(), min_epoch, min_version, int(time.time()) if now is None else now)

    @property
    def version(self) -> int:
        """cloak_head_version()."""
        return int(_low.head_version(self._ptr()))

    @property
    def epoch(self) -> int:
        """cloak_head_epoch()."""
        return int(_low.head_epoch(self._ptr()))

    @property
    def expiry(self) -> int:
        """cloak_head_expiry(): Unix seconds."""
        return int(_low.head_expiry(self._ptr()))

    @property
    def leaf_count(self) -> int:
        """cloak_head_leaf_count(): the number of secrets the Merkle root covers."""
        return int(_low.head_leaf_count(self._ptr()))

    @property
    def policy(self) -> int:
        """cloak_head_policy(): the vault policy bits (VAULT_POST_QUANTUM_ONLY)."""
        return int(_low.head_policy(self._ptr()))

    @property
    def post_quantum_only(self) -> bool:
        """Whether the head makes the vault post-quantum only: X-Wing keys, shares and batches only."""
        return bool(self.policy & K.VAULT_POST_QUANTUM_ONLY)

    @property
    def hash(self) -> bytes:
        """cloak_head_hash(): what the next head, shares' and batches' head hashes refer to."""
        return bytes(_low.head_hash(self._ptr()))

    @property
    def merkle_root(self) -> bytes:
        """cloak_head_merkle_root()."""
        return bytes(_low.head_merkle_root(self._ptr()))

    @property
    def vault_key_id(self) -> bytes:
        """cloak_head_vault_key_id(): the key id of the epoch's vault key."""
        return bytes(_low.head_vault_key_id(self._ptr()))

    @property
    def signer(self) -> bytes:
        """cloak_head_signer(): the identity that signed the head."""
        return bytes(_low.head_signer(self._ptr()))

    def roster_find(self, kind: int, public_key: Union[PublicKey, IdentityKeyPair]) -> RosterEntry:
        """cloak_head_roster_find(): a key's entry in the roster (MismatchError if it has none): a
        member's identity key (or IdentityKeyPair), or a service account's key (its binding; an
        EncryptionPublicKey or key pair is turned into it)."""
        permissions, suite, key_id = _low.head_roster_find(self._ptr(), self.blob, kind, _roster_key(public_key))
        try:
            suite = Suite(suite)
        except ValueError:
            pass
        return RosterEntry(int(permissions), suite, bytes(key_id))

    # ---- downgrade and policy checks (docs/protocol.md 10.8) ----------------------------------------

    def check_recipient(self, member: Optional[IdentityKey], encryption_public_key: PublicKey) -> None:
        """cloak_head_check_recipient(): before sealing a share to a member (`member` its identity
        key) or a batch to a service account (`member` None), that the key is the one the roster
        names for it, in its suite (MismatchError: an older key, or one the roster lacks), and is an
        X-Wing key if the vault is post-quantum only (PolicyError)."""
        # Passed as given: the library judges the length (32 or 1216 bytes, else BadParamsError).
        pk = (encryption_public_key.public_key if isinstance(encryption_public_key, EncryptionKeyPair)
              else encryption_public_key)
        # No member (None, NULL in C) for a service account's key.
        identity = None if member is None else _identity_public(member)
        _low.head_check_recipient(self._ptr(), self.blob, identity, pk)

    def check_share(self, recipient: IdentityKey, share: BytesLike) -> None:
        """cloak_head_check_share(): before opening a share to the member `recipient` (its identity
        key), that it is sealed to the key the roster names for that member, in its suite, and of
        this head's epoch (MismatchError), and of suite 2 if the vault is post-quantum only
        (PolicyError). The share is parsed, not verified: open it too."""
        _low.head_check_share(self._ptr(), self.blob, _identity_public(recipient), share)

    def check_batch(self, batch: BytesLike) -> None:
        """cloak_head_check_batch(): before verifying a service account's batch, that it is sealed
        to a service account's key the roster names, in its suite, and of this head's epoch
        (MismatchError), and of suite 2 if the vault is post-quantum only (PolicyError)."""
        _low.head_check_batch(self._ptr(), self.blob, batch)

    # ---- shares and batches checked against this head -------------------------------------------------

    def seal_share(self, vault_key: Union[SymmetricKey, BytesLike], member: IdentityKey,
                   recipient_public_key: PublicKey, sender: IdentityKeyPair) -> bytes:
        """A share of this head's vault key and epoch to a member: the key must be the head's
        (MismatchError), the recipient key the one the roster names for `member` (check_recipient());
        then share_seal() in the key's suite."""
        key = _key(vault_key, "vault_key")
        if _low.key_id(key) != self.vault_key_id:
            raise MismatchError("the vault key is not the one this head names")
        self.check_recipient(member, recipient_public_key)
        return share_seal(key, self.epoch, self.vault_id, recipient_public_key, sender)

    def open_share(self, share: BytesLike, member: IdentityKey, recipient: EncryptionKeyPair,
                   trusted_sender: IdentityKey) -> OpenedShare:
        """A share to this member (`member` its identity, `recipient` its encryption key pair) checked
        against the head (check_share()), opened (share_open(), at this head's epoch) and its vault
        key checked against the one the head names (MismatchError)."""
        self.check_share(member, share)
        opened = share_open(share, self.vault_id, recipient, _identity_public(trusted_sender), self.epoch)
        if opened.vault_key.key_id != self.vault_key_id:
            opened.vault_key.wipe()
            raise MismatchError("the shared vault key is not the one this head names")
        return opened

    def batch_writer(self, account_public_key: PublicKey, creator: IdentityKey, expiry: Optional[int] = None
                     ) -> BatchWriter:
        """A BatchWriter to a service account for a snapshot at this head (its vault id, epoch,
        version and hash; its expiry unless given), once the account's key is the one the roster
        names (check_recipient())."""
        self.check_recipient(None, account_public_key)
        return BatchWriter(account_public_key, _identity_public(creator), self.vault_id, self.epoch, self.version,
                           self.hash, self.expiry if expiry is None else expiry)

    def open_batch(self, batch: BytesLike, account: EncryptionKeyPair, trusted: TrustedKeys) -> BatchReader:
        """A service account's BatchReader over a batch checked against this head (check_batch());
        call check() on it, as on any reader, before opening items."""
        self.check_batch(batch)
        return BatchReader(batch, self.vault_id, account, trusted)

    def verify_inclusion(self, leaf: BytesLike, proof: BytesLike) -> None:
        """cloak_merkle_verify_inclusion(): returns if the leaf is in this head's tree, else raises
        MismatchError (MalformedError for a proof that does not parse)."""
        _low.merkle_verify_inclusion(self._ptr(), leaf, proof)

    def verify_absence(self, blind_index: BytesLike, proof: BytesLike) -> None:
        """cloak_merkle_verify_absence(): returns if no leaf of this head's tree has the blind index,
        else raises MismatchError (MalformedError for a proof that does not parse)."""
        _low.merkle_verify_absence(self._ptr(), blind_index, proof)

    def __repr__(self) -> str:
        if not self._live:
            return "Head(vault_id=%r, wiped)" % (self.vault_id,)
        return "Head(vault_id=%r, version=%d, epoch=%d, policy=%d, hash=%s)" % (
            self.vault_id, self.version, self.epoch, self.policy, self.hash.hex())
