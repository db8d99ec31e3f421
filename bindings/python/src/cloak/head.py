"""Vault heads and the Merkle commitment over a vault's secrets.

A head is a member-signed statement of a vault's state at one version: the vault id, the epoch and
the key id of that epoch's vault key, the version (1, then +1 at every change), the hash of the
previous head, an expiry time, the roster (members and service accounts) and a Merkle root over
every secret. A reader trusts its first head by its signer (Head.verify_first()), then follows the
chain (Head.verify_next()), and checks freshness (Head.check()). A verified head answers inclusion
(a secret is in the vault as sealed) and absence (no secret has this blind index) proofs."""

from __future__ import annotations

import time
from typing import NamedTuple, Optional, Sequence, Union

from . import _low
from . import constants as K
from ._buf import BytesLike, Label, label
from ._state import CState
from .batch import TrustedKeys, _trusted
from .keys import IdentityKeyPair, _identity_sk

__all__ = ["Head", "RosterEntry", "roster_entry", "head_len", "head_create", "merkle_leaf", "merkle_root",
           "merkle_prove_inclusion", "merkle_prove_absence"]

Leaves = Union[Sequence[BytesLike], BytesLike]


def head_len(vault_id_len: int, roster_count: int) -> int:
    """cloak_head_len(): the length of a head blob."""
    return int(_low.head_len(vault_id_len, roster_count))


def roster_entry(kind: int, permissions: int, public_key: BytesLike, encryption_key_id: BytesLike) -> bytes:
    """cloak_roster_entry(): one roster entry (ROSTER_ENTRYBYTES). For a member (kind ROSTER_MEMBER):
    its identity public key, the key id of its encryption public key and its permissions
    (PERMISSION_WRITE, PERMISSION_ADMIN). For a service account (ROSTER_SERVICE_ACCOUNT): its
    public key, that key's id and no permissions."""
    return bytes(_low.roster_entry(kind, permissions, public_key, encryption_key_id))


def head_create(vault_id: Label, epoch: int, vault_key_id: BytesLike, version: int,
                previous_hash: Optional[BytesLike], expiry: int, merkle_root: BytesLike, leaf_count: int,
                roster: Union[Sequence[BytesLike], BytesLike], signer: IdentityKeyPair) -> bytes:
    """cloak_head_create(): a head signed by `signer`. previous_hash is the hash of the head it
    follows (None, meaning all zero, for version 1); the roster's entries are sorted by (kind,
    public key), each key once. Readers check the signer's rights against the previous head's
    roster, not this function."""
    prev = bytes(K.HEAD_HASHBYTES) if previous_hash is None else previous_hash
    return bytes(_low.head_create(label(vault_id, "vault_id"), epoch, vault_key_id, version, prev, expiry,
                                  merkle_root, leaf_count, roster, _identity_sk(signer, "signer")))


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
    """What Head.roster_find() gives: the entry's permissions and encryption key id."""

    permissions: int
    encryption_key_id: bytes


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

    def roster_find(self, kind: int, public_key: Union[BytesLike, IdentityKeyPair]) -> RosterEntry:
        """cloak_head_roster_find(): a key's entry in the roster (MismatchError if it has none)."""
        pk = public_key.public_key if isinstance(public_key, IdentityKeyPair) else public_key
        permissions, key_id = _low.head_roster_find(self._ptr(), self.blob, kind, pk)
        return RosterEntry(int(permissions), bytes(key_id))

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
        return "Head(vault_id=%r, version=%d, epoch=%d, hash=%s)" % (self.vault_id, self.version, self.epoch,
                                                                   self.hash.hex())
