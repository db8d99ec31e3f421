"""The envelope every blob starts with, and the checksummed text form."""

from __future__ import annotations

from typing import NamedTuple, Union

from . import _low
from ._api import ObjectType
from ._buf import BytesLike

__all__ = ["ObjectType", "BlobInfo", "blob_inspect", "text_encode", "text_decode",
           "text_encoded_len", "text_decoded_maxlen"]


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
