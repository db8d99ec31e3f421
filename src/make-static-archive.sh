#!/bin/sh
# Builds libcloak.a as one relocatable object in which only the public API stays global.
#   make-static-archive.sh OUT.a INTERNAL.a LIBCLOAK.map LIBARGON2.a
# libcloak's objects and the libargon2 members they need are linked together with `ld -r`, so the
# Argon2 calls bind to libargon2 here and now; then every symbol not named in the version script is
# made local. A program linking libcloak.a and libsodium.a (which has its own Argon2 under the same
# names) then sees no Argon2 symbol from libcloak.a at all: no duplicate, no wrong binding.
set -eu
out=$1 internal=$2 map=$3 argon2=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LD=${LD:-ld}
OBJCOPY=${OBJCOPY:-objcopy}
AR=${AR:-ar}
sed -n 's/^[[:space:]]*\(cloak_[A-Za-z0-9_]*\);.*/\1/p' "$map" > "$tmp/keep.txt"
"$LD" -r -o "$tmp/libcloak.o" --whole-archive "$internal" --no-whole-archive "$argon2"
"$OBJCOPY" --keep-global-symbols="$tmp/keep.txt" "$tmp/libcloak.o"
rm -f "$out"
"$AR" rcs "$out" "$tmp/libcloak.o"
