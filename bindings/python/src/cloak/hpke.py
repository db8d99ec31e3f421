"""HPKE (RFC 9180) Base mode: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305.

DeriveKeyPair is EncryptionKeyPair.from_seed()."""

from __future__ import annotations

import ctypes
import threading
from typing import Any, NamedTuple, Tuple

from . import constants as K
from ._buf import BytesLike, SecretBuffer, aligned_state, cin, fixed, length, out, size, wipe_ctypes
from ._lib import C
from .errors import BadParamsError, check
from .keys import EncryptionKeyPair, _encryption_sk

__all__ = ["HpkeContext", "HpkeSealed", "hpke_seal_base", "hpke_open_base"]

SENDER = "sender"
RECIPIENT = "recipient"


class HpkeContext:
    """An HPKE encryption context (cloak_hpke_context).

    Made by HpkeContext.sender() (which also returns `enc`) or HpkeContext.recipient(). Encryption
    is unidirectional (RFC 9180 section 5.2): a sender's context only seals and a recipient's only
    opens. The C context does not record its role, and a recipient context that sealed would reuse
    the sender's (key, nonce) pairs, so the binding enforces it. Each seal or successful open
    advances the sequence number; calls are serialised by a lock."""

    __slots__ = ("_state", "_role", "_live", "_lock", "__weakref__")
    _state: Any
    _role: str
    _live: bool
    _lock: threading.Lock

    def __init__(self) -> None:
        raise TypeError("use HpkeContext.sender() or HpkeContext.recipient()")

    @classmethod
    def _blank(cls, role: str) -> "HpkeContext":
        obj = cls.__new__(cls)
        obj._state = aligned_state(K.HPKE_CONTEXTBYTES)
        obj._role = role
        obj._live = False
        obj._lock = threading.Lock()
        return obj

    @classmethod
    def sender(cls, recipient_public_key: BytesLike, info: BytesLike = b"") -> Tuple["HpkeContext", bytes]:
        """cloak_hpke_setup_sender(): (context, enc)."""
        ctx = cls._blank(SENDER)
        enc = out(K.HPKE_ENCBYTES)
        check(C.cloak_hpke_setup_sender(ctx._state, enc,
                                        fixed(recipient_public_key, K.ENCRYPTION_PUBLICKEYBYTES,
                                              "recipient_public_key"), cin(info, "info"), length(info)))
        ctx._live = True
        return ctx, enc.raw[: K.HPKE_ENCBYTES]

    @classmethod
    def recipient(cls, enc: BytesLike, recipient: EncryptionKeyPair, info: BytesLike = b"") -> "HpkeContext":
        """cloak_hpke_setup_recipient()."""
        ctx = cls._blank(RECIPIENT)
        sk = _encryption_sk(recipient)
        check(C.cloak_hpke_setup_recipient(ctx._state, fixed(enc, K.HPKE_ENCBYTES, "enc"),
                                           fixed(recipient.public_key, K.ENCRYPTION_PUBLICKEYBYTES, "public_key"),
                                           sk, cin(info, "info"), length(info)))
        ctx._live = True
        return ctx

    @property
    def role(self) -> str:
        return self._role

    def _ptr(self, role: str) -> Any:
        if not self._live:
            raise ValueError("HpkeContext has been wiped")
        if role != self._role:
            raise BadParamsError("a %s context cannot %s (RFC 9180 section 5.2)"
                                 % (self._role, "seal" if role == SENDER else "open"))
        return self._state

    def seal(self, plaintext: BytesLike, aad: BytesLike = b"") -> bytes:
        """cloak_hpke_seal(): ciphertext || tag at the next sequence number."""
        plen = length(plaintext)
        ct = out(plen + K.HPKE_TAGBYTES)
        with self._lock:
            check(C.cloak_hpke_seal(self._ptr(SENDER), ct, cin(aad, "aad"), length(aad),
                                    cin(plaintext, "plaintext"), plen))
        return ct.raw[: plen + K.HPKE_TAGBYTES]

    def open(self, ciphertext: BytesLike, aad: BytesLike = b"") -> bytes:
        """cloak_hpke_open(): the plaintext at the next sequence number (a failure does not advance
        it)."""
        clen = length(ciphertext)
        plen = max(clen - K.HPKE_TAGBYTES, 0)
        with SecretBuffer(plen) as pt:
            with self._lock:
                check(C.cloak_hpke_open(self._ptr(RECIPIENT), pt.ptr, cin(aad, "aad"), length(aad),
                                        cin(ciphertext, "ciphertext"), clen))
            return pt.copy(plen)

    def export(self, exporter_context: BytesLike, length_: int) -> bytes:
        """cloak_hpke_export(): `length_` bytes (at most 8160) of exported secret."""
        n = size(length_, "length")
        if n > 65536:  # the library refuses more than 8160; this only bounds the allocation
            raise BadParamsError("export length out of bounds: %d" % n)
        if not self._live:
            raise ValueError("HpkeContext has been wiped")
        with SecretBuffer(n) as buf:
            check(C.cloak_hpke_export(self._state, buf.ptr, n, cin(exporter_context, "exporter_context"),
                                      length(exporter_context)))
            return buf.copy(n)

    def wipe(self) -> None:
        """cloak_hpke_context_wipe()."""
        with self._lock:
            C.cloak_hpke_context_wipe(self._state)
            self._live = False

    def __enter__(self) -> "HpkeContext":
        return self

    def __exit__(self, *exc: object) -> None:
        self.wipe()

    def __del__(self) -> None:
        try:
            wipe_ctypes(self._state)
        except Exception:
            pass

    def __reduce__(self) -> Any:
        raise TypeError("an HpkeContext must not be copied (a copy would reuse nonces)")

    def __repr__(self) -> str:
        return "HpkeContext(%s%s)" % (self._role, "" if self._live else ", wiped")


