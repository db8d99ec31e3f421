"""Password records, the client's cost policy, the account secret key, and password-derived keys
(Argon2id over a salt bound to the account, then HKDF with the account secret key)."""

from __future__ import annotations

import ctypes
import hmac
import struct
from typing import Any, NamedTuple, Union

from . import _low
from . import constants as K
from ._buf import BytesLike, Label, SecretBuffer, fixed_in, label, length
from .errors import BadParamsError
from .keys import LoginKey, MasterKey, _Secret

__all__ = ["PasswordParams", "DerivedKeys", "PasswordPolicy", "AccountSecretKey", "password_record_new",
           "password_record_encode", "password_record_decode", "password_record_check", "password_derive",
           "password_policy_default", "password_policy_init", "account_secret_key_generate",
           "account_secret_key_encode", "account_secret_key_decode", "password_kernel"]


class PasswordParams(NamedTuple):
    salt: bytes
    memory_kib: int
    iterations: int
    parallelism: int


class DerivedKeys(NamedTuple):
    master_key: MasterKey
    login_key: LoginKey


def password_record_new(memory_kib: int = K.PASSWORD_MEMORY_KIB_DEFAULT,
                        iterations: int = K.PASSWORD_ITERATIONS_DEFAULT,
                        parallelism: int = K.PASSWORD_PARALLELISM_DEFAULT) -> bytes:
    """cloak_password_record_new(): a 48-byte record with a fresh random salt."""
    return bytes(_low.password_record_new(memory_kib, iterations, parallelism))


def password_record_encode(salt: BytesLike, memory_kib: int = K.PASSWORD_MEMORY_KIB_DEFAULT,
                           iterations: int = K.PASSWORD_ITERATIONS_DEFAULT,
                           parallelism: int = K.PASSWORD_PARALLELISM_DEFAULT) -> bytes:
    """cloak_password_record_encode(): a record with a caller-supplied 16-byte salt."""
    return bytes(_low.password_record_encode(salt, memory_kib, iterations, parallelism))


def password_record_decode(record: BytesLike) -> PasswordParams:
    """cloak_password_record_decode(): salt and parameters; refuses parameters out of bounds."""
    return PasswordParams(*_low.password_record_decode(record))


# ---- the client's cost policy ----------------------------------------------------------------------

# The C policy is six big-endian uint32 values, in this order (include/cloak.h).
_POLICY_FIELDS = ("memory_kib_min", "cost_min", "memory_kib_max", "cost_max", "iterations_max", "parallelism_max")
_POLICY = struct.Struct(">6I")


