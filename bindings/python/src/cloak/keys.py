"""Keys: symmetric keys (master, login, vault), identity key pairs (Ed25519), encryption key pairs
(X25519), public key blobs, bundles, signatures under a context, fingerprints, and wrapping private
keys under a master key."""

from __future__ import annotations

import ctypes
import hmac
from typing import Any, NamedTuple, Type, TypeVar, Union

from . import constants as K
from ._buf import BytesLike, Label, SecretBuffer, cin, fixed, label, length, out
from ._lib import C
from .envelope import ObjectType, _object_type
from .errors import check

__all__ = [
    "SymmetricKey", "MasterKey", "LoginKey", "VaultKey", "IdentityKeyPair", "EncryptionKeyPair",
    "Bundle", "WrappedKeyInfo", "key_id", "vault_key_generate", "identity_keypair",
    "identity_keypair_from_seed", "identity_sign", "identity_verify", "encryption_keypair",
    "encryption_keypair_from_seed", "identity_public_export", "identity_public_import",
    "encryption_public_export", "encryption_public_import", "bundle_create", "bundle_verify",
    "identity_fingerprint", "identity_pair_code", "identity_wrap", "identity_unwrap",
    "encryption_wrap", "encryption_unwrap", "service_account_wrap", "service_account_unwrap",
    "wrapped_key_public_key", "service_account_export", "service_account_import",
]


class _Secret:
    """Base of the classes that hold secret bytes: wipe(), context manager, no pickling, a repr
    without the secret."""

    __slots__ = ("_secret", "_wiped", "__weakref__")
    _secret: SecretBuffer
    _wiped: bool

    def __init__(self, n: int) -> None:
        self._secret = SecretBuffer(n)
        self._wiped = False

    def _ptr(self) -> Any:
        if self._wiped:
            raise ValueError("%s has been wiped" % type(self).__name__)
        return self._secret.ptr

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
_KT = TypeVar("_KT", bound="SymmetricKey")


class SymmetricKey(_Secret):
    """A 32-byte symmetric key. ``bytes(key)`` gives a copy (which Python cannot wipe later);
    ``key.key_id`` the 16-byte id that blobs carry (it reveals nothing about the key)."""

    __slots__ = ()

    def __init__(self, key: BytesLike) -> None:
        super().__init__(K.KEYBYTES)
        if isinstance(key, SymmetricKey):
            src = key._ptr()
        else:
            src = fixed(key, K.KEYBYTES, "key")
        ctypes.memmove(self._secret.ptr, src, K.KEYBYTES)

    @classmethod
    def _blank(cls: Type[_KT]) -> _KT:
        obj = cls.__new__(cls)
        _Secret.__init__(obj, K.KEYBYTES)
        return obj

    @property
    def key_id(self) -> bytes:
        kid = out(K.KEYIDBYTES)
        C.cloak_key_id(kid, self._ptr())
        return kid.raw[: K.KEYIDBYTES]

    def __bytes__(self) -> bytes:
        self._ptr()
        return self._secret.copy()

    def __len__(self) -> int:
        return K.KEYBYTES

    def __eq__(self, other: object) -> bool:
        self._ptr()
        if isinstance(other, SymmetricKey):
            other._ptr()
            return hmac.compare_digest(self._secret.view(), other._secret.view())
        if isinstance(other, (bytes, bytearray, memoryview)):
            return hmac.compare_digest(self._secret.view(), other)
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
    """Derived from the password; sent to the server as proof of it (``bytes(login_key)``)."""

    __slots__ = ()


class VaultKey(SymmetricKey):
    """A vault's key: its secrets are sealed under subkeys of it; shared with members."""

    __slots__ = ()


def _key(key: Union[SymmetricKey, BytesLike], what: str) -> Any:
    if isinstance(key, SymmetricKey):
        return key._ptr()
    return fixed(key, K.KEYBYTES, what)


def key_id(key: Union[SymmetricKey, BytesLike]) -> bytes:
    """cloak_key_id(): the 16-byte id of a master or vault key."""
    kid = out(K.KEYIDBYTES)
    C.cloak_key_id(kid, _key(key, "key"))
    return kid.raw[: K.KEYIDBYTES]


