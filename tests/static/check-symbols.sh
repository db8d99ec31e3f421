#!/bin/sh
# Checks the symbol table of the static archive:
#   check-symbols.sh WORKDIR NM LIBCLOAK.a LIBCLOAK.map ARGON2.a...
# ARGON2.a: the Argon2 archives whose names libcloak.a must not leave open: Debian's libargon2.a,
# and with the optimised kernel (the default on x86-64) the kernel's archive too.
# 1. every global symbol libcloak.a defines is a cloak_* symbol of the version script, and every
#    symbol of the version script is defined, exactly once;
# 2. libcloak.a has no undefined reference to a symbol that an ARGON2.a defines: every Argon2 call
#    was bound when the archive was made, so none can bind to libsodium's copy (or to anything
#    else) in the program that links it;
# 3. no undefined reference to a cloak_ symbol (nothing of libcloak left out of the archive).
set -eu
# WORKDIR (under the build directory) is emptied first and left for inspection; no `trap`, whose
# command string dash never frees (a definite leak for valgrind if this runs under it).
tmp=$1 NM=$2 archive=$3 map=$4
shift 4
rm -rf "$tmp"
mkdir -p "$tmp"
status=0

sed -n 's/^[[:space:]]*\(cloak_[A-Za-z0-9_]*\);.*/\1/p' "$map" | sort -u > "$tmp/map"
# nm lines: "ADDRESS TYPE NAME" for defined symbols, "TYPE NAME" for undefined ones.
"$NM" -g --defined-only "$archive" | awk 'NF == 3 { print $3 }' | sort > "$tmp/defined_all"
sort -u "$tmp/defined_all" > "$tmp/defined"
"$NM" -u "$archive" | awk 'NF == 2 { print $2 }' | sort -u > "$tmp/undefined"
# Each Argon2 archive defines some 50 global names; fewer means a missing or empty archive, which
# would make check 2 below pass on nothing.
: > "$tmp/argon2_all"
for argon2 in "$@"; do
    "$NM" -g --defined-only "$argon2" | awk 'NF == 3 { print $3 }' | sort -u > "$tmp/one"
    if [ "$(wc -l < "$tmp/one")" -lt 40 ]; then
        echo "FAIL: only $(wc -l < "$tmp/one") global names read from $argon2"
        status=1
    fi
    cat "$tmp/one" >> "$tmp/argon2_all"
done
sort -u "$tmp/argon2_all" > "$tmp/argon2"

map_count=$(wc -l < "$tmp/map")
argon2_count=$(wc -l < "$tmp/argon2")
defined_count=$(wc -l < "$tmp/defined_all")
echo "version script: $map_count symbols; libcloak.a: $defined_count global definitions;" \
    "$argon2_count Argon2 names from $*"
if [ "$map_count" -lt 50 ]; then
    echo "FAIL: only $map_count symbols read from $map (parse error?)"
    status=1
fi
if [ "$#" -eq 0 ]; then
    echo "FAIL: no Argon2 archive given"
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
    echo "FAIL: libcloak.a leaves Argon2 symbols undefined (they would bind to libsodium's copy):"
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
