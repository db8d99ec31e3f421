"""Test fixtures, and a counter of the C functions the suite calls.

Every bound C function is wrapped in a counting shim before the tests run. When the whole suite
ran (no -k, no deselection, no failures), the session fails if any exported C function was never
called: every operation of the C API must be exercised through the binding."""

from __future__ import annotations

import json
import os
import pathlib
import sys
from collections import Counter
from typing import Any, Callable, Dict, Iterator, Optional

import pytest

import cloak
from cloak import _lib

HERE = pathlib.Path(__file__).resolve().parent
# The repository root when the tests run from a source tree (bindings/python/tests -> ../../..).
SOURCE_ROOT = pathlib.Path(os.environ.get("CLOAK_SOURCE_ROOT", HERE.parent.parent.parent)).resolve()

# The one independent implementation of docs/protocol.md (the producer of tests/vectors/libcloak.json),
# which the interop tests import as spec_impl.
sys.path.insert(0, str(SOURCE_ROOT / "tests" / "vectors" / "spec"))

CALLS: Counter = Counter()


def _counting(name: str, fn: Any) -> Callable[..., Any]:
    def shim(*args: Any) -> Any:
        CALLS[name] += 1
        return fn(*args)

    shim.__name__ = name
    return shim


def _install_counters() -> None:
    for name in _lib.PROTOTYPES:
        setattr(_lib.C, name, _counting(name, getattr(_lib.C.dll, name)))


_install_counters()


def source_file(rel: str) -> pathlib.Path:
    p = SOURCE_ROOT / rel
    if not p.exists():
        pytest.skip("source tree not present (%s); set CLOAK_SOURCE_ROOT" % p, allow_module_level=True)
    return p


@pytest.fixture(scope="session")
def source_root() -> pathlib.Path:
    source_file("include/cloak.h")
    return SOURCE_ROOT


def load_vectors(name: str) -> Dict[str, Any]:
    return json.loads(source_file("tests/vectors/" + name).read_text())


@pytest.fixture
def vault_key() -> Iterator[cloak.VaultKey]:
    with cloak.vault_key_generate() as k:
        yield k


@pytest.fixture
def vault(vault_key: cloak.VaultKey) -> Iterator[cloak.Vault]:
    with cloak.Vault(vault_key, 1, b"vault-1") as v:
        yield v


@pytest.fixture
def alice() -> cloak.IdentityKeyPair:
    return cloak.IdentityKeyPair.generate()


@pytest.fixture
def bob_enc() -> cloak.X25519KeyPair:
    """An X25519 key pair (suite 1): the tests written for suite 1's sizes use it."""
    return cloak.X25519KeyPair.generate()


@pytest.fixture
def bob_xwing() -> cloak.XWingKeyPair:
    return cloak.XWingKeyPair.generate()


def flip(blob: bytes, i: int, mask: int = 0x01) -> bytes:
    b = bytearray(blob)
    b[i] ^= mask
    return bytes(b)


_SUMMARY: list = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    opt = session.config.option
    if exitstatus != 0 or opt.keyword or opt.markexpr or opt.collectonly or getattr(opt, "lf", False):
        return
    if session.testscollected == 0 or session.config.getoption("deselect"):
        return
    args = [a for a in session.config.args if a]
    if any("::" in a or a.endswith(".py") for a in args):
        return  # a subset was asked for
    never = sorted(n for n in _lib.PROTOTYPES if CALLS[n] == 0)
    if never:
        _SUMMARY.append("FAILED: C functions never called by the suite: " + ", ".join(never))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        _SUMMARY.append("every one of the %d exported C functions was called (%d calls)"
                        % (len(_lib.PROTOTYPES), sum(CALLS.values())))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in _SUMMARY:
        terminalreporter.write_line(line, red=line.startswith("FAILED"))


def header_error(blob: bytes, i: int, mask: int) -> type:
    """The error section 2 gives for a header byte `i` xor `mask`, when the body is otherwise valid."""
    if i == 0:
        return cloak.UnsupportedVersionError
    if i == 1:
        return cloak.WrongTypeError if 1 <= (blob[1] ^ mask) <= 13 else cloak.MalformedError
    if i in (2, 3):
        return cloak.UnsupportedSuiteError
    raise AssertionError("not a header byte")


def check_tamper(open_fn: Callable[[bytes], Any], blob: bytes, regions: Any, min_len: Optional[int] = None,
                 resized: type = cloak.MalformedError) -> int:
    """Flips every byte of `blob` (with 0x01, and the type byte also with 0x80) and expects the
    exception `regions` gives for its offset: a list of (start, end, exception class, or None for a
    change the spec says is accepted); the version,
    type and suite bytes are implied. Then every truncation and a one-byte extension must be
    MalformedError, except for a blob of variable length: a truncation to min_len bytes or more and
    the extension are `resized`. Returns the number of variants checked."""
    n = 0
    want: Any
    for i in range(len(blob)):
        masks = (0x01, 0x80) if i == 1 else (0x01,)
        for mask in masks:
            if i < 4:
                want = header_error(blob, i, mask)
            else:
                want = next((exc for start, end, exc in regions if start <= i < end), False)
                assert want is not False, "no region for offset %d" % i
            if want is None:  # the spec says this change is accepted
                open_fn(flip(blob, i, mask))
            else:
                with pytest.raises(want):
                    open_fn(flip(blob, i, mask))
            n += 1
    for cut in range(len(blob)):
        with pytest.raises(resized if min_len is not None and cut >= min_len else cloak.MalformedError):
            open_fn(blob[:cut])
        n += 1
    with pytest.raises(cloak.MalformedError if min_len is None else resized):
        open_fn(blob + b"\0")
    return n + 1


def identity_with_secret_key(secret_key: bytes) -> cloak.IdentityKeyPair:
    """An IdentityKeyPair over any 64 bytes, bypassing the class's constructors, which only make
    consistent keys: for the cases where the library must refuse a secret key whose public half is
    not its seed's (CLOAK_E_INVALID_KEY)."""
    from cloak._buf import SecretBuffer
    buf = SecretBuffer(len(secret_key))
    buf.ptr[:len(secret_key)] = secret_key
    kp = cloak.IdentityKeyPair._adopt(buf)
    kp.public_key = bytes(secret_key[32:])
    return kp


def x25519_with_keys(public_key: bytes, secret_key: bytes) -> cloak.X25519KeyPair:
    """An X25519KeyPair over any two halves, bypassing the class's constructors (which check that the
    public key is the private key's): for the cases where the library must refuse such a pair itself."""
    from cloak._buf import SecretBuffer
    buf = SecretBuffer(len(secret_key))
    buf.ptr[:len(secret_key)] = secret_key
    kp = cloak.X25519KeyPair._adopt(buf)
    kp.public_key = cloak.EncryptionPublicKey(public_key)
    return kp


def xwing_with_keys(public_key: bytes, secret_key: bytes) -> cloak.XWingKeyPair:
    """An XWingKeyPair over any two halves, bypassing the class's constructors (which check that the
    public key is the seed's): for the cases where the library must refuse such a pair itself."""
    from cloak._buf import SecretBuffer
    buf = SecretBuffer(len(secret_key))
    buf.ptr[:len(secret_key)] = secret_key
    kp = cloak.XWingKeyPair._adopt(buf)
    kp.public_key = cloak.EncryptionPublicKey(public_key)
    return kp
