"""Vaults, secrets, blind indexes and vault-key shares."""

from __future__ import annotations

from typing import Any, NamedTuple, Union

from . import _low
from . import constants as K
from ._buf import BytesLike, Label, label
from ._state import CState
from .keys import (EncryptionKeyPair, EncryptionPublicKey, IdentityKeyPair, SymmetricKey, VaultKey, XWingKeyPair,
                   _encryption_sk, _identity_sk, _key, _OPS, _pair_ops, _public_key)

__all__ = ["Vault", "vault_init", "vault_wipe", "vault_key_id", "secret_sealed_len", "secret_opened_len",
           "secret_seal", "secret_open", "secret_reseal", "vault_blind_index", "share_seal",
           "share_sender", "share_open", "share_seal_xwing", "share_open_xwing", "OpenedShare"]


class Vault(CState):
    """The subkeys of one vault key and its epoch (a cloak_vault state), derived once for any
    number of secrets. The epoch is 1 for a vault's first key and grows by one at each rotation;
    secrets carry it, and opening refuses a secret of another epoch (MismatchError).

    Read-only after creation, so one Vault may serve many threads. Wiped by wipe(), on context
    manager exit and when garbage-collected. The vault key itself is not kept."""

    __slots__ = ("vault_id",)
    vault_id: bytes
    _wipe_state = staticmethod(_low.vault_wipe)
    _no_copy = "holds keys and cannot be pickled or copied"

    def __init__(self, vault_key: Union[SymmetricKey, BytesLike], epoch: int, vault_id: Label) -> None:
        vid = label(vault_id, "vault_id")
        self.vault_id = vid
        self._new_state(K.VAULT_STATEBYTES)
        _low.vault_init(self._state, _key(vault_key, "vault_key"), epoch, vid)
        self._live = True

    @property
    def epoch(self) -> int:
        """cloak_vault_epoch(): the epoch of the vault key this state holds (1, 2, ...)."""
        return int(_low.vault_epoch(self._ptr()))

    @property
    def key_id(self) -> bytes:
        """cloak_vault_key_id(): the id of the vault key (the key id its secrets carry)."""
        return bytes(_low.vault_key_id(self._ptr()))

    def seal(self, name: Label, value: BytesLike, context: Label = b"") -> bytes:
        """cloak_secret_seal(): `value` sealed under the vault, bound to the vault id, the name
        (1..255 bytes) and an optional context (0..255 bytes)."""
        return secret_seal(self, name, value, context)

    def open(self, name: Label, sealed: BytesLike, context: Label = b"") -> bytes:
        """cloak_secret_open(): the value of a sealed secret."""
        return secret_open(self, name, sealed, context)

    def reseal(self, to: "Vault", name: Label, sealed: BytesLike, context: Label = b"") -> bytes:
        """cloak_secret_reseal(): opens under this vault and seals under `to` (rotation) without the
        plaintext leaving the library."""
        return secret_reseal(self, to, name, sealed, context)

    def blind_index(self, name: Label) -> bytes:
        """cloak_vault_blind_index(): the keyed index of a secret name for the server."""
        return vault_blind_index(self, name)

    def __repr__(self) -> str:
        if not self._live:
            return "Vault(vault_id=%r, wiped)" % (self.vault_id,)
        return "Vault(vault_id=%r, epoch=%d, key_id=%s)" % (self.vault_id, self.epoch, self.key_id.hex())


def vault_init(vault_key: Union[SymmetricKey, BytesLike], epoch: int, vault_id: Label) -> Vault:
    """cloak_vault_init()."""
    return Vault(vault_key, epoch, vault_id)


def vault_wipe(vault: Vault) -> None:
    """cloak_vault_wipe()."""
    vault.wipe()


def vault_key_id(vault: Vault) -> bytes:
    """cloak_vault_key_id()."""
    return vault.key_id


def secret_sealed_len(value_len: int) -> int:
    """cloak_secret_sealed_len(): the value is padded (64 bytes at least, then Padmé), so values of
    nearby lengths give sealed secrets of one length. 0 if value_len is too large."""
    return int(_low.secret_sealed_len(value_len))


def secret_opened_len(sealed_len: int) -> int:
    """cloak_secret_opened_len(): the largest value a sealed secret of sealed_len bytes can hold,
    or 0 if no sealed secret has that length."""
    return int(_low.secret_opened_len(sealed_len))


def _vault(v: Vault, what: str = "vault") -> Any:
    if not isinstance(v, Vault):
        raise TypeError("%s must be a Vault, not %s" % (what, type(v).__name__))
    return v._ptr()


