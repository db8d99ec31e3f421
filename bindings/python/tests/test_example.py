"""The walkthrough example runs to the end (with the real cloak tool when the build has it), and its
leak check is not vacuous."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import pytest

import cloak

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "walkthrough.py"


def _cli() -> str:
    explicit = os.environ.get("CLOAK_CLI")
    if explicit:
        return explicit
    lib = cloak.library_path() or ""
    guess = pathlib.Path(lib).resolve().parent.parent / "examples" / "cli" / "cloak"
    return str(guess) if guess.is_file() and os.access(guess, os.X_OK) else ""


def test_walkthrough_runs() -> None:
    cmd = [sys.executable, str(EXAMPLE)]
    cli = _cli()
    if cli:
        cmd += ["--cli", cli]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.rstrip().endswith("walkthrough complete")
    assert "10. Alice removes Bob and rotates the vault key" in out.stdout
    assert "Bob's bundle: an XWING key" in out.stdout and ", post-quantum only" in out.stdout
    assert out.stdout.count("CLI: ") == 3 + 1 + 4
    # The chain of heads v1 to v6, and each of the server's lies refused.
    assert [line.split(":")[0].strip() for line in out.stdout.splitlines()
            if line.startswith("    head v") and ": epoch " in line] == ["head v%d" % v for v in range(1, 7)]
    assert "included in head v3's Merkle tree" in out.stdout
    for lie in ("the pre-rotation share", "batch-1 replayed", "a genuine batch of another vault",
                "head v5 served to Alice", "v7 of a branch forked at v5", "API_TOKEN withheld",
                "Alice's password record cut to 16 MiB", "Bob's older X25519 bundle",
                "Bob's X25519 bundle, offered for the post-quantum-only vault"):
        assert any(line.strip().startswith(lie) and ": refused (" in line for line in out.stdout.splitlines()), lie
    assert "its absence proof holds against head v6" in out.stdout
    # Each member's emergency kit holds a secret key in its text form; without it, nothing opens.
    assert len(re.findall(r"emergency kit .*secret key CK1(-[0-9A-HJKMNP-TV-Z]{5}){8}$", out.stdout, re.M)) == 2
    assert any(line.strip().startswith("the whole store and Alice's password, without her secret key: nothing "
                                       "unwraps (") for line in out.stdout.splitlines())
    if cli:
        assert out.stdout.count("$ cloak secrets ...: ") == 4


def test_walkthrough_leak_check_stops_a_forbidden_write() -> None:
    spec = importlib.util.spec_from_file_location("walkthrough", EXAMPLE)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    server = mod.Server()
    key = cloak.vault_key_generate()
    server.forbid(bytes(key.secret_bytes()), "vault key")
    server.put("secret", "demo", "fine", b"prefix: " + bytes(32))
    with pytest.raises(SystemExit):
        server.put("secret", "demo", "leaky", b"prefix: " + bytes(key.secret_bytes()))
