"""HPKE (RFC 9180) Base mode with HKDF-SHA256 and ChaCha20Poly1305, and the KEM of the recipient
key's suite: X-Wing (KEM 0x647a, draft-ietf-hpke-pq) for an X-Wing key, DHKEM(X25519, HKDF-SHA256)
for an X25519 key. The sender's functions take the suite from the public key (an
EncryptionPublicKey, or raw bytes by their length), the recipient's from the key pair's class.

DeriveKeyPair is EncryptionKeyPair.from_seed(seed, suite)."""

from __future__ import annotations

from typing import NamedTuple, Tuple, Union

from . import _low
from . import constants as K
from ._buf import BytesLike, size_in
from ._state import CState
from .errors import BadParamsError
from .envelope import Suite
from .keys import EncryptionKeyPair, EncryptionPublicKey, XWingKeyPair, _encryption_sk, _OPS, _pair_ops, _public_key

__all__ = ["HpkeContext", "HpkeSealed", "hpke_seal_base", "hpke_open_base", "hpke_seal_base_xwing",
           "hpke_open_base_xwing"]

PublicKey = Union[EncryptionPublicKey, EncryptionKeyPair, BytesLike]

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

    __slots__ = ("_role", "suite")
    _role: str
    suite: Suite
    _wipe_state = staticmethod(_low.hpke_context_wipe)
    _no_copy = "must not be copied (a copy would reuse nonces)"

    def __init__(self) -> None:
        raise TypeError("use HpkeContext.sender() or HpkeContext.recipient()")

    @classmethod
    def _blank(cls, role: str, suite: Suite) -> "HpkeContext":
        obj = cls.__new__(cls)
        obj._new_state(K.HPKE_CONTEXTBYTES)
        obj._role = role
        obj.suite = suite
        return obj

    @classmethod
    def sender(cls, recipient_public_key: PublicKey, info: BytesLike = b"") -> Tuple["HpkeContext", bytes]:
        """cloak_hpke_setup_sender() or cloak_hpke_setup_sender_xwing(), by the key's suite:
        (context, enc); enc is HPKE_ENCBYTES (32) or XWING_ENCBYTES (1120) bytes."""
        pk = _public_key(recipient_public_key, "recipient_public_key")
        ctx = cls._blank(SENDER, pk.suite)
        enc = _OPS[pk.suite].hpke_setup_sender(ctx._state, pk, info)
        ctx._live = True
        return ctx, bytes(enc)

    @classmethod
    def recipient(cls, enc: BytesLike, recipient: EncryptionKeyPair, info: BytesLike = b"") -> "HpkeContext":
        """cloak_hpke_setup_recipient() or cloak_hpke_setup_recipient_xwing(), by the key pair's
        suite."""
        ops, secret_key = _pair_ops(recipient, "recipient")
        ctx = cls._blank(RECIPIENT, ops.suite)
        ops.hpke_setup_recipient(ctx._state, enc, recipient.public_key, secret_key, info)
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
        return "HpkeContext(%s, %s%s)" % (self._role, self.suite.name, "" if self._live else ", wiped")


class HpkeSealed(NamedTuple):
    enc: bytes
    ciphertext: bytes


def hpke_seal_base(recipient_public_key: PublicKey, plaintext: BytesLike, info: BytesLike = b"",
                   aad: BytesLike = b"") -> HpkeSealed:
    """cloak_hpke_seal_base() or cloak_hpke_seal_base_xwing(), by the key's suite: single-shot Base
    mode; (enc, ciphertext)."""
    pk = _public_key(recipient_public_key, "recipient_public_key")
    enc, ciphertext = _OPS[pk.suite].hpke_seal_base(pk, info, aad, plaintext)
    return HpkeSealed(enc, ciphertext)


def hpke_open_base(enc: BytesLike, ciphertext: BytesLike, recipient: EncryptionKeyPair,
                   info: BytesLike = b"", aad: BytesLike = b"") -> bytes:
    """cloak_hpke_open_base() or cloak_hpke_open_base_xwing(), by the key pair's suite."""
    ops, secret_key = _pair_ops(recipient, "recipient")
    return bytes(ops.hpke_open_base(enc, recipient.public_key, secret_key, info, aad, ciphertext))


def hpke_seal_base_xwing(recipient_public_key: BytesLike, plaintext: BytesLike, info: BytesLike = b"",
                         aad: BytesLike = b"") -> HpkeSealed:
    """cloak_hpke_seal_base_xwing(): to an X-Wing key only."""
    enc, ciphertext = _low.hpke_seal_base_xwing(recipient_public_key, info, aad, plaintext)
    return HpkeSealed(enc, ciphertext)


def hpke_open_base_xwing(enc: BytesLike, ciphertext: BytesLike, recipient: XWingKeyPair,
                         info: BytesLike = b"", aad: BytesLike = b"") -> bytes:
    """cloak_hpke_open_base_xwing(): with an X-Wing key pair only."""
    secret_key = _encryption_sk(recipient, "recipient", XWingKeyPair)
    return bytes(_low.hpke_open_base_xwing(enc, recipient.public_key, secret_key, info, aad, ciphertext))