class PasswordPolicy:
    """The Argon2id costs this client accepts from a password record the server serves: a floor, so
    that a hostile server cannot cheapen offline guessing, and a ceiling, so that it cannot stall the
    client. A record outside it is refused with WeakParamsError before any Argon2id work.

    Made by the library only: ``PasswordPolicy.default()``, ``PasswordPolicy.custom(...)`` (every
    field named; costs are memory KiB x passes) or ``PasswordPolicy(policy_bytes)`` for the 24
    bytes of a stored policy, which are checked the same way. ``bytes(policy)`` gives them back.
    Lowering the defaults is for reading legacy records only: derive under the lower policy, then
    move to a new record (see wrapped_key_rewrap())."""

    __slots__ = ("_policy",)
    _policy: bytes

    def __init__(self, policy: BytesLike) -> None:
        fixed_in(policy, K.PASSWORD_POLICYBYTES, "policy")
        raw = bytes(policy)
        # The C functions refuse a malformed policy only when it is used; building it again from
        # its fields through cloak_password_policy_init() refuses it here, where it is made.
        self._policy = bytes(_low.password_policy_init(*_POLICY.unpack(raw)))

    @classmethod
    def default(cls) -> "PasswordPolicy":
        """cloak_password_policy_default(): the library's policy (64 MiB x 3 passes floor, at most
        256 MiB, 4 x that cost, 12 passes, 8 lanes: the PASSWORD_POLICY_* constants)."""
        return cls._of(_low.password_policy_default())

    @classmethod
    def custom(cls, *, memory_kib_min: int, cost_min: int, memory_kib_max: int, cost_max: int,
               iterations_max: int, parallelism_max: int) -> "PasswordPolicy":
        """cloak_password_policy_init(): a policy with these bounds. BadParamsError unless every value
        is within the record's hard bounds, each minimum is at most its maximum and the ceiling admits
        at least one record."""
        return cls._of(_low.password_policy_init(memory_kib_min, cost_min, memory_kib_max, cost_max,
                                                 iterations_max, parallelism_max))

    @classmethod
    def _of(cls, raw: bytes) -> "PasswordPolicy":
        obj = cls.__new__(cls)
        obj._policy = bytes(raw)
        return obj

    def __bytes__(self) -> bytes:
        return self._policy

    def _field(self, i: int) -> int:
        return int(_POLICY.unpack(self._policy)[i])

    @property
    def memory_kib_min(self) -> int:
        return self._field(0)

    @property
    def cost_min(self) -> int:
        return self._field(1)

    @property
    def memory_kib_max(self) -> int:
        return self._field(2)

    @property
    def cost_max(self) -> int:
        return self._field(3)

    @property
    def iterations_max(self) -> int:
        return self._field(4)

    @property
    def parallelism_max(self) -> int:
        return self._field(5)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PasswordPolicy):
            return self._policy == other._policy
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._policy)

    def __repr__(self) -> str:
        values = _POLICY.unpack(self._policy)
        return "PasswordPolicy(%s)" % ", ".join("%s=%d" % kv for kv in zip(_POLICY_FIELDS, values))


password_policy_default = PasswordPolicy.default
password_policy_init = PasswordPolicy.custom


def _policy(policy: Union[PasswordPolicy, BytesLike, None]) -> Any:
    """A policy argument as the C functions take it. None is the library's default policy: the
    generated layer always passes 24 bytes, so the default is asked of the library itself."""
    if policy is None:
        return _low.password_policy_default()
    if isinstance(policy, PasswordPolicy):
        return bytes(policy)
    if isinstance(policy, (bytes, bytearray, memoryview)):
        return policy
    raise TypeError("policy must be a PasswordPolicy, its bytes or None, not %s" % type(policy).__name__)


def password_record_check(record: BytesLike, policy: Union[PasswordPolicy, BytesLike, None] = None) -> None:
    """cloak_password_record_check(): returns if the record is within the policy (None: the
    default); WeakParamsError if not, or the record's own refusal (MalformedError, BadParamsError,
    ...). Derives nothing."""
    _low.password_record_check(record, _policy(policy))


# ---- the account secret key ------------------------------------------------------------------------

class AccountSecretKey(_Secret):
    """The account secret key: 20 random bytes made on the user's first device and never sent to
    the server. Mixed into the derivation after Argon2id, it makes the server's store useless for
    guessing the password. Losing it locks the account unless the application keeps a recovery
    path.

    Kept in wipeable memory like the other key objects (``wipe()``, ``with``, garbage collection),
    never shown by its repr, not picklable or copyable. ``encode(account_id)`` gives the text form
    for an emergency kit ("CK1-" and eight groups of five characters); ``AccountSecretKey.decode``
    reads it back."""

    __slots__ = ()

    def __init__(self, key: BytesLike) -> None:
        src = fixed_in(key, K.ACCOUNT_SECRET_KEYBYTES, "key")
        self._secret = SecretBuffer(K.ACCOUNT_SECRET_KEYBYTES)
        self._wiped = False
        ctypes.memmove(self._secret.ptr, src, K.ACCOUNT_SECRET_KEYBYTES)

    @classmethod
    def generate(cls) -> "AccountSecretKey":
        """cloak_account_secret_key_generate(): a fresh key from the library's random source."""
        return cls._adopt(_low.account_secret_key_generate())

    @classmethod
    def decode(cls, text: Union[str, BytesLike], account_id: Label) -> "AccountSecretKey":
        """cloak_account_secret_key_decode(): the key of a text form, read as a person types it
        (either case, I and L as 1, O as 0, with or without the dashes, surrounding whitespace).
        MalformedError for another layout, UnsupportedVersionError for another version ("CK2"),
        ChecksumError for a typing error or another account's key. A bytearray text can be wiped
        afterwards; a str cannot."""
        if not isinstance(text, (str, bytes, bytearray, memoryview)):
            raise TypeError("text must be str or bytes-like, not %s" % type(text).__name__)
        return cls._adopt(_low.account_secret_key_decode(text, label(account_id, "account_id")))

    def encode(self, account_id: Label) -> str:
        """cloak_account_secret_key_encode(): the text form for this account id (1 to 255 bytes,
        the same given to password_derive()). The str holds the key and cannot be wiped: show or
        print it, then drop it."""
        return str(_low.account_secret_key_encode(self._buffer(), label(account_id, "account_id")))

    def __len__(self) -> int:
        return K.ACCOUNT_SECRET_KEYBYTES

    def __eq__(self, other: object) -> bool:
        mine = self._buffer().view()
        if isinstance(other, AccountSecretKey):
            return hmac.compare_digest(mine, other._buffer().view())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "AccountSecretKey(wiped)" if self._wiped else "AccountSecretKey()"


