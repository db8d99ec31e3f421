#!/usr/bin/env python3
"""Checks that the shared library exports exactly the symbols of the version script, in its version
node, and that the public header declares exactly those functions."""
import re
import subprocess
import sys


def map_symbols(path):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    node = re.search(r"(\w+)\s*\{\s*global:(.*?)local:", text, flags=re.S)
    return node.group(1), set(re.findall(r"(\w+)\s*;", node.group(2)))


def header_symbols(path):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    return set(re.findall(r"CLOAK_EXPORT[^;(]*?\b(cloak_\w+)\s*\(", text))


def exported_symbols(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True,
                         text=True).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDRBW" and not parts[2].startswith("LIBCLOAK"):
            name, _, version = parts[2].partition("@")
            found[name] = version.lstrip("@")
    return found


def main():
    lib, mapfile, header = sys.argv[1:4]
    node, mapped = map_symbols(mapfile)
    declared = header_symbols(header)
    exported = exported_symbols(lib)
    problems = []
    for name in sorted(mapped - set(exported)):
        problems.append("in the version script but not exported: " + name)
    for name in sorted(set(exported) - mapped):
        problems.append("exported but not in the version script: " + name)
    for name in sorted(mapped ^ declared):
        problems.append("declared in the header or the version script but not both: " + name)
    for name, version in sorted(exported.items()):
        if name in mapped and version != node:
            problems.append("%s has version %r, expected %r" % (name, version, node))
    for p in problems:
        print("not ok:", p)
    print("%d passed, %d failed" % (1 if not problems else 0, 1 if problems else 0))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
