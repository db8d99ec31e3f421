#!/bin/sh
# Builds the Node addon into prebuilds/<platform>-<arch>/libcloak.napi.glibc.node, the
# prebuildify / node-gyp-build layout that src/native.ts looks up, from the libcloak of BUILD_DIR (a
# meson build directory of the C library), with N-API headers from the npm package node-api-headers.
#
# libcloak is linked in statically (BUILD_DIR/src/libcloak.a: one object, Argon2 inside on
# x86-64); libsodium too when BUILD_DIR was set up with -Dlibsodium=bundled (its libsodium.a, PIC):
# the addon then NEEDs only libc, has no RUNPATH, and exports only its N-API entry points
# (csrc/addon.map). With a system-libsodium build directory the addon links the system's
# libsodium.so instead (for the in-tree tests; scripts/pack.sh refuses such an addon).
# node-api symbols resolve against the node binary when it loads the addon.
# Usage: build-addon.sh BUILD_DIR
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: build-addon.sh BUILD_DIR}" && pwd)
root=$(cd "$here/../.." && pwd)
headers="$here/node_modules/node-api-headers/include"
[ -f "$headers/node_api.h" ] || { echo "build-addon: run npm ci first (node-api-headers)" >&2; exit 1; }
ninja -C "$build" src/libcloak.a >/dev/null
static="$build/src/libcloak.a"
sodium_a="$build/libsodium-bundled/prefix/lib/libsodium.a"
if [ -f "$sodium_a" ]; then
    sodium=$sodium_a
    kind="libcloak and libsodium linked in"
else
    sodium=$(pkg-config --libs libsodium)
    kind="libcloak linked in, the system's libsodium shared"
fi
# Argon2: compiled into libcloak.a (the default kernel on x86-64), else the system's libargon2.
argon2=
if nm -u "$static" | grep -q ' argon2_'; then argon2=-largon2; fi
tuple=$(node -p 'process.platform + "-" + process.arch')
out="$here/prebuilds/$tuple/libcloak.napi.glibc.node"
mkdir -p "$here/prebuilds/$tuple"
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -O2 -fPIC -shared -fvisibility=hidden \
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wmissing-prototypes -Wcast-qual -Wvla -Werror \
    -DNAPI_VERSION=8 -DNODE_GYP_MODULE_NAME=cloak \
    -I"$root/include" -I"$here/csrc" -isystem "$headers" \
    "$here/csrc/cloak_js.c" "$here/csrc/cloak_node.c" \
    "$static" $sodium $argon2 -pthread \
    -Wl,--version-script="$here/csrc/addon.map" -Wl,-z,relro,-z,now -Wl,--as-needed -Wl,-S \
    -o "$out.tmp"
mv "$out.tmp" "$out"
echo "build-addon: prebuilds/$tuple/libcloak.napi.glibc.node ($kind; libcloak from $build)"
