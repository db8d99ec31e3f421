#!/bin/sh
# Checks the symbol table of the static archive:
#   check-symbols.sh WORKDIR NM LIBCLOAK.a LIBCLOAK.map LIBARGON2.a
# 1. every global symbol libcloak.a defines is a cloak_* symbol of the version script, and every
#    symbol of the version script is defined, exactly once;
# 2. libcloak.a has no undefined reference to a symbol that libargon2.a defines: every Argon2 call
#    was bound to libargon2 when the archive was made, so none can bind to libsodium's copy (or to
#    anything else) in the program that links it;
# 3. no undefined reference to a cloak_ symbol (nothing of libcloak left out of the archive).
set -eu
# WORKDIR (under the build directory) is emptied first and left for inspection; no `trap`, whose
# command string dash never frees (a definite leak for valgrind if this runs under it).
tmp=$1 NM=$2 archive=$3 map=$4 argon2=$5
rm -rf "$tmp"
mkdir -p "$tmp"
status=0

sed -n 's/^[[:space:]]*\(cloak_[A-Za-z0-9_]*\);.*/\1/p' "$map" | sort -u > "$tmp/map"
# nm lines: "ADDRESS TYPE NAME" for defined symbols, "TYPE NAME" for undefined ones.
"$NM" -g --defined-only "$archive" | awk 'NF == 3 { print $3 }' | sort > "$tmp/defined_all"
sort -u "$tmp/defined_all" > "$tmp/defined"
"$NM" -u "$archive" | awk 'NF == 2 { print $2 }' | sort -u > "$tmp/undefined"
"$NM" -g --defined-only "$argon2" | awk 'NF == 3 { print $3 }' | sort -u > "$tmp/argon2"

map_count=$(wc -l < "$tmp/map")
defined_count=$(wc -l < "$tmp/defined_all")
echo "version script: $map_count symbols; libcloak.a: $defined_count global definitions"
if [ "$map_count" -lt 50 ]; then
    echo "FAIL: only $map_count symbols read from $map (parse error?)"
    status=1
fi

extra=$(comm -23 "$tmp/defined" "$tmp/map")
if [ -n "$extra" ]; then
    echo "FAIL: libcloak.a defines global symbols outside the version script:"
    echo "$extra" | sed 's/^/  /'
    status=1
fi
missing=$(comm -13 "$tmp/defined" "$tmp/map")
if [ -n "$missing" ]; then
    echo "FAIL: symbols of the version script not defined in libcloak.a:"
    echo "$missing" | sed 's/^/  /'
    status=1
fi
dups=$(uniq -d "$tmp/defined_all")
if [ -n "$dups" ]; then
    echo "FAIL: defined more than once in libcloak.a:"
    echo "$dups" | sed 's/^/  /'
    status=1
fi
unbound=$(comm -12 "$tmp/undefined" "$tmp/argon2")
if [ -n "$unbound" ]; then
    echo "FAIL: libcloak.a leaves libargon2 symbols undefined (they would bind to libsodium's copy):"
    echo "$unbound" | sed 's/^/  /'
    status=1
fi
internal=$(grep '^cloak_' "$tmp/undefined" || true)
if [ -n "$internal" ]; then
    echo "FAIL: libcloak.a references cloak_ symbols it does not define:"
    echo "$internal" | sed 's/^/  /'
    status=1
fi

[ "$status" -eq 0 ] && echo "OK: libcloak.a exports exactly the $map_count symbols of the version script"
exit "$status"