def vault_key_generate() -> VaultKey:
    """cloak_vault_key_generate(): a fresh random vault key."""
    k = VaultKey._blank()
    C.cloak_vault_key_generate(k._secret.ptr)
    return k


# ---- identity keys ---------------------------------------------------------------------------------

class IdentityKeyPair(_Secret):
    """An Ed25519 identity: ``public_key`` (32 bytes) and a secret key kept in wipeable memory."""

    __slots__ = ("public_key",)
    public_key: bytes

    def __init__(self) -> None:
        raise TypeError("use IdentityKeyPair.generate(), .from_seed() or .unwrap()")

    @classmethod
    def _blank(cls) -> "IdentityKeyPair":
        obj = cls.__new__(cls)
        _Secret.__init__(obj, K.IDENTITY_SECRETKEYBYTES)
        obj.public_key = b""
        return obj

    @classmethod
    def generate(cls) -> "IdentityKeyPair":
        """cloak_identity_keypair()."""
        kp = cls._blank()
        pk = out(K.IDENTITY_PUBLICKEYBYTES)
        C.cloak_identity_keypair(pk, kp._secret.ptr)
        kp.public_key = pk.raw[: K.IDENTITY_PUBLICKEYBYTES]
        return kp

    @classmethod
    def from_seed(cls, seed: BytesLike) -> "IdentityKeyPair":
        """cloak_identity_keypair_from_seed(): the RFC 8032 key pair of a 32-byte seed."""
        s = fixed(seed, K.IDENTITY_SEEDBYTES, "seed")
        kp = cls._blank()
        pk = out(K.IDENTITY_PUBLICKEYBYTES)
        check(C.cloak_identity_keypair_from_seed(pk, kp._secret.ptr, s))
        kp.public_key = pk.raw[: K.IDENTITY_PUBLICKEYBYTES]
        return kp

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

    def __repr__(self) -> str:
        if self._wiped:
            return "IdentityKeyPair(public_key=%s, wiped)" % self.public_key.hex()
        return "IdentityKeyPair(public_key=%s)" % self.public_key.hex()


def identity_keypair() -> IdentityKeyPair:
    """cloak_identity_keypair(): a fresh Ed25519 identity."""
    return IdentityKeyPair.generate()


def identity_keypair_from_seed(seed: BytesLike) -> IdentityKeyPair:
    """cloak_identity_keypair_from_seed()."""
    return IdentityKeyPair.from_seed(seed)


def _identity_sk(identity: IdentityKeyPair) -> Any:
    if not isinstance(identity, IdentityKeyPair):
        raise TypeError("expected an IdentityKeyPair, not %s" % type(identity).__name__)
    return identity._ptr()


def identity_sign(identity: IdentityKeyPair, message: BytesLike, context: Label = b"") -> bytes:
    """cloak_identity_sign(): signs `message` under a context label (domain separation)."""
    ctx = label(context, "context")
    sig = out(K.SIGNATUREBYTES)
    check(C.cloak_identity_sign(sig, cin(message, "message"), length(message), ctx, len(ctx),
                                _identity_sk(identity)))
    return sig.raw[: K.SIGNATUREBYTES]


def identity_verify(public_key: BytesLike, signature: BytesLike, message: BytesLike,
                    context: Label = b"") -> None:
    """cloak_identity_verify(): returns if the signature verifies, else raises BadSignatureError."""
    ctx = label(context, "context")
    check(C.cloak_identity_verify(fixed(signature, K.SIGNATUREBYTES, "signature"),
                                  cin(message, "message"), length(message), ctx, len(ctx),
                                  fixed(public_key, K.IDENTITY_PUBLICKEYBYTES, "public_key")))


# ---- encryption keys -------------------------------------------------------------------------------

