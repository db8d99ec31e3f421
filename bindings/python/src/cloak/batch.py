"""Service-account batches: a writer that re-encrypts secrets for an account's public key and signs
the manifest, and a reader (the account's side) that verifies the batch, checks its freshness and
opens items, each once."""

from __future__ import annotations

import threading
import time
from typing import Any, Iterable, List, NamedTuple, Optional, Sequence, Union

from . import _low
from . import constants as K
from ._buf import BytesLike, Label, SecretBuffer, array_in, label
from ._state import CState
from .errors import BadStateError
from .envelope import Suite
from .keys import (EncryptionKeyPair, EncryptionPublicKey, IdentityKeyPair, _identity_sk, _OPS, _pair_ops,
                   _public_key)

__all__ = ["BatchWriter", "BatchReader", "BatchItem", "SealedItem", "batch_item_len", "batch_item_opened_maxlen",
           "batch_len", "batch_len_xwing", "batch_tags_len", "batch_count", "batch_sender", "batch_item_index"]

TrustedKeys = Union[BytesLike, IdentityKeyPair, Iterable[Union[BytesLike, IdentityKeyPair]]]


def batch_item_len(name_len: int, value_len: int) -> int:
    """cloak_batch_item_len(): the length of an item, name and value padded together (64 bytes at
    least, then Padmé); 0 if the name length is out of bounds or the value too large."""
    return int(_low.batch_item_len(name_len, value_len))


def batch_item_opened_maxlen(item_len: int) -> int:
    """cloak_batch_item_opened_maxlen(): the value buffer opening an item of item_len bytes needs,
    or 0 if no item has that length."""
    return int(_low.batch_item_opened_maxlen(item_len))


def batch_len(vault_id_len: int, item_count: int) -> int:
    """cloak_batch_len(): the length of a batch blob to an X25519 key."""
    return int(_low.batch_len(vault_id_len, item_count))


def batch_len_xwing(vault_id_len: int, item_count: int) -> int:
    """cloak_batch_len_xwing(): the length of a batch blob to an X-Wing key (1088 bytes more)."""
    return int(_low.batch_len_xwing(vault_id_len, item_count))


def batch_tags_len(item_count: int) -> int:
    """cloak_batch_tags_len(): the size of a reader's tag array (BatchReader allocates its own)."""
    return int(_low.batch_tags_len(item_count))


def batch_count(batch: BytesLike) -> int:
    """cloak_batch_count(): the number of items a batch lists (parsed, not verified)."""
    return int(_low.batch_count(batch))


def batch_sender(batch: BytesLike) -> bytes:
    """cloak_batch_sender(): the identity a batch claims as its creator (parsed, not verified)."""
    return bytes(_low.batch_sender(batch))


def batch_item_index(item: BytesLike) -> int:
    """cloak_batch_item_index(): an item's index (parsed, not verified)."""
    return int(_low.batch_item_index(item))


def _identity_public(key: Union[BytesLike, IdentityKeyPair]) -> Any:
    return key.public_key if isinstance(key, IdentityKeyPair) else key


def _trusted(trusted: TrustedKeys) -> List[Any]:
    """Trusted identities: one public key or key pair, or an iterable of them."""
    if isinstance(trusted, (bytes, bytearray, memoryview, IdentityKeyPair)):
        trusted = [trusted]
    return [_identity_public(k) for k in trusted]


class _BatchState(CState):
    __slots__ = ()
    _wipe_state = staticmethod(_low.batch_wipe)
    _gone = "is finished or wiped"
    _no_copy = "must not be copied (a copied writer would reuse nonces)"

    def __init__(self) -> None:
        self._new_state(K.BATCH_STATEBYTES)


class SealedItem(NamedTuple):
    """What BatchWriter.seal_item() gives: the item for the account, the index the writer gave it,
    and its digest, which finish() needs at that index."""

    item: bytes
    index: int
    digest: bytes


