"""The envelope every blob starts with, and the checksummed text form."""

from __future__ import annotations

import enum
from typing import NamedTuple, Union

from . import _low
from . import constants as K
from ._api import ObjectType
from ._buf import BytesLike

__all__ = ["ObjectType", "Suite", "BlobInfo", "blob_inspect", "blob_suite", "text_encode", "text_decode",
           "text_encoded_len", "text_decoded_maxlen"]


class Suite(enum.IntEnum):
    """The suite of a blob (its bytes 2 and 3) and of an encryption key: how shares and batches are
    sealed. XWING (X-Wing: ML-KEM-768 and X25519, post-quantum) is what the binding makes new keys in
    unless asked otherwise; X25519 is the classical suite 1."""

    X25519 = K.SUITE_X25519
    XWING = K.SUITE_XWING


#: The suite of new encryption keys when none is named.
DEFAULT_SUITE = Suite.XWING


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
    object_type, key_id = _low.blob_inspect(blob)
    return BlobInfo(_object_type(object_type), key_id)


def blob_suite(blob: BytesLike) -> Suite:
    """cloak_blob_suite(): the suite of a blob, after the checks of blob_inspect(); tells which
    functions read it (the binding's readers that take no suite argument ask this themselves)."""
    return Suite(_low.blob_suite(blob))


def text_encoded_len(blob_len: int) -> int:
    """cloak_text_encoded_len(): an upper bound of the text form's length, NUL included."""
    return int(_low.text_encoded_len(blob_len))


def text_decoded_maxlen(text_len: int) -> int:
    """cloak_text_decoded_maxlen(): an upper bound of the blob's length for a text of text_len."""
    return int(_low.text_decoded_maxlen(text_len))


def text_encode(blob: BytesLike) -> str:
    """cloak_text_encode(): "cloak-<type>-" followed by base64url of blob and a 4-byte checksum.

    The text of a blob that holds a secret (a service-account private key) is itself secret; the C
    side's buffer is wiped, but the returned str cannot be."""
    return str(_low.text_encode(blob))


def text_decode(text: Union[str, BytesLike]) -> bytes:
    """cloak_text_decode(): the blob of a text form (surrounding whitespace allowed)."""
    return bytes(_low.text_decode(text))
