#!/usr/bin/env bash
# Builds the libFuzzer harnesses, writes their seed corpora and runs every harness for SECONDS.
#
# Usage: fuzz/run.sh SECONDS [BUILD_DIR]        (from anywhere)
#
#   BUILD_DIR   default: build-fuzz in the source tree. Configured here if it does not exist
#               (CC=clang meson setup BUILD_DIR -Dfuzz=true -Dtests=false); an existing one must be
#               a clang build, and gets -Dfuzz=true if it lacks it.
#
# Per harness it prints the executions, executions per second, coverage (cov: edges and ft:
# features from libFuzzer's last status line; they count libcloak's and the harness's code, since
# libsodium is not instrumented) and crashes, and exits 1 if any harness crashed (any ASan/UBSan
# report, failed property, leak, timeout or out-of-memory counts as a crash).
#
# Under BUILD_DIR:
#   fuzz-seeds/<harness>/      seeds written by make_corpus (rewritten on every run)
#   fuzz-corpus/<harness>/     the growing corpus (kept between runs; delete it for a fresh start)
#   fuzz-artifacts/<harness>/  crash-*, leak-*, timeout-*, oom-* inputs
#   fuzz-logs/<harness>.log    libFuzzer's output
# Reproduce a crash: BUILD_DIR/fuzz/<harness> BUILD_DIR/fuzz-artifacts/<harness>/crash-...
# See which statuses a corpus reaches: FUZZ_TRACE=1 BUILD_DIR/fuzz/<harness> -runs=0 DIR
#
# Environment:
#   FUZZ_HARNESSES  space-separated subset to run (default: every fuzz/fuzz_* harness built)
#   FUZZ_JOBS       harnesses run at once (default 1: SECONDS each, one after the other)
#   FUZZ_RUNS       also stop each harness after this many executions (libFuzzer -runs=N), whichever
#                   of SECONDS and N comes first; the long run: FUZZ_JOBS=2 FUZZ_RUNS=10000000
#                   fuzz/run.sh 7200 (each harness stops at ten million executions or two hours)
#   FUZZ_ARGS       extra libFuzzer flags (e.g. "-max_len=8192")
set -euo pipefail
# The whole script is one compound command, read before it runs: editing this file while it runs
# (a long run) cannot change what the running copy does.
{

usage() {
    echo "usage: $0 SECONDS [BUILD_DIR]" >&2
    exit 2
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
seconds=$1
case $seconds in '' | *[!0-9]*) usage ;; esac
[ "$seconds" -ge 1 ] || usage

root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build-fuzz}
case $build in /*) ;; *) build=$PWD/$build ;; esac
jobs=${FUZZ_JOBS:-1}
case ${FUZZ_RUNS:-} in *[!0-9]*) usage ;; esac

# --- build ----------------------------------------------------------------------------------------
# Runs a command quietly, showing its output only if it fails.
quiet() {
    local out
    if ! out=$("$@" 2>&1); then
        printf '%s\n' "$out" >&2
        echo "failed: $*" >&2
        exit 1
    fi
}

if [ ! -f "$build/build.ninja" ]; then
    echo "== configuring $build (clang, -Dfuzz=true)"
    CC=clang quiet meson setup "$build" "$root" -Dfuzz=true -Dtests=false
else
    info="$build/meson-info/intro-buildoptions.json"
    if ! python3 -c 'import json,sys; o={x["name"]: x["value"] for x in json.load(open(sys.argv[1]))}; sys.exit(0 if o.get("fuzz") else 1)' "$info"; then
        echo "== enabling -Dfuzz=true in $build"
        quiet meson configure "$build" -Dfuzz=true
    fi
fi
echo "== building the harnesses"
quiet ninja -C "$build" fuzz

# --- corpora --------------------------------------------------------------------------------------
seeds=$build/fuzz-seeds
rm -rf "$seeds"
"$build/fuzz/make_corpus" "$seeds"

if [ -n "${FUZZ_HARNESSES:-}" ]; then
    read -r -a harnesses <<<"$FUZZ_HARNESSES"
else
    harnesses=()
    for exe in "$build"/fuzz/fuzz_*; do
        [ -x "$exe" ] && [ -f "$exe" ] && harnesses+=("$(basename "$exe")")
    done
fi
[ ${#harnesses[@]} -gt 0 ] || { echo "no harnesses found in $build/fuzz" >&2; exit 1; }

mkdir -p "$build/fuzz-logs"
# Sanitizer reports abort, so libFuzzer records them as crashes.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# --- run ------------------------------------------------------------------------------------------
run_one() {
    local h=$1
    local exe=$build/fuzz/$h
    local corpus=$build/fuzz-corpus/$h
    local artifacts=$build/fuzz-artifacts/$h/
    local log=$build/fuzz-logs/$h.log
    local seed_dir=$seeds/$h
    mkdir -p "$corpus" "$artifacts" "$seed_dir"
    # shellcheck disable=SC2086
    "$exe" -max_total_time="$seconds" ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts" ${FUZZ_ARGS:-} "$corpus" "$seed_dir" >"$log" 2>&1
}

echo "== running ${#harnesses[@]} harnesses for ${seconds} s each (${jobs} at a time)"
# A harness's exit status is not needed: its log and artifacts say whether it crashed.
running=0
for h in "${harnesses[@]}"; do
    [ -x "$build/fuzz/$h" ] || { echo "no harness $h" >&2; exit 1; }
    rm -rf "$build/fuzz-artifacts/$h"
    if [ "$jobs" -le 1 ]; then
        run_one "$h" || true
    else
        run_one "$h" &
        running=$((running + 1))
        if [ "$running" -ge "$jobs" ]; then
            wait -n || true
            running=$((running - 1))
        fi
    fi
done
wait || true

# --- report ---------------------------------------------------------------------------------------
printf '\n%-22s %12s %9s %7s %8s %8s\n' harness executions exec/s cov ft crashes
failed=0
for h in "${harnesses[@]}"; do
    log=$build/fuzz-logs/$h.log
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+.* cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
    cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    crashes=$(find "$build/fuzz-artifacts/$h" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
        -o -name 'oom-*' \) | wc -l)
    # A libFuzzer that died without writing an input (a crash in setup) is a crash too.
    if [ "$crashes" -eq 0 ] && ! grep -q '^Done [0-9]* runs in\|DONE ' "$log"; then
        crashes=1
    fi
    printf '%-22s %12s %9s %7s %8s %8s\n' "$h" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" "$crashes"
    if [ "$crashes" -ne 0 ]; then
        failed=1
    fi
done

if [ "$failed" -ne 0 ]; then
    echo
    echo "CRASHES: see $build/fuzz-logs/<harness>.log; inputs:"
    find "$build/fuzz-artifacts" -type f | sed 's/^/  /'
    exit 1
fi
echo
echo "no crashes"
exit 0
}
