#!/bin/sh
# Builds libcloak.a as one relocatable object in which only the public API stays global.
#   make-static-archive.sh OUT.a INTERNAL.a LIBCLOAK.map ARGON2.a [EXTRA.a...]
# ARGON2.a is the Argon2 libcloak was built with: the optimised kernel's archive (src/argon2-kernel,
# the default on x86-64) or the system's libargon2.a. libcloak's objects and the members of it they
# need are linked together with `ld -r`, so the Argon2 calls bind here and now; then every symbol not
# named in the version script is made local. A program linking libcloak.a and libsodium.a (which has its own Argon2 under the same
# names) then sees no Argon2 symbol from libcloak.a at all: no duplicate, no wrong binding.
# Internal cloak__ functions and the weak test hooks of src/argon2_hooks.h become local too, so a
# program cannot replace or call them. tests/static checks the result.
# EXTRA.a: further archives bound in the same way, one at a time after the previous step's symbols
# were made local (with -Dlibsodium=bundled, the bundled libsodium.a, whose own Argon2 then cannot
# meet the system libargon2's names; its symbols become local too: such a libcloak.a needs only
# -pthread).
set -eu
out=$1 internal=$2 map=$3 argon2=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LD=${LD:-ld}
OBJCOPY=${OBJCOPY:-objcopy}
AR=${AR:-ar}

if [ ! -f "$argon2" ]; then
    echo "make-static-archive.sh: $argon2 not found (the static Argon2 archive is needed)" >&2
    exit 1
fi
sed -n 's/^[[:space:]]*\(cloak_[A-Za-z0-9_]*\);.*/\1/p' "$map" > "$tmp/keep.txt"
# An empty list would make every symbol local and leave an archive that links to nothing.
if [ ! -s "$tmp/keep.txt" ]; then
    echo "make-static-archive.sh: no cloak_ symbol read from $map" >&2
    exit 1
fi
# A libcloak symbol that an Argon2 member linked in also defines fails here as a multiple
# definition, rather than being silently chosen.
"$LD" -r -o "$tmp/libcloak.o" --whole-archive "$internal" --no-whole-archive "$argon2"
"$OBJCOPY" --keep-global-symbols="$tmp/keep.txt" "$tmp/libcloak.o"
for extra in "$@"; do
    "$LD" -r -o "$tmp/next.o" "$tmp/libcloak.o" "$extra"
    "$OBJCOPY" --keep-global-symbols="$tmp/keep.txt" "$tmp/next.o" "$tmp/libcloak.o"
done
rm -f "$out"
# D: zero timestamps and owners, for a reproducible archive.
"$AR" rcsD "$out" "$tmp/libcloak.o"
