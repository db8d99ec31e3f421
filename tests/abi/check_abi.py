#!/usr/bin/env python3
"""ABI guard: compares the built shared library with the checked-in baseline.

  check_abi.py check  LIB HEADER BASELINE_ABI BASELINE_CONSTANTS
  check_abi.py update LIB HEADER BASELINE_ABI BASELINE_CONSTANTS [--force]

Two baselines, because abidiff sees only what the debug information of exported functions reaches:
- BASELINE_ABI: abidw's dump of LIB (public types only: --headers-dir with the header's directory).
  Exported functions, their signatures, and the layout of every type they reach (the caller-allocated
  cloak_vault, cloak_batch and cloak_hpke_context included).
- BASELINE_CONSTANTS: the numeric macros and enum values of the header. They are compiled into
  callers (buffer sizes, status codes), so changing one breaks callers as surely as a signature does,
  and no function's type carries them (the status enum is returned as int).

Rule (semantic versioning, the SONAME follows the major version):
- removed or changed functions, changed types, changed or removed constants: FAIL (abidiff exit 8,
  and also exit 4 when something other than additions changed: abidiff rates a grown struct as a
  compatible change, but callers allocate these structs themselves, so it is not);
- added functions or constants only: PASS, listed, with a reminder to refresh the baseline so that
  they are guarded from then on;
- abidiff error, or a library without debug information (abidiff would then compare symbols only
  and see no type change at all): FAIL.

`update` rewrites both baselines from LIB. It refuses an incompatible change unless the SONAME
changed too (a major version bump), or --force is given.
"""
import os
import re
import subprocess
import sys
import tempfile

ABIDW_OPTIONS = [
    "--drop-private-types",     # with --headers-dir: only types of the public header
    "--drop-undefined-syms",    # libsodium's and libc's functions are not our ABI
    "--no-corpus-path",         # no build directory in the checked-in file
    "--no-comp-dir-path",
    "--no-show-locs",           # line numbers move with every edit of the header
    "--type-id-style", "hash",  # stable ids: a regenerated baseline diffs only where the ABI moved
]

# Constants that are not ABI: they change with every release, or are recommendations that the
# caller passes back at run time (a password record carries its own parameters).
NOT_ABI = re.compile(r"^CLOAK_(VERSION_(MINOR|PATCH|STRING)|PASSWORD_\w+_DEFAULT)$")

ABIDIFF_ERROR, ABIDIFF_USAGE, ABIDIFF_CHANGE, ABIDIFF_INCOMPATIBLE = 1, 2, 4, 8


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def has_debug_info(lib):
    out = subprocess.run(["readelf", "-S", "--wide", lib], check=True, capture_output=True,
                         text=True).stdout
    return re.search(r"\]\s+\.(z)?debug_info\s", out) is not None


def dump(lib, header_dir, out_path, complete):
    if not has_debug_info(lib):
        fail(lib + " has no debug information: abidiff would compare symbol names only. The "
             "abi test builds a -g copy when debug is off; was -g0 passed in c_args?")
    subprocess.run(["abidw", "--headers-dir", header_dir] + ABIDW_OPTIONS +
                   ["--out-file", out_path, lib], check=True)
    check_dump(out_path, lib, complete)


def check_dump(path, what, complete):
    """Every exported function should come with its declaration (its types) in the dump. GCC's
    identical-code folding at -O2 leaves a few one-line functions (the size twins) without one:
    abidiff then guards those by symbol only, which is fine for a check (the size values are
    guarded by the constants and test_header_c99) but not for a baseline. A dump where most are
    missing means the debug information is not usable."""
    text = open(path).read()
    symbols = set(re.findall(r"<elf-symbol name='(\w+)'[^>]*type='func-type'", text))
    declared = set(re.findall(r"<function-decl [^>]*elf-symbol-id='(\w+)[@']", text))
    missing = sorted(symbols - declared)
    if not symbols:
        fail("%s: the dump lists no exported function" % what)
    if missing and (complete or 2 * len(missing) > len(symbols)):
        fail("%s: no type information for %d of %d functions (%s)%s" % (
            what, len(missing), len(symbols), ", ".join(missing),
            "; make the baseline with tests/abi/update-baseline.sh (an -O0 build)" if complete else ""))
    if missing:
        print("note: %d folded functions compared by symbol only: %s" % (len(missing), " ".join(missing)))


def soname(path):
    m = re.search(r"soname='([^']*)'", open(path).read(2000))
    return m.group(1) if m else None


