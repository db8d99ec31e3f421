#!/bin/sh
# Regenerates the ABI baseline (tests/abi/libcloak.abi and libcloak.constants) from a fresh -O0 -g
# build of the working tree, so that every function keeps its declaration (no identical-code
# folding) whatever build the developer uses. See tests/abi/README.md for when to run it.
# Usage: tests/abi/update-baseline.sh [--force]
#   --force  record an incompatible change without a SONAME bump (only for an ABI never released)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(mktemp -d "${TMPDIR:-/tmp}/cloak-abi-baseline.XXXXXX")
trap 'rm -rf "$build"' EXIT
meson setup "$build" "$root" --buildtype=debug -Dtests=false >"$build/log" || { cat "$build/log"; exit 1; }
ninja -C "$build" >"$build/log" || { cat "$build/log"; exit 1; }
lib=$(find "$build/src" -maxdepth 1 -name 'libcloak.so.*.*.*' | head -n 1)
python3 "$root/tests/abi/check_abi.py" update "$lib" "$root/include/cloak.h" \
    "$root/tests/abi/libcloak.abi" "$root/tests/abi/libcloak.constants" "$@"
echo "review with: git diff -- tests/abi/; commit it with the version bump"
