"""Buffers between Python and C: the argument conversions the generated wrappers (_low.py) use,
and wipeable memory."""

from __future__ import annotations

import ctypes
from typing import Any, Optional, Tuple, Union

from .errors import BadParamsError, error_for

BytesLike = Union[bytes, bytearray, memoryview]
#: Vault ids, secret names, contexts and passwords: bytes, or a str (encoded as UTF-8, unnormalised).
Label = Union[bytes, bytearray, memoryview, str]

UINT32_MAX = 0xFFFFFFFF
UINT64_MAX = 0xFFFFFFFFFFFFFFFF
SIZE_MAX = ctypes.c_size_t(-1).value
INT_MAX = 2 ** (8 * ctypes.sizeof(ctypes.c_int) - 1) - 1


def _view_of(data: Union[bytearray, memoryview]) -> Optional[Any]:
    """A ctypes array over writable memory, without copying; None if the buffer is read-only."""
    mv = memoryview(data)
    if mv.readonly or not mv.contiguous:
        return None
    n = mv.nbytes
    if n == 0:
        return None
    return (ctypes.c_char * n).from_buffer(mv.cast("B") if mv.format != "B" else mv)


def _pointer(data: object) -> Any:
    """Something a c_void_p parameter accepts, for bytes-like input: bytes as they are, writable
    buffers (bytearray) through a view (no copy, so a caller's bytearray is not duplicated), other
    bytes-like objects copied; None for anything else."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        v = _view_of(data)
        return v if v is not None else bytes(data)
    if isinstance(data, SecretBuffer):
        return data.ptr
    return None


def length(data: object) -> int:
    if isinstance(data, (bytes, bytearray)):
        return len(data)
    if isinstance(data, memoryview):
        return data.nbytes
    if isinstance(data, SecretBuffer):
        return data.size
    raise TypeError("expected bytes-like, not %s" % type(data).__name__)


def _not_bytes(what: str, data: object) -> TypeError:
    return TypeError("%s must be bytes-like, not %s" % (what, type(data).__name__))


# ---- argument conversions used by the generated wrappers (_low.py) ----------------------------------

def fixed_in(data: object, n: int, what: str) -> Any:
    """An input of exactly n bytes (a key, seed or signature): the C function takes a fixed-size
    array and cannot check the length itself."""
    ptr = _pointer(data)
    if ptr is None:
        raise _not_bytes(what, data)
    if length(data) != n:
        raise BadParamsError("%s must be %d bytes, not %d" % (what, n, length(data)))
    return ptr


def bytes_in(data: object, what: str) -> Tuple[Any, int]:
    """A variable-length input: (pointer, length)."""
    ptr = _pointer(data)
    if ptr is None:
        raise _not_bytes(what, data)
    return ptr, length(data)


def inout_in(data: object, what: str) -> Tuple[Any, int]:
    """A buffer the function reads and updates in place: a bytearray or a SecretBuffer, never a
    copy (the update would be lost)."""
    if isinstance(data, SecretBuffer):
        return data.ptr, length(data)
    if isinstance(data, bytearray):
        v = _view_of(data)
        if v is not None:
            return v, len(data)
    raise TypeError("%s must be a bytearray or SecretBuffer updated in place, not %s" % (what, type(data).__name__))


def nullable_in(data: object, what: str) -> Tuple[Any, int]:
    """An input for which None (NULL) means something else than empty bytes."""
    return (None, 0) if data is None else bytes_in(data, what)


def text_in(data: object, what: str) -> Tuple[Any, int]:
    """A text input: a str (UTF-8) or its bytes."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    ptr = _pointer(data)
    if ptr is None:
        raise TypeError("%s must be str or bytes-like, not %s" % (what, type(data).__name__))
    return ptr, length(data)


def array_in(data: object, element: int, what: str) -> Tuple[bytes, int]:
    """An array of fixed-size elements: a list of them, or their concatenation. (bytes, count)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        joined = bytes(data)
        if len(joined) % element:
            raise BadParamsError("%s must be a whole number of %d-byte elements" % (what, element))
        return joined, len(joined) // element
    if not isinstance(data, (list, tuple)):
        raise TypeError("%s must be a list of bytes-like elements, not %s" % (what, type(data).__name__))
    for item in data:
        fixed_in(item, element, what + " element")
    return b"".join(bytes(item) for item in data), len(data)


def _integer(value: object, what: str, limit: int, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, not %s" % (what, type(value).__name__))
    if not low <= value <= limit:
        raise BadParamsError("%s out of range: %d" % (what, value))
    return value


def u32_in(value: object, what: str) -> int:
    """A uint32_t argument: ctypes would silently reduce an out-of-range int modulo 2**32."""
    return _integer(value, what, UINT32_MAX)


def u64_in(value: object, what: str) -> int:
    """A uint64_t argument (a head version, a time in Unix seconds)."""
    return _integer(value, what, UINT64_MAX)


def size_in(value: object, what: str) -> int:
    """A size_t argument (ctypes would reduce a negative int modulo 2**64)."""
    return _integer(value, what, SIZE_MAX)


def int_in(value: object, what: str) -> int:
    return _integer(value, what, INT_MAX, -INT_MAX - 1)


def state_in(state: object, n: int, what: str) -> Any:
    """Caller-owned C state: only memory from aligned_state() of at least the state's size."""
    if not isinstance(state, ctypes.Array) or ctypes.sizeof(state) < n:
        raise TypeError("%s must be a libcloak state of %d bytes, not %s" % (what, n, type(state).__name__))
    return state


def public_out(n: int) -> "ctypes.Array[ctypes.c_char]":
    """A fixed-size output that never holds secrets. At least one byte, so C never sees NULL."""
    return ctypes.create_string_buffer(max(n, 1))


def check(code: int, *wipe_on_failure: "SecretBuffer") -> None:
    """Returns on CLOAK_OK; otherwise wipes the given outputs and raises the status's exception."""
    if code != 0:
        for buf in wipe_on_failure:
            buf.wipe()
        raise error_for(code)


# ---- for the idiomatic modules ----------------------------------------------------------------------

def label(data: object, what: str) -> bytes:
    """A label (vault id, name, context) or password as bytes; a str is encoded as UTF-8."""
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError("%s must be str or bytes-like, not %s" % (what, type(data).__name__))


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

    def text(self) -> str:
        """The NUL-terminated ASCII text the C library wrote, decoded straight from this memory (no
        intermediate bytes object), for a text output that spells a secret. The str cannot be wiped;
        this buffer can, and is by its owner."""
        end = self._data.find(0)
        return str(memoryview(self._data)[: self.size if end < 0 else min(end, self.size)], "ascii")

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
