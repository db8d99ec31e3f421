"""Argon2id: libcloak's password derivation against argon2-cffi (the reference implementation
through another binding) followed by the HKDF steps of docs/protocol.md section 4.2.

The shared vectors (tests/vectors/argon2id.json) cannot go through cloak_password_derive: the
public API has no Argon2id output, only HKDF of it, and every vector is outside what a password
record can hold (8-byte salts where a record has 16; memory 32 or 256 KiB under the 16 MiB floor;
the RFC 9106 case also has a secret and associated data, which the protocol does not use). So the
vectors check argon2-cffi here, and argon2-cffi then judges libcloak at parameters records allow,
p = 4 included."""

from __future__ import annotations

import os
from typing import Any, Dict

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


PARAMS = [
    (16384, 1, 1), (16384, 1, 4), (16384, 2, 2), (16384, 3, 3), (20000, 1, 4), (32768, 2, 4),
    (65536, 3, 4),  # the defaults
    (16384, 1, 16), (16385, 1, 7),
]


@pytest.mark.parametrize("m,t,p", PARAMS)
def test_password_derive_matches_argon2_cffi(m: int, t: int, p: int) -> None:
    for password in (os.urandom(1), "pässwörd €".encode(), os.urandom(64)):
        salt = os.urandom(16)
        record = cloak.password_record_encode(salt, m, t, p)
        master, login = cloak.password_derive(password, record)
        want_master, want_login = spec.password_derive(password, record)
        assert bytes(master.secret_bytes()) == want_master and bytes(login.secret_bytes()) == want_login
        assert master != login


def test_longest_password_matches_argon2_cffi() -> None:
    password = os.urandom(cloak.constants.PASSWORDBYTES_MAX)
    record = cloak.password_record_new(16384, 1, 4)
    assert bytes(cloak.password_derive(password, record).master_key.secret_bytes()) == spec.password_derive(password, record)[0]


def test_hkdf_step_is_what_the_spec_says() -> None:
    """The Argon2id output itself, through argon2-cffi, and the two HKDF outputs by hand."""
    salt = bytes(range(16))
    record = cloak.password_record_encode(salt, 16384, 2, 4)
    pw_key = hash_secret_raw(b"pw", salt, time_cost=2, memory_cost=16384, parallelism=4, hash_len=32, type=Type.ID)
    prk = spec.extract(b"libcloak v2 password", pw_key)
    master, login = cloak.password_derive(b"pw", record)
    assert bytes(master.secret_bytes()) == spec.expand(prk, b"libcloak v2 master key", 32)
    assert bytes(login.secret_bytes()) == spec.expand(prk, b"libcloak v2 login key", 32)
    assert master.key_id == spec.key_id_symmetric(bytes(master.secret_bytes()))
