"""Password records and derivation."""

from __future__ import annotations

import struct
import threading
import time

import pytest

import cloak
from cloak import constants as K
from conftest import check_tamper

FAST = dict(memory_kib=K.PASSWORD_MEMORY_KIB_MIN, iterations=1, parallelism=1)


def test_record_new_defaults() -> None:
    r = cloak.password_record_new()
    assert len(r) == 48 and cloak.blob_inspect(r) == (cloak.ObjectType.PASSWORD_RECORD, bytes(16))
    p = cloak.password_record_decode(r)
    assert (p.memory_kib, p.iterations, p.parallelism) == (65536, 3, 4)
    assert len(p.salt) == 16 and p.salt != cloak.password_record_decode(cloak.password_record_new()).salt


def test_record_encode_decode() -> None:
    salt = bytes(range(16))
    r = cloak.password_record_encode(salt, 20000, 2, 3)
    assert r[20:] == struct.pack(">III", 20000, 2, 3) + salt
    assert cloak.password_record_decode(r) == (salt, 20000, 2, 3)
    assert cloak.password_record_decode(bytearray(r)) == (salt, 20000, 2, 3)
    with pytest.raises(cloak.BadParamsError):
        cloak.password_record_encode(salt[:15])


@pytest.mark.parametrize("field,lo,hi", [("memory_kib", 16384, 1048576), ("iterations", 1, 16),
                                         ("parallelism", 1, 16)])
def test_bounds(field: str, lo: int, hi: int) -> None:
    base = dict(memory_kib=65536, iterations=3, parallelism=4)
    for value, ok in ((lo, True), (hi, True), (lo - 1, False), (hi + 1, False), (2**32 - 1, False)):
        args = dict(base, **{field: value})
        if ok:
            r = cloak.password_record_new(**args)
            assert getattr(cloak.password_record_decode(r), field) == value
            cloak.password_record_encode(bytes(16), **args)
        else:
            with pytest.raises(cloak.BadParamsError):
                cloak.password_record_new(**args)
            with pytest.raises(cloak.BadParamsError):
                cloak.password_record_encode(bytes(16), **args)
            # A record made by hand with the value is refused by decode and derive (a hostile server).
            good = cloak.password_record_encode(bytes(16), **base)
            off = {"memory_kib": 20, "iterations": 24, "parallelism": 28}[field]
            bad = good[:off] + struct.pack(">I", value) + good[off + 4:]
            with pytest.raises(cloak.BadParamsError):
                cloak.password_record_decode(bad)
            with pytest.raises(cloak.BadParamsError):
                cloak.password_derive(b"pw", bad)
    # Python ints beyond uint32 are refused before they could wrap around in ctypes.
    with pytest.raises(cloak.BadParamsError):
        cloak.password_record_new(**dict(base, **{field: 2**32 + lo}))
    with pytest.raises(cloak.BadParamsError):
        cloak.password_record_new(**dict(base, **{field: -1}))


def test_record_tamper() -> None:
    r = cloak.password_record_encode(bytes(16), **FAST)
    # The key id must be zero (malformed). Bit 0 of each parameter byte: m = 0x00004000 becomes
    # 0x01004000 (out of bounds) or 0x00014000, 0x00004100, 0x00004001 (in bounds, accepted);
    # t = p = 1 become out of bounds whichever byte changes. The salt is any 16 bytes.
    regions = [(4, 20, cloak.MalformedError), (20, 21, cloak.BadParamsError), (21, 24, None),
               (24, 32, cloak.BadParamsError), (32, 48, None)]
    check_tamper(cloak.password_record_decode, r, regions)


def test_derive() -> None:
    r = cloak.password_record_encode(b"\x5a" * 16, memory_kib=16384, iterations=1, parallelism=1)
    keys = cloak.password_derive("correct horse battery staple", r)
    assert isinstance(keys.master_key, cloak.MasterKey) and isinstance(keys.login_key, cloak.LoginKey)
    # Known answers from the independent implementation (tests/vectors/spec/spec_impl.py:
    # password_derive(b"correct horse battery staple", password_record(b"\x5a" * 16, 16384, 1, 1))).
    assert bytes(keys.master_key.secret_bytes()).hex() == "2e5c02cf27308229f2c2db80a677c3a282330685130df43ada56fb6945ce4683"
    assert bytes(keys.login_key.secret_bytes()).hex() == "773d17d3cc04c18c771fa9f8f6ebe57eb009559dcf88a9eb7059c9ebc9ec83df"
    again = cloak.password_derive(bytearray(b"correct horse battery staple"), r)
    assert again.master_key == keys.master_key and again.login_key == keys.login_key
    assert cloak.password_derive(b"correct horse battery stapl3", r).master_key != keys.master_key
    other_salt = cloak.password_record_encode(b"\x5b" * 16, **FAST)
    assert cloak.password_derive(b"correct horse battery staple", other_salt).master_key != keys.master_key


def test_derive_password_length() -> None:
    r = cloak.password_record_encode(bytes(16), **FAST)
    cloak.password_derive(b"x" * K.PASSWORDBYTES_MAX, r)
    cloak.password_derive(b"x", r)
    for bad in (b"", b"x" * (K.PASSWORDBYTES_MAX + 1)):
        with pytest.raises(cloak.BadParamsError):
            cloak.password_derive(bad, r)
    # The password is checked before the record (section 4.2).
    with pytest.raises(cloak.BadParamsError):
        cloak.password_derive(b"", b"junk")
    with pytest.raises(cloak.MalformedError):
        cloak.password_derive(b"pw", b"junk")


def test_str_password_is_utf8() -> None:
    r = cloak.password_record_encode(bytes(16), **FAST)
    a = cloak.password_derive("pässwörd", r)
    b = cloak.password_derive("pässwörd".encode("utf-8"), r)
    assert a.master_key == b.master_key
    # No normalisation: NFD and NFC spellings are different passwords.
    import unicodedata
    c = cloak.password_derive(unicodedata.normalize("NFD", "pässwörd"), r)
    assert c.master_key != a.master_key


def test_derive_releases_the_gil() -> None:
    """Argon2id runs without the GIL: another Python thread keeps running meanwhile."""
    r = cloak.password_record_encode(bytes(16), memory_kib=65536, iterations=3, parallelism=1)
    ticks = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        time.sleep(0.02)
        before = len(ticks)
        start = time.monotonic()
        cloak.password_derive(b"pw", r)
        elapsed = time.monotonic() - start
        during = len(ticks) - before
    finally:
        stop.set()
        t.join()
    assert elapsed < 0.05 or during >= 3


NOMEM_PROBE = r"""
import resource, cloak
# Room for the interpreter and 16 MiB, not for 1 GiB of Argon2id memory.
with open("/proc/self/statm") as f:
    size = int(f.read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (size + 256 * 2**20, resource.RLIM_INFINITY))
big = cloak.password_record_new(memory_kib=1048576, iterations=1, parallelism=1)
try:
    cloak.password_derive(b"pw", big)
except cloak.NoMemoryError as e:
    assert e.code == -14
    small = cloak.password_record_new(memory_kib=16384, iterations=1, parallelism=1)
    cloak.password_derive(b"pw", small)  # still works within the limit
    print("NOMEM")
"""


def test_no_memory_is_its_own_error() -> None:
    """Argon2id's allocation failing (an address-space limit) raises NoMemoryError (-14)."""
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", NOMEM_PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "NOMEM"
