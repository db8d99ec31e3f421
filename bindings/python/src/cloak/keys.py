"""Keys: symmetric keys (master, login, vault), identity key pairs (Ed25519), encryption key pairs of
either suite (X-Wing, the default, or X25519) and their public keys, public key blobs, bundles,
signatures under a context, fingerprints, and wrapping private keys under a master key.

Every object that holds secret key material keeps it in wipeable memory and gives raw access only
through one explicit method, secret_bytes(), which returns a copy the caller should wipe (or drop)
as soon as it is done with it."""

from __future__ import annotations

import ctypes
import hmac
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple, Type, TypeVar, Union

from . import _low
from . import constants as K
from ._buf import BytesLike, Label, SecretBuffer, fixed_in, label
from .envelope import DEFAULT_SUITE, ObjectType, Suite, _object_type, blob_suite
from .errors import BadParamsError, CloakError, MismatchError, UnsupportedSuiteError

__all__ = [
    "SymmetricKey", "MasterKey", "LoginKey", "VaultKey", "IdentityKeyPair", "EncryptionKeyPair",
    "X25519KeyPair", "XWingKeyPair", "EncryptionPublicKey",
    "Bundle", "WrappedKeyInfo", "key_id", "vault_key_generate", "identity_keypair",
    "identity_keypair_from_seed", "identity_sign", "identity_verify", "encryption_keypair",
    "encryption_keypair_from_seed", "xwing_keypair", "xwing_keypair_from_seed", "xwing_public_key",
    "xwing_key_hash", "identity_public_export", "identity_public_import",
    "encryption_public_export", "encryption_public_import", "xwing_public_export", "xwing_public_import",
    "bundle_create", "bundle_verify", "bundle_create_xwing", "bundle_verify_xwing",
    "identity_fingerprint", "identity_pair_code", "identity_wrap", "identity_unwrap",
    "encryption_wrap", "encryption_unwrap", "xwing_wrap", "xwing_unwrap", "service_account_wrap",
    "service_account_unwrap", "service_account_xwing_wrap", "service_account_xwing_unwrap",
    "wrapped_key_public_key", "wrapped_key_public_key_xwing", "wrapped_key_rewrap", "wrapped_key_rewrap_xwing",
    "service_account_private_export", "service_account_private_import", "service_account_xwing_private_export",
    "service_account_xwing_private_import", "service_account_credential", "service_account_xwing_credential",
    "service_account_credential_verifier",
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


# ---- identity key pairs ---------------------------------------------------------------------

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

    def bundle(self, encryption_public_key: Union["EncryptionPublicKey", "EncryptionKeyPair", BytesLike]) -> bytes:
        """cloak_bundle_create() or cloak_bundle_create_xwing(), by the key's suite: this identity
        signs the encryption public key."""
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


# ---- encryption keys of either suite ----------------------------------------------------------------

class _SuiteOps(NamedTuple):
    """The generated wrappers that do one thing in one suite: the binding picks the row from the
    suite of a key (its length, or its key pair's class) or of a blob, so that callers never choose
    between cloak_share_seal() and cloak_share_seal_xwing() themselves."""

    suite: Suite
    public_key_len: int
    generate: Callable[..., Any]
    from_seed: Callable[..., Any]
    public_export: Callable[..., Any]
    public_import: Callable[..., Any]
    bundle_create: Callable[..., Any]
    bundle_verify: Callable[..., Any]
    wrap: Callable[..., Any]
    unwrap: Callable[..., Any]
    account_wrap: Callable[..., Any]
    account_unwrap: Callable[..., Any]
    account_export: Callable[..., Any]
    account_import: Callable[..., Any]
    wrapped_public_key: Callable[..., Any]
    rewrap: Callable[..., Any]
    share_seal: Callable[..., Any]
    share_open: Callable[..., Any]
    batch_len: Callable[..., Any]
    batch_begin: Callable[..., Any]
    batch_verify: Callable[..., Any]
    hpke_setup_sender: Callable[..., Any]
    hpke_setup_recipient: Callable[..., Any]
    hpke_seal_base: Callable[..., Any]
    hpke_open_base: Callable[..., Any]
    account_credential: Callable[..., Any]


_OPS = {
    Suite.X25519: _SuiteOps(
        Suite.X25519, K.ENCRYPTION_PUBLICKEYBYTES, _low.encryption_keypair, _low.encryption_keypair_from_seed,
        _low.encryption_public_export, _low.encryption_public_import, _low.bundle_create, _low.bundle_verify,
        _low.encryption_wrap, _low.encryption_unwrap, _low.service_account_wrap, _low.service_account_unwrap,
        _low.service_account_private_export, _low.service_account_private_import, _low.wrapped_key_public_key,
        _low.wrapped_key_rewrap, _low.share_seal, _low.share_open, _low.batch_len, _low.batch_begin,
        _low.batch_verify, _low.hpke_setup_sender, _low.hpke_setup_recipient, _low.hpke_seal_base,
        _low.hpke_open_base, _low.service_account_credential),
    Suite.XWING: _SuiteOps(
        Suite.XWING, K.XWING_PUBLICKEYBYTES, _low.xwing_keypair, _low.xwing_keypair_from_seed,
        _low.xwing_public_export, _low.xwing_public_import, _low.bundle_create_xwing, _low.bundle_verify_xwing,
        _low.xwing_wrap, _low.xwing_unwrap, _low.service_account_xwing_wrap, _low.service_account_xwing_unwrap,
        _low.service_account_xwing_private_export, _low.service_account_xwing_private_import,
        _low.wrapped_key_public_key_xwing, _low.wrapped_key_rewrap_xwing, _low.share_seal_xwing,
        _low.share_open_xwing, _low.batch_len_xwing, _low.batch_begin_xwing, _low.batch_verify_xwing,
        _low.hpke_setup_sender_xwing, _low.hpke_setup_recipient_xwing, _low.hpke_seal_base_xwing,
        _low.hpke_open_base_xwing, _low.service_account_xwing_credential),
}


def _suite_arg(suite: object) -> Suite:
    """A suite argument: Suite.X25519 / SUITE_X25519 (1) or Suite.XWING / SUITE_XWING (2)."""
    if isinstance(suite, bool) or not isinstance(suite, int):
        raise TypeError("suite must be a Suite, not %s" % type(suite).__name__)
    try:
        return Suite(suite)
    except ValueError:
        raise BadParamsError("suite must be SUITE_X25519 (1) or SUITE_XWING (2), not %d" % suite) from None


def _suite_of_length(n: int) -> Suite:
    for ops in _OPS.values():
        if n == ops.public_key_len:
            return ops.suite
    raise BadParamsError("an encryption public key is %d bytes (X25519) or %d bytes (X-Wing), not %d"
                         % (K.ENCRYPTION_PUBLICKEYBYTES, K.XWING_PUBLICKEYBYTES, n))


def _blob_ops(blob: BytesLike, suite: Optional[int]) -> _SuiteOps:
    """The reader of a blob: the suite asked for (whose C function refuses a blob of the other suite,
    UnsupportedSuiteError), or with None the blob's own (cloak_blob_suite)."""
    if suite is not None:
        return _OPS[_suite_arg(suite)]
    try:
        return _OPS[blob_suite(blob)]
    except CloakError:
        # A blob whose header does not tell (truncated, another version, a suite its type does not
        # admit): suite 1's reader reports what is wrong, in the order of its own checks (the
        # type before the suite), as the C function would.
        return _OPS[Suite.X25519]


class EncryptionPublicKey(bytes):
    """An encryption public key that knows its suite: 32 bytes for X25519, 1216 (the ML-KEM-768
    encapsulation key, then the X25519 key) for X-Wing. It *is* a bytes object, so it goes wherever
    the raw key goes and compares equal to it; the functions that seal to a key (shares, batches,
    HPKE, bundles, roster entries) pick the suite from it. The key itself is checked by the library
    wherever it enters, not here."""

    __slots__ = ()

    def __new__(cls, key: BytesLike, suite: Optional[int] = None) -> "EncryptionPublicKey":
        if not isinstance(key, (bytes, bytearray, memoryview)):
            raise TypeError("public key must be bytes-like, not %s" % type(key).__name__)
        obj = super().__new__(cls, key)
        of_length = _suite_of_length(len(obj))
        if suite is not None and _suite_arg(suite) != of_length:
            raise BadParamsError("a %d-byte public key is not of suite %d" % (len(obj), suite))
        return obj

    @property
    def suite(self) -> Suite:
        return _suite_of_length(len(self))

    @classmethod
    def import_blob(cls, blob: BytesLike, suite: Optional[int] = None) -> "EncryptionPublicKey":
        """The public key of a blob of type ENCRYPTION_PUBLIC_KEY, of either suite (or only `suite`)."""
        return cls(_blob_ops(blob, suite).public_import(blob))

    def export(self) -> bytes:
        """cloak_encryption_public_export() or cloak_xwing_public_export(): the key as a blob."""
        return bytes(_OPS[self.suite].public_export(self))

    @property
    def key_id(self) -> bytes:
        """The 16-byte key id blobs and roster entries carry for this key (section 1.2)."""
        return bytes(_low.blob_inspect(self.export())[1])

    @property
    def key_hash(self) -> bytes:
        """cloak_xwing_key_hash(): the 32-byte hash that stands for an X-Wing key in signed contents
        and rosters (UnsupportedSuiteError for an X25519 key, which stands for itself)."""
        if self.suite != Suite.XWING:
            raise UnsupportedSuiteError("only X-Wing keys have a key hash")
        return bytes(_low.xwing_key_hash(self))

    @property
    def binding(self) -> bytes:
        """What stands for the key in a roster entry (docs/protocol.md 1.6): an X25519 key itself, an
        X-Wing key's key hash; 32 bytes either way."""
        return bytes(self) if self.suite == Suite.X25519 else self.key_hash

    def __repr__(self) -> str:
        if self.suite == Suite.X25519:
            return "EncryptionPublicKey(X25519, %s)" % self.hex()
        return "EncryptionPublicKey(XWING, %d bytes, %s...)" % (len(self), self[:16].hex())


def _public_key(key: object, what: str = "public_key") -> EncryptionPublicKey:
    """An encryption public key argument: an EncryptionPublicKey, the raw bytes of one (suite by
    length), or a key pair (its public half)."""
    if isinstance(key, EncryptionKeyPair):
        return key.public_key
    if isinstance(key, EncryptionPublicKey):
        return key
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise TypeError("%s must be an encryption public key, not %s" % (what, type(key).__name__))
    return EncryptionPublicKey(key)


_EK = TypeVar("_EK", bound="EncryptionKeyPair")


class EncryptionKeyPair(_KeyPair):
    """An encryption key pair (a member's encryption key, or a service account's key), of either
    suite: X25519KeyPair or XWingKeyPair. ``public_key`` is an EncryptionPublicKey; the private key
    (32 bytes in both suites: an X25519 scalar, or X-Wing's seed) stays in wipeable memory
    (``secret_bytes()``).

    Called on this class, the constructors make or read either suite: generate() and from_seed()
    make an X-Wing key unless `suite` says otherwise (``suite=Suite.X25519``), and unwrap() and the
    imports take the suite from the blob. Called on a subclass they make or read that suite only."""

    __slots__ = ()
    #: Set by each subclass.
    suite: Suite
    public_key: EncryptionPublicKey

    @classmethod
    def _class_for(cls, suite: Optional[int]) -> "Type[EncryptionKeyPair]":
        if cls is EncryptionKeyPair:
            return _PAIR_CLASSES[DEFAULT_SUITE if suite is None else _suite_arg(suite)]
        if suite is not None and _suite_arg(suite) != cls.suite:
            raise BadParamsError("%s makes keys of suite %d only" % (cls.__name__, cls.suite))
        return cls

    @classmethod
    def _of_suite(cls, suite: Suite) -> "Type[EncryptionKeyPair]":
        """The class for reading a blob of `suite`: a subclass reads its own suite only (the C
        function then refuses another, UnsupportedSuiteError)."""
        return _PAIR_CLASSES[suite] if cls is EncryptionKeyPair else cls

    @classmethod
    def generate(cls, suite: Optional[int] = None) -> "EncryptionKeyPair":  # type: ignore[override]
        """cloak_xwing_keypair() (the default) or cloak_encryption_keypair(): a fresh key pair."""
        k = cls._class_for(suite)
        return k._of(_OPS[k.suite].generate())

    @classmethod
    def from_seed(cls, seed: BytesLike, suite: Optional[int] = None) -> "EncryptionKeyPair":  # type: ignore[override]
        """HPKE's DeriveKeyPair of the suite's KEM on 32 to 255 bytes: cloak_xwing_keypair_from_seed()
        (the default) or cloak_encryption_keypair_from_seed() (RFC 9180, X25519)."""
        k = cls._class_for(suite)
        return k._of(_OPS[k.suite].from_seed(seed))

    @classmethod
    def from_keys(cls, public_key: BytesLike, secret_key: BytesLike) -> "EncryptionKeyPair":
        """A key pair from its two halves (e.g. keys made elsewhere), of the suite the public key's
        length gives. The library checks that the private key gives the public key (MismatchError
        otherwise): through cloak_service_account_private_export() for X25519, whose output is wiped
        at once, and cloak_xwing_public_key() for X-Wing."""
        pk = EncryptionPublicKey(public_key)
        k = cls._class_for(pk.suite)
        sk = fixed_in(secret_key, K.ENCRYPTION_SECRETKEYBYTES, "secret_key")
        if k.suite == Suite.X25519:
            _low.service_account_private_export(pk, secret_key).wipe()
        elif not hmac.compare_digest(_low.xwing_public_key(secret_key), pk):
            raise MismatchError("the X-Wing public key is not the secret key's")
        kp = k._adopt(SecretBuffer(K.ENCRYPTION_SECRETKEYBYTES))
        ctypes.memmove(kp._secret.ptr, sk, K.ENCRYPTION_SECRETKEYBYTES)
        kp.public_key = pk
        return kp

    @classmethod
    def _of(cls: Type[_KP], pair: Any) -> _KP:
        public_key, secret_key = pair
        kp = cls._adopt(secret_key)
        kp.public_key = EncryptionPublicKey(public_key)
        return kp

    @classmethod
    def unwrap(cls, master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> "EncryptionKeyPair":
        """cloak_encryption_unwrap() or cloak_xwing_unwrap(): a member's encryption key pair (type
        0x06), of the blob's suite (on a subclass, of its suite only)."""
        return encryption_unwrap(master_key, wrapped, None if cls is EncryptionKeyPair else cls.suite)

    @classmethod
    def unwrap_service_account(cls, master_key: Union[SymmetricKey, BytesLike],
                               wrapped: BytesLike) -> "EncryptionKeyPair":
        """cloak_service_account_unwrap() or cloak_service_account_xwing_unwrap(): a service
        account's key pair (type 0x07)."""
        return service_account_unwrap(master_key, wrapped, None if cls is EncryptionKeyPair else cls.suite)

    @classmethod
    def import_service_account_private(cls, blob: BytesLike) -> "EncryptionKeyPair":
        """cloak_service_account_private_import() or its _xwing form: from a clear private key blob
        (type 0x0C)."""
        return service_account_private_import(blob, None if cls is EncryptionKeyPair else cls.suite)

    @property
    def key_id(self) -> bytes:
        """The key id of the public key (what roster entries, shares and batches carry)."""
        return self.public_key.key_id

    def wrap(self, master_key: Union[SymmetricKey, BytesLike]) -> bytes:
        """cloak_encryption_wrap() or cloak_xwing_wrap(): as a member's encryption key (type 0x06)."""
        return encryption_wrap(master_key, self)

    def wrap_service_account(self, master_key: Union[SymmetricKey, BytesLike]) -> bytes:
        """cloak_service_account_wrap() or its _xwing form: as a service account's key (type 0x07)."""
        return service_account_wrap(master_key, self)

    def export_service_account_private(self) -> bytes:
        """cloak_service_account_private_export() or its _xwing form: the private key IN THE CLEAR
        (type 0x0C), for a CI variable or a key file. Python cannot wipe the returned bytes."""
        return service_account_private_export(self)

    def service_account_credential(self) -> bytes:
        """cloak_service_account_credential() or its _xwing form: the 32-byte access credential this
        key pair, as a service account's key, shows a server (docs/protocol.md section 9.4). It is a
        bearer secret, for TLS only; the server keeps its verifier
        (service_account_credential_verifier()). Python cannot wipe the returned bytes."""
        return service_account_credential(self)

    def export_public(self) -> bytes:
        """The public key as a blob (type 0x03, of the key's suite)."""
        return self.public_key.export()

    def __repr__(self) -> str:
        return "%s(%s%s)" % (type(self).__name__, "public_key=" + self.public_key.hex() if self.suite == Suite.X25519
                             else "key_id=" + self.key_id.hex(), ", wiped" if self._wiped else "")


class X25519KeyPair(EncryptionKeyPair):
    """An X25519 key pair (suite 1): the classical suite, for keys made before X-Wing or peers that
    cannot use it. generate(): cloak_encryption_keypair(); from_seed(): RFC 9180 DeriveKeyPair."""

    __slots__ = ()
    suite = Suite.X25519


class XWingKeyPair(EncryptionKeyPair):
    """An X-Wing key pair (suite 2, KEM 0x647a: ML-KEM-768 and X25519), the default: a 1216-byte
    public key and a 32-byte seed as the private key, from which both halves expand."""

    __slots__ = ()
    suite = Suite.XWING

    @classmethod
    def from_secret_key(cls, secret_key: BytesLike) -> "XWingKeyPair":
        """The key pair of a 32-byte X-Wing seed (cloak_xwing_public_key() gives the public half)."""
        return cls.from_keys(xwing_public_key(secret_key), secret_key)  # type: ignore[return-value]


_PAIR_CLASSES: Dict[Suite, Type[EncryptionKeyPair]] = {Suite.X25519: X25519KeyPair, Suite.XWING: XWingKeyPair}

# The C API's names for the classes' constructors.
encryption_keypair = X25519KeyPair.generate
encryption_keypair_from_seed = X25519KeyPair.from_seed
xwing_keypair = XWingKeyPair.generate
xwing_keypair_from_seed = XWingKeyPair.from_seed


def xwing_public_key(secret_key: Union["XWingKeyPair", BytesLike]) -> EncryptionPublicKey:
    """cloak_xwing_public_key(): the public key of an X-Wing seed."""
    sk = _secret_key(secret_key, XWingKeyPair, "secret_key") if isinstance(secret_key, _Secret) else secret_key
    return EncryptionPublicKey(_low.xwing_public_key(sk))


def xwing_key_hash(public_key: BytesLike) -> bytes:
    """cloak_xwing_key_hash(): the key hash of an X-Wing public key (checked first)."""
    return bytes(_low.xwing_key_hash(public_key))


def _encryption_sk(keypair: EncryptionKeyPair, what: str = "keypair",
                   cls: "Type[EncryptionKeyPair]" = EncryptionKeyPair) -> SecretBuffer:
    return _secret_key(keypair, cls, what)


def _pair_ops(keypair: EncryptionKeyPair, what: str, cls: "Type[EncryptionKeyPair]" = EncryptionKeyPair
              ) -> Tuple[_SuiteOps, SecretBuffer]:
    """The suite's functions and the secret key of a key pair argument (of class `cls`)."""
    sk = _encryption_sk(keypair, what, cls)
    return _OPS[keypair.suite], sk


# ---- public key blobs, bundles, fingerprints -------------------------------------------------------

def identity_public_export(public_key: BytesLike) -> bytes:
    """cloak_identity_public_export(): a 52-byte blob of type IDENTITY_PUBLIC_KEY."""
    return bytes(_low.identity_public_export(public_key))


def identity_public_import(blob: BytesLike) -> bytes:
    """cloak_identity_public_import(): the identity public key of a blob."""
    return bytes(_low.identity_public_import(blob))


def encryption_public_export(public_key: Union[EncryptionPublicKey, BytesLike]) -> bytes:
    """cloak_encryption_public_export() for an X25519 key (52 bytes), cloak_xwing_public_export()
    for an X-Wing key (1236 bytes): a blob of type ENCRYPTION_PUBLIC_KEY of the key's suite."""
    return _public_key(public_key).export()


def encryption_public_import(blob: BytesLike, suite: Optional[int] = None) -> EncryptionPublicKey:
    """cloak_encryption_public_import() or cloak_xwing_public_import(): the encryption public key of
    a blob, of the blob's suite; with `suite`, only a blob of that suite (UnsupportedSuiteError)."""
    return EncryptionPublicKey.import_blob(blob, suite)


def xwing_public_export(public_key: BytesLike) -> bytes:
    """cloak_xwing_public_export(): an X-Wing key only (a 1236-byte blob; the key is checked)."""
    return bytes(_low.xwing_public_export(public_key))


def xwing_public_import(blob: BytesLike) -> EncryptionPublicKey:
    """cloak_xwing_public_import(): a blob of suite 2 only."""
    return encryption_public_import(blob, Suite.XWING)


class Bundle(NamedTuple):
    """A verified bundle: the member's identity public key and its encryption public key, which
    knows its suite (``bundle.encryption_public_key.suite``)."""

    identity_public_key: bytes
    encryption_public_key: EncryptionPublicKey

    @property
    def suite(self) -> Suite:
        return self.encryption_public_key.suite


def bundle_create(identity: IdentityKeyPair, encryption_public_key: Union[EncryptionPublicKey, BytesLike]) -> bytes:
    """cloak_bundle_create() for an X25519 key (148 bytes) or cloak_bundle_create_xwing() for an
    X-Wing key (1332 bytes): the identity signs the encryption public key."""
    pk = _public_key(encryption_public_key, "encryption_public_key")
    return bytes(_OPS[pk.suite].bundle_create(_identity_sk(identity), pk))


def bundle_create_xwing(identity: IdentityKeyPair, encryption_public_key: BytesLike) -> bytes:
    """cloak_bundle_create_xwing(): an X-Wing key only."""
    return bytes(_low.bundle_create_xwing(_identity_sk(identity), encryption_public_key))


def bundle_verify(bundle: BytesLike, suite: Optional[int] = None) -> Bundle:
    """cloak_bundle_verify() or cloak_bundle_verify_xwing(), by the bundle's suite (with `suite`,
    only a bundle of that suite: UnsupportedSuiteError): checks the signature and returns both public
    keys."""
    identity_pk, encryption_pk = _blob_ops(bundle, suite).bundle_verify(bundle)
    return Bundle(bytes(identity_pk), EncryptionPublicKey(encryption_pk))


def bundle_verify_xwing(bundle: BytesLike) -> Bundle:
    """cloak_bundle_verify_xwing(): a bundle of suite 2 only."""
    return bundle_verify(bundle, Suite.XWING)


def identity_fingerprint(public_key: BytesLike) -> str:
    """cloak_identity_fingerprint(): "12345 12345 12345 12345 12345 12345"."""
    return str(_low.identity_fingerprint(public_key))


def identity_pair_code(public_key_a: BytesLike, public_key_b: BytesLike) -> str:
    """cloak_identity_pair_code(): one code for two users, the same whichever computes it."""
    return str(_low.identity_pair_code(public_key_a, public_key_b))


# ---- wrapping --------------------------------------------------------------------------------------
# The writers take the suite from the key pair's class; the readers from the blob, unless a suite
# is named (then the other suite's blob is UnsupportedSuiteError, as the C function of that suite
# says). The *_xwing functions are the C API's suite-2 functions, one for one.

def identity_wrap(master_key: Union[SymmetricKey, BytesLike], identity: IdentityKeyPair) -> bytes:
    """cloak_identity_wrap()."""
    return bytes(_low.identity_wrap(_key(master_key, "master_key"), _identity_sk(identity)))


def identity_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> IdentityKeyPair:
    """cloak_identity_unwrap()."""
    return IdentityKeyPair._of(_low.identity_unwrap(_key(master_key, "master_key"), wrapped))


def encryption_wrap(master_key: Union[SymmetricKey, BytesLike], keypair: EncryptionKeyPair) -> bytes:
    """cloak_encryption_wrap() (X25519, 124 bytes) or cloak_xwing_wrap() (X-Wing, 1308 bytes): a
    member's encryption key (type 0x06)."""
    ops, sk = _pair_ops(keypair, "keypair")
    return bytes(ops.wrap(_key(master_key, "master_key"), sk))


def encryption_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike,
                      suite: Optional[int] = None) -> EncryptionKeyPair:
    """cloak_encryption_unwrap() or cloak_xwing_unwrap(): an X25519KeyPair or an XWingKeyPair."""
    ops = _blob_ops(wrapped, suite)
    return _PAIR_CLASSES[ops.suite]._of(ops.unwrap(_key(master_key, "master_key"), wrapped))


def xwing_wrap(master_key: Union[SymmetricKey, BytesLike], keypair: "XWingKeyPair") -> bytes:
    """cloak_xwing_wrap(): an X-Wing key pair only."""
    return bytes(_low.xwing_wrap(_key(master_key, "master_key"), _encryption_sk(keypair, "keypair", XWingKeyPair)))


def xwing_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> EncryptionKeyPair:
    """cloak_xwing_unwrap(): a blob of suite 2 only."""
    return encryption_unwrap(master_key, wrapped, Suite.XWING)


def service_account_wrap(master_key: Union[SymmetricKey, BytesLike], keypair: EncryptionKeyPair) -> bytes:
    """cloak_service_account_wrap() or cloak_service_account_xwing_wrap(): a service account's key
    (type 0x07)."""
    ops, sk = _pair_ops(keypair, "keypair")
    return bytes(ops.account_wrap(_key(master_key, "master_key"), sk))


def service_account_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike,
                           suite: Optional[int] = None) -> EncryptionKeyPair:
    """cloak_service_account_unwrap() or cloak_service_account_xwing_unwrap()."""
    ops = _blob_ops(wrapped, suite)
    return _PAIR_CLASSES[ops.suite]._of(ops.account_unwrap(_key(master_key, "master_key"), wrapped))


