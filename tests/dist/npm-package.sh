#!/bin/sh
# The npm package libcloak as a user gets it, in a fresh temporary project outside the repository:
#   sh tests/dist/npm-package.sh        (from anywhere, as root on Debian 12; needs node >= 20, npm,
#                                        cc, meson, ninja, emscripten, chromium, readelf, python3, and
#                                        the npm registry for the pinned tools below)
# 1. Packs once (bindings/js/scripts/pack.sh, into the temporary directory; libcloak built with
#    -Dlibsodium=bundled in BUILD, default build-npm at the repository root, kept between runs so
#    that its libsodium and WebAssembly objects are built once): the tarball, its SBOM and
#    SHA256SUMS (checked); the addon inside the tarball NEEDs no libsodium, libargon2 or libcloak and
#    has no RPATH or RUNPATH.
# 2. `npm install --offline <tarball>` in a fresh project with a PATH holding only node and npm (no
#    cc, gcc, clang, make or python: checked), then the whole story (examples/web/story.js: register
#    and derive, vault, share, secrets, X-Wing, batch, rotation, a hostile server) on the default
#    backend, which must be the prebuilt addon, with no warning.
# 3. The backend choice: LIBCLOAK_BACKEND=wasm gives WebAssembly without a warning; with no fitting
#    prebuilt (LIBC=musl) load() falls back to WebAssembly and says so in one line, and
#    backend 'native' throws; passwordDeriveAsync on WebAssembly from `node --input-type=module -e`
#    (the worker gets execArgv []); a worker that throws rejects with its own error; node-gyp-build's
#    own lookup finds the same prebuilt file.
# 4. Bundlers (esbuild 0.28.2 and Vite 8.4.0, from npm, pinned) build the demo page
#    (examples/web/index.html, app.js, story.js) against the installed package: esbuild with the .wasm
#    and the worker copied next to the bundle, and again with them elsewhere named by explicit URLs;
#    Vite emitting them itself. Each output directory alone is served on 127.0.0.1 and the story runs
#    in headless Chromium (playwright-core 1.65.1), loading the .wasm and the worker from it.
# Prints each check, the tarball and .wasm sizes and the time taken; exits non-zero on any failure.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
start=$(date +%s)
build=${BUILD:-$root/build-npm}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cloak-npm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
for tool in node npm cc meson ninja emcc readelf python3 sha256sum; do
    command -v "$tool" >/dev/null || fail "$tool not found (tests/deps.sh and bindings/js/run-tests.sh install it)"
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "chromium not found (apt-get install chromium)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || fail "node >= 20 needed, found $(node --version)"
export npm_config_cache="$tmp/npm-cache" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

