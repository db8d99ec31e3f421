#!/usr/bin/env python3
"""Generates every file that restates include/cloak.h: the header's own version and twin regions,
the version script, the twin functions, the status sentences, docs/api.md, and each binding's
mechanical layer (Python prototypes, Go constants and status errors, the JavaScript operation
tables). The API is read once (tools/api_model.py); each emit_*.py module renders it.

    tools/apigen.py            write every generated file
    tools/apigen.py --check    write nothing; fail (exit 1) if any file differs from what it would write
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_model  # noqa: E402
import emit_c  # noqa: E402
import emit_docs  # noqa: E402

ROOT = api_model.ROOT


def targets(api: api_model.Api) -> dict[str, str]:
    """Every generated file: path relative to the root -> its content."""
    header = emit_c.header(api, (ROOT / "include/cloak.h").read_text())
    out = {
        "include/cloak.h": header,
        "src/libcloak.map": emit_c.version_script(api),
        "src/sizes.c": emit_c.sizes_c(api),
        "src/status.c": emit_c.status_c(api),
        "tests/abi/size_twins.inc": emit_c.twin_checks(api),
        "docs/api.md": emit_docs.render(header),
    }
    for name in ("emit_python", "emit_go", "emit_js"):
        if (Path(__file__).resolve().parent / f"{name}.py").exists():
            module = __import__(name)
            out.update(module.targets(api))
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    try:
        api = api_model.parse()
        files = targets(api)
    except api_model.ApiError as err:
        print(f"apigen: {err}", file=sys.stderr)
        return 2
    stale = []
    for rel, content in files.items():
        path = ROOT / rel
        current = path.read_text() if path.exists() else None
        if current == content:
            continue
        if check:
            stale.append(rel)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            print(f"wrote {rel}")
    if check:
        for rel in stale:
            print(f"not ok: {rel} is out of date: run tools/apigen.py")
        print(f"{len(files) - len(stale)} passed, {len(stale)} failed")
        return 1 if stale else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