def header_constants(header):
    text = re.sub(r"/\*.*?\*/", "", open(header).read(), flags=re.S)
    found = {}
    for name, value in re.findall(r"^\s*#\s*define\s+(CLOAK_\w+)[ \t]+(\S[^\n]*?)\s*$", text, flags=re.M):
        m = re.fullmatch(r"\(?\s*(-?(?:0x[0-9A-Fa-f]+|\d+))[uUlL]*\s*\)?", value)
        if m:
            found[name] = int(m.group(1), 0)
        elif value.startswith('"') or "(" in value or name.endswith(("_H", "EXPORT", "NODISCARD")):
            continue  # strings, attributes, include guard
        else:
            fail("cannot read the value of %s (%r); teach check_abi.py" % (name, value))
    for body in re.findall(r"typedef\s+enum\s+\w*\s*\{(.*?)\}", text, flags=re.S):
        for item in filter(None, (i.strip() for i in body.split(","))):
            m = re.fullmatch(r"(CLOAK_\w+)\s*=\s*(-?(?:0x[0-9A-Fa-f]+|\d+))", item)
            if not m:
                fail("cannot read the enumerator %r; give every public enumerator a literal value"
                     % item)
            found[m.group(1)] = int(m.group(2), 0)
    if not found:
        fail("no constants found in " + header)
    return {k: v for k, v in found.items() if not NOT_ABI.match(k)}


def read_constants(path):
    out = {}
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#"):
            name, value = line.split()
            out[name] = int(value)
    return out


def write_constants(path, constants):
    with open(path, "w") as f:
        f.write("# Public constants of cloak.h that callers compile in (tests/abi/check_abi.py).\n"
                "# Regenerate with tests/abi/update-baseline.sh, never by hand.\n")
        for name in sorted(constants):
            f.write("%s %d\n" % (name, constants[name]))


def compare_constants(old, new):
    """Returns (incompatible messages, added messages)."""
    bad = ["constant %s removed (was %d)" % (k, old[k]) for k in sorted(set(old) - set(new))]
    bad += ["constant %s changed from %d to %d" % (k, old[k], new[k])
            for k in sorted(set(old) & set(new)) if old[k] != new[k]]
    added = ["constant %s added (%d)" % (k, new[k]) for k in sorted(set(new) - set(old))]
    return bad, added


def abidiff(baseline, current):
    """Returns (incompatible, additions_only_report or None)."""
    full = subprocess.run(["abidiff", baseline, current], capture_output=True, text=True)
    if full.returncode & (ABIDIFF_ERROR | ABIDIFF_USAGE):
        print(full.stdout + full.stderr)
        fail("abidiff could not compare (exit %d)" % full.returncode)
    if full.returncode == 0:
        return False, None
    print(full.stdout, end="")
    if full.returncode & ABIDIFF_INCOMPATIBLE:
        return True, None
    # Exit 4: either additions only, or a change to an existing interface that abidiff does not
    # rate incompatible (a struct that grew, a parameter type of another size). Without the
    # additions, anything left is a change to what callers already use.
    rest = subprocess.run(["abidiff", "--no-added-syms", baseline, current], capture_output=True,
                          text=True)
    if rest.returncode & (ABIDIFF_ERROR | ABIDIFF_USAGE):
        fail("abidiff --no-added-syms could not compare (exit %d)" % rest.returncode)
    return rest.returncode != 0, (full.stdout if rest.returncode == 0 else None)


def main():
    args = [a for a in sys.argv[1:] if a != "--force"]
    force = "--force" in sys.argv[1:]
    if len(args) != 5 or args[0] not in ("check", "update"):
        print(__doc__)
        return 2
    mode, lib, header, baseline_abi, baseline_constants = args
    with tempfile.TemporaryDirectory() as tmp:
        current_abi = os.path.join(tmp, "current.abi")
        dump(lib, os.path.dirname(os.path.abspath(header)), current_abi, mode == "update")
        constants = header_constants(header)

        have_baseline = os.path.exists(baseline_abi) and os.path.exists(baseline_constants)
        if have_baseline:
            check_dump(baseline_abi, baseline_abi, True)
            incompatible, additions = abidiff(baseline_abi, current_abi)
            bad, added = compare_constants(read_constants(baseline_constants), constants)
            for line in bad + added:
                print(line)
            incompatible = incompatible or bool(bad)
            changed = incompatible or additions is not None or bool(added)
        elif mode == "check":
            fail("no baseline; create it with tests/abi/update-baseline.sh")

        if mode == "check":
            if incompatible:
                fail("incompatible ABI change against %s. If it is deliberate, bump the major "
                     "version (the SONAME) and regenerate the baseline: see tests/abi/README.md"
                     % baseline_abi)
            if changed:
                print("PASS with additions: compatible (a minor version). Refresh the baseline "
                      "(tests/abi/update-baseline.sh) in the same change, so they are guarded.")
            else:
                print("PASS: the ABI matches the baseline (%s)" % soname(current_abi))
            return 0

        if have_baseline and incompatible and soname(current_abi) == soname(baseline_abi) and not force:
            fail("refusing to record an incompatible change under the same SONAME %s; bump the "
                 "major version first (or pass --force if the old ABI was never released)"
                 % soname(current_abi))
        with open(current_abi) as src, open(baseline_abi, "w") as dst:
            dst.write(src.read())
        write_constants(baseline_constants, constants)
        print("baseline written: %s (%s), %s (%d constants)" % (
            baseline_abi, soname(current_abi), baseline_constants, len(constants)))
        return 0


if __name__ == "__main__":
    sys.exit(main())
