"""Loading libcloak and declaring the prototype of every exported C function (ctypes).

The library is found, in this order:

1. ``CLOAK_LIBRARY``: the path of the shared library (e.g. ``build/src/libcloak.so``). When it is
   set, nothing else is tried: a wrong path is an error, not a silent fall-back to another copy.
2. The package's own copy, ``libcloak.so`` next to this module: the wheel carries one (with
   libsodium and Argon2 linked in). When it is there it is the one loaded, and a failure to load it
   is an error, not a fall-back to a system copy of another version.
3. ``pkg-config libcloak``: its ``-L`` directories and ``libdir`` (an installed library, or an
   uninstalled build through ``PKG_CONFIG_PATH=<build>/meson-uninstalled``).
4. ``ctypes.util.find_library("cloak")`` (ldconfig's cache), then the dynamic loader's own search
   (``LD_LIBRARY_PATH``) for ``libcloak.so.0``.

Every function gets ``argtypes`` and ``restype`` from the generated table (_api.PROTOTYPES, made
from include/cloak.h by tools/apigen.py); ctypes then refuses a wrong argument count instead of
passing garbage.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
from typing import Any, List, Optional, Sequence, Tuple

from ._api import PROTOTYPES

# The binding is written for this major version (the SONAME's number, libcloak.so.0).
ABI_MAJOR = 0
SONAME = "libcloak.so.%d" % ABI_MAJOR


class Functions:
    """The bound C functions, as attributes named like the C functions (``C.cloak_init()``).

    A plain object rather than the CDLL itself, so that the test suite can count calls."""

    def __init__(self, dll: ctypes.CDLL) -> None:
        self.dll = dll
        for name, (restype, argtypes) in PROTOTYPES.items():
            fn = getattr(dll, name)  # AttributeError names the missing symbol
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name, fn)

    def __getattr__(self, name: str) -> Any:  # only reached for names not bound above
        raise AttributeError("libcloak function %s has no prototype in cloak._api.PROTOTYPES" % name)


def _pkg_config_dirs() -> List[str]:
    exe = shutil.which("pkg-config")
    if exe is None:
        return []
    dirs: List[str] = []
    for args in (["--libs-only-L"], ["--variable=libdir"]):
        try:
            out = subprocess.run([exe, *args, "libcloak"], capture_output=True, text=True, timeout=10,
                                 check=False)
        except (OSError, subprocess.SubprocessError):
            return dirs
        if out.returncode != 0:
            return dirs
        for word in out.stdout.split():
            d = word[2:] if word.startswith("-L") else word
            if d and d not in dirs:
                dirs.append(d)
    return dirs


def _candidates() -> List[str]:
    found: List[str] = []
    for d in _pkg_config_dirs():
        for name in (SONAME, "libcloak.so"):
            path = os.path.join(d, name)
            if os.path.exists(path):
                found.append(path)
    found_name = ctypes.util.find_library("cloak")
    if found_name is not None:
        found.append(found_name)
    found.append(SONAME)
    return found


def _load() -> Tuple[ctypes.CDLL, str]:
    explicit = os.environ.get("CLOAK_LIBRARY")
    if explicit:
        try:
            return ctypes.CDLL(explicit), explicit
        except OSError as e:
            raise ImportError("CLOAK_LIBRARY=%s cannot be loaded: %s" % (explicit, e)) from e
    bundled = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libcloak.so")
    if os.path.exists(bundled):
        try:
            return ctypes.CDLL(bundled), bundled
        except OSError as e:
            raise ImportError("the package's own %s cannot be loaded: %s" % (bundled, e)) from e
    errors: List[str] = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError(
        "libcloak not found. Set CLOAK_LIBRARY to the path of libcloak.so (for a meson build: "
        "BUILD_DIR/src/libcloak.so), or install libcloak so that pkg-config or ldconfig finds it. "
        "Tried: " + "; ".join(errors))


def _open() -> Tuple[Functions, str]:
    dll, path = _load()
    try:
        fns = Functions(dll)
    except AttributeError as e:
        raise ImportError("%s is not a compatible libcloak: %s" % (path, e)) from e
    major = fns.cloak_version_major()
    if major != ABI_MAJOR:
        raise ImportError("%s is libcloak %s; this binding needs major version %d"
                          % (path, fns.cloak_version_string().decode(), ABI_MAJOR))
    rc = fns.cloak_init()
    if rc != 0:
        raise ImportError("cloak_init() failed: %s (%d)" % (fns.cloak_status_string(rc).decode(), rc))
    return fns, path


C, LIBRARY_PATH = _open()


def exported_symbols(map_text: str) -> Sequence[str]:
    """The function names a linker version script (src/libcloak.map) exports."""
    text = re.sub(r"/\*.*?\*/", " ", map_text, flags=re.S)
    text = re.sub(r"#[^\n]*", " ", text)
    names: List[str] = []
    for block in re.findall(r"global:(.*?)(?:local:|})", text, flags=re.S):
        names.extend(n.strip() for n in block.split(";") if n.strip())
    return names


def status_string(code: int) -> str:
    """cloak_status_string(): a short English sentence for a status code."""
    return str(C.cloak_status_string(int(code)).decode("ascii"))


def library_path() -> Optional[str]:
    """The path (or name) libcloak was loaded from."""
    return LIBRARY_PATH
