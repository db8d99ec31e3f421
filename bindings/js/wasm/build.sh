#!/bin/sh
# Builds the WebAssembly backend: libcloak + libsodium 1.0.18 + the Argon2 reference library,
# compiled with emscripten into one ES module (dist/cloak-wasm.mjs) and its dist/cloak-wasm.wasm.
# Third-party sources are fetched at build time (scripts/fetch-sources.sh, pinned by SHA-256) into
# BUILD_DIR/js; objects are cached there too.
# The module targets web and worker environments; Node >= 20 loads the same module and passes it
# the .wasm bytes (src/wasm.ts), since the web loader would fetch() a file path under Node.
# Usage: wasm/build.sh BUILD_DIR
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "${1:?usage: wasm/build.sh BUILD_DIR}/js"
work=$(cd "$1/js" && pwd)
command -v emcc >/dev/null || { echo "wasm/build.sh: emcc missing (apt-get install emscripten)" >&2; exit 1; }
# Debian's emscripten needs acorn from Debian's node modules for ES-module output.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
export EM_CACHE="$work/em-cache"
if [ ! -d "$EM_CACHE" ]; then
    # Debian ships the prebuilt system libraries read-only; a writable copy per build directory.
    mkdir -p "$EM_CACHE"
    cp -r /usr/share/emscripten/cache/. "$EM_CACHE/" 2>/dev/null || true
fi

"$here/scripts/fetch-sources.sh" "$work/third-party"
sodium="$work/third-party/libsodium/src/libsodium"
argon2="$work/third-party/argon2"
# ML-KEM-768 and Keccak for src/mlkem.c: the native build's own fetch script, with its pins (and its
# CLOAK_MLKEM_CRATE and CLOAK_PQCLEAN_TARBALL for offline builds); again when the script changes.
mlkem="$work/third-party/mlkem"
mlkem_fetch="$root/src/mlkem-native/fetch-mlkem.py"
if [ ! "$mlkem/cloak_mlkem_upstream.h" -nt "$mlkem_fetch" ]; then
    mkdir -p "$mlkem"
    python3 "$mlkem_fetch" --out "$mlkem" --stamp "$mlkem/cloak_mlkem_upstream.h"
fi

OPT=${CLOAK_WASM_OPT:--O3}
CFLAGS="$OPT"

# libsodium: every .c file but its randombytes and Argon2 (see wasm/cloak_wasm.c).
if [ ! -f "$sodium/include/sodium/version.h" ]; then
    sed -e 's/@VERSION@/1.0.18/' -e 's/@SODIUM_LIBRARY_VERSION_MAJOR@/10/' \
        -e 's/@SODIUM_LIBRARY_VERSION_MINOR@/3/' -e 's/@SODIUM_LIBRARY_MINIMAL_DEF@//' \
        "$sodium/include/sodium/version.h.in" > "$sodium/include/sodium/version.h"
