#!/usr/bin/env python3
"""ML-KEM and Keccak stay inside libcloak: no mlkem-native or Keccak name is global anywhere.

    check-mlkem-symbols.py MLKEM.h MLKEM.a CLOAK_INTERNAL.a LIBCLOAK.so LIBCLOAK.a

src/mlkem.c compiles mlkem-native and PQClean's fips202.c as one translation unit in which every
third-party function has internal linkage (src/mlkem-native/cloak_mlkem_config.h,
src/mlkem-native/cloak_fips202.h). So:
- MLKEM.a (that one object) defines as globals exactly the cloak__ functions of src/mlkem.h, and
  references no allocator, no exit() and no randombytes() (the derandomised API needs none);
- no global name of CLOAK_INTERNAL.a, defined or referenced, looks like ML-KEM or Keccak
  (mlk, mlkem, kyber, keccak, shake, sha3, fips202) but those cloak__ functions;
- libcloak.so and libcloak.a have no such name at all among their global or dynamic symbols,
  defined or undefined: nothing to clash with, or to bind to, another copy of mlkem-native or of a
  Keccak in the program that links them.
"""
import os
import re
import subprocess
import sys

PATTERN = re.compile(r"mlk|kyber|keccak|shake|sha3|fips202", re.I)
FORBIDDEN_REFS = {"malloc", "calloc", "realloc", "free", "exit", "_exit", "randombytes"}


def nm(*args):
    out = subprocess.run([os.environ.get("NM", "nm")] + list(args), check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            defined.add(parts[2].split("@")[0])
        elif len(parts) == 2 and parts[0] in ("U", "w"):
            undefined.add(parts[1].split("@")[0])
    return defined, undefined


def main():
    header, mlkem_a, internal_a, shared, static_a = sys.argv[1:6]
    with open(header) as f:
        interface = set(re.findall(r"CLOAK_INTERNAL[^;(]*?\b(cloak__\w+)\s*\(", f.read()))
    errors = []
    if len(interface) < 7:
        errors.append("only %d functions parsed from %s" % (len(interface), header))

    defined, undefined = nm("-g", mlkem_a)
    if defined != interface:
        errors.append("%s: globals %s, expected exactly %s" % (mlkem_a, sorted(defined), sorted(interface)))
    bad = sorted(undefined & FORBIDDEN_REFS) + sorted(n for n in undefined if PATTERN.search(n))
    if bad:
        errors.append("%s references %s" % (mlkem_a, " ".join(bad)))

    defined, undefined = nm("-g", internal_a)
    bad = sorted(n for n in defined | undefined if PATTERN.search(n) and n not in interface)
    if bad:
        errors.append("%s has global ML-KEM or Keccak names: %s" % (internal_a, " ".join(bad)))
    if not interface <= defined:
        errors.append("%s does not define %s" % (internal_a, " ".join(sorted(interface - defined))))

    for lib, args in ((shared, ["-D"]), (shared, ["-g"]), (static_a, ["-g"])):
        defined, undefined = nm(*(args + [lib]))
        bad = sorted(n for n in defined | undefined if PATTERN.search(n))
        if bad:
            errors.append("%s (nm %s) has ML-KEM or Keccak names: %s" % (lib, " ".join(args), " ".join(bad)))

    for e in errors:
        print("FAIL:", e)
    if errors:
        sys.exit(1)
    print("ok: the ML-KEM object defines only the %d cloak__ functions of mlkem.h, references no allocator, "
          "exit or randombytes; no ML-KEM or Keccak name is global in the internal archive (but those), "
          "libcloak.so or libcloak.a" % len(interface))


if __name__ == "__main__":
    main()
