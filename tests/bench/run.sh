#!/bin/sh
# Reruns every figure of docs/performance.md:
#   tests/bench/run.sh [--peers] [OUT_DIR]
# 1. the benchmark (libcloak against its floor, and the primitives alone) in the default build
#    (debugoptimized) with the system libargon2: build directory $BENCH_BUILD (default build-bench);
# 2. the password row again with -Dargon2_kernel=optimized ($BENCH_BUILD/opt-kernel; the build
#    fetches the Argon2 sources from the npm registry, or takes CLOAK_ARGON2_TARBALL), next to a
#    rerun of the same row with the system libargon2;
# 3. with --peers: the WebCrypto (Node) and pyca/pyhpke (Python, in a venv under OUT_DIR) peers,
#    and their ratios to libcloak.
# Outputs (text and JSON) go to OUT_DIR (default: $BENCH_BUILD/results). Run it on an idle
# machine: the benchmark prints the load average before and after.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
peers=0
if [ "${1:-}" = "--peers" ]; then
    peers=1
    shift
fi
cd "$root"
build=${BENCH_BUILD:-build-bench}
opt=$build/opt-kernel
out=${1:-$build/results}
mkdir -p "$out"

[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" tests/bench/bench >/dev/null
"$build"/tests/bench/bench --breakdown --json "$out/bench.json" | tee "$out/bench.txt"

echo
[ -f "$opt/build.ninja" ] || meson setup "$opt" -Dargon2_kernel=optimized >/dev/null
ninja -C "$opt" tests/bench/bench >/dev/null
"$opt"/tests/bench/bench --only password --reps 11 --json "$out/bench-opt.json" | tee "$out/bench-opt.txt"
echo
"$build"/tests/bench/bench --only password --reps 11 --json "$out/bench-system-password.json" \
    | tee "$out/bench-system-password.txt"

if [ "$peers" -eq 1 ]; then
    echo
    if [ ! -x "$out/venv/bin/python" ]; then
        python3 -m venv "$out/venv"
        "$out/venv/bin/pip" install --quiet pyhpke cryptography
    fi
    node tests/bench/peers/webcrypto.mjs --json "$out/webcrypto.json"
    "$out/venv/bin/python" tests/bench/peers/pyca_hpke.py --json "$out/pyca.json"
    echo
    python3 tests/bench/peers/compare.py "$out/bench.json" "$out/webcrypto.json" "$out/pyca.json" \
        | tee "$out/peers.md"
fi
