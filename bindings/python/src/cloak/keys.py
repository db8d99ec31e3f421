"""Keys: symmetric keys (master, login, vault), identity key pairs (Ed25519), encryption key pairs
(X25519), public key blobs, bundles, signatures under a context, fingerprints, and wrapping private
keys under a master key.

Every object that holds secret key material keeps it in wipeable memory and gives raw access only
through one explicit method, secret_bytes(), which returns a copy the caller should wipe (or drop)
as soon as it is done with it."""

from __future__ import annotations

import ctypes
import hmac
from typing import Any, Callable, NamedTuple, Type, TypeVar, Union

from . import _low
from . import constants as K
from ._buf import BytesLike, Label, SecretBuffer, fixed_in, label
from .envelope import ObjectType, _object_type

__all__ = [
    "SymmetricKey", "MasterKey", "LoginKey", "VaultKey", "IdentityKeyPair", "EncryptionKeyPair",
    "Bundle", "WrappedKeyInfo", "key_id", "vault_key_generate", "identity_keypair",
    "identity_keypair_from_seed", "identity_sign", "identity_verify", "encryption_keypair",
    "encryption_keypair_from_seed", "identity_public_export", "identity_public_import",
    "encryption_public_export", "encryption_public_import", "bundle_create", "bundle_verify",
    "identity_fingerprint", "identity_pair_code", "identity_wrap", "identity_unwrap",
    "encryption_wrap", "encryption_unwrap", "service_account_wrap", "service_account_unwrap",
    "wrapped_key_public_key", "wrapped_key_rewrap", "service_account_private_export",
    "service_account_private_import",
]


class _Secret:
    """Base of the classes that hold secret bytes: wipe(), context manager, secret_bytes(), no
    pickling or copying, a repr without the secret."""

    __slots__ = ("_secret", "_wiped", "__weakref__")
    _secret: SecretBuffer
    _wiped: bool

    @classmethod
    def _adopt(cls: Type["_S"], buf: SecretBuffer) -> "_S":
        """An object owning `buf` (the C library wrote the key into it: no copy is made)."""
        obj = cls.__new__(cls)
        obj._secret = buf
        obj._wiped = False
        return obj

    def _buffer(self) -> SecretBuffer:
        if self._wiped:
            raise ValueError("%s has been wiped" % type(self).__name__)
        return self._secret

    def secret_bytes(self) -> bytearray:
        """A copy of the secret key material, for storage or another library. Wipe it when done
        (``buf[:] = bytes(len(buf))``): the copy is a bytearray so that it can be wiped."""
        return bytearray(self._buffer().view())

    @property
    def wiped(self) -> bool:
        return self._wiped

    def wipe(self) -> None:
        """Overwrites the secret with zeros; the object is unusable afterwards."""
        self._wiped = True
        self._secret.wipe()

    def __enter__(self: "_S") -> "_S":
        return self

    def __exit__(self, *exc: object) -> None:
        self.wipe()

    def __del__(self) -> None:
        try:
            self._secret.wipe()
        except Exception:
            pass

    def __reduce__(self) -> Any:
        raise TypeError("%s holds a secret and cannot be pickled or copied" % type(self).__name__)

    def __copy__(self) -> Any:
        raise TypeError("%s holds a secret and cannot be copied" % type(self).__name__)

    def __deepcopy__(self, memo: object) -> Any:
        raise TypeError("%s holds a secret and cannot be copied" % type(self).__name__)


_S = TypeVar("_S", bound=_Secret)