def service_account_xwing_wrap(master_key: Union[SymmetricKey, BytesLike], keypair: "XWingKeyPair") -> bytes:
    """cloak_service_account_xwing_wrap(): an X-Wing key pair only."""
    return bytes(_low.service_account_xwing_wrap(_key(master_key, "master_key"),
                                                 _encryption_sk(keypair, "keypair", XWingKeyPair)))


def service_account_xwing_unwrap(master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> EncryptionKeyPair:
    """cloak_service_account_xwing_unwrap(): a blob of suite 2 only."""
    return service_account_unwrap(master_key, wrapped, Suite.XWING)


def wrapped_key_rewrap(old_master_key: Union[SymmetricKey, BytesLike], new_master_key: Union[SymmetricKey, BytesLike],
                       wrapped: BytesLike, suite: Optional[int] = None) -> bytes:
    """cloak_wrapped_key_rewrap() or cloak_wrapped_key_rewrap_xwing(), by the blob's suite: a
    wrapped key (identity, encryption or service account) moved from one master key to another,
    same type and public key under a fresh nonce, without the private key reaching Python: for a
    password change, or for the upgrade of an account whose record is below a raised policy floor.
    BadParamsError if the two master keys are the same, WrongKeyError for a blob wrapped under
    another master key, AuthenticationError for a forged or damaged one."""
    return bytes(_blob_ops(wrapped, suite).rewrap(_key(old_master_key, "old_master_key"),
                                                  _key(new_master_key, "new_master_key"), wrapped))


def wrapped_key_rewrap_xwing(old_master_key: Union[SymmetricKey, BytesLike],
                             new_master_key: Union[SymmetricKey, BytesLike], wrapped: BytesLike) -> bytes:
    """cloak_wrapped_key_rewrap_xwing(): a blob of suite 2 only."""
    return wrapped_key_rewrap(old_master_key, new_master_key, wrapped, Suite.XWING)


class WrappedKeyInfo(NamedTuple):
    type: Union[ObjectType, int]
    #: An identity key's 32 bytes, or an EncryptionPublicKey.
    public_key: bytes


def wrapped_key_public_key(wrapped: BytesLike, suite: Optional[int] = None) -> WrappedKeyInfo:
    """cloak_wrapped_key_public_key() or cloak_wrapped_key_public_key_xwing(), by the blob's suite:
    the type and public key a wrapped key carries (parsed, not authenticated: only unwrapping proves
    them)."""
    public_key, object_type = _blob_ops(wrapped, suite).wrapped_public_key(wrapped)
    kind = _object_type(object_type)
    pk = bytes(public_key) if kind == ObjectType.WRAPPED_IDENTITY_KEY else EncryptionPublicKey(public_key)
    return WrappedKeyInfo(kind, pk)


def wrapped_key_public_key_xwing(wrapped: BytesLike) -> WrappedKeyInfo:
    """cloak_wrapped_key_public_key_xwing(): a blob of suite 2 only."""
    return wrapped_key_public_key(wrapped, Suite.XWING)


def service_account_private_export(keypair: EncryptionKeyPair) -> bytes:
    """cloak_service_account_private_export() (X25519, 84 bytes) or its _xwing form (X-Wing, 1268
    bytes): the private key in the clear (type 0x0C)."""
    ops, sk = _pair_ops(keypair, "keypair")
    with ops.account_export(keypair.public_key, sk) as blob:
        return blob.copy()


def service_account_private_import(blob: BytesLike, suite: Optional[int] = None) -> EncryptionKeyPair:
    """cloak_service_account_private_import() or its _xwing form, by the blob's suite: checks that
    the private key gives the public key."""
    ops = _blob_ops(blob, suite)
    return _PAIR_CLASSES[ops.suite]._of(ops.account_import(blob))


def service_account_xwing_private_export(keypair: "XWingKeyPair") -> bytes:
    """cloak_service_account_xwing_private_export(): an X-Wing key pair only."""
    sk = _encryption_sk(keypair, "keypair", XWingKeyPair)
    with _low.service_account_xwing_private_export(keypair.public_key, sk) as blob:
        return blob.copy()


def service_account_xwing_private_import(blob: BytesLike) -> EncryptionKeyPair:
    """cloak_service_account_xwing_private_import(): a blob of suite 2 only."""
    return service_account_private_import(blob, Suite.XWING)


# ---- a service account's access credential (section 9.4) --------------------------------------------

def service_account_credential(keypair: EncryptionKeyPair) -> bytes:
    """cloak_service_account_credential() (X25519) or its _xwing form (X-Wing), by the key pair's
    suite: the 32-byte access credential, derived from the private key under its own label (it
    opens no batch). The library checks first that the private key gives the public key."""
    ops, sk = _pair_ops(keypair, "keypair")
    with ops.account_credential(keypair.public_key, sk) as credential:
        return credential.copy()


def service_account_xwing_credential(keypair: "XWingKeyPair") -> bytes:
    """cloak_service_account_xwing_credential(): an X-Wing key pair only."""
    sk = _encryption_sk(keypair, "keypair", XWingKeyPair)
    with _low.service_account_xwing_credential(keypair.public_key, sk) as credential:
        return credential.copy()


def service_account_credential_verifier(credential: BytesLike) -> bytes:
    """cloak_service_account_credential_verifier(): the 32 bytes a server stores for the account and
    compares, in constant time (hmac.compare_digest), with the verifier of the credential it is
    shown. The server's store alone then lets nobody act as the account."""
    return bytes(_low.service_account_credential_verifier(credential))
