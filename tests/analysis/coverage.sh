#!/bin/sh
# Line and branch coverage of the library's own code (src/, without the optional third-party Argon2
# kernel) under the plain test suite, measured with gcov and reported with gcovr.
# Usage: tests/analysis/coverage.sh BUILD_DIR
#   Configures BUILD_DIR (created if needed) with -Db_coverage=true at -O0 (optimised code maps
#   badly back to lines and branches), runs `meson test`, prints per-file line and branch
#   coverage, and fails if line coverage of src/ is below 90%. An annotated HTML report is written
#   to BUILD_DIR/coverage/index.html.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
min_lines=90

if [ -f "$build/build.ninja" ]; then
    meson configure "$build" -Db_coverage=true -Dbuildtype=debug >/dev/null
else
    meson setup "$build" "$root" -Db_coverage=true --buildtype=debug >/dev/null
fi
build=$(cd "$build" && pwd)
ninja -C "$build" >/dev/null
# Counts add up across runs: start from zero.
find "$build" -name '*.gcda' -exec rm -f {} +
# The static-link suite links libcloak.a into programs without the gcov runtime: left out.
meson test -C "$build" --no-suite static --print-errorlogs >/dev/null || {
    echo "the test suite failed; coverage not measured (see $build/meson-logs/testlog.txt)" >&2
    exit 1
}

gcov_filter() {
    gcovr --root "$root" --object-directory "$build" \
        --filter "$root/src/" --exclude "$root/src/argon2-kernel/" \
        --exclude-unreachable-branches "$@"
}
echo "== lines (src/)"
gcov_filter --txt
echo "== branches (src/)"
gcov_filter --txt --branches
mkdir -p "$build/coverage"
gcov_filter --html-details "$build/coverage/index.html" --print-summary --fail-under-line "$min_lines" || {
    echo "FAIL: line coverage of src/ is below $min_lines% (details: $build/coverage/index.html)" >&2
    exit 1
}
echo "line coverage of src/ is at least $min_lines% (details: $build/coverage/index.html)"