class SymmetricKey(_Secret):
    """A 32-byte symmetric key. ``key.secret_bytes()`` gives a copy; ``key.key_id`` the 16-byte id
    that blobs carry (it reveals nothing about the key)."""

    __slots__ = ()

    def __init__(self, key: BytesLike) -> None:
        src = key._buffer().ptr if isinstance(key, SymmetricKey) else fixed_in(key, K.KEYBYTES, "key")
        self._secret = SecretBuffer(K.KEYBYTES)
        self._wiped = False
        ctypes.memmove(self._secret.ptr, src, K.KEYBYTES)

    @property
    def key_id(self) -> bytes:
        return bytes(_low.key_id(self._buffer()))

    def __len__(self) -> int:
        return K.KEYBYTES

    def __eq__(self, other: object) -> bool:
        mine = self._buffer().view()
        if isinstance(other, SymmetricKey):
            return hmac.compare_digest(mine, other._buffer().view())
        if isinstance(other, (bytes, bytearray, memoryview)):
            return hmac.compare_digest(mine, other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self._wiped:
            return "%s(wiped)" % type(self).__name__
        return "%s(key_id=%s)" % (type(self).__name__, self.key_id.hex())


class MasterKey(SymmetricKey):
    """Derived from the password; wraps private keys; never leaves the client."""

    __slots__ = ()


class LoginKey(SymmetricKey):
    """Derived from the password; sent to the server as proof of it (``login_key.secret_bytes()``)."""

    __slots__ = ()


class VaultKey(SymmetricKey):
    """A vault's key: its secrets are sealed under subkeys of it; shared with members."""

    __slots__ = ()


def _key(key: Union[SymmetricKey, BytesLike], what: str) -> Any:
    """A symmetric key argument: a key object, or its 32 bytes."""
    if isinstance(key, SymmetricKey):
        return key._buffer()
    if isinstance(key, _Secret):
        raise TypeError("%s must be a symmetric key, not %s" % (what, type(key).__name__))
    return key


def key_id(key: Union[SymmetricKey, BytesLike]) -> bytes:
    """cloak_key_id(): the 16-byte id of a master or vault key."""
    return bytes(_low.key_id(_key(key, "key")))


def vault_key_generate() -> VaultKey:
    """cloak_vault_key_generate(): a fresh random vault key."""
    return VaultKey._adopt(_low.vault_key_generate())


# ---- identity and encryption key pairs -------------------------------------------------------------

_KP = TypeVar("_KP", bound="_KeyPair")


class _KeyPair(_Secret):
    """A public key (bytes) and its private key in wipeable memory."""

    __slots__ = ("public_key",)
    public_key: bytes

    def __init__(self) -> None:
        raise TypeError("use %s.generate(), .from_seed() or an unwrap or import function" % type(self).__name__)

    # The C functions behind generate() and from_seed(), set by each subclass.
    _c_generate: Callable[[], Any]
    _c_from_seed: Callable[[BytesLike], Any]

    @classmethod
    def generate(cls: Type[_KP]) -> _KP:
        """A fresh key pair from the library's random source."""
        return cls._of(cls._c_generate())

    @classmethod
    def from_seed(cls: Type[_KP], seed: BytesLike) -> _KP:
        """The key pair a seed determines."""
        return cls._of(cls._c_from_seed(seed))

    @classmethod
    def _of(cls: Type[_KP], pair: Any) -> _KP:
        public_key, secret_key = pair
        kp = cls._adopt(secret_key)
        kp.public_key = bytes(public_key)
        return kp

    def __repr__(self) -> str:
        return "%s(public_key=%s%s)" % (type(self).__name__, self.public_key.hex(), ", wiped" if self._wiped else "")


class IdentityKeyPair(_KeyPair):
    """An Ed25519 identity: ``public_key`` (32 bytes) and a secret key kept in wipeable memory
    (``secret_bytes()``: seed || public key, 64 bytes)."""

    __slots__ = ()

    # generate(): cloak_identity_keypair(); from_seed(): cloak_identity_keypair_from_seed(), the
    # RFC 8032 key pair of a 32-byte seed.
    _c_generate = staticmethod(_low.identity_keypair)
    _c_from_seed = staticmethod(_low.identity_keypair_from_seed)

    @classmethod
    def unwrap(cls, master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> "IdentityKeyPair":
        """cloak_identity_unwrap(): the key pair from a wrapped identity key (type 0x05)."""
        return identity_unwrap(master_key, wrapped)

    def sign(self, message: BytesLike, context: Label = b"") -> bytes:
        """cloak_identity_sign(): a signature of `message` under a caller context (0..255 bytes)."""
        return identity_sign(self, message, context)

    def wrap(self, master_key: Union[SymmetricKey, BytesLike]) -> bytes:
        """cloak_identity_wrap(): the private key under the master key (124-byte blob)."""
        return identity_wrap(master_key, self)

    def bundle(self, encryption_public_key: BytesLike) -> bytes:
        """cloak_bundle_create(): this identity signs the encryption public key."""
        return bundle_create(self, encryption_public_key)

    def export_public(self) -> bytes:
        """cloak_identity_public_export(): the public key as a blob (type 0x02)."""
        return identity_public_export(self.public_key)

    @property
    def fingerprint(self) -> str:
        """cloak_identity_fingerprint(): six groups of five digits."""
        return identity_fingerprint(self.public_key)


# The C API's names for the class's constructors.
identity_keypair = IdentityKeyPair.generate
identity_keypair_from_seed = IdentityKeyPair.from_seed


def _secret_key(pair: object, cls: Type[_KeyPair], what: str) -> SecretBuffer:
    """The secret key of a key pair argument, which must be of class `cls`."""
    if not isinstance(pair, cls):
        raise TypeError("%s must be an %s, not %s" % (what, cls.__name__, type(pair).__name__))
    return pair._buffer()


def _identity_sk(identity: IdentityKeyPair, what: str = "identity") -> SecretBuffer:
    return _secret_key(identity, IdentityKeyPair, what)


def identity_sign(identity: IdentityKeyPair, message: BytesLike, context: Label = b"") -> bytes:
    """cloak_identity_sign(): signs `message` under a context label (domain separation)."""
    return bytes(_low.identity_sign(message, label(context, "context"), _identity_sk(identity)))


def identity_verify(public_key: BytesLike, signature: BytesLike, message: BytesLike,
                    context: Label = b"") -> None:
    """cloak_identity_verify(): returns if the signature verifies, else raises BadSignatureError."""
    _low.identity_verify(signature, message, label(context, "context"), public_key)


class EncryptionKeyPair(_KeyPair):
    """An X25519 key pair (a member's encryption key or a service account): ``public_key`` (32
    bytes) and a private key kept in wipeable memory (``secret_bytes()``)."""

    __slots__ = ()

    # generate(): cloak_encryption_keypair(); from_seed(): cloak_encryption_keypair_from_seed(),
    # RFC 9180 DeriveKeyPair (a seed of 32 bytes or more).
    _c_generate = staticmethod(_low.encryption_keypair)
    _c_from_seed = staticmethod(_low.encryption_keypair_from_seed)

    @classmethod
    def from_keys(cls, public_key: BytesLike, secret_key: BytesLike) -> "EncryptionKeyPair":
        """A key pair from its two halves (e.g. keys made elsewhere). The library checks that the
        private key gives the public key (MismatchError otherwise), through
        cloak_service_account_private_export(), whose output is wiped at once."""
        _low.service_account_private_export(public_key, secret_key).wipe()
        kp = cls._adopt(SecretBuffer(K.ENCRYPTION_SECRETKEYBYTES))
        ctypes.memmove(kp._secret.ptr, fixed_in(secret_key, K.ENCRYPTION_SECRETKEYBYTES, "secret_key"),
                       K.ENCRYPTION_SECRETKEYBYTES)
        kp.public_key = bytes(public_key)
        return kp

    @classmethod
    def unwrap(cls, master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> "EncryptionKeyPair":
        """cloak_encryption_unwrap(): a member's encryption key pair (type 0x06)."""
        return encryption_unwrap(master_key, wrapped)

    @classmethod
    def unwrap_service_account(cls, master_key: Union[SymmetricKey, BytesLike],
                               wrapped: BytesLike) -> "EncryptionKeyPair":
        """cloak_service_account_unwrap(): a service account's key pair (type 0x07)."""
        return service_account_unwrap(master_key, wrapped)

    @classmethod
    def import_service_account_private(cls, blob: BytesLike) -> "EncryptionKeyPair":
        """cloak_service_account_private_import(): from a clear private key blob (type 0x0C)."""
        return service_account_private_import(blob)

    def wrap(self, master_key: Union[SymmetricKey, BytesLike]) -> bytes:
        """cloak_encryption_wrap(): as a member's encryption key (type 0x06)."""
        return encryption_wrap(master_key, self)

    def wrap_service_account(self, master_key: Union[SymmetricKey, BytesLike]) -> bytes:
        """cloak_service_account_wrap(): as a service account's key (type 0x07)."""
        return service_account_wrap(master_key, self)

    def export_service_account_private(self) -> bytes:
        """cloak_service_account_private_export(): the private key IN THE CLEAR (type 0x0C), for a CI
        variable or a key file. Python cannot wipe the returned bytes."""
        return service_account_private_export(self)

    def export_public(self) -> bytes:
        """cloak_encryption_public_export(): the public key as a blob (type 0x03)."""
        return encryption_public_export(self.public_key)


# The C API's names for the class's constructors.
encryption_keypair = EncryptionKeyPair.generate
encryption_keypair_from_seed = EncryptionKeyPair.from_seed


def _encryption_sk(keypair: EncryptionKeyPair, what: str = "keypair") -> SecretBuffer:
    return _secret_key(keypair, EncryptionKeyPair, what)


# ---- public key blobs, bundles, fingerprints -------------------------------------------------------

def identity_public_export(public_key: BytesLike) -> bytes:
    """cloak_identity_public_export(): a 52-byte blob of type IDENTITY_PUBLIC_KEY."""
    return bytes(_low.identity_public_export(public_key))


def identity_public_import(blob: BytesLike) -> bytes:
    """cloak_identity_public_import(): the identity public key of a blob."""
    return bytes(_low.identity_public_import(blob))


def encryption_public_export(public_key: BytesLike) -> bytes:
    """cloak_encryption_public_export(): a 52-byte blob of type ENCRYPTION_PUBLIC_KEY."""
    return bytes(_low.encryption_public_export(public_key))


def encryption_public_import(blob: BytesLike) -> bytes:
    """cloak_encryption_public_import(): the encryption public key of a blob."""
    return bytes(_low.encryption_public_import(blob))


class Bundle(NamedTuple):
    identity_public_key: bytes
    encryption_public_key: bytes


def bundle_create(identity: IdentityKeyPair, encryption_public_key: BytesLike) -> bytes:
    """cloak_bundle_create(): the identity signs the encryption public key (148-byte blob)."""
    return bytes(_low.bundle_create(_identity_sk(identity), encryption_public_key))


def bundle_verify(bundle: BytesLike) -> Bundle:
    """cloak_bundle_verify(): checks the signature and returns both public keys."""
    return Bundle(*_low.bundle_verify(bundle))


def identity_fingerprint(public_key: BytesLike) -> str:
    """cloak_identity_fingerprint(): "12345 12345 12345 12345 12345 12345"."""
    return str(_low.identity_fingerprint(public_key))


def identity_pair_code(public_key_a: BytesLike, public_key_b: BytesLike) -> str:
    """cloak_identity_pair_code(): one code for two users, the same whichever computes it."""
    return str(_low.identity_pair_code(public_key_a, public_key_b))


# ---- wrapping --------------------------------------------------------------------------------------

def identity_wrap(master_key: Union[SymmetricKey, BytesLike], identity: IdentityKeyPair) -> bytes:
    """cloak_identity_wrap()."""
    return bytes(_low.identity_wrap(_key(master_key, "master_key"), _identity_sk(identity)))


def identity_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> IdentityKeyPair:
    """cloak_identity_unwrap()."""
    return IdentityKeyPair._of(_low.identity_unwrap(_key(master_key, "master_key"), wrapped))


def encryption_wrap(master_key: Union[SymmetricKey, BytesLike], keypair: EncryptionKeyPair) -> bytes:
    """cloak_encryption_wrap(): a member's encryption key (type 0x06)."""
    return bytes(_low.encryption_wrap(_key(master_key, "master_key"), _encryption_sk(keypair)))


def encryption_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> EncryptionKeyPair:
    """cloak_encryption_unwrap()."""
    return EncryptionKeyPair._of(_low.encryption_unwrap(_key(master_key, "master_key"), wrapped))


def service_account_wrap(master_key: Union[SymmetricKey, BytesLike], keypair: EncryptionKeyPair) -> bytes:
    """cloak_service_account_wrap(): a service account's key (type 0x07)."""
    return bytes(_low.service_account_wrap(_key(master_key, "master_key"), _encryption_sk(keypair)))


def service_account_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> EncryptionKeyPair:
    """cloak_service_account_unwrap()."""
    return EncryptionKeyPair._of(_low.service_account_unwrap(_key(master_key, "master_key"), wrapped))


def wrapped_key_rewrap(old_master_key: Union[SymmetricKey, BytesLike], new_master_key: Union[SymmetricKey, BytesLike],
                       wrapped: BytesLike) -> bytes:
    """cloak_wrapped_key_rewrap(): a wrapped key (identity, encryption or service account) moved
    from one master key to another, same type and public key under a fresh nonce, without the
    private key reaching Python: for a password change, or for the upgrade of an account whose
    record is below a raised policy floor. BadParamsError if the two master keys are the same,
    WrongKeyError for a blob wrapped under another master key, AuthenticationError for a forged or
    damaged one."""
    return bytes(_low.wrapped_key_rewrap(_key(old_master_key, "old_master_key"), _key(new_master_key, "new_master_key"),
                                         wrapped))


class WrappedKeyInfo(NamedTuple):
    type: Union[ObjectType, int]
    public_key: bytes


def wrapped_key_public_key(wrapped: BytesLike) -> WrappedKeyInfo:
    """cloak_wrapped_key_public_key(): the type and public key a wrapped key carries (parsed, not
    authenticated: only unwrapping proves them)."""
    public_key, object_type = _low.wrapped_key_public_key(wrapped)
    return WrappedKeyInfo(_object_type(object_type), public_key)


def service_account_private_export(keypair: EncryptionKeyPair) -> bytes:
    """cloak_service_account_private_export(): the private key in the clear (type 0x0C, 84 bytes)."""
    secret_key = _encryption_sk(keypair)
    with _low.service_account_private_export(keypair.public_key, secret_key) as blob:
        return blob.copy()


def service_account_private_import(blob: BytesLike) -> EncryptionKeyPair:
    """cloak_service_account_private_import(): checks that the private key gives the public key."""
    return EncryptionKeyPair._of(_low.service_account_private_import(blob))
