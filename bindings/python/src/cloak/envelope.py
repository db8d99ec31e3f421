"""The envelope every blob starts with, and the checksummed text form."""

from __future__ import annotations

import ctypes
import enum
from typing import NamedTuple, Union

from . import constants as K
from ._buf import BytesLike, SecretBuffer, cin, length, out, size
from ._lib import C
from .errors import check

__all__ = ["ObjectType", "BlobInfo", "blob_inspect", "text_encode", "text_decode",
           "text_encoded_len", "text_decoded_maxlen"]


class ObjectType(enum.IntEnum):
    """Object types of the envelope header (byte 1 of every blob)."""

    PASSWORD_RECORD = 0x01
    IDENTITY_PUBLIC_KEY = 0x02
    ENCRYPTION_PUBLIC_KEY = 0x03
    BUNDLE = 0x04
    WRAPPED_IDENTITY_KEY = 0x05
    WRAPPED_ENCRYPTION_KEY = 0x06
    WRAPPED_SERVICE_ACCOUNT_KEY = 0x07
    SECRET = 0x08
    SHARE = 0x09
    BATCH = 0x0A
    BATCH_ITEM = 0x0B
    SERVICE_ACCOUNT_KEY = 0x0C


def _object_type(value: int) -> Union[ObjectType, int]:
    try:
        return ObjectType(value)
    except ValueError:
        return value


class BlobInfo(NamedTuple):
    type: Union[ObjectType, int]
    key_id: bytes


def blob_inspect(blob: BytesLike) -> BlobInfo:
    """cloak_blob_inspect(): checks a blob's header (version, suite, type) and returns its type and
    key id. Does not check the body."""
    t = ctypes.c_int(0)
    kid = out(K.KEYIDBYTES)
    check(C.cloak_blob_inspect(ctypes.byref(t), kid, cin(blob, "blob"), length(blob)))
    return BlobInfo(_object_type(t.value), kid.raw[: K.KEYIDBYTES])


def text_encoded_len(blob_len: int) -> int:
    """cloak_text_encoded_len(): an upper bound of the text form's length, NUL included."""
    return int(C.cloak_text_encoded_len(size(blob_len, "blob_len")))


def text_decoded_maxlen(text_len: int) -> int:
    """cloak_text_decoded_maxlen(): an upper bound of the blob's length for a text of text_len."""
    return int(C.cloak_text_decoded_maxlen(size(text_len, "text_len")))


def text_encode(blob: BytesLike) -> str:
    """cloak_text_encode(): "cloak-<type>-" followed by base64url of blob and a 4-byte checksum.

    The text of a blob that holds a secret (a service-account key) is itself secret; the C side's
    buffer is wiped, but the returned str cannot be."""
    n = length(blob)
    cap = text_encoded_len(n)
    with SecretBuffer(cap) as buf:
        tl = ctypes.c_size_t(0)
        check(C.cloak_text_encode(buf.ptr, cap, ctypes.byref(tl), cin(blob, "blob"), n))
        return buf.copy(tl.value).decode("ascii")


def text_decode(text: Union[str, BytesLike]) -> bytes:
    """cloak_text_decode(): the blob of a text form (surrounding whitespace allowed)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    n = length(raw)
    cap = text_decoded_maxlen(n)
    with SecretBuffer(cap) as buf:
        bl = ctypes.c_size_t(0)
        check(C.cloak_text_decode(buf.ptr, cap, ctypes.byref(bl), cin(raw, "text"), n))
        return buf.copy(bl.value)