class BatchWriter(_BatchState):
    """cloak_batch_begin() (or cloak_batch_begin_xwing(), by the account key's suite) / _seal_item() /
    _finish(): a service account's snapshot of a vault at one head version.

    The account's public key is an EncryptionPublicKey (or its raw bytes: 32 for X25519, 1216 for
    X-Wing, or the key pair) and picks the suite. Head.batch_writer() makes one from a verified head,
    checking the key against the head's roster first.

    The batch binds the vault id, the epoch of the vault key, the head's version, hash and expiry
    (of a head the writer has just verified), the account's key and the creator's identity.
    seal_item() may be called from many threads at once: the library reserves each item's index
    atomically. finish() takes the digests in index order and signs; it waits for sealing calls
    in progress and then wipes the writer, whether it succeeds or not. A writer cannot be pickled
    or copied (two copies would seal different items under one nonce)."""

    __slots__ = ("vault_id", "account_public_key", "creator_identity_public_key", "_sealing", "_idle",
                 "_count")
    vault_id: bytes
    account_public_key: EncryptionPublicKey
    creator_identity_public_key: bytes
    _sealing: int
    _idle: threading.Condition
    _count: int

    def __init__(self, account_public_key: Union[EncryptionPublicKey, EncryptionKeyPair, BytesLike],
                 creator_identity_public_key: Union[BytesLike, IdentityKeyPair],
                 vault_id: Label, epoch: int, head_version: int, head_hash: BytesLike, expiry: int) -> None:
        super().__init__()
        vid = label(vault_id, "vault_id")
        creator = _identity_public(creator_identity_public_key)
        account = _public_key(account_public_key, "account_public_key")
        self.vault_id = vid
        self._sealing = 0
        self._idle = threading.Condition(self._lock)
        self._count = 0
        _OPS[account.suite].batch_begin(self._state, account, creator, vid, epoch, head_version, head_hash, expiry)
        # Both were checked by cloak_batch_begin.
        self.account_public_key = account
        self.creator_identity_public_key = bytes(creator)
        self._live = True

    @property
    def suite(self) -> Suite:
        """The suite of the account's key, and so of the batch."""
        return self.account_public_key.suite

    @property
    def item_count(self) -> int:
        """The number of items sealed so far (the item_count finish() needs)."""
        return self._count

    def seal_item(self, name: Label, value: BytesLike) -> SealedItem:
        """cloak_batch_seal_item(): (item, index, digest). Safe from several threads at once."""
        n = label(name, "name")
        with self._lock:
            state = self._ptr()
            self._sealing += 1
        try:
            item, index, digest = _low.batch_seal_item(state, n, value)
        finally:
            with self._lock:
                self._sealing -= 1
                self._idle.notify_all()
        with self._lock:
            self._count += 1
        return SealedItem(bytes(item), int(index), bytes(digest))

    def _close(self) -> Any:
        """Waits until no seal_item() call is running, then marks the writer gone; the state to finish
        or wipe. The caller holds the lock."""
        while self._sealing:
            self._idle.wait()
        state = self._ptr()
        self._live = False
        return state

    def finish(self, digests: Union[Sequence[BytesLike], BytesLike], creator: IdentityKeyPair) -> bytes:
        """cloak_batch_finish(): the signed batch blob. `digests` holds every item's digest at its
        index (a list, or their concatenation); their number must be the number of items sealed
        (BadParamsError) and `creator` the identity given to the constructor (MismatchError). The
        writer is wiped whether it succeeds or not."""
        secret_key = _identity_sk(creator, "creator")
        joined, count = array_in(digests, K.BATCH_DIGESTBYTES, "digests")
        with self._lock:
            state = self._close()
            try:
                out_len = _OPS[self.suite].batch_len(len(self.vault_id), count)
                return bytes(_low.batch_finish(state, out_len, joined, secret_key))
            finally:
                # The library wipes the writer itself; this also covers a refusal before the call.
                self._wipe_state(state)

    def wipe(self) -> None:
        """Abandons the batch: waits for sealing calls in progress, then wipes the state."""
        with self._lock:
            while self._sealing:
                self._idle.wait()
            self._wipe_state(self._state)
            self._live = False

    def __repr__(self) -> str:
        return "BatchWriter(vault_id=%r, items=%d%s)" % (self.vault_id, self._count,
                                                        "" if self._live else ", finished")


class BatchItem(NamedTuple):
    """An opened item: the secret's name and value (bytes, which Python cannot wipe)."""

    name: bytes
    value: bytes


