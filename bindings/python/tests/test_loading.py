"""How the package finds the library (in fresh interpreters)."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
from typing import Optional

import pytest

import cloak

PROBE = "import cloak; print(cloak.library_path()); print(cloak.version_string())"


def _run(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60)


def _base_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CLOAK_LIBRARY", "PKG_CONFIG_PATH", "LD_LIBRARY_PATH")}
    return env


def test_explicit_path_is_used() -> None:
    env = dict(_base_env(), CLOAK_LIBRARY=str(cloak.library_path()))
    out = _run(env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [str(cloak.library_path()), cloak.version_string()]


def test_wrong_explicit_path_is_an_error_not_a_fallback(tmp_path: pathlib.Path) -> None:
    env = dict(_base_env(), CLOAK_LIBRARY=str(tmp_path / "nope.so"))
    out = _run(env)
    assert out.returncode != 0 and "CLOAK_LIBRARY" in out.stderr and "ImportError" in out.stderr


def test_pkg_config_of_an_uninstalled_build() -> None:
    lib = pathlib.Path(str(cloak.library_path())).resolve()
    uninstalled = lib.parent.parent / "meson-uninstalled"
    if shutil.which("pkg-config") is None or not (uninstalled / "libcloak-uninstalled.pc").exists():
        pytest.skip("needs pkg-config and a meson build directory")
    out = _run(dict(_base_env(), PKG_CONFIG_PATH=str(uninstalled)))
    assert out.returncode == 0, out.stderr
    assert pathlib.Path(out.stdout.splitlines()[0]).resolve().parent == lib.parent


def test_loader_search_path() -> None:
    lib = pathlib.Path(str(cloak.library_path())).resolve()
    env = dict(_base_env(), LD_LIBRARY_PATH=str(lib.parent), PKG_CONFIG_PATH="/nonexistent")
    out = _run(env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[1] == cloak.version_string()


def _package_copy(tmp_path: pathlib.Path, library: Optional[pathlib.Path]) -> pathlib.Path:
    """A copy of the installed package under tmp_path, with `library` as its own cloak/libcloak.so
    (as the wheel has it)."""
    src = pathlib.Path(cloak.__file__).parent
    dst = tmp_path / "cloak"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "libcloak.so"))
    if library is not None:
        shutil.copyfile(library, dst / "libcloak.so")
    return dst


def test_package_copy_comes_before_the_search(tmp_path: pathlib.Path) -> None:
    lib = pathlib.Path(str(cloak.library_path())).resolve()
    pkg = _package_copy(tmp_path, lib)
    # pkg-config would find the build's copy: the package's own must still win.
    env = dict(_base_env(), PYTHONPATH=str(tmp_path), PKG_CONFIG_PATH=str(lib.parent.parent / "meson-uninstalled"))
    out = _run(env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [str(pkg / "libcloak.so"), cloak.version_string()]


def test_explicit_path_comes_before_the_package_copy(tmp_path: pathlib.Path) -> None:
    lib = pathlib.Path(str(cloak.library_path())).resolve()
    _package_copy(tmp_path, lib)
    out = _run(dict(_base_env(), PYTHONPATH=str(tmp_path), CLOAK_LIBRARY=str(lib)))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == str(lib)


def test_broken_package_copy_is_an_error_not_a_fallback(tmp_path: pathlib.Path) -> None:
    pkg = _package_copy(tmp_path, None)
    (pkg / "libcloak.so").write_bytes(b"")
    lib = pathlib.Path(str(cloak.library_path())).resolve()
    out = _run(dict(_base_env(), PYTHONPATH=str(tmp_path), LD_LIBRARY_PATH=str(lib.parent)))
    assert out.returncode != 0 and "package's own" in out.stderr and "ImportError" in out.stderr
