"""Service-account batches: a writer that re-encrypts secrets for an account's public key and signs
the manifest, and a reader (the account's side) that verifies the batch and opens items."""

from __future__ import annotations

from typing import Any, Iterable, List, NamedTuple, Optional, Union

from . import _low
from . import constants as K
from ._buf import BytesLike, Label, label
from ._state import CState
from .keys import EncryptionKeyPair, IdentityKeyPair, _encryption_sk, _identity_sk

__all__ = ["BatchWriter", "BatchReader", "BatchItem", "batch_item_len", "batch_item_opened_maxlen",
           "batch_len", "batch_sender", "batch_item_index"]



def batch_item_len(name_len: int, value_len: int) -> int:
    """cloak_batch_item_len(): the length of an item (0 if the name length is out of bounds)."""
    return int(_low.batch_item_len(name_len, value_len))


def batch_item_opened_maxlen(item_len: int) -> int:
    """cloak_batch_item_opened_maxlen(): the value buffer cloak_batch_open_item() needs."""
    return int(_low.batch_item_opened_maxlen(item_len))


def batch_len(vault_id_len: int, item_count: int) -> int:
    """cloak_batch_len(): the length of a batch blob."""
    return int(_low.batch_len(vault_id_len, item_count))


def batch_sender(batch: BytesLike) -> bytes:
    """cloak_batch_sender(): the identity a batch claims as its creator (parsed, not verified)."""
    return bytes(_low.batch_sender(batch))


def batch_item_index(item: BytesLike) -> int:
    """cloak_batch_item_index(): an item's index (parsed, not verified)."""
    return int(_low.batch_item_index(item))


class _BatchState(CState):
    __slots__ = ()
    _wipe_state = staticmethod(_low.batch_wipe)
    _gone = "is finished or wiped"
    _no_copy = "must not be copied (a copied writer would reuse nonces)"

    def __init__(self) -> None:
        self._new_state(K.BATCH_STATEBYTES)


class BatchWriter(_BatchState):
    """cloak_batch_begin() / _seal_item() / _finish(): re-encrypts secrets for a service account.

    The digests of the sealed items are kept in order and signed by finish(). A writer must not be
    copied (two copies would seal different items under one nonce): it cannot be pickled or copied,
    and calls on one writer are serialised by a lock."""

    __slots__ = ("vault_id", "account_public_key", "_digests", "_count")
    vault_id: bytes
    account_public_key: bytes
    _digests: bytearray
    _count: int

    def __init__(self, account_public_key: BytesLike, vault_id: Label) -> None:
        super().__init__()
        vid = label(vault_id, "vault_id")
        self.vault_id = vid
        self._digests = bytearray()
        self._count = 0
        _low.batch_begin(self._state, account_public_key, vid)
        self.account_public_key = bytes(account_public_key)  # checked by batch_begin: 32 bytes
        self._live = True

    @property
    def item_count(self) -> int:
        return self._count

    @property
    def digests(self) -> bytes:
        """The digests of the items sealed so far, in order (32 bytes each)."""
        return bytes(self._digests)

    def seal_item(self, name: Label, value: BytesLike) -> bytes:
        """cloak_batch_seal_item(): the next item (index = number of items sealed before it)."""
        n = label(name, "name")
        with self._lock:
            item, digest = _low.batch_seal_item(self._ptr(), n, value)
            self._digests += digest
            self._count += 1
        return bytes(item)

    def finish(self, creator: IdentityKeyPair) -> bytes:
        """cloak_batch_finish(): the signed batch blob. The writer is wiped whether it succeeds or
        not."""
        secret_key = _identity_sk(creator, "creator")
        with self._lock:
            state = self._ptr()
            self._live = False
            return bytes(_low.batch_finish(state, batch_len(len(self.vault_id), self._count), bytes(self._digests),
                                           secret_key))

    def __repr__(self) -> str:
        return "BatchWriter(vault_id=%r, items=%d%s)" % (self.vault_id, self._count,
                                                        "" if self._live else ", finished")


class BatchItem(NamedTuple):
    name: bytes
    value: bytes


def _trusted(trusted: Union[BytesLike, IdentityKeyPair, Iterable[Union[BytesLike, IdentityKeyPair]]]) -> List[Any]:
    """Trusted identities: one public key or key pair, or an iterable of them."""
    if isinstance(trusted, (bytes, bytearray, memoryview, IdentityKeyPair)):
        trusted = [trusted]
    return [k.public_key if isinstance(k, IdentityKeyPair) else k for k in trusted]


class BatchReader(_BatchState):
    """cloak_batch_verify() once, then cloak_batch_open_item() per item: the account's side.

    The reader keeps its own copy of the verified batch bytes and passes exactly those to every
    open_item() (the C API requires the very bytes that were verified)."""

    __slots__ = ("batch",)
    batch: bytes

    def __init__(self, batch: BytesLike, account: EncryptionKeyPair,
                 trusted: Union[BytesLike, Iterable[BytesLike]]) -> None:
        super().__init__()
        self.batch = bytes(batch)
        keys = _trusted(trusted)
        secret_key = _encryption_sk(account, "account")
        _low.batch_verify(self._state, self.batch, account.public_key, secret_key, keys)
        self._live = True

    @property
    def item_count(self) -> int:
        """cloak_batch_item_count(): the number of items the verified batch lists."""
        return int(_low.batch_item_count(self._ptr()))

    @property
    def signer(self) -> bytes:
        """cloak_batch_signer(): the identity that signed the verified batch."""
        return bytes(_low.batch_signer(self._ptr()))

    def open_item(self, item: BytesLike, expected_name: Optional[Label] = None) -> BatchItem:
        """cloak_batch_open_item(): the item's name and value. With expected_name, an item for
        another name fails with MismatchError."""
        expected = None if expected_name is None else label(expected_name, "expected_name")
        return BatchItem(*_low.batch_open_item(self._ptr(), self.batch, item, expected))

    def __repr__(self) -> str:
        if not self._live:
            return "BatchReader(wiped)"
        return "BatchReader(items=%d, signer=%s)" % (self.item_count, self.signer.hex())