# 1. Pack once.
sh "$root/bindings/js/scripts/pack.sh" "$tmp/out" "$build" > "$tmp/pack.log" 2>&1 || { cat "$tmp/pack.log"; fail "pack.sh"; }
grep '^pack: ' "$tmp/pack.log"
tgz=$(ls "$tmp"/out/libcloak-*.tgz)
(cd "$tmp/out" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["bomFormat"] == "CycloneDX" and len(d["components"]) >= 5' \
    "$tmp"/out/libcloak-*.cdx.json || fail "the SBOM"
ok "packed $(basename "$tgz"); SHA256SUMS and the SBOM ($(basename "$tmp"/out/*.cdx.json)) check out"
mkdir "$tmp/x"
tar xzf "$tgz" -C "$tmp/x"
addon=$tmp/x/package/prebuilds/linux-x64/libcloak.napi.glibc.node
[ -f "$addon" ] || fail "no prebuilds/linux-x64/libcloak.napi.glibc.node in the tarball"
! readelf -d "$addon" | grep -E '\(NEEDED\)' | grep -q -E 'sodium|argon2|cloak' || fail "the addon NEEDs $(readelf -d "$addon" | grep NEEDED)"
! readelf -d "$addon" | grep -q -E '\((RPATH|RUNPATH)\)' || fail "the addon has an RPATH or RUNPATH"
ok "the tarball's addon NEEDs only $(readelf -d "$addon" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')(no RPATH/RUNPATH)"

# 2. A project with no compiler on its PATH: node and npm only.
mkdir -p "$tmp/bin" "$tmp/app"
ln -s "$(command -v node)" "$tmp/bin/node"
ln -s "$(readlink -f "$(command -v npm)")" "$tmp/bin/npm"
for t in cc gcc clang make python python3 c++ g++ ld; do
    ! env PATH="$tmp/bin" /bin/sh -c "command -v $t" >/dev/null 2>&1 || fail "$t is on the stripped PATH"
done
ok "the stripped PATH ($tmp/bin) has node and npm, and no cc, gcc, clang, make, python or ld"
cd "$tmp/app"
printf '{ "name": "cloak-npm-test", "version": "1.0.0", "private": true, "type": "module" }\n' > package.json
env PATH="$tmp/bin" npm install --offline --no-audit --no-fund --loglevel=error "$tgz" > "$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; fail "npm install of the tarball with no compiler"; }
[ ! -e node_modules/libcloak/build ] || fail "the install built something (node_modules/libcloak/build)"
ok "npm install --offline $(basename "$tgz"): no compiler, no network, no install script"
cp "$root/examples/web/story.js" "$root/examples/web/node-story.mjs" .
env PATH="$tmp/bin" node node-story.mjs > "$tmp/story.out" 2> "$tmp/story.err" || { cat "$tmp/story.out" "$tmp/story.err"; fail "the story on the default backend"; }
tail -n 1 "$tmp/story.out" | grep -q '^all steps passed on native (asked: auto)' || { cat "$tmp/story.out"; fail "the story did not run on the addon"; }
[ ! -s "$tmp/story.err" ] || { cat "$tmp/story.err"; fail "load() printed a warning with a fitting prebuilt"; }
ok "the story on the prebuilt addon, the default backend: $(grep -c '^ok ' "$tmp/story.out") steps ($(tail -n 1 "$tmp/story.out"))"

# 3. The backend choice, the worker's flags and its errors.
cat > choice.mjs <<'EOF'
import assert from 'node:assert/strict';
import { load } from 'libcloak';
const warnings = [];
console.warn = (m) => warnings.push(String(m));
const [what] = process.argv.slice(2);
const small = async (c) => {
  const record = c.passwordRecordNew({ memoryKib: 16384, iterations: 1, parallelism: 1 });
  const policy = c.passwordPolicy({ memoryKibMin: 16384, costMin: 16384 });
  return c.passwordDeriveAsync('pw', record, { accountId: 'a@example.com', policy });
};
if (what === 'default') {
  const c = await load();
  assert.equal(c.backendName, 'native');
  assert.match(c.backendDetail, /node_modules\/libcloak\/prebuilds\/linux-x64\/libcloak\.napi\.glibc\.node$/);
  assert.deepEqual(warnings, []);
  console.log(`native: ${c.backendDetail}`);
} else if (what === 'env-wasm') {
  const c = await load();
  assert.equal(c.backendName, 'wasm');
  assert.deepEqual(warnings, []);
  assert.equal((await small(c)).masterKey.length, 32);
  c.close();
  console.log(`LIBCLOAK_BACKEND=wasm: ${c.backendDetail}, no warning`);
} else if (what === 'no-fit') {
  const c = await load();
  assert.equal(c.backendName, 'wasm');
  assert.equal(warnings.length, 1);
  assert.doesNotMatch(warnings[0], /\n/);
  assert.match(warnings[0], /^libcloak: no addon in prebuilds\/linux-x64\/ fits linux-x64 \(musl\).*; using WebAssembly instead/);
  assert.match(c.backendDetail, /^WebAssembly \(fallback: /);
  c.close();
  await assert.rejects(load({ backend: 'native' }), /libcloak: no addon in prebuilds\/linux-x64\/ fits/);
  console.log(`no fitting prebuilt: "${warnings[0]}"; backend 'native' throws`);
} else if (what === 'worker-error') {
  const c = await load({ backend: 'wasm', wasm: { workerUrl: new URL('./bad-worker.mjs', import.meta.url) } });
  await assert.rejects(small(c), (e) => e instanceof Error && e.message === 'bad-worker: this worker cannot start');
  c.close();
  console.log('a failing worker: passwordDeriveAsync rejects with the worker\'s own error');
}
EOF
printf "throw new Error('bad-worker: this worker cannot start');\n" > bad-worker.mjs
env PATH="$tmp/bin" node choice.mjs default || fail "the default backend"
env PATH="$tmp/bin" LIBCLOAK_BACKEND=wasm node choice.mjs env-wasm || fail "LIBCLOAK_BACKEND=wasm"
env PATH="$tmp/bin" LIBC=musl node choice.mjs no-fit || fail "the fallback with no fitting prebuilt"
env PATH="$tmp/bin" node choice.mjs worker-error || fail "a worker's error"
env PATH="$tmp/bin" node --input-type=module -e "
import { load } from 'libcloak';
const c = await load({ backend: 'wasm' });
const r = c.passwordRecordNew({ memoryKib: 16384, iterations: 1, parallelism: 1 });
const k = await c.passwordDeriveAsync('pw', r, { accountId: 'a', policy: c.passwordPolicy({ memoryKibMin: 16384, costMin: 16384 }) });
if (k.masterKey.length !== 32) process.exit(1);
c.close();
" || fail "passwordDeriveAsync on WebAssembly under node --input-type=module -e"
ok "passwordDeriveAsync on WebAssembly from node --input-type=module -e (the worker does not inherit the flag)"

# 4. Bundlers and the browser. The tools come from npm, pinned (this is the one step that needs the
# registry); node-gyp-build to check the prebuilt's layout against the usual loader.
npm install --no-audit --no-fund --loglevel=error --save-dev esbuild@0.28.2 vite@8.4.0 playwright-core@1.65.1 \
    node-gyp-build@4.8.4 > "$tmp/tools.log" 2>&1 || { cat "$tmp/tools.log"; fail "npm install of esbuild, vite, playwright-core, node-gyp-build"; }
found=$(node -e "console.log(require('node-gyp-build').path(require('node:path').resolve('node_modules/libcloak')))")
[ "$found" = "$tmp/app/node_modules/libcloak/prebuilds/linux-x64/libcloak.napi.glibc.node" ] || fail "node-gyp-build finds $found"
ok "node-gyp-build@4.8.4 finds the same prebuilt: prebuilds/linux-x64/libcloak.napi.glibc.node"

mkdir web
cp "$root/examples/web/app.js" "$root/examples/web/story.js" web/
# The import map is the repository's unbundled route to the package; a bundler resolves 'libcloak'.
sed '/<script type="importmap">/d' "$root/examples/web/index.html" > web/index.html
npx esbuild web/app.js --bundle --format=esm --platform=browser --log-level=warning --outdir=out-esbuild \
    || fail "esbuild bundle of the page"
! grep -q '"node:' out-esbuild/app.js || fail "the esbuild bundle imports node:*"
cp web/index.html out-esbuild/index.html
mkdir -p out-esbuild-explicit/vendor
cp out-esbuild/app.js out-esbuild/index.html out-esbuild-explicit/
cp node_modules/libcloak/dist/cloak-wasm.wasm node_modules/libcloak/dist/cloak-worker.js out-esbuild/
cp node_modules/libcloak/dist/cloak-wasm.wasm node_modules/libcloak/dist/cloak-worker.js out-esbuild-explicit/vendor/
ok "esbuild 0.28.2: out-esbuild/app.js ($(wc -c < out-esbuild/app.js) bytes, no node:* import)"
npx vite build web --outDir ../out-vite --emptyOutDir --logLevel warn > "$tmp/vite.log" 2>&1 || { cat "$tmp/vite.log"; fail "vite build of the page"; }
ok "vite 8.4.0: out-vite ($(cd out-vite && find . -type f | sort | tr '\n' ' '))"
cp "$root/bindings/js/test/package-pages.mjs" "$root/bindings/js/test/static-server.mjs" .
node package-pages.mjs "esbuild=$tmp/app/out-esbuild" \
    "esbuild, explicit URLs=$tmp/app/out-esbuild-explicit?wasm=vendor/cloak-wasm.wasm&worker=vendor/cloak-worker.js" \
    "vite=$tmp/app/out-vite" || fail "the story in Chromium"

wasm=node_modules/libcloak/dist/cloak-wasm.wasm
echo "sizes: tarball $(wc -c < "$tgz") bytes; .wasm $(wc -c < "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) gzipped (budget 153600); addon $(wc -c < node_modules/libcloak/prebuilds/linux-x64/libcloak.napi.glibc.node) bytes"
echo "npm-package: all checks passed in $(( $(date +%s) - start )) s"
