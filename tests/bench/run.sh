#!/bin/sh
# Reruns every figure of docs/performance.md:
#   tests/bench/run.sh [--peers | --password] [OUT_DIR]
# 1. the benchmark (libcloak against its floor, and the primitives alone) in the default build
#    (debugoptimized; Argon2 from the optimised kernel on x86-64, whose sources the build fetches
#    from the npm registry, or takes from CLOAK_ARGON2_TARBALL): build directory $BENCH_BUILD
#    (default build-bench);
# 2. the password rows again, 11 repetitions, in that build and in one with the system libargon2
#    ($BENCH_BUILD/system-kernel, -Dargon2_kernel=system), one after the other;
# 3. with --peers: the WebCrypto (Node) and pyca/pyhpke (Python, in a venv under OUT_DIR) peers,
#    and their ratios to libcloak.
# --password runs step 2 only (the issue 14 row: the default build's password derivation against
# libsodium's crypto_pwhash, same m and t, one lane, in one run).
# Outputs (text and JSON) go to OUT_DIR (default: $BENCH_BUILD/results). Run it on an idle
# machine: the benchmark prints the load average before and after.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
mode=all
case "${1:-}" in
--peers) mode=peers; shift ;;
--password) mode=password; shift ;;
esac
cd "$root"
build=${BENCH_BUILD:-build-bench}
system=$build/system-kernel
out=${1:-$build/results}
mkdir -p "$out"

[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" tests/bench/bench >/dev/null
if [ "$mode" != password ]; then
    "$build"/tests/bench/bench --breakdown --json "$out/bench.json" | tee "$out/bench.txt"
    echo
fi

"$build"/tests/bench/bench --only password --reps 11 --json "$out/bench-password.json" \
    | tee "$out/bench-password.txt"
echo
[ -f "$system/build.ninja" ] || meson setup "$system" -Dargon2_kernel=system >/dev/null
ninja -C "$system" tests/bench/bench >/dev/null
"$system"/tests/bench/bench --only password --reps 11 --json "$out/bench-system-password.json" \
    | tee "$out/bench-system-password.txt"

if [ "$mode" = peers ]; then
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