class EncryptionKeyPair(_Secret):
    """An X25519 key pair (a member's encryption key or a service account): ``public_key`` (32
    bytes) and a private key kept in wipeable memory."""

    __slots__ = ("public_key",)
    public_key: bytes

    def __init__(self) -> None:
        raise TypeError("use EncryptionKeyPair.generate(), .from_seed(), .from_keys() or an import")

    @classmethod
    def _blank(cls) -> "EncryptionKeyPair":
        obj = cls.__new__(cls)
        _Secret.__init__(obj, K.ENCRYPTION_SECRETKEYBYTES)
        obj.public_key = b""
        return obj

    @classmethod
    def generate(cls) -> "EncryptionKeyPair":
        """cloak_encryption_keypair()."""
        kp = cls._blank()
        pk = out(K.ENCRYPTION_PUBLICKEYBYTES)
        C.cloak_encryption_keypair(pk, kp._secret.ptr)
        kp.public_key = pk.raw[: K.ENCRYPTION_PUBLICKEYBYTES]
        return kp

    @classmethod
    def from_seed(cls, seed: BytesLike) -> "EncryptionKeyPair":
        """cloak_encryption_keypair_from_seed(): RFC 9180 DeriveKeyPair (seed of 32 bytes or more)."""
        s = cin(seed, "seed")
        kp = cls._blank()
        pk = out(K.ENCRYPTION_PUBLICKEYBYTES)
        check(C.cloak_encryption_keypair_from_seed(pk, kp._secret.ptr, s, length(seed)))
        kp.public_key = pk.raw[: K.ENCRYPTION_PUBLICKEYBYTES]
        return kp

    @classmethod
    def from_keys(cls, public_key: BytesLike, secret_key: BytesLike) -> "EncryptionKeyPair":
        """A key pair from its two halves (e.g. keys made elsewhere). The library checks that the
        private key gives the public key (MismatchError otherwise), through
        cloak_service_account_private_export(), whose output is wiped at once."""
        pk = fixed(public_key, K.ENCRYPTION_PUBLICKEYBYTES, "public_key")
        sk = fixed(secret_key, K.ENCRYPTION_SECRETKEYBYTES, "secret_key")
        with SecretBuffer(K.SERVICE_ACCOUNT_PRIVATE_BLOBBYTES) as blob:
            check(C.cloak_service_account_private_export(blob.ptr, pk, sk))
        kp = cls._blank()
        ctypes.memmove(kp._secret.ptr, sk, K.ENCRYPTION_SECRETKEYBYTES)
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
    def import_service_account(cls, blob: BytesLike) -> "EncryptionKeyPair":
        """cloak_service_account_private_import(): from a clear private key blob (type 0x0C)."""
        return service_account_import(blob)

    def wrap(self, master_key: Union[SymmetricKey, BytesLike]) -> bytes:
        """cloak_encryption_wrap(): as a member's encryption key (type 0x06)."""
        return encryption_wrap(master_key, self)

    def wrap_service_account(self, master_key: Union[SymmetricKey, BytesLike]) -> bytes:
        """cloak_service_account_wrap(): as a service account's key (type 0x07)."""
        return service_account_wrap(master_key, self)

    def export_service_account(self) -> bytes:
        """cloak_service_account_private_export(): the private key IN THE CLEAR (type 0x0C), for a CI
        variable or a key file. Python cannot wipe the returned bytes."""
        return service_account_export(self)

    def export_public(self) -> bytes:
        """cloak_encryption_public_export(): the public key as a blob (type 0x03)."""
        return encryption_public_export(self.public_key)

    def __repr__(self) -> str:
        if self._wiped:
            return "EncryptionKeyPair(public_key=%s, wiped)" % self.public_key.hex()
        return "EncryptionKeyPair(public_key=%s)" % self.public_key.hex()


def encryption_keypair() -> EncryptionKeyPair:
    """cloak_encryption_keypair(): a fresh X25519 key pair."""
    return EncryptionKeyPair.generate()


def encryption_keypair_from_seed(seed: BytesLike) -> EncryptionKeyPair:
    """cloak_encryption_keypair_from_seed(): RFC 9180 DeriveKeyPair."""
    return EncryptionKeyPair.from_seed(seed)


def _encryption_sk(kp: EncryptionKeyPair) -> Any:
    if not isinstance(kp, EncryptionKeyPair):
        raise TypeError("expected an EncryptionKeyPair, not %s" % type(kp).__name__)
    return kp._ptr()


