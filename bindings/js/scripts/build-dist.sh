#!/bin/sh
# Builds dist/ from src/ after wasm/build.sh has written dist/cloak-wasm.mjs and .wasm:
#   - the TypeScript (tsc): index.js (Node), browser.js (browsers, bundlers), cloak.js (the API), ...
#   - dist/cloak-worker.js: the browser worker of callAsync() bundled into one file with the
#     emscripten module (esbuild, a pinned devDependency), so that it can be served or copied alone
#     (its .wasm arrives in a message, compiled);
#   - a check that the browser entry's module graph imports nothing from node:*.
# Usage: scripts/build-dist.sh
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
[ -f dist/cloak-wasm.mjs ] || { echo "build-dist: dist/cloak-wasm.mjs missing: run wasm/build.sh BUILD_DIR first" >&2; exit 1; }
npx tsc -p tsconfig.json
npx esbuild dist/wasm-worker-browser.js --bundle --format=esm --platform=browser --log-level=warning \
    --outfile=dist/cloak-worker.js
rm -f dist/wasm-worker-browser.js dist/wasm-worker-browser.d.ts
# The browser graph, followed from dist/browser.js by esbuild for the browser platform (which fails
# on a node:* import), then searched for one.
graph=$(npx esbuild dist/browser.js --bundle --format=esm --platform=browser --log-level=error --metafile=/dev/stdout --outfile=/dev/null)
if printf '%s' "$graph" | grep -q '"node:'; then
    echo "build-dist: the browser entry imports node:* modules" >&2
    exit 1
fi
echo "build-dist: dist/ (index.js for Node, browser.js and cloak-worker.js for browsers)"
