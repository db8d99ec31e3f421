"""Argon2id: libcloak's password derivation against argon2-cffi (the reference implementation
through another binding) over the account-bound salt, followed by the HKDF steps with and without
the account secret key (docs/protocol.md section 4; issue 14).

The shared vectors (tests/vectors/argon2id.json) cannot go through cloak_password_derive: the
public API has no Argon2id output, only HKDF of it, and every vector is outside what a password
record can hold (8-byte salts where a record has 16; memory 32 or 256 KiB under the 16 MiB floor;
the RFC 9106 case also has a secret and associated data, which the protocol does not use). So the
vectors check argon2-cffi here, and argon2-cffi then judges libcloak at parameters records allow,
p = 4 included."""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from typing import Any, Dict, Optional, Tuple

import pytest
from argon2.low_level import Type, core, ffi, hash_secret_raw, lib

import cloak
import spec_impl as spec
from conftest import load_vectors


def _b(v: Dict[str, Any], k: str) -> bytes:
    if k + "_utf8" in v:
        return v[k + "_utf8"].encode()
    return bytes.fromhex(v[k])


def _argon2id_ctx(v: Dict[str, Any]) -> bytes:
    """argon2_ctx() through argon2-cffi's raw binding, for vectors with a secret and associated data."""
    out = ffi.new("uint8_t[]", v["tag_len"])
    keep = [ffi.new("uint8_t[]", _b(v, k)) for k in ("password", "salt", "secret", "ad")]
    ctx = ffi.new("argon2_context *", dict(
        version=0x13, out=out, outlen=v["tag_len"],
        pwd=keep[0], pwdlen=len(_b(v, "password")), salt=keep[1], saltlen=len(_b(v, "salt")),
        secret=keep[2], secretlen=len(_b(v, "secret")), ad=keep[3], adlen=len(_b(v, "ad")),
        t_cost=v["t_cost"], m_cost=v["m_cost_kib"], lanes=v["parallelism"], threads=v["parallelism"],
        allocate_cbk=ffi.NULL, free_cbk=ffi.NULL, flags=lib.ARGON2_DEFAULT_FLAGS))
    assert core(ctx, Type.ID.value) == lib.ARGON2_OK
    return bytes(ffi.buffer(out, v["tag_len"]))


@pytest.mark.parametrize("v", load_vectors("argon2id.json")["vectors"], ids=lambda v: v["name"])
def test_argon2_cffi_reproduces_the_shared_vectors(v: Dict[str, Any]) -> None:
    if "secret" in v:
        tag = _argon2id_ctx(v)
    else:
        tag = hash_secret_raw(_b(v, "password"), _b(v, "salt"), time_cost=v["t_cost"], memory_cost=v["m_cost_kib"],
                              parallelism=v["parallelism"], hash_len=v["tag_len"], type=Type.ID)
    assert tag.hex() == v["tag"]


@pytest.mark.parametrize("v", load_vectors("argon2id.json")["vectors"], ids=lambda v: v["name"])
def test_shared_vectors_do_not_fit_a_record(v: Dict[str, Any]) -> None:
    """Says why each vector is not run through cloak_password_derive (see the module's comment)."""
    reasons = []
    if len(_b(v, "salt")) != cloak.PASSWORD_SALTBYTES:
        reasons.append("salt")
    if not cloak.constants.PASSWORD_MEMORY_KIB_MIN <= v["m_cost_kib"] <= cloak.constants.PASSWORD_MEMORY_KIB_MAX:
        reasons.append("memory")
    if "secret" in v or "ad" in v:
        reasons.append("secret/ad")
    assert reasons, v["name"]
    if len(_b(v, "salt")) == cloak.PASSWORD_SALTBYTES:
        with pytest.raises(cloak.BadParamsError):
            cloak.password_record_encode(_b(v, "salt"), v["m_cost_kib"], v["t_cost"], v["parallelism"])


# Costs far below the default policy's floor (and one at the defaults): the derivations below run
# under the widest policy the record bounds allow.
WIDE = cloak.PasswordPolicy.custom(memory_kib_min=16384, cost_min=16384, memory_kib_max=1048576,
                                   cost_max=1048576 * 16, iterations_max=16, parallelism_max=16)

PARAMS = [
    (16384, 1, 1), (16384, 1, 4), (16384, 2, 2), (16384, 3, 3), (20000, 1, 4), (32768, 2, 4),
    (65536, 3, 4),  # the defaults
    (16384, 1, 16), (16385, 1, 7),
]


def _hkdf_extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def _hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out, counter = out + block, counter + 1
    return out[:length]


