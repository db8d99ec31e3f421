"""Buffers between Python and C: argument conversion, length checks, and wipeable memory."""

from __future__ import annotations

import ctypes
from typing import Any, Optional, Union

from .errors import BadParamsError

BytesLike = Union[bytes, bytearray, memoryview]
#: Vault ids, secret names, contexts and passwords: bytes, or a str (encoded as UTF-8, unnormalised).
Label = Union[bytes, bytearray, memoryview, str]

UINT32_MAX = 0xFFFFFFFF
SIZE_MAX = ctypes.c_size_t(-1).value


def _view_of(data: Union[bytearray, memoryview]) -> Optional[Any]:
    """A ctypes array over writable memory, without copying; None if the buffer is read-only."""
    mv = memoryview(data)
    if mv.readonly or not mv.contiguous:
        return None
    n = mv.nbytes
    if n == 0:
        return None
    return (ctypes.c_char * n).from_buffer(mv.cast("B") if mv.format != "B" else mv)


def cin(data: object, what: str) -> Any:
    """An input buffer for a C function: bytes are passed as they are, writable buffers (bytearray)
    through a view (no copy, so a caller's bytearray is not duplicated); anything else bytes-like
    is copied. Returns something a c_void_p parameter accepts."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        v = _view_of(data)
        return v if v is not None else bytes(data)
    if isinstance(data, (SecretBuffer,)):
        return data.ptr
    raise TypeError("%s must be bytes-like, not %s" % (what, type(data).__name__))


def length(data: object) -> int:
    if isinstance(data, (bytes, bytearray)):
        return len(data)
    if isinstance(data, memoryview):
        return data.nbytes
    if isinstance(data, SecretBuffer):
        return data.size
    if isinstance(data, str):
        return len(data.encode("utf-8"))
    raise TypeError("expected bytes-like, not %s" % type(data).__name__)


def fixed(data: object, size: int, what: str) -> Any:
    """An input of exactly `size` bytes (a key, seed or signature): the C function takes a fixed-size
    array and cannot check the length itself."""
    if isinstance(data, str) or not isinstance(data, (bytes, bytearray, memoryview, SecretBuffer)):
        raise TypeError("%s must be bytes-like, not %s" % (what, type(data).__name__))
    n = length(data)
    if n != size:
        raise BadParamsError("%s must be %d bytes, not %d" % (what, size, n))
    return cin(data, what)


def label(data: object, what: str) -> bytes:
    """A label (vault id, name, context) or password as bytes; a str is encoded as UTF-8."""
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError("%s must be str or bytes-like, not %s" % (what, type(data).__name__))


def u32(value: int, what: str) -> int:
    """A uint32_t argument: ctypes would silently reduce an out-of-range int modulo 2**32."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int" % what)
    if not 0 <= value <= UINT32_MAX:
        raise BadParamsError("%s out of range: %d" % (what, value))
    return value


def size(value: int, what: str) -> int:
    """A size_t argument (ctypes would reduce a negative int modulo 2**64)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int" % what)
    if not 0 <= value <= SIZE_MAX:
        raise BadParamsError("%s out of range: %d" % (what, value))
    return value


def out(n: int) -> "ctypes.Array[ctypes.c_char]":
    """A public output buffer (never holds secrets). At least one byte, so C never sees NULL."""
    return ctypes.create_string_buffer(max(n, 1))


def wipe_ctypes(obj: Any) -> None:
    ctypes.memset(ctypes.addressof(obj), 0, ctypes.sizeof(obj))


class SecretBuffer:
    """Memory for secrets: a bytearray the C library writes into directly (no intermediate copy),
    wiped with memset on wipe(), on context manager exit, and when garbage-collected."""

    __slots__ = ("_data", "_view", "size", "__weakref__")
    _data: bytearray
    _view: Any
    size: int

    def __init__(self, n: int) -> None:
        self.size = n
        self._data = bytearray(max(n, 1))
        self._view = (ctypes.c_char * len(self._data)).from_buffer(self._data)

    @property
    def ptr(self) -> Any:
        return self._view

    def copy(self, n: Optional[int] = None) -> bytes:
        """A copy of the first n bytes (all by default). Python bytes cannot be wiped afterwards."""
        return bytes(self._data[: self.size if n is None else n])

    def view(self, n: Optional[int] = None) -> memoryview:
        """A read-only view of the first n bytes (no copy)."""
        return memoryview(self._data).toreadonly()[: self.size if n is None else n]

    def wipe(self) -> None:
        try:
            ctypes.memset(ctypes.addressof(self._view), 0, len(self._data))
        except Exception:  # interpreter shutdown: modules may already be gone
            pass

    def __enter__(self) -> "SecretBuffer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.wipe()

    def __del__(self) -> None:
        self.wipe()

    def __repr__(self) -> str:
        return "<SecretBuffer of %d bytes>" % self.size

    def __reduce__(self) -> Any:
        raise TypeError("secret buffers cannot be pickled")


def aligned_state(n: int) -> Any:
    """Caller-owned C state (cloak_vault, cloak_batch, cloak_hpke_context): 8-byte aligned."""
    return (ctypes.c_uint64 * ((n + 7) // 8))()
