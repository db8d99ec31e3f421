#!/bin/sh
# Static analysis of the library's sources: cppcheck and clang-tidy over every src/ file of the
# build's compile_commands.json (the exact flags and defines the library is compiled with). Fails
# on any finding. Configuration: .clang-tidy (checks, each disabled one with its reason) and
# tests/analysis/cppcheck-suppressions.txt; a false positive at one place is suppressed inline
# with a comment saying why.
# Usage: tests/analysis/run.sh [BUILD_DIR]   (default: build-analysis, configured if needed)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-analysis}
if [ ! -f "$build/compile_commands.json" ]; then
    meson setup "$build" "$root" >/dev/null
fi
build=$(cd "$build" && pwd)

# The library's own sources in the database; the wrappers of the optional third-party Argon2
# kernel (src/argon2-kernel/unit_*.c) compile upstream code and are left out.
files=$(python3 - "$build/compile_commands.json" "$root/src" <<'EOF'
import json, os, sys
db, src = sys.argv[1], os.path.realpath(sys.argv[2])
seen = []
for entry in json.load(open(db)):
    path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
    rel = os.path.relpath(path, src)
    if rel.startswith("..") or not rel.endswith(".c") or path in seen:
        continue
    if rel.startswith("argon2-kernel" + os.sep + "unit_"):
        continue
    seen.append(path)
print("\n".join(sorted(seen)))
EOF
)
[ -n "$files" ] || { echo "no src/ file in $build/compile_commands.json" >&2; exit 1; }
count=$(echo "$files" | wc -l)
status=0

echo "== cppcheck $(cppcheck --version | cut -d' ' -f2) over $count files"
# A fresh work directory: cached results would not report the information messages again, and
# the suppressions file would then look unmatched.
rm -rf "$build/cppcheck" && mkdir -p "$build/cppcheck"
# information: reports unmatched inline suppressions too, so stale ones do not linger.
# shellcheck disable=SC2086
if ! cppcheck --project="$build/compile_commands.json" $(echo "$files" | sed 's/^/--file-filter=/') \
        --cppcheck-build-dir="$build/cppcheck" --std=c11 \
        --enable=warning,style,performance,portability,information --inconclusive \
        --inline-suppr --suppressions-list="$root/tests/analysis/cppcheck-suppressions.txt" \
        --error-exitcode=1 --quiet \
        --template='{file}:{line}:{column}: {severity}: {message} [{id}]'; then
    status=1
fi

echo "== clang-tidy $(clang-tidy --version | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -n 1) over $count files"
# The database may come from a gcc build: clang does not know every gcc warning flag.
for f in $files; do
    if ! clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option "$f" \
            2>"$build/clang-tidy.stderr"; then
        grep -v 'warnings\? generated\.$' "$build/clang-tidy.stderr" >&2 || true
        echo "clang-tidy: findings in ${f#"$root"/}" >&2
        status=1
    fi
done

if [ "$status" -ne 0 ]; then
    echo "FAIL: static analysis findings (fix them, or suppress a false positive inline with its reason)"
    exit 1
fi
echo "static analysis: no findings in $count files"