account_secret_key_generate = AccountSecretKey.generate


def account_secret_key_encode(secret_key: Union[AccountSecretKey, BytesLike], account_id: Label) -> str:
    """cloak_account_secret_key_encode(): see AccountSecretKey.encode()."""
    return str(_low.account_secret_key_encode(_secret_key(secret_key), label(account_id, "account_id")))


def account_secret_key_decode(text: Union[str, BytesLike], account_id: Label) -> AccountSecretKey:
    """cloak_account_secret_key_decode(): see AccountSecretKey.decode()."""
    return AccountSecretKey.decode(text, account_id)


def _secret_key(key: object) -> Any:
    """An account secret key argument: the key object, or its 20 bytes. An empty buffer is refused
    rather than read as "no key": an account without one passes None."""
    if isinstance(key, AccountSecretKey):
        return key._buffer()
    if isinstance(key, _Secret):
        raise TypeError("secret_key must be an AccountSecretKey, not %s" % type(key).__name__)
    if isinstance(key, (bytes, bytearray, memoryview)) and length(key) != K.ACCOUNT_SECRET_KEYBYTES:
        raise BadParamsError("secret_key must be %d bytes, not %d" % (K.ACCOUNT_SECRET_KEYBYTES, length(key)))
    return key


# ---- derivation ------------------------------------------------------------------------------------

def password_derive(password: Label, record: BytesLike, *, account_id: Label,
                    secret_key: Union[AccountSecretKey, BytesLike, None] = None,
                    policy: Union[PasswordPolicy, BytesLike, None] = None) -> DerivedKeys:
    """cloak_password_derive(): Argon2id with the record's costs over a salt derived from the
    record's salt and the account id, then HKDF over its output and the account secret key into the
    master key and the login key.

    account_id (1 to 255 bytes) must be an id the server cannot choose per victim: the normalised
    login the user types, or the id printed in the emergency kit. secret_key is the account's
    AccountSecretKey (or its 20 bytes), None for an account without one. policy is the client's
    cost policy (None: the library's default); a record outside it raises WeakParamsError before
    any Argon2id work.

    A str password or account id is encoded as UTF-8 without Unicode normalisation: clients in other
    languages must encode the same way (NFC first, if the application chooses to normalise
    everywhere). Python keeps str and bytes objects immutable, so the password object itself cannot
    be wiped. The GIL is released while Argon2id runs."""
    pw = label(password, "password") if isinstance(password, str) else password
    key = None if secret_key is None else _secret_key(secret_key)
    master, login = _low.password_derive(pw, label(account_id, "account_id"), key, record, _policy(policy))
    return DerivedKeys(MasterKey._adopt(master), LoginKey._adopt(login))


def password_kernel() -> str:
    """cloak_password_kernel(): the Argon2id implementation in use, for logs and benchmarks (for
    example "optimized (avx2)" or "libargon2 (system)")."""
    return str(_low.password_kernel())