# ---- public key blobs, bundles, fingerprints -------------------------------------------------------

def identity_public_export(public_key: BytesLike) -> bytes:
    """cloak_identity_public_export(): a 52-byte blob of type IDENTITY_PUBLIC_KEY."""
    blob = out(K.PUBLIC_KEY_BLOBBYTES)
    C.cloak_identity_public_export(blob, fixed(public_key, K.IDENTITY_PUBLICKEYBYTES, "public_key"))
    return blob.raw[: K.PUBLIC_KEY_BLOBBYTES]


def identity_public_import(blob: BytesLike) -> bytes:
    """cloak_identity_public_import(): the identity public key of a blob."""
    pk = out(K.IDENTITY_PUBLICKEYBYTES)
    check(C.cloak_identity_public_import(pk, cin(blob, "blob"), length(blob)))
    return pk.raw[: K.IDENTITY_PUBLICKEYBYTES]


def encryption_public_export(public_key: BytesLike) -> bytes:
    """cloak_encryption_public_export(): a 52-byte blob of type ENCRYPTION_PUBLIC_KEY."""
    blob = out(K.PUBLIC_KEY_BLOBBYTES)
    C.cloak_encryption_public_export(blob, fixed(public_key, K.ENCRYPTION_PUBLICKEYBYTES, "public_key"))
    return blob.raw[: K.PUBLIC_KEY_BLOBBYTES]


def encryption_public_import(blob: BytesLike) -> bytes:
    """cloak_encryption_public_import(): the encryption public key of a blob."""
    pk = out(K.ENCRYPTION_PUBLICKEYBYTES)
    check(C.cloak_encryption_public_import(pk, cin(blob, "blob"), length(blob)))
    return pk.raw[: K.ENCRYPTION_PUBLICKEYBYTES]


class Bundle(NamedTuple):
    identity_public_key: bytes
    encryption_public_key: bytes


def bundle_create(identity: IdentityKeyPair, encryption_public_key: BytesLike) -> bytes:
    """cloak_bundle_create(): the identity signs the encryption public key (148-byte blob)."""
    b = out(K.BUNDLEBYTES)
    check(C.cloak_bundle_create(b, _identity_sk(identity),
                                fixed(encryption_public_key, K.ENCRYPTION_PUBLICKEYBYTES,
                                      "encryption_public_key")))
    return b.raw[: K.BUNDLEBYTES]


def bundle_verify(bundle: BytesLike) -> Bundle:
    """cloak_bundle_verify(): checks the signature and returns both public keys."""
    ipk = out(K.IDENTITY_PUBLICKEYBYTES)
    epk = out(K.ENCRYPTION_PUBLICKEYBYTES)
    check(C.cloak_bundle_verify(ipk, epk, cin(bundle, "bundle"), length(bundle)))
    return Bundle(ipk.raw[: K.IDENTITY_PUBLICKEYBYTES], epk.raw[: K.ENCRYPTION_PUBLICKEYBYTES])


def identity_fingerprint(public_key: BytesLike) -> str:
    """cloak_identity_fingerprint(): "12345 12345 12345 12345 12345 12345"."""
    t = out(K.FINGERPRINT_TEXTBYTES)
    C.cloak_identity_fingerprint(t, fixed(public_key, K.IDENTITY_PUBLICKEYBYTES, "public_key"))
    return t.value.decode("ascii")


def identity_pair_code(public_key_a: BytesLike, public_key_b: BytesLike) -> str:
    """cloak_identity_pair_code(): one code for two users, the same whichever computes it."""
    t = out(K.PAIR_CODE_TEXTBYTES)
    C.cloak_identity_pair_code(t, fixed(public_key_a, K.IDENTITY_PUBLICKEYBYTES, "public_key_a"),
                               fixed(public_key_b, K.IDENTITY_PUBLICKEYBYTES, "public_key_b"))
    return t.value.decode("ascii")


# ---- wrapping --------------------------------------------------------------------------------------

def identity_wrap(master_key: Union[SymmetricKey, BytesLike], identity: IdentityKeyPair) -> bytes:
    """cloak_identity_wrap()."""
    w = out(K.WRAPPED_KEYBYTES)
    check(C.cloak_identity_wrap(w, _key(master_key, "master_key"), _identity_sk(identity)))
    return w.raw[: K.WRAPPED_KEYBYTES]


