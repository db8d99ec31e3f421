#!/bin/sh
# Builds the Node addon (binding/cloak.node) against the in-tree libcloak of BUILD_DIR (a meson
# build directory of the C library), with N-API headers from the npm package node-api-headers.
# A plain `cc -shared`: node-api symbols resolve against the node binary when it loads the addon.
# Usage: build-addon.sh BUILD_DIR
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: build-addon.sh BUILD_DIR}" && pwd)
root=$(cd "$here/../.." && pwd)
headers="$here/node_modules/node-api-headers/include"
[ -f "$headers/node_api.h" ] || { echo "build-addon: run npm ci first (node-api-headers)" >&2; exit 1; }
[ -f "$build/src/libcloak.so" ] || { echo "build-addon: $build/src/libcloak.so missing: ninja -C $build" >&2; exit 1; }
mkdir -p "$here/binding"
${CC:-cc} -std=c11 -O2 -fPIC -shared -fvisibility=hidden \
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wmissing-prototypes -Wcast-qual -Wvla -Werror \
    -DNAPI_VERSION=8 -DNODE_GYP_MODULE_NAME=cloak \
    -I"$root/include" -I"$here/csrc" -isystem "$headers" \
    "$here/csrc/cloak_js.c" "$here/csrc/cloak_node.c" \
    -L"$build/src" -lcloak -Wl,-rpath,"$build/src" \
    -o "$here/binding/cloak.node"
echo "build-addon: binding/cloak.node (libcloak from $build/src)"
