"""Every exported C function is bound, with the header's prototype, and has a Python counterpart;
sizes and status codes agree with the header."""

from __future__ import annotations

import ctypes
import re
from typing import Dict, List, Tuple

import pytest

import cloak
from cloak import _lib, _low, constants
from cloak._counterparts import COUNTERPARTS

from conftest import source_file


def exported() -> List[str]:
    return list(_lib.exported_symbols(source_file("src/libcloak.map").read_text()))


def header_prototypes() -> Dict[str, Tuple[str, List[str]]]:
    text = source_file("include/cloak.h").read_text()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    protos: Dict[str, Tuple[str, List[str]]] = {}
    for m in re.finditer(r"CLOAK_EXPORT\s+(?:CLOAK_NODISCARD\s+)?([\w\s\*]+?)\b(cloak_\w+)\s*\(([^;]*?)\)\s*;",
                         text, flags=re.S):
        ret, name, params = " ".join(m.group(1).split()), m.group(2), " ".join(m.group(3).split())
        plist = [] if params in ("", "void") else [p.strip() for p in params.split(",")]
        protos[name] = (ret, plist)
    return protos


def test_map_parses_to_every_function() -> None:
    names = exported()
    assert len(names) == len(set(names)) >= 100
    assert all(n.startswith("cloak_") for n in names)


def test_every_exported_function_has_a_prototype() -> None:
    assert sorted(exported()) == sorted(_lib.PROTOTYPES)


def test_every_exported_function_has_a_python_counterpart() -> None:
    assert sorted(exported()) == sorted(COUNTERPARTS)
    for c_name, py_name in COUNTERPARTS.items():
        obj: object = cloak
        for part in py_name.split("."):
            assert hasattr(obj, part), "%s: cloak.%s does not exist" % (c_name, py_name)
            obj = getattr(obj, part)


def test_every_exported_function_has_a_generated_wrapper_or_constant() -> None:
    for name in exported():
        short = name[len("cloak_"):]
        assert callable(getattr(_low, short, None)) or short.upper() in constants.__all__, name
    assert len(_low.__all__) + len(constants.__all__) == len(exported())


def test_header_declares_exactly_the_map() -> None:
    assert sorted(header_prototypes()) == sorted(exported())


_RET = {"int": ctypes.c_int, "size_t": ctypes.c_size_t, "uint32_t": ctypes.c_uint32, "uint64_t": ctypes.c_uint64,
        "void": None,
        "const char *": ctypes.c_char_p}


@pytest.mark.parametrize("name", sorted(_lib.PROTOTYPES))
def test_prototype_matches_header(name: str) -> None:
    ret, params = header_prototypes()[name]
    restype, argtypes = _lib.PROTOTYPES[name]
    assert _RET[ret] is restype, name
    assert len(params) == len(argtypes), name
    for decl, t in zip(params, argtypes):
        if "*" in decl or "[" in decl:
            # pointers: the buffers are void*, the scalar outputs typed pointers
            scalar_out = re.match(r"(int|size_t|uint32_t) \*\w+$", decl)
            if scalar_out:
                want = {"int": ctypes.c_int, "size_t": ctypes.c_size_t, "uint32_t": ctypes.c_uint32}
                assert t is ctypes.POINTER(want[scalar_out.group(1)]), (name, decl)
            else:
                assert t is ctypes.c_void_p, (name, decl)
        elif decl.startswith("size_t"):
            assert t is ctypes.c_size_t, (name, decl)
        elif decl.startswith("uint32_t"):
            assert t is ctypes.c_uint32, (name, decl)
        elif decl.startswith("uint64_t"):
            assert t is ctypes.c_uint64, (name, decl)
        elif decl.startswith("int"):
            assert t is ctypes.c_int, (name, decl)
        else:
            pytest.fail("unexpected parameter %r of %s" % (decl, name))


def header_macros() -> Dict[str, int]:
    text = source_file("include/cloak.h").read_text()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"#define CLOAK_(\w+) (\d+)U?\b", text)}


@pytest.mark.parametrize("fn", sorted(n for n in _lib.PROTOTYPES if n.endswith("bytes")))
def test_size_twins(fn: str) -> None:
    macro = fn[len("cloak_"):].upper()
    value = getattr(_lib.C, fn)()  # called through the binding
    assert value == getattr(constants, macro) == getattr(cloak, macro)
    assert header_macros()[macro] == value


@pytest.mark.parametrize("macro", sorted(m for m in constants.__all__ if not m.endswith("BYTES")))
def test_limit_twins(macro: str) -> None:
    value = getattr(_lib.C, "cloak_" + macro.lower())()  # called through the binding
    assert value == getattr(constants, macro) == header_macros()[macro]


def test_status_codes_match_header() -> None:
    text = source_file("include/cloak.h").read_text()
    codes = {m.group(1): int(m.group(2)) for m in re.finditer(r"CLOAK_(OK|E_\w+) = (-?\d+)", text)}
    assert {("OK" if k == "OK" else k[2:]): v for k, v in codes.items()} == {s.name: int(s) for s in cloak.Status}


def test_version() -> None:
    assert cloak.version_string() == "%d.%d.%d" % cloak.version_info()
    m = re.search(r'#define CLOAK_VERSION_STRING "([^"]+)"', source_file("include/cloak.h").read_text())
    assert m is not None and cloak.version_string() == m.group(1)
    assert cloak.version_info()[0] == _lib.ABI_MAJOR
    cloak.init()  # again: harmless
    assert cloak.library_path()
