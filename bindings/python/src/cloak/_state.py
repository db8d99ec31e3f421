"""The base of the classes that hold a caller-owned C state (cloak_vault, cloak_batch, cloak_head,
cloak_hpke_context): the state's memory, whether it is live, a lock, and wiping on wipe(), on
context manager exit and on garbage collection.

The library records a state's address when it sets the state up and refuses (BadStateError) a state
found at any other address, so that a copy can never reuse a nonce sequence or outlive a wipe. The
state therefore lives in one ctypes buffer, allocated once per object, 8-byte aligned, never
reallocated, resized or copied, and that same buffer is passed on every call. A state holds keys
and, for writers and HPKE senders, a position in a nonce sequence, so the object also refuses
pickling and copying."""

from __future__ import annotations

import ctypes
import threading
from typing import Any, Callable, TypeVar

from ._buf import aligned_state, wipe_ctypes
from .errors import BadStateError

_CS = TypeVar("_CS", bound="CState")


class CState:
    __slots__ = ("_state", "_live", "_lock", "__weakref__")
    _state: Any
    _live: bool
    _lock: threading.Lock

    #: The C function that wipes the state (a _low wrapper, as a staticmethod), set by each subclass.
    _wipe_state: Callable[[Any], None]
    #: What follows the class name when a wiped (or finished) state is used.
    _gone = "has been wiped"
    #: Why the state cannot be copied, for the TypeError.
    _no_copy = "holds keys and cannot be pickled or copied"

    def _new_state(self, size: int) -> None:
        """Fresh, zeroed state memory, not live until the C setup function succeeds."""
        self._state = aligned_state(size)
        # The library keys a state to its address: it must be aligned as the C struct is.
        assert ctypes.addressof(self._state) % 8 == 0
        self._live = False
        self._lock = threading.Lock()

    def _ptr(self) -> Any:
        if not self._live:
            raise BadStateError("%s %s" % (type(self).__name__, self._gone))
        return self._state

    @property
    def wiped(self) -> bool:
        return not self._live

    def wipe(self) -> None:
        """Zeroes the state through the library; the object is unusable afterwards."""
        with self._lock:
            self._wipe_state(self._state)
            self._live = False

    def __enter__(self: _CS) -> _CS:
        return self

    def __exit__(self, *exc: object) -> None:
        self.wipe()

    def __del__(self) -> None:
        try:
            wipe_ctypes(self._state)
        except Exception:
            pass

    def _refuse_copy(self) -> TypeError:
        return TypeError("%s %s" % (type(self).__name__, self._no_copy))

    def __reduce__(self) -> Any:
        raise self._refuse_copy()

    def __copy__(self) -> Any:
        raise self._refuse_copy()

    def __deepcopy__(self, memo: object) -> Any:
        raise self._refuse_copy()