def by_hand(password: bytes, record: bytes, account_id: bytes, secret_key: Optional[bytes]) -> Tuple[bytes, bytes]:
    """The derivation as issue 14 specifies it, with hashlib, hmac and argon2-cffi only: the
    record's fields read at their offsets, salt' = HMAC-SHA256(record salt, "libcloak v2 account
    salt" || account id)[0..16], Argon2id over salt', then HKDF with or without the secret key."""
    m, t, p = struct.unpack(">III", record[20:32])
    salt = record[32:48]
    bound_salt = hmac.new(salt, b"libcloak v2 account salt" + account_id, hashlib.sha256).digest()[:16]
    a = hash_secret_raw(password, bound_salt, time_cost=t, memory_cost=m, parallelism=p, hash_len=32, type=Type.ID,
                        version=0x13)
    if secret_key is None:
        prk = _hkdf_extract(b"libcloak v2 password", a)
    else:
        share = _hkdf_expand(_hkdf_extract(b"libcloak v2 account secret key", secret_key), account_id, 32)
        prk = _hkdf_extract(b"libcloak v2 password and secret key", a + share)
    return _hkdf_expand(prk, b"libcloak v2 master key", 32), _hkdf_expand(prk, b"libcloak v2 login key", 32)


def _raw(keys: cloak.DerivedKeys) -> Tuple[bytes, bytes]:
    return bytes(keys.master_key.secret_bytes()), bytes(keys.login_key.secret_bytes())


@pytest.mark.parametrize("m,t,p", PARAMS)
def test_password_derive_matches_argon2_cffi(m: int, t: int, p: int) -> None:
    # Three passwords, the first and last without a secret key, the second with one; the project's
    # independent implementation (tests/vectors/spec) judges the second too.
    cases = list(enumerate((os.urandom(1), "pässwörd €".encode(), os.urandom(64))))
    if m * t > 65536:
        cases = cases[1:2]  # the default costs and above: the one with a secret key is enough
    for n, password in cases:
        record = cloak.password_record_encode(os.urandom(16), m, t, p)
        account_id = os.urandom(1 + os.urandom(1)[0] % cloak.ACCOUNT_IDBYTES_MAX)
        secret_key = cloak.AccountSecretKey.generate() if n == 1 else None
        raw_key = None if secret_key is None else bytes(secret_key.secret_bytes())
        got = _raw(cloak.password_derive(password, record, account_id=account_id, secret_key=secret_key, policy=WIDE))
        assert got == by_hand(password, record, account_id, raw_key)
        if n == 1:
            assert got == spec.password_derive(password, account_id, raw_key or b"", record, bytes(WIDE))
        assert got[0] != got[1]


def test_longest_inputs_match_argon2_cffi() -> None:
    password = os.urandom(cloak.constants.PASSWORDBYTES_MAX)
    account_id = os.urandom(cloak.ACCOUNT_IDBYTES_MAX)
    record = cloak.password_record_new(16384, 1, 4)
    key = cloak.AccountSecretKey.generate()
    got = _raw(cloak.password_derive(password, record, account_id=account_id, secret_key=key, policy=WIDE))
    assert got == by_hand(password, record, account_id, bytes(key.secret_bytes()))


def test_salt_is_bound_to_the_account() -> None:
    """Argon2id runs over salt', not the server's salt: the output of Argon2id over the record's own
    salt, through the same HKDF steps, is not what libcloak derives."""
    record = cloak.password_record_encode(bytes(range(16)), 16384, 2, 4)
    got = _raw(cloak.password_derive(b"pw", record, account_id=b"alice", policy=WIDE))
    unbound = hash_secret_raw(b"pw", bytes(range(16)), time_cost=2, memory_cost=16384, parallelism=4, hash_len=32,
                              type=Type.ID)
    prk = _hkdf_extract(b"libcloak v2 password", unbound)
    assert got[0] != _hkdf_expand(prk, b"libcloak v2 master key", 32)
    assert got == by_hand(b"pw", record, b"alice", None)


def test_hkdf_step_is_what_the_spec_says() -> None:
    """The Argon2id output itself, through argon2-cffi over salt', and the HKDF outputs by hand
    through the project's independent implementation's own HKDF."""
    salt = bytes(range(16))
    record = cloak.password_record_encode(salt, 16384, 2, 4)
    account_id = "alice@example.com".encode()
    bound_salt = hmac.new(salt, b"libcloak v2 account salt" + account_id, hashlib.sha256).digest()[:16]
    pw_key = hash_secret_raw(b"pw", bound_salt, time_cost=2, memory_cost=16384, parallelism=4, hash_len=32,
                             type=Type.ID)
    key = bytes(range(20))
    share = spec.expand(spec.extract(b"libcloak v2 account secret key", key), account_id, 32)
    for secret_key, prk in ((None, spec.extract(b"libcloak v2 password", pw_key)),
                            (key, spec.extract(b"libcloak v2 password and secret key", pw_key + share))):
        master, login = cloak.password_derive(b"pw", record, account_id=account_id, secret_key=secret_key,
                                              policy=WIDE)
        assert bytes(master.secret_bytes()) == spec.expand(prk, b"libcloak v2 master key", 32)
        assert bytes(login.secret_bytes()) == spec.expand(prk, b"libcloak v2 login key", 32)
        assert master.key_id == spec.key_id_symmetric(bytes(master.secret_bytes()))
