"""Password records and password-derived keys (Argon2id, then HKDF)."""

from __future__ import annotations

from typing import NamedTuple

from . import _low
from . import constants as K
from ._buf import BytesLike, Label, label
from .keys import LoginKey, MasterKey

__all__ = ["PasswordParams", "DerivedKeys", "password_record_new", "password_record_encode",
           "password_record_decode", "password_derive"]


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


def password_derive(password: Label, record: BytesLike) -> DerivedKeys:
    """cloak_password_derive(): Argon2id with the record's salt and costs, then HKDF into the master
    key and the login key.

    A str password is encoded as UTF-8 without Unicode normalisation: clients in other languages
    must encode the same way (NFC first, if the application chooses to normalise everywhere).
    Python keeps str and bytes objects immutable, so the password object itself cannot be wiped.
    The GIL is released while Argon2id runs."""
    pw = label(password, "password") if isinstance(password, str) else password
    master, login = _low.password_derive(pw, record)
    return DerivedKeys(MasterKey._adopt(master), LoginKey._adopt(login))