def secret_seal(vault: Vault, name: Label, value: BytesLike, context: Label = b"") -> bytes:
    """cloak_secret_seal()."""
    return bytes(_low.secret_seal(_vault(vault), label(name, "name"), label(context, "context"), value))


def secret_open(vault: Vault, name: Label, sealed: BytesLike, context: Label = b"") -> bytes:
    """cloak_secret_open(). The returned bytes cannot be wiped; the library's buffer is."""
    return bytes(_low.secret_open(_vault(vault), label(name, "name"), label(context, "context"), sealed))


def secret_reseal(from_vault: Vault, to_vault: Vault, name: Label, sealed: BytesLike,
                  context: Label = b"") -> bytes:
    """cloak_secret_reseal(): the output has the input's length."""
    return bytes(_low.secret_reseal(_vault(from_vault, "from_vault"), _vault(to_vault, "to_vault"),
                                    label(name, "name"), label(context, "context"), sealed))


def vault_blind_index(vault: Vault, name: Label) -> bytes:
    """cloak_vault_blind_index()."""
    return bytes(_low.vault_blind_index(_vault(vault), label(name, "name")))


# ---- shares ----------------------------------------------------------------------------------------

class OpenedShare(NamedTuple):
    """What share_open() gives: the vault key and its epoch."""

    vault_key: VaultKey
    epoch: int


def share_seal(vault_key: Union[SymmetricKey, BytesLike], epoch: int, vault_id: Label,
               recipient_public_key: Union[EncryptionPublicKey, EncryptionKeyPair, BytesLike],
               sender: IdentityKeyPair) -> bytes:
    """The vault key and its epoch to a member's encryption public key (HPKE in the key's suite),
    signed by the sender's identity: cloak_share_seal() for an X25519 key (SHAREBYTES, 200 bytes),
    cloak_share_seal_xwing() for an X-Wing key (XWING_SHAREBYTES, 1288 bytes). The key is an
    EncryptionPublicKey (from bundle_verify()) or its raw bytes, whose length gives the suite.

    Check the key against the vault's head first (Head.check_recipient(), or seal through
    Head.seal_share()): the server chooses which of a member's bundles it serves."""
    pk = _public_key(recipient_public_key, "recipient_public_key")
    return bytes(_OPS[pk.suite].share_seal(_key(vault_key, "vault_key"), epoch, label(vault_id, "vault_id"), pk,
                                           _identity_sk(sender, "sender")))


def share_seal_xwing(vault_key: Union[SymmetricKey, BytesLike], epoch: int, vault_id: Label,
                     recipient_public_key: BytesLike, sender: IdentityKeyPair) -> bytes:
    """cloak_share_seal_xwing(): to an X-Wing key only."""
    return bytes(_low.share_seal_xwing(_key(vault_key, "vault_key"), epoch, label(vault_id, "vault_id"),
                                       recipient_public_key, _identity_sk(sender, "sender")))


def share_sender(share: BytesLike) -> bytes:
    """cloak_share_sender(): the identity that signed a share of either suite (parsed, not verified)."""
    return bytes(_low.share_sender(share))


def share_open(share: BytesLike, vault_id: Label, recipient: EncryptionKeyPair, trusted_sender: BytesLike,
               min_epoch: int = 1) -> OpenedShare:
    """cloak_share_open() or cloak_share_open_xwing(), by the recipient key pair's suite (a share of
    the other suite is UnsupportedSuiteError): verifies the signature against the trusted sender's
    identity public key, refuses a share of an epoch below min_epoch (StaleError: pass the highest
    epoch seen for this vault, 1 if none), then opens the vault key. Returns (vault_key, epoch).

    Check the share against the vault's head first (Head.check_share(), or open through
    Head.open_share())."""
    ops, secret_key = _pair_ops(recipient, "recipient")
    key, epoch = ops.share_open(share, label(vault_id, "vault_id"), recipient.public_key, secret_key,
                                trusted_sender, min_epoch)
    return OpenedShare(VaultKey._adopt(key), int(epoch))


def share_open_xwing(share: BytesLike, vault_id: Label, recipient: XWingKeyPair, trusted_sender: BytesLike,
                     min_epoch: int = 1) -> OpenedShare:
    """cloak_share_open_xwing(): with an X-Wing key pair only."""
    secret_key = _encryption_sk(recipient, "recipient", XWingKeyPair)
    key, epoch = _low.share_open_xwing(share, label(vault_id, "vault_id"), recipient.public_key, secret_key,
                                       trusted_sender, min_epoch)
    return OpenedShare(VaultKey._adopt(key), int(epoch))
