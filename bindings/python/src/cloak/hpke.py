"""HPKE (RFC 9180) Base mode: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305.

DeriveKeyPair is EncryptionKeyPair.from_seed()."""

from __future__ import annotations

from typing import NamedTuple, Tuple

from . import _low
from . import constants as K
from ._buf import BytesLike, size_in
from ._state import CState
from .errors import BadParamsError
from .keys import EncryptionKeyPair, _encryption_sk

__all__ = ["HpkeContext", "HpkeSealed", "hpke_seal_base", "hpke_open_base"]

SENDER = "sender"
RECIPIENT = "recipient"


class HpkeContext(CState):
    """An HPKE encryption context (cloak_hpke_context).

    Made by HpkeContext.sender() (which also returns `enc`) or HpkeContext.recipient(). Encryption
    is unidirectional (RFC 9180 section 5.2): a sender's context only seals and a recipient's only
    opens; the library records the role and refuses the other use (BadStateError), since a
    recipient that sealed would reuse the sender's (key, nonce) pairs. Each seal or successful open
    advances the sequence number; one thread at a time may use a context, so calls are serialised
    by a lock."""

    __slots__ = ("_role",)
    _role: str
    _wipe_state = staticmethod(_low.hpke_context_wipe)
    _no_copy = "must not be copied (a copy would reuse nonces)"

    def __init__(self) -> None:
        raise TypeError("use HpkeContext.sender() or HpkeContext.recipient()")

    @classmethod
    def _blank(cls, role: str) -> "HpkeContext":
        obj = cls.__new__(cls)
        obj._new_state(K.HPKE_CONTEXTBYTES)
        obj._role = role
        return obj

    @classmethod
    def sender(cls, recipient_public_key: BytesLike, info: BytesLike = b"") -> Tuple["HpkeContext", bytes]:
        """cloak_hpke_setup_sender(): (context, enc)."""
        ctx = cls._blank(SENDER)
        enc = _low.hpke_setup_sender(ctx._state, recipient_public_key, info)
        ctx._live = True
        return ctx, bytes(enc)

    @classmethod
    def recipient(cls, enc: BytesLike, recipient: EncryptionKeyPair, info: BytesLike = b"") -> "HpkeContext":
        """cloak_hpke_setup_recipient()."""
        ctx = cls._blank(RECIPIENT)
        secret_key = _encryption_sk(recipient, "recipient")
        _low.hpke_setup_recipient(ctx._state, enc, recipient.public_key, secret_key, info)
        ctx._live = True
        return ctx

    @property
    def role(self) -> str:
        return self._role

    def seal(self, plaintext: BytesLike, aad: BytesLike = b"") -> bytes:
        """cloak_hpke_seal(): ciphertext || tag at the next sequence number."""
        with self._lock:
            return bytes(_low.hpke_seal(self._ptr(), aad, plaintext))

    def open(self, ciphertext: BytesLike, aad: BytesLike = b"") -> bytes:
        """cloak_hpke_open(): the plaintext at the next sequence number (a failure does not advance
        it)."""
        with self._lock:
            return bytes(_low.hpke_open(self._ptr(), aad, ciphertext))

    def export(self, exporter_context: BytesLike, length: int) -> bytes:
        """cloak_hpke_export(): `length` bytes (at most HPKE_EXPORTBYTES_MAX) of exported secret."""
        n = size_in(length, "length")
        if n > 8 * K.HPKE_EXPORTBYTES_MAX:  # the library refuses the excess; this bounds the allocation
            raise BadParamsError("export length out of bounds: %d" % n)
        return bytes(_low.hpke_export(self._ptr(), n, exporter_context))

    def __repr__(self) -> str:
        return "HpkeContext(%s%s)" % (self._role, "" if self._live else ", wiped")


class HpkeSealed(NamedTuple):
    enc: bytes
    ciphertext: bytes


def hpke_seal_base(recipient_public_key: BytesLike, plaintext: BytesLike, info: BytesLike = b"",
                   aad: BytesLike = b"") -> HpkeSealed:
    """cloak_hpke_seal_base(): single-shot Base mode; (enc, ciphertext)."""
    enc, ciphertext = _low.hpke_seal_base(recipient_public_key, info, aad, plaintext)
    return HpkeSealed(enc, ciphertext)


def hpke_open_base(enc: BytesLike, ciphertext: BytesLike, recipient: EncryptionKeyPair,
                   info: BytesLike = b"", aad: BytesLike = b"") -> bytes:
    """cloak_hpke_open_base(): single-shot Base mode."""
    secret_key = _encryption_sk(recipient, "recipient")
    return bytes(_low.hpke_open_base(enc, recipient.public_key, secret_key, info, aad, ciphertext))
