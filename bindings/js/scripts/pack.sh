#!/bin/sh
# Builds and packs the npm package libcloak into OUTDIR:
#   - libcloak in BUILD_DIR with -Dlibsodium=bundled -Dtests=false (set up if it is not; an existing
#     one must be bundled: its libsodium build and the WebAssembly objects are cached there);
#   - dist/: the WebAssembly module (wasm/build.sh), the TypeScript and the browser worker
#     (scripts/build-dist.sh);
#   - the prebuilt addon prebuilds/linux-x64/libcloak.napi.glibc.node (scripts/build-addon.sh),
#     checked: it NEEDs nothing but libc and ld-linux (no libsodium, libargon2 or libcloak), has no
#     RPATH or RUNPATH, and exports only its N-API entry points;
#   - the .wasm's size budget (150 KB gzipped);
#   - `npm pack`: OUTDIR/libcloak-VERSION.tgz, which installs without a compiler or install script;
#   - its SBOM, OUTDIR/libcloak-VERSION.cdx.json (tools/sbom.py: what the addon and the .wasm
#     compile in), and OUTDIR/SHA256SUMS over both.
# Needs cc, meson, ninja, emscripten, node >= 20 and npm (bindings/js/run-tests.sh or tests/deps.sh
# installs them), and the network for npm ci and the pinned third-party sources.
# Usage: scripts/pack.sh OUTDIR BUILD_DIR
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: pack.sh OUTDIR BUILD_DIR}
build=${2:?usage: pack.sh OUTDIR BUILD_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
say() { echo "pack: $*"; }
fail() { echo "pack: $*" >&2; exit 1; }

if [ ! -f "$build/build.ninja" ]; then
    say "meson setup $build -Dlibsodium=bundled -Dtests=false"
    meson setup "$build" "$root" -Dlibsodium=bundled -Dtests=false >/dev/null
fi
[ -f "$build/libsodium-bundled/prefix/lib/libsodium.a" ] ||
    fail "$build is not a -Dlibsodium=bundled build directory (the addon must carry libsodium)"

cd "$here"
[ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] ||
    npm ci --no-audit --no-fund --loglevel=error
version=$(node -p 'require("./package.json").version')

./wasm/build.sh "$build"
./scripts/build-dist.sh
./scripts/build-addon.sh "$build"

addon=prebuilds/linux-x64/libcloak.napi.glibc.node
needed=$(readelf -d "$addon" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
[ "$needed" = "ld-linux-x86-64.so.2 libc.so.6 " ] || fail "$addon NEEDs: $needed(only libc and ld-linux allowed)"
! readelf -d "$addon" | grep -q -E 'RPATH|RUNPATH' || fail "$addon has an RPATH or RUNPATH"
exported=$(nm -D --defined-only "$addon" | awk '{print $3}' | sort | tr '\n' ' ')
[ "$exported" = "napi_register_module_v1 node_api_module_get_api_version_v1 " ] || fail "$addon exports: $exported"
say "$addon: NEEDED $needed; no RUNPATH; exports $exported"

wasm_gz=$(gzip -9 -c dist/cloak-wasm.wasm | wc -c)
[ "$wasm_gz" -le 153600 ] || fail "dist/cloak-wasm.wasm is $wasm_gz bytes gzipped (budget 150 KB)"
say "dist/cloak-wasm.wasm: $(wc -c < dist/cloak-wasm.wasm) bytes, $wasm_gz gzipped"

cp "$root/LICENSE" LICENSE
rm -f "$out/libcloak-$version.tgz"
npm pack --pack-destination "$out" --loglevel=error >/dev/null
rm -f LICENSE
tgz="$out/libcloak-$version.tgz"
[ -f "$tgz" ] || fail "npm pack wrote no $tgz"
# What the tarball holds: dist (both entries, the module, the worker) and the addon; no sources.
list=$(tar tzf "$tgz")
for f in package/package.json package/LICENSE package/README.md package/dist/index.js package/dist/browser.js \
         package/dist/cloak-wasm.wasm package/dist/cloak-worker.js "package/$addon"; do
    printf '%s\n' "$list" | grep -qx "$f" || fail "$tgz lacks $f"
done

# The addon compiles in libcloak, libsodium 1.0.20 (bundled), Argon2, ML-KEM-768 and SHA-3; the
# .wasm libsodium 1.0.18 (Debian's source package) and the same others.
python3 "$root/tools/sbom.py" --package libcloak --version "$version" --kind npm \
    --component libsodium-bundled --component libsodium-debian --component argon2 \
    --component mlkem-native --component pqclean-fips202 \
    --artifact "$tgz" --out "$out/libcloak-$version.cdx.json"
(cd "$out" && sha256sum "libcloak-$version.tgz" "libcloak-$version.cdx.json" > SHA256SUMS)
say "$tgz: $(wc -c < "$tgz") bytes, $(printf '%s\n' "$list" | wc -l) files; SBOM libcloak-$version.cdx.json; SHA256SUMS"