class BatchReader(_BatchState):
    """The account's side: cloak_batch_verify() (or cloak_batch_verify_xwing(), by the account key
    pair's suite; a batch of the other suite is UnsupportedSuiteError) in the constructor, check()
    with the caller's minimums and clock, then open_item() per item. Head.open_batch() checks the
    batch against a verified head first.

    Verification checks the key id, that the batch is of `vault_id` (MismatchError), that its
    creator is among `trusted` (UntrustedSignerError) and the signature; the reader then keeps one
    tag per item, a MAC under a key only its C state holds, in a buffer it owns and never gives
    out. After that the batch bytes are no longer needed: no bytes passed later can make an item
    open that the creator did not sign. Each tag opens its item once, so a repeated item is refused
    (BadSignatureError). Items open only after a successful check() (BadStateError before)."""

    __slots__ = ("vault_id", "suite", "_tags", "_checked")
    vault_id: bytes
    #: The suite of the account's key, and so of the batch.
    suite: Suite
    _tags: SecretBuffer
    _checked: bool

    def __init__(self, batch: BytesLike, vault_id: Label, account: EncryptionKeyPair,
                 trusted: TrustedKeys) -> None:
        super().__init__()
        vid = label(vault_id, "vault_id")
        self.vault_id = vid
        self._checked = False
        keys = _trusted(trusted)
        ops, secret_key = _pair_ops(account, "account")
        self.suite = ops.suite
        tags_len = batch_tags_len(batch_count(batch))
        self._tags = SecretBuffer(tags_len)
        tags = ops.batch_verify(self._state, tags_len, batch, vid, account.public_key, secret_key, keys)
        self._tags.ptr[:tags_len] = tags
        self._live = True

    def check(self, min_epoch: int, min_head_version: int, now: Optional[int] = None) -> None:
        """cloak_batch_check(): refuses (StaleError) a batch whose epoch is below min_epoch or whose
        head version is below min_head_version (the highest the caller has seen or pinned, 1 if
        none), and (ExpiredError) one past its expiry at `now` (Unix seconds; the system clock by
        default). Required before open_item()."""
        when = int(time.time()) if now is None else now
        with self._lock:
            self._checked = False
            _low.batch_check(self._ptr(), min_epoch, min_head_version, when)
            self._checked = True

    def open_item(self, item: BytesLike) -> BatchItem:
        """cloak_batch_open_item(): the item's name and value. The name is the creator's (signed):
        compare it with the one you expect. Items may be opened from several threads at once."""
        state = self._ptr()
        if not self._checked:
            raise BadStateError("BatchReader.open_item() before a successful check(min_epoch, "
                                "min_head_version, now)")
        return BatchItem(*_low.batch_open_item(state, self._tags, item))

    @property
    def item_count(self) -> int:
        """cloak_batch_item_count(): the number of items the verified batch lists."""
        return int(_low.batch_item_count(self._ptr()))

    @property
    def signer(self) -> bytes:
        """cloak_batch_signer(): the identity that signed the verified batch."""
        return bytes(_low.batch_signer(self._ptr()))

    @property
    def epoch(self) -> int:
        """cloak_batch_epoch(): the epoch of the vault key the batch was made under."""
        return int(_low.batch_epoch(self._ptr()))

    @property
    def head_version(self) -> int:
        """cloak_batch_head_version(): the version of the vault head the batch is a snapshot of."""
        return int(_low.batch_head_version(self._ptr()))

    @property
    def head_hash(self) -> bytes:
        """cloak_batch_head_hash(): the hash of that head."""
        return bytes(_low.batch_head_hash(self._ptr()))

    @property
    def expiry(self) -> int:
        """cloak_batch_expiry(): the time (Unix seconds) after which check() refuses the batch."""
        return int(_low.batch_expiry(self._ptr()))

    def wipe(self) -> None:
        """Wipes the state and the tags; the reader is unusable afterwards."""
        with self._lock:
            self._wipe_state(self._state)
            self._tags.wipe()
            self._live = False
            self._checked = False

    def __repr__(self) -> str:
        if not self._live:
            return "BatchReader(wiped)"
        return "BatchReader(vault_id=%r, items=%d, epoch=%d, head_version=%d, signer=%s%s)" % (
            self.vault_id, self.item_count, self.epoch, self.head_version, self.signer.hex(),
            "" if self._checked else ", not checked")
