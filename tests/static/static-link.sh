#!/bin/sh
# Links tests/static/static_derive.c fully statically against libcloak.a and libsodium.a, in both
# orders, runs each program and compares its output with the dynamically linked twin's:
#   static-link.sh WORKDIR SOURCE INCLUDE_DIR LIBCLOAK.a LIBSODIUM.a DYNAMIC_TWIN SANITIZE
# CC is the C compiler command (meson passes its own). The program calls libsodium's Argon2id too,
# so libsodium's Argon2 internals and libcloak's are linked into the same executable; the test
# checks that both copies are present and that each computes the right result.
set -eu
tmp=$1 src=$2 inc=$3 cloak_a=$4 sodium_a=$5 twin=$6 sanitize=$7
CC=${CC:-cc}

if [ "$sanitize" != none ]; then
    echo "SKIP: sanitizer build (b_sanitize=$sanitize): sanitizer runtimes cannot be linked statically"
    exit 77
fi
if [ ! -f "$sodium_a" ]; then
    echo "FAIL: $sodium_a not found (the static libsodium is needed for this test)"
    exit 1
fi

# WORKDIR (under the build directory) is emptied first and left for inspection; no `trap`, whose
# command string dash never frees (a definite leak for valgrind if this runs under it).
rm -rf "$tmp"
mkdir -p "$tmp"

expected=$("$twin")
echo "dynamic twin ($twin):"
echo "$expected" | sed 's/^/  /'

# Word splitting of $CC is intended (it may be "ccache cc").
# shellcheck disable=SC2086
$CC -std=c11 -O2 -I"$inc" -c "$src" -o "$tmp/prog.o"

status=0
try_link() {
    name=$1
    shift
    echo
    echo "[$name] $CC -static -o $name prog.o $* -pthread"
    # shellcheck disable=SC2086
    if ! $CC -static -o "$tmp/$name" "$tmp/prog.o" "$@" -pthread > "$tmp/$name.log" 2>&1; then
        sed 's/^/  /' "$tmp/$name.log"
        echo "FAIL [$name]: link failed"
        status=1
        return
    fi
    sed 's/^/  /' "$tmp/$name.log"
    if readelf -l "$tmp/$name" | grep -q INTERP || readelf -d "$tmp/$name" | grep -q NEEDED; then
        echo "FAIL [$name]: not a fully static executable"
        status=1
        return
    fi
    # Both Argon2 copies are there: libsodium's global argon2_ctx and libcloak's local one.
    copies=$(nm "$tmp/$name" | awk '$3 == "argon2_ctx" || $3 == "cloak_argon2_argon2_ctx" { print $2 }' | sort | tr -d '\n')
    if [ "$copies" != "Tt" ]; then
        echo "FAIL [$name]: expected libsodium's (T) and libcloak's (t) argon2_ctx, found '$copies'"
        status=1
        return
    fi
    if ! out=$("$tmp/$name"); then
        echo "$out" | sed 's/^/  /'
        echo "FAIL [$name]: the program failed (wrong keys, see above)"
        status=1
        return
    fi
    echo "$out" | sed 's/^/  /'
    if [ "$out" != "$expected" ]; then
        echo "FAIL [$name]: output differs from the dynamic twin's"
        status=1
        return
    fi
    echo "OK [$name]: static, both Argon2 copies linked, same keys as the dynamic build"
}

# libcloak.a first: the order pkg-config gives (-lcloak -lsodium).
try_link cloak-first "$cloak_a" "$sodium_a"
# libsodium.a first, so its Argon2 objects are loaded before libcloak.o; a single-pass linker then
# needs libsodium.a again for libcloak's own references.
try_link sodium-first "$sodium_a" "$cloak_a" "$sodium_a"
# libsodium.a first inside a group, where the linker rescans until nothing is left undefined.
try_link sodium-first-group -Wl,--start-group "$sodium_a" "$cloak_a" -Wl,--end-group

exit "$status"