class HpkeSealed(NamedTuple):
    enc: bytes
    ciphertext: bytes


def hpke_seal_base(recipient_public_key: BytesLike, plaintext: BytesLike, info: BytesLike = b"",
                   aad: BytesLike = b"") -> HpkeSealed:
    """cloak_hpke_seal_base(): single-shot Base mode; (enc, ciphertext)."""
    plen = length(plaintext)
    enc = out(K.HPKE_ENCBYTES)
    ct = out(plen + K.HPKE_TAGBYTES)
    check(C.cloak_hpke_seal_base(enc, ct, fixed(recipient_public_key, K.ENCRYPTION_PUBLICKEYBYTES,
                                                "recipient_public_key"),
                                 cin(info, "info"), length(info), cin(aad, "aad"), length(aad),
                                 cin(plaintext, "plaintext"), plen))
    return HpkeSealed(enc.raw[: K.HPKE_ENCBYTES], ct.raw[: plen + K.HPKE_TAGBYTES])


def hpke_open_base(enc: BytesLike, ciphertext: BytesLike, recipient: EncryptionKeyPair,
                   info: BytesLike = b"", aad: BytesLike = b"") -> bytes:
    """cloak_hpke_open_base(): single-shot Base mode."""
    clen = length(ciphertext)
    plen = max(clen - K.HPKE_TAGBYTES, 0)
    sk = _encryption_sk(recipient)
    with SecretBuffer(plen) as pt:
        check(C.cloak_hpke_open_base(pt.ptr, fixed(enc, K.HPKE_ENCBYTES, "enc"),
                                     fixed(recipient.public_key, K.ENCRYPTION_PUBLICKEYBYTES, "public_key"), sk,
                                     cin(info, "info"), length(info), cin(aad, "aad"), length(aad),
                                     cin(ciphertext, "ciphertext"), clen))
        return pt.copy(plen)