def identity_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> IdentityKeyPair:
    """cloak_identity_unwrap()."""
    mk = _key(master_key, "master_key")
    kp = IdentityKeyPair._blank()
    pk = out(K.IDENTITY_PUBLICKEYBYTES)
    check(C.cloak_identity_unwrap(pk, kp._secret.ptr, mk, cin(wrapped, "wrapped"), length(wrapped)))
    kp.public_key = pk.raw[: K.IDENTITY_PUBLICKEYBYTES]
    return kp


def _wrap_x25519(fn: Any, master_key: Union[SymmetricKey, BytesLike], kp: EncryptionKeyPair) -> bytes:
    w = out(K.WRAPPED_KEYBYTES)
    check(fn(w, _key(master_key, "master_key"), _encryption_sk(kp)))
    return w.raw[: K.WRAPPED_KEYBYTES]


def _unwrap_x25519(fn: Any, master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> EncryptionKeyPair:
    mk = _key(master_key, "master_key")
    kp = EncryptionKeyPair._blank()
    pk = out(K.ENCRYPTION_PUBLICKEYBYTES)
    check(fn(pk, kp._secret.ptr, mk, cin(wrapped, "wrapped"), length(wrapped)))
    kp.public_key = pk.raw[: K.ENCRYPTION_PUBLICKEYBYTES]
    return kp


def encryption_wrap(master_key: Union[SymmetricKey, BytesLike], keypair: EncryptionKeyPair) -> bytes:
    """cloak_encryption_wrap(): a member's encryption key (type 0x06)."""
    return _wrap_x25519(C.cloak_encryption_wrap, master_key, keypair)


def encryption_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> EncryptionKeyPair:
    """cloak_encryption_unwrap()."""
    return _unwrap_x25519(C.cloak_encryption_unwrap, master_key, wrapped)


def service_account_wrap(master_key: Union[SymmetricKey, BytesLike], keypair: EncryptionKeyPair) -> bytes:
    """cloak_service_account_wrap(): a service account's key (type 0x07)."""
    return _wrap_x25519(C.cloak_service_account_wrap, master_key, keypair)


def service_account_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> EncryptionKeyPair:
    """cloak_service_account_unwrap()."""
    return _unwrap_x25519(C.cloak_service_account_unwrap, master_key, wrapped)


class WrappedKeyInfo(NamedTuple):
    type: Union[ObjectType, int]
    public_key: bytes


def wrapped_key_public_key(wrapped: BytesLike) -> WrappedKeyInfo:
    """cloak_wrapped_key_public_key(): the type and public key a wrapped key carries (parsed, not
    authenticated: only unwrapping proves them)."""
    pk = out(32)
    t = ctypes.c_int(0)
    check(C.cloak_wrapped_key_public_key(pk, ctypes.byref(t), cin(wrapped, "wrapped"), length(wrapped)))
    return WrappedKeyInfo(_object_type(t.value), pk.raw[:32])


def service_account_export(keypair: EncryptionKeyPair) -> bytes:
    """cloak_service_account_private_export(): the private key in the clear (type 0x0C, 84 bytes)."""
    sk = _encryption_sk(keypair)
    with SecretBuffer(K.SERVICE_ACCOUNT_PRIVATE_BLOBBYTES) as blob:
        check(C.cloak_service_account_private_export(blob.ptr, fixed(keypair.public_key, K.ENCRYPTION_PUBLICKEYBYTES,
                                                             "public_key"), sk))
        return blob.copy()


def service_account_import(blob: BytesLike) -> EncryptionKeyPair:
    """cloak_service_account_private_import(): checks that the private key gives the public key."""
    kp = EncryptionKeyPair._blank()
    pk = out(K.ENCRYPTION_PUBLICKEYBYTES)
    check(C.cloak_service_account_private_import(pk, kp._secret.ptr, cin(blob, "blob"), length(blob)))
    kp.public_key = pk.raw[: K.ENCRYPTION_PUBLICKEYBYTES]
    return kp
