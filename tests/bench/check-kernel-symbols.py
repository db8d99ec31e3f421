#!/usr/bin/env python3
"""The optimised Argon2 kernel (the default on x86-64) never shares a name with libsodium's or
libargon2's copies of Argon2.

    check-kernel-symbols.py RENAME.h KERNEL.a CLOAK_INTERNAL.a LIBCLOAK.so

- every global the kernel's archive defines starts with cloak_argon2_;
- no original Argon2 name (the list of RENAME.h) is defined or referenced by the kernel or by
  libcloak's objects: a name left out of the renaming would silently bind to another copy;
- libcloak's objects do call the renamed kernel (cloak_argon2_argon2_ctx);
- libcloak.so does not load the system libargon2 and exports nothing of the kernel.
"""
import os
import re
import subprocess
import sys


def run(*cmd):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout


def symbols(nm_output, undefined=None):
    """Names from nm output; undefined=True/False keeps only U / only defined entries."""
    out = set()
    for line in nm_output.splitlines():
        parts = line.split()
        if len(parts) == 3:
            kind, name = parts[1], parts[2]
        elif len(parts) == 2:
            kind, name = parts[0], parts[1]
        else:
            continue
        if undefined is None or (kind == "U") == undefined:
            out.add(name)
    return out


def main():
    rename_h, kernel, internal, shared = sys.argv[1:5]
    nm = os.environ.get("NM", "nm")
    readelf = os.environ.get("READELF", "readelf")
    with open(rename_h) as f:
        names = set(re.findall(r"^#define\s+(\w+)\s+cloak_argon2_\w+", f.read(), re.M))
    if len(names) < 50:
        sys.exit("only %d names parsed from %s" % (len(names), rename_h))
    errors = []

    defined = symbols(run(nm, "-g", "--defined-only", kernel), undefined=False)
    # An AddressSanitizer build adds one-definition-rule markers named after each global
    # (__odr_asan.<global>): the compiler's, not the kernel's; the global itself is checked.
    bad = sorted(n for n in defined if not n.startswith("cloak_argon2_") and not n.startswith("__odr_asan."))
    if bad:
        errors.append("kernel defines globals without the prefix: %s" % " ".join(bad))

    for lib in (kernel, internal):
        left = sorted(symbols(run(nm, "-g", lib)) & names)
        if left:
            errors.append("%s defines or references original Argon2 names: %s" % (lib, " ".join(left)))

    if "cloak_argon2_argon2_ctx" not in symbols(run(nm, "-u", internal), undefined=True):
        errors.append("%s does not call cloak_argon2_argon2_ctx" % internal)

    needed = [l for l in run(readelf, "-d", shared).splitlines() if "NEEDED" in l and "libargon2" in l]
    if needed:
        errors.append("%s still loads the system libargon2" % shared)
    exported = sorted(n for n in symbols(run(nm, "-D", "--defined-only", shared), undefined=False) if "argon2" in n)
    if exported:
        errors.append("%s exports Argon2 symbols: %s" % (shared, " ".join(exported)))

    for e in errors:
        print(e)
    if errors:
        sys.exit(1)
    print("ok: %d kernel globals, all prefixed; none of the %d original names left; libcloak calls the "
          "renamed kernel and does not load libargon2" % (len(defined), len(names)))


if __name__ == "__main__":
    main()
