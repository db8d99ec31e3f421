"""Service-account batches: a writer that re-encrypts secrets for an account's public key and signs
the manifest, and a reader (the account's side) that verifies the batch and opens items."""

from __future__ import annotations

import ctypes
import threading
from typing import Any, Iterable, List, NamedTuple, Optional, TypeVar, Union

from . import constants as K
from ._buf import BytesLike, Label, SecretBuffer, aligned_state, cin, fixed, label, length, out, size, wipe_ctypes
from ._lib import C
from .errors import check
from .keys import EncryptionKeyPair, IdentityKeyPair, _encryption_sk, _identity_sk

__all__ = ["BatchWriter", "BatchReader", "BatchItem", "batch_item_len", "batch_item_opened_maxlen",
           "batch_len", "batch_sender", "batch_item_index"]


_ST = TypeVar("_ST", bound="_State")


def batch_item_len(name_len: int, value_len: int) -> int:
    """cloak_batch_item_len(): the length of an item (0 if the name length is out of bounds)."""
    return int(C.cloak_batch_item_len(size(name_len, "name_len"), size(value_len, "value_len")))


def batch_item_opened_maxlen(item_len: int) -> int:
    """cloak_batch_item_opened_maxlen(): the value buffer cloak_batch_open_item() needs."""
    return int(C.cloak_batch_item_opened_maxlen(size(item_len, "item_len")))


def batch_len(vault_id_len: int, item_count: int) -> int:
    """cloak_batch_len(): the length of a batch blob."""
    return int(C.cloak_batch_len(size(vault_id_len, "vault_id_len"), size(item_count, "item_count")))


def batch_sender(batch: BytesLike) -> bytes:
    """cloak_batch_sender(): the identity a batch claims as its creator (parsed, not verified)."""
    pk = out(K.IDENTITY_PUBLICKEYBYTES)
    check(C.cloak_batch_sender(pk, cin(batch, "batch"), length(batch)))
    return pk.raw[: K.IDENTITY_PUBLICKEYBYTES]


def batch_item_index(item: BytesLike) -> int:
    """cloak_batch_item_index(): an item's index (parsed, not verified)."""
    i = ctypes.c_uint32(0)
    check(C.cloak_batch_item_index(ctypes.byref(i), cin(item, "item"), length(item)))
    return i.value


class _State:
    __slots__ = ("_state", "_live", "_lock", "__weakref__")
    _state: Any
    _live: bool
    _lock: threading.Lock

    def __init__(self) -> None:
        self._state = aligned_state(K.BATCH_STATEBYTES)
        self._live = False
        self._lock = threading.Lock()

    def _ptr(self) -> Any:
        if not self._live:
            raise ValueError("%s is finished or wiped" % type(self).__name__)
        return self._state

    def wipe(self) -> None:
        """cloak_batch_wipe()."""
        with self._lock:
            C.cloak_batch_wipe(self._state)
            self._live = False

    def __enter__(self: _ST) -> _ST:
        return self

    def __exit__(self, *exc: object) -> None:
        self.wipe()

    def __del__(self) -> None:
        try:
            wipe_ctypes(self._state)
        except Exception:
            pass

    def __reduce__(self) -> Any:
        raise TypeError("batch states must not be copied (a copied writer would reuse nonces)")

    def __copy__(self) -> Any:
        raise TypeError("batch states must not be copied (a copied writer would reuse nonces)")

    def __deepcopy__(self, memo: object) -> Any:
        raise TypeError("batch states must not be copied (a copied writer would reuse nonces)")


class BatchWriter(_State):
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
        pk = fixed(account_public_key, K.ENCRYPTION_PUBLICKEYBYTES, "account_public_key")
        self.account_public_key = bytes(account_public_key)
        self._digests = bytearray()
        self._count = 0
        check(C.cloak_batch_begin(self._state, pk, vid, len(vid)))
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
        vlen = length(value)
        cap = batch_item_len(len(n), vlen)
        item = out(cap)
        digest = out(K.BATCH_DIGESTBYTES)
        il = ctypes.c_size_t(0)
        v = cin(value, "value")
        with self._lock:
            check(C.cloak_batch_seal_item(self._ptr(), item, cap, ctypes.byref(il), digest, n, len(n), v, vlen))
            self._digests += digest.raw[: K.BATCH_DIGESTBYTES]
            self._count += 1
        return item.raw[: il.value]

    def finish(self, creator: IdentityKeyPair) -> bytes:
        """cloak_batch_finish(): the signed batch blob. The writer is wiped whether it succeeds or
        not."""
        sk = _identity_sk(creator)
        with self._lock:
            st = self._ptr()
            cap = batch_len(len(self.vault_id), self._count)
            blob = out(cap)
            bl = ctypes.c_size_t(0)
            self._live = False
            rc = C.cloak_batch_finish(st, blob, cap, ctypes.byref(bl), bytes(self._digests), self._count, sk)
        check(rc)
        return blob.raw[: bl.value]

    def __repr__(self) -> str:
        return "BatchWriter(vault_id=%r, items=%d%s)" % (self.vault_id, self._count,
                                                        "" if self._live else ", finished")


class BatchItem(NamedTuple):
    name: bytes
    value: bytes


def _trusted(trusted: Union[BytesLike, Iterable[BytesLike]]) -> List[bytes]:
    if isinstance(trusted, (bytes, bytearray, memoryview)):
        keys = [trusted]
    else:
        keys = list(trusted)
    result: List[bytes] = []
    for k in keys:
        if isinstance(k, IdentityKeyPair):
            k = k.public_key
        fixed(k, K.IDENTITY_PUBLICKEYBYTES, "trusted identity public key")
        result.append(bytes(k))
    return result


class BatchReader(_State):
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
        sk = _encryption_sk(account)
        check(C.cloak_batch_verify(self._state, self.batch, len(self.batch),
                                   fixed(account.public_key, K.ENCRYPTION_PUBLICKEYBYTES, "public_key"), sk,
                                   b"".join(keys), len(keys)))
        self._live = True

    @property
    def item_count(self) -> int:
        """cloak_batch_item_count(): the number of items the verified batch lists."""
        return int(C.cloak_batch_item_count(self._ptr()))

    @property
    def signer(self) -> bytes:
        """cloak_batch_signer(): the identity that signed the verified batch."""
        pk = out(K.IDENTITY_PUBLICKEYBYTES)
        C.cloak_batch_signer(pk, self._ptr())
        return pk.raw[: K.IDENTITY_PUBLICKEYBYTES]

    def open_item(self, item: BytesLike, expected_name: Optional[Label] = None) -> BatchItem:
        """cloak_batch_open_item(): the item's name and value. With expected_name, an item for
        another name fails with MismatchError."""
        ilen = length(item)
        exp = None if expected_name is None else label(expected_name, "expected_name")
        vcap = batch_item_opened_maxlen(ilen)
        with SecretBuffer(K.LABELBYTES_MAX) as name, SecretBuffer(vcap) as value:
            nl, vl = ctypes.c_size_t(0), ctypes.c_size_t(0)
            check(C.cloak_batch_open_item(self._ptr(), self.batch, len(self.batch), cin(item, "item"), ilen,
                                          exp, 0 if exp is None else len(exp),
                                          name.ptr, K.LABELBYTES_MAX, ctypes.byref(nl),
                                          value.ptr, vcap, ctypes.byref(vl)))
            return BatchItem(name.copy(nl.value), value.copy(vl.value))

    def __repr__(self) -> str:
        if not self._live:
            return "BatchReader(wiped)"
        return "BatchReader(items=%d, signer=%s)" % (self.item_count, self.signer.hex())