fi
# libsodium as its configure script would set it up for this target (explicit_bzero for
# sodium_memzero, as on Linux, rather than a byte loop through a volatile pointer).
SODIUM_FLAGS="-DCONFIGURED=1 -DNATIVE_LITTLE_ENDIAN=1 -DHAVE_STDINT_H -DHAVE_INTTYPES_H -DSODIUM_STATIC -D_DEFAULT_SOURCE -DHAVE_EXPLICIT_BZERO"
# Objects are cached per set of flags.
objs="$work/obj-$(echo "$CFLAGS $SODIUM_FLAGS $(emcc --version | sed -n 1p)" | sha256sum | cut -c1-12)"
mkdir -p "$objs/sodium" "$objs/cloak"
if [ ! -f "$objs/libsodium.a" ]; then
    find "$sodium" -name '*.c' | grep -v -e '/crypto_pwhash/' -e '/randombytes/' | sort > "$objs/sodium.list"
    # Parallel compile, two at a time per core.
    jobs=$(( $(nproc) * 2 ))
    xargs -P "$jobs" -I{} sh -c 'o="$1/sodium/$(echo "$2" | sed "s|^$3/||; s|/|_|g; s|\.c$|.o|")"; emcc '"$CFLAGS $SODIUM_FLAGS"' -w \
        -I"$3/include" -I"$3/include/sodium" -c "$2" -o "$o"' _ "$objs" {} "$sodium" < "$objs/sodium.list"
    emar rcs "$objs/libsodium.a" "$objs"/sodium/*.o
    echo "wasm/build.sh: libsodium: $(wc -l < "$objs/sodium.list") files"
fi
# Argon2 reference library without threads: lanes are computed one after another. Its kernel is
# opt.c, the SSE2/SSSE3 one, which emscripten maps onto WebAssembly SIMD (CLOAK_WASM_ARGON2=ref for
# the portable ref.c instead).
kernel=${CLOAK_WASM_ARGON2:-opt}
case $kernel in
opt) kflags="-msimd128 -msse2 -mssse3"; kname="reference opt.c (SSSE3 on WebAssembly SIMD128), lanes one after another" ;;
ref) kflags=; kname="reference ref.c (portable), lanes one after another" ;;
*) echo "wasm/build.sh: CLOAK_WASM_ARGON2 must be opt or ref" >&2; exit 1 ;;
esac
if [ ! -f "$objs/libargon2-$kernel.a" ]; then
    mkdir -p "$objs/argon2-$kernel"
    for f in argon2 core encoding $kernel blake2/blake2b; do
        emcc $CFLAGS $kflags -w -DARGON2_NO_THREADS -I"$argon2/include" -I"$argon2/src" \
            -c "$argon2/src/$f.c" -o "$objs/argon2-$kernel/$(basename $f).o"
    done
    emar rcs "$objs/libargon2-$kernel.a" "$objs/argon2-$kernel"/*.o
fi
# libcloak itself, with the project's warnings, and the glue. cloak_password_kernel() names the
# native build's Argon2 (src/argon2_kernel_name.c); here it is the glue's, which names the kernel
# compiled just above. src/mlkem.c also takes its configuration and glue (src/mlkem-native), the
# stamp header, and the fetched sources as system headers, as in src/mlkem-native/meson.build.
WARN="-std=c11 -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wmissing-prototypes -Wcast-qual -Wvla -Werror"
cloak_objs=
for f in "$root"/src/*.c; do
    [ "$(basename "$f")" != argon2_kernel_name.c ] || continue
    o="$objs/cloak/$(basename "$f" .c).o"
    extra=
    if [ "$(basename "$f")" = mlkem.c ]; then
        extra="-I$root/src/mlkem-native -I$mlkem -isystem $mlkem/upstream/mlkem -isystem $mlkem/upstream/pqclean"
    fi
    # shellcheck disable=SC2086
    emcc $CFLAGS $WARN -DCLOAK_BUILDING -I"$root/include" -I"$root/src" $extra \
        -isystem "$sodium/include" -isystem "$argon2/include" -c "$f" -o "$o"
    cloak_objs="$cloak_objs $o"
done
for f in "$here/csrc/cloak_js.c" "$here/wasm/cloak_wasm.c"; do
    o="$objs/cloak/js_$(basename "$f" .c).o"
    emcc $CFLAGS $WARN -Wno-gnu-zero-variadic-macro-arguments -Wno-dollar-in-identifier-extension -Wno-extra-semi \
        -DCLOAK_WASM_ARGON2_KERNEL="\"$kname\"" \
        -I"$root/include" -I"$here/csrc" -isystem "$sodium/include" -c "$f" -o "$o"
    cloak_objs="$cloak_objs $o"
done

mkdir -p "$here/dist"
# shellcheck disable=SC2086
emcc $CFLAGS $cloak_objs "$objs/libargon2-$kernel.a" "$objs/libsodium.a" \
    -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createCloakModule -sENVIRONMENT=web,worker \
    -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=16777216 -sMAXIMUM_MEMORY=2147483648 \
    -sFILESYSTEM=0 -sEXIT_RUNTIME=0 -sINCOMING_MODULE_JS_API=wasmBinary,locateFile,instantiateWasm \
    -sEXPORTED_FUNCTIONS=_malloc,_free,_cloak_js_call \
    -sEXPORTED_RUNTIME_METHODS=HEAPU8 \
    -o "$here/dist/cloak-wasm.mjs"
wasm_size=$(wc -c < "$here/dist/cloak-wasm.wasm")
gz_size=$(gzip -9 -c "$here/dist/cloak-wasm.wasm" | wc -c)
echo "wasm/build.sh: dist/cloak-wasm.wasm $wasm_size bytes, $gz_size gzipped ($OPT, Argon2 kernel $kernel)"
